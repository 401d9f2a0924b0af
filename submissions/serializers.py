from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.api_input import StrictBooleanField
from submissions.models import Submission
from submissions.queries import pair_column_labels


class SubmissionErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


def error_of(submission: Submission) -> dict | None:
    if submission.status != Submission.Status.FAILED:
        return None
    return {"code": submission.error_code, "message": submission.error_message}


class SubmissionSerializer(serializers.ModelSerializer):
    """Private scores (the host, or anyone after the end) and the host-only error detail (the host and staff,
    always) appear only when the context says the viewer may see them."""

    competition = serializers.CharField(source="competition.slug")
    phase = serializers.IntegerField(source="phase_track.phase.number", help_text="The phase it was made in.")
    track = serializers.CharField(source="phase_track.track.slug", help_text="The track it was made for.")
    carried_over_from = serializers.IntegerField(
        source="carried_over_from_id",
        allow_null=True,
        help_text="The previous phase's submission it copies, carried over when its phase started.",
    )
    team = serializers.CharField(source="team.name")
    submitted_by = serializers.CharField(source="submitted_by.username")
    error = serializers.SerializerMethodField()
    public_columns = serializers.DictField(
        child=serializers.FloatField(),
        help_text="The competition's secondary score columns the viewer may see, public split, by label.",
    )

    class Meta:
        model = Submission
        fields = [
            "id",
            "competition",
            "phase",
            "track",
            "carried_over_from",
            "kind",
            "team",
            "team_number",
            "submitted_by",
            "description",
            "file_name",
            "file_size",
            "status",
            "public_score",
            "public_columns",
            "error",
            "is_late",
            "is_final",
            "deleted_at",
            "disqualified_at",
            "disqualification_reason",
            "created_at",
            "scored_at",
        ]

    @extend_schema_field(SubmissionErrorSerializer(allow_null=True))
    def get_error(self, submission):
        return error_of(submission)

    def column_labels(self, submission) -> list[str]:
        """The submission's own pair's columns (a host's program fills its own), worked out once per pair."""
        if "competition" not in self.context:
            return []
        known = self.context.setdefault("labels_by_pair", {})
        if submission.phase_track_id not in known:
            known[submission.phase_track_id] = pair_column_labels(
                submission.phase_track,
                self.context["competition"],
                sees_hidden=self.context.get("sees_hidden_columns", False),
            )
        return known[submission.phase_track_id]

    def to_representation(self, submission):
        data = super().to_representation(submission)
        labels = self.column_labels(submission)
        data["public_columns"] = {
            k: submission.public_columns[k] for k in labels if k in submission.public_columns
        }
        if self.context.get("show_private"):
            data["private_score"] = submission.private_score
            data["private_columns"] = {
                k: submission.private_columns[k] for k in labels if k in submission.private_columns
            }
        if self.context.get("show_host_detail"):
            data["host_error_detail"] = submission.host_error_detail or None
        return data


class HostTestSubmissionSerializer(serializers.ModelSerializer):
    """A host's test submission: both scores and the host-only detail, since only the host sees it."""

    submitted_by = serializers.CharField(source="submitted_by.username")
    error = serializers.SerializerMethodField()
    host_error_detail = serializers.CharField(
        allow_null=True, help_text="What went wrong on hidden data, for the host (null when nothing did)."
    )

    class Meta:
        model = Submission
        fields = [
            "id",
            "submitted_by",
            "file_name",
            "file_size",
            "status",
            "public_score",
            "private_score",
            "error",
            "host_error_detail",
            "created_at",
            "scored_at",
        ]

    @extend_schema_field(SubmissionErrorSerializer(allow_null=True))
    def get_error(self, submission):
        return error_of(submission)

    def column_labels(self, submission) -> list[str]:
        """The submission's own pair's columns (a host's program fills its own), worked out once per pair."""
        if "competition" not in self.context:
            return []
        known = self.context.setdefault("labels_by_pair", {})
        if submission.phase_track_id not in known:
            known[submission.phase_track_id] = pair_column_labels(
                submission.phase_track,
                self.context["competition"],
                sees_hidden=self.context.get("sees_hidden_columns", False),
            )
        return known[submission.phase_track_id]

    def to_representation(self, submission):
        data = super().to_representation(submission)
        data["host_error_detail"] = data["host_error_detail"] or None
        return data


class HostTestCreateSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A prediction CSV in the competition's submission format.")


class CodeRunSerializer(serializers.Serializer):
    """One run of a code submission (submissions.queries.code_runs_for): the logs and exit appear for the
    sample run, and for the hidden run to the host only."""

    inputs = serializers.ChoiceField(choices=["sample", "hidden"])
    status = serializers.ChoiceField(choices=["running", "succeeded", "failed"])
    failure = serializers.CharField(
        help_text="Empty, or timeout, memory, crashed, no_predictions, bad_predictions, sandbox_error."
    )
    wall_seconds = serializers.FloatField(allow_null=True, help_text="How long it ran.")
    peak_memory_bytes = serializers.IntegerField(
        allow_null=True, help_text="Null where the sandbox does not measure it."
    )
    exit_code = serializers.IntegerField(required=False, allow_null=True)
    killed_by = serializers.CharField(required=False, help_text="cpu, memory, wall_clock, output or empty.")
    stdout = serializers.CharField(required=False)
    stderr = serializers.CharField(required=False)
    rescore = serializers.IntegerField(
        source="rescore_id",
        required=False,
        allow_null=True,
        help_text="The host only: the rescore that ran it on new hidden inputs or a new ingestion program "
        "(null: the submission's own run).",
    )
    awaits_switch = serializers.BooleanField(
        required=False,
        help_text="The host only: a rescore's run whose score is not (or not yet) the submission's.",
    )


