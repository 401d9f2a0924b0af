from django.conf import settings
from django.db import models

from competitions.models import Competition


class BundleImport(models.Model):
    """A Codabench bundle a host imported: the plan read from it, the report they were shown, the draft
    competition it made, and where each program and data file of the bundle is kept (private storage), so
    attaching the scoring and ingestion programs to each phase-track pair is one later step."""

    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bundle_imports"
    )
    competition = models.OneToOneField(
        Competition, on_delete=models.SET_NULL, null=True, blank=True, related_name="bundle_import"
    )
    file_name = models.CharField(max_length=255)
    version = models.CharField(max_length=10, help_text="competition.yaml's version: 2 or 1.5.")
    plan = models.JSONField(help_text="bundles.plan.BundlePlan as read from competition.yaml.")
    report = models.JSONField(help_text="What was mapped, stored and dropped, each with its reason.")
    stored_files = models.JSONField(
        default=dict, help_text="Bundle path -> {key, sha256, size} in private storage (folders zipped)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"bundle {self.file_name} by {self.host}"
