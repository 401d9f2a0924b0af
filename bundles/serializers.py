from django.urls import reverse
from rest_framework import serializers

from bundles.models import BundleImport
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


class BundleSummarySerializer(serializers.Serializer):
    """What the bundle becomes, once read."""

    title = serializers.CharField()
    version = serializers.CharField()
    phases = serializers.ListField(child=serializers.CharField())
    tracks = serializers.ListField(child=serializers.CharField())
    columns = serializers.ListField(child=serializers.CharField())


class ProblemSerializer(serializers.Serializer):
    file = serializers.CharField(help_text="The file of the bundle the problem is in.")
    key = serializers.CharField(help_text="The key in that file (empty for the file as a whole).")
    message = serializers.CharField()
    text = serializers.CharField(help_text="The problem as one line: file, key and message.")


class ImportErrorDetailsSerializer(serializers.Serializer):
    errors = ProblemSerializer(many=True, help_text="Every problem found, each naming the file and the key.")


class ImportErrorSerializer(serializers.Serializer):
    """Why the import failed, in the shape of the API's errors."""

    code = serializers.CharField(
        help_text="invalid_bundle, bad_bundle_archive, no_competition_yaml, bad_yaml, unknown_version, or "
        "import_lost (the import stopped too many times)."
    )
    message = serializers.CharField(help_text="The sentence the import's page shows.")
    details = ImportErrorDetailsSerializer()


class BundleImportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField(help_text="Where to read the import's status and outcome.")
    file_name = serializers.CharField()
    check_only = serializers.BooleanField(help_text="Only read and reported: nothing is made.")
    status = serializers.ChoiceField(
        choices=BundleImport.Status.choices,
        help_text="queued and importing until a worker is done; then imported, checked (check_only) or failed.",
    )
    version = serializers.CharField(help_text="competition.yaml's version, once read.")
    competition = serializers.CharField(
        source="competition.slug",
        allow_null=True,
        help_text="The draft competition's slug (null until it is made, for a check, and once deleted).",
    )
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    summary = BundleSummarySerializer(allow_null=True, help_text="What the bundle becomes, once read.")
    stored_files = serializers.SerializerMethodField(help_text="The bundle paths kept in private storage.")
    report = ReportLineSerializer(many=True)
    error = ImportErrorSerializer(allow_null=True, help_text="Why it failed (null unless failed).")

    def get_url(self, imported: BundleImport) -> str:
        return reverse("api-bundle", args=[imported.pk])

    def get_stored_files(self, imported: BundleImport) -> list[str]:
        return sorted(imported.stored_files)