class SubmissionDetailSerializer(SubmissionSerializer):
    """One submission, with its code runs (an empty list for a prediction file)."""

    code_runs = serializers.SerializerMethodField()

    class Meta(SubmissionSerializer.Meta):
        fields = [*SubmissionSerializer.Meta.fields, "code_runs"]

    @extend_schema_field(CodeRunSerializer(many=True))
    def get_code_runs(self, submission):
        return CodeRunSerializer(self.context.get("code_runs", []), many=True).data


class SubmissionCreateSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="A prediction CSV; or, where the phase and track takes code, a zip holding a model.py, a "
        "main.py or a metadata file (docs/code-submissions.md)."
    )
    description = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    phase = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The phase's number; it must be the current phase (empty: the current phase).",
    )
    track = serializers.CharField(
        max_length=50,
        required=False,
        allow_blank=True,
        default="",
        help_text="The track's slug (empty: the default track).",
    )


class SelectionSerializer(serializers.Serializer):
    selected = serializers.BooleanField()


class QuotaSerializer(serializers.Serializer):
    """A team's submission quota (a submissions.quota.Quota)."""

    limit = serializers.IntegerField(help_text="Submissions allowed per UTC day.")
    used = serializers.IntegerField(help_text="Submissions counted today.")
    remaining = serializers.IntegerField(
        help_text="What the team can still submit today, all limits considered."
    )
    remaining_today = serializers.IntegerField(help_text="Left of the daily limit alone.")
    resets_at = serializers.DateTimeField(help_text="When the daily count starts again (midnight UTC).")
    total_limit = serializers.IntegerField(
        allow_null=True, help_text="Submissions allowed in all, if limited."
    )
    total_used = serializers.IntegerField()
    total_remaining = serializers.IntegerField(allow_null=True)
    in_flight_limit = serializers.IntegerField(
        allow_null=True, help_text="Submissions allowed to wait or score at once, if limited."
    )
    in_flight = serializers.IntegerField()


class SubmissionAcceptedSerializer(serializers.Serializer):
    """The answer to an upload: stored, counted and queued for scoring. Serializes {"submission", "quota"};
    the context says what the viewer may see of the submission, as for SubmissionSerializer."""

    id = serializers.IntegerField(source="submission.pk")
    status = serializers.ChoiceField(source="submission.status", choices=Submission.Status.choices)
    remaining_today = serializers.IntegerField(
        source="quota.remaining", help_text="The same as quota.remaining."
    )
    resets_at = serializers.DateTimeField(source="quota.resets_at", help_text="The same as quota.resets_at.")
    is_late = serializers.BooleanField(
        source="submission.is_late", help_text="Sent after the end: scored for the team, never ranked."
    )
    quota = QuotaSerializer()
    submission = SubmissionSerializer()


class FileCheckSerializer(serializers.Serializer):
    head = serializers.FileField(
        allow_empty_file=True,
        help_text="The file's first 65,536 bytes (or all of it), under the file's own name.",
    )
    size = serializers.IntegerField(min_value=0, help_text="The whole file's size in bytes.")


class FileCheckedSerializer(serializers.Serializer):
    ok = serializers.BooleanField(
        help_text="Always true: a refusal is a 400 with the upload's code and message."
    )


class PairCodeInputSerializer(serializers.Serializer):
    accepts = serializers.ChoiceField(
        choices=["files", "code", "both"], help_text="What participants upload to this track in this phase."
    )
    hidden_inputs = serializers.FileField(
        required=False,
        help_text="A CSV of the inputs the code is scored on: the id column and the features, no targets.",
    )
    sample_inputs = serializers.FileField(
        required=False, help_text="A small public CSV of the same shape: the run whose logs participants see."
    )
    ingestion_program = serializers.FileField(
        required=False,
        help_text="The host's own ingestion program, run instead of Podium's default one: a zip whose "
        "metadata.yaml names a `command` (Codabench's layout and placeholders).",
    )
    default_ingestion = StrictBooleanField(
        required=False, default=False, help_text="Go back to Podium's default ingestion."
    )
    rerun = StrictBooleanField(
        required=False,
        default=False,
        help_text="Confirms new hidden inputs or ingestion program on a pair with scored code submissions: "
        "they run again on them and are scored again (refused with code pair_has_scores otherwise).",
    )


class RerunSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["running", "done", "failed", "cancelled"])
    done = serializers.IntegerField(help_text="Submissions run and scored again so far.")
    total = serializers.IntegerField(help_text="Submissions to run and score again.")


class PairCodeSerializer(serializers.Serializer):
    phase = serializers.IntegerField(source="phase.number")
    track = serializers.CharField(source="track.slug")
    accepts = serializers.CharField()
    has_hidden_inputs = serializers.BooleanField()
    has_sample_inputs = serializers.BooleanField()
    has_ingestion_program = serializers.BooleanField(help_text="False: Podium's default ingestion.")
    rerun = RerunSerializer(
        allow_null=True,
        help_text="The rescore that runs the scored code again on the new hidden inputs or ingestion program "
        "(null when the change started none): the pair takes them, and the boards the new scores, when it "
        "is done; GET /api/v1/competitions/{slug}/rescore/ follows it.",
    )
