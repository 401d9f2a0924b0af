from django.conf import settings
from django.db import models

from competitions.models import Competition


class BundleImport(models.Model):
    """A Codabench bundle a host uploaded, and its import: queued by the request (the upload kept in private
    storage), read, checked and made a draft by a worker (bundles.importing). Once done it keeps the plan read
    from the bundle, the report the host reads (or every problem that refused it), the draft competition it
    made, and where each program and data file of the bundle is kept (private storage), so attaching the
    scoring and ingestion programs to each phase-track pair is one later step."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        IMPORTING = "importing", "Importing"  # a worker holds it (lease_holder, until lease_expires_at)
        IMPORTED = "imported", "Imported"
        CHECKED = "checked", "Checked"  # check_only: read and reported, nothing made
        FAILED = "failed", "Failed"

    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bundle_imports"
    )
    competition = models.OneToOneField(
        Competition, on_delete=models.SET_NULL, null=True, blank=True, related_name="bundle_import"
    )
    file_name = models.CharField(max_length=255)
    check_only = models.BooleanField(default=False, help_text="Only read and report it, making nothing.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    upload_key = models.CharField(
        max_length=500, blank=True, help_text="The uploaded zip in private storage, until the import is done."
    )
    version = models.CharField(max_length=10, blank=True, help_text="competition.yaml's version: 2 or 1.5.")
    plan = models.JSONField(default=dict, help_text="bundles.plan.BundlePlan as read from competition.yaml.")
    report = models.JSONField(
        default=list, help_text="What was mapped, stored and dropped, each with its reason."
    )
    stored_files = models.JSONField(
        default=dict, help_text="Bundle path -> {key, sha256, size} in private storage (folders zipped)."
    )
    error_code = models.CharField(max_length=50, blank=True)
    error_message = models.TextField(
        blank=True, help_text="Why the bundle was refused, as the host reads it."
    )
    errors = models.JSONField(
        default=list, blank=True, help_text="Every problem found, each {file, key, message, text}."
    )
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="Workers that took it, lost ones included."
    )
    lease_holder = models.CharField(max_length=100, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "lease_expires_at"], name="bundle_imports_sweep")]

    def __str__(self) -> str:
        return f"bundle {self.file_name} by {self.host}"

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.IMPORTING)

    @property
    def summary(self) -> dict | None:
        """What the bundle becomes, once read: its title, version, phases, tracks and columns."""
        if not self.plan.get("title"):
            return None
        return {
            "title": self.plan["title"],
            "version": self.version,
            "phases": [phase["name"] for phase in self.plan.get("phases", [])],
            "tracks": [task["slug"] for task in self.plan.get("tasks", [])],
            "columns": [column["key"] for column in self.plan.get("columns", [])],
        }

    @property
    def error(self) -> dict | None:
        """Why it failed, in the API's error shape: every problem in details.errors."""
        if self.status != self.Status.FAILED:
            return None
        return {"code": self.error_code, "message": self.error_message, "details": {"errors": self.errors}}
