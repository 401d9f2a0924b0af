from rest_framework import serializers

from submissions.models import Submission


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
