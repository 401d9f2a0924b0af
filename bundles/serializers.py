from rest_framework import serializers

from config.api_input import StrictBooleanField


class BundleUploadSerializer(serializers.Serializer):
    bundle = serializers.FileField(help_text="The competition bundle zip, competition.yaml at its top.")
    check_only = StrictBooleanField(
        required=False, default=False, help_text="true: report what would be imported, creating nothing."
    )


class ReportLineSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["mapped", "stored", "attached", "not attached", "dropped"])
    subject = serializers.CharField(help_text="The key or file of the bundle.")
    detail = serializers.CharField(help_text="What it became on Podium, or why it was dropped.")


class BundleCheckSerializer(serializers.Serializer):
    """What a bundle would become (check_only)."""

    title = serializers.CharField()
    version = serializers.CharField()
    phases = serializers.ListField(child=serializers.CharField(), source="phase_names")
    tracks = serializers.ListField(child=serializers.CharField(), source="track_slugs")
    columns = serializers.ListField(child=serializers.CharField(), source="column_keys")
    report = ReportLineSerializer(many=True)


class BundleImportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    file_name = serializers.CharField()
    version = serializers.CharField()
    competition = serializers.CharField(
        source="competition.slug",
        allow_null=True,
        help_text="The draft competition's slug (null once deleted).",
    )
    created_at = serializers.DateTimeField()
    stored_files = serializers.SerializerMethodField(help_text="The bundle paths kept in private storage.")
    report = ReportLineSerializer(many=True)

    def get_stored_files(self, imported) -> list[str]:
        return sorted(imported.stored_files)
