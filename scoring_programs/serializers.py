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


class ProgramRunSerializer(serializers.ModelSerializer):
    submission = serializers.IntegerField(source="submission_id", allow_null=True)

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
        ]


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
