from rest_framework import serializers

from config.api_input_limits import BoundedJSONField
from scoring_programs.columns import DEFAULT_LIMITS, LIMITS
from scoring_programs.models import ProgramRun, ScoringProgram


class ProgramInputSerializer(serializers.Serializer):
    phase = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Empty: the current phase."
    )
    track = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Empty: the default track."
    )
    program = serializers.FileField(
        help_text="A zip with metadata.yaml (its `command` runs the program) at its top."
    )
    reference = serializers.FileField(
        required=False, help_text="A zip of more reference data, unpacked into input/ref beside the solution."
    )
    columns = BoundedJSONField(
        help_text="The columns scores.json fills, in tie-break order: a JSON list of objects with key (in "
        "scores.json), label (the key unless given), direction (higher or lower), precision (4 unless given), "
        "shown (true unless given) and primary (exactly one: it ranks the board)."
    )

    def get_fields(self):
        fields = super().get_fields()
        for name, (setting, unit) in LIMITS.items():
            fields[name] = serializers.CharField(
                required=False,
                allow_blank=True,
                default="",
                help_text=f"{unit.capitalize()} per run, at most the server's {setting} "
                f"({DEFAULT_LIMITS[name]} unless given).",
            )
        return fields


class PairSelectionSerializer(serializers.Serializer):
    phase = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Empty: the current phase."
    )
    track = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Empty: the default track."
    )


class ProgramColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    direction = serializers.SerializerMethodField()
    precision = serializers.IntegerField()
    shown = serializers.BooleanField()
    primary = serializers.BooleanField()

    def get_direction(self, column: dict) -> str:
        return "higher" if column["higher_is_better"] else "lower"


class CodeRunSerializer(serializers.Serializer):
    """A run of the sample code (the host's own code: every log shown)."""

    inputs = serializers.CharField()
    status = serializers.CharField()
    failure = serializers.CharField()
    exit_code = serializers.IntegerField(allow_null=True)
    killed_by = serializers.CharField()
    wall_seconds = serializers.FloatField(allow_null=True)
    stdout = serializers.CharField()
    stderr = serializers.CharField()


class ProgramRunSerializer(serializers.ModelSerializer):
    submission = serializers.IntegerField(
        source="submission_id",
        allow_null=True,
        help_text="The submission it scored; for a code dry run, the host test submission of the sample code.",
    )
    sample = serializers.SerializerMethodField(
        help_text="A dry run's input: the file it scored, or `code` (the sample code's predictions)."
    )
    code_runs = serializers.SerializerMethodField(
        help_text="A code dry run's runs of the sample code, sample inputs first, with their logs."
    )

    class Meta:
        model = ProgramRun
        fields = [
            "id",
            "purpose",
            "status",
            "submission",
            "exit_code",
            "killed_by",
            "stdout",
            "stderr",
            "wall_seconds",
            "scores",
            "failure",
            "created_at",
            "finished_at",
            "sample",
            "code_runs",
        ]

    def get_sample(self, run: ProgramRun) -> str:
        if run.purpose != ProgramRun.Purpose.DRY_RUN:
            return ""
        return "code" if run.submission_id else run.sample_key.rsplit("/", 1)[-1]

    def get_code_runs(self, run: ProgramRun) -> list[dict]:
        return CodeRunSerializer(sample_code_runs(run), many=True).data


def sample_code_runs(run: ProgramRun) -> list:
    """A code dry run's runs of the sample code, sample inputs first."""
    if run.purpose != ProgramRun.Purpose.DRY_RUN or run.submission_id is None:
        return []
    return list(run.submission.code_runs.order_by("-inputs"))


class SampleCodeInputSerializer(serializers.Serializer):
    phase = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Empty: the current phase."
    )
    track = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Empty: the default track."
    )
    sample_code = serializers.FileField(
        help_text="A code zip, as a participant would submit it (model.py, main.py or a metadata file at its top)."
    )


class SampleCodeSerializer(serializers.Serializer):
    phase = serializers.IntegerField(source="pair.phase.number")
    track = serializers.CharField(source="pair.track.slug")
    file_name = serializers.CharField()
    file_sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()


class ProgramSerializer(serializers.ModelSerializer):
    phase = serializers.IntegerField(source="pair.phase.number")
    track = serializers.CharField(source="pair.track.slug")
    columns = ProgramColumnSerializer(many=True)
    dry_run = serializers.SerializerMethodField()
    is_current = serializers.SerializerMethodField(
        help_text="False while a rescore brings it in (the pair had scores), or once a newer one replaced it."
    )
    rescore = serializers.SerializerMethodField(
        help_text="The rescore that brings it in (the Host tab's rescore page shows its progress), if any."
    )

    class Meta:
        model = ScoringProgram
        fields = [
            "phase",
            "track",
            "archive_name",
            "archive_sha256",
            "reference_name",
            "command",
            "runtime",
            "columns",
            "wall_seconds",
            "cpu_seconds",
            "memory_mb",
            "uploaded_at",
            "dry_run",
            "is_current",
            "rescore",
        ]

    def get_is_current(self, program: ScoringProgram) -> bool:
        return program.phase_track_id is not None

    def get_rescore(self, program: ScoringProgram) -> int | None:
        return program.rescores.values_list("pk", flat=True).first()

    def get_dry_run(self, program: ScoringProgram) -> dict | None:
        from scoring_programs.services import latest_dry_run

        run = latest_dry_run(program)
        return ProgramRunSerializer(run).data if run else None
