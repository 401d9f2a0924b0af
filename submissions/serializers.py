from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from submissions.models import Submission


class SubmissionErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class SubmissionSerializer(serializers.ModelSerializer):
    """Private scores (the host, or anyone after the end) and the host-only error detail (the host and staff,
    always) appear only when the context says the viewer may see them."""

    competition = serializers.CharField(source="competition.slug")
    team = serializers.CharField(source="team.name")
    submitted_by = serializers.CharField(source="submitted_by.username")
    error = serializers.SerializerMethodField()

    class Meta:
        model = Submission
        fields = [
            "id",
            "competition",
            "team",
            "team_number",
            "submitted_by",
            "description",
            "file_name",
            "file_size",
            "status",
            "public_score",
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
        if submission.status != Submission.Status.FAILED:
            return None
        return {"code": submission.error_code, "message": submission.error_message}

    def to_representation(self, submission):
        data = super().to_representation(submission)
        if self.context.get("show_private"):
            data["private_score"] = submission.private_score
        if self.context.get("show_host_detail"):
            data["host_error_detail"] = submission.host_error_detail or None
        return data


class SubmissionCreateSerializer(serializers.Serializer):
    file = serializers.FileField()
    description = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


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
