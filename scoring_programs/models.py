from django.conf import settings
from django.db import models

from competitions.models import PhaseTrack
from submissions.models import Submission


class ScoringProgram(models.Model):
    """A host's program that scores a phase and track's submissions instead of a catalogue metric: a zip
    with metadata.yaml, the columns its scores.json fills, and the limits of one run."""

    pair = models.ForeignKey(
        PhaseTrack,
        on_delete=models.CASCADE,
        related_name="scoring_programs",
        help_text="The phase and track it was uploaded for, current or not.",
    )
    # The pair's program now; empty while the program waits for the rescore that brings it in
    # (Rescore.program), or once a newer program replaced it (its runs' logs stay for the host).
    phase_track = models.OneToOneField(
        PhaseTrack, on_delete=models.CASCADE, null=True, blank=True, related_name="scoring_program"
    )
    archive_name = models.CharField(max_length=255)
    archive_key = models.CharField(max_length=500, help_text="The program's zip, in the private storage.")
    archive_sha256 = models.CharField(max_length=64)
    reference_name = models.CharField(max_length=255, blank=True)
    reference_key = models.CharField(
        max_length=500, blank=True, help_text="A zip of more reference data, unpacked into input/ref."
    )
    reference_sha256 = models.CharField(max_length=64, blank=True)
    command = models.JSONField(help_text="metadata.yaml's command as arguments, placeholders kept.")
    runtime = models.CharField(max_length=50, default="default")
    # Each column: key (in scores.json), label, higher_is_better, precision, shown, primary; in tie-break
    # order.
    columns = models.JSONField()
    wall_seconds = models.PositiveIntegerField()
    cpu_seconds = models.PositiveIntegerField()
    memory_mb = models.PositiveIntegerField()
    fingerprint = models.CharField(
        max_length=64, help_text="Changes with the zip, the columns or the limits."
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Scoring program {self.archive_name} of {self.pair_id}"

    @property
    def primary(self) -> dict:
        return next(column for column in self.columns if column["primary"])


class ProgramRun(models.Model):
    """One run of a scoring program: a dry run on the sample submission, or the scoring of a submission.
    Its logs are the host's only: a participant sees a generic reason naming the run's number."""

    class Purpose(models.TextChoices):
        DRY_RUN = "dry_run", "Dry run"
        SCORING = "scoring", "Scoring"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    program = models.ForeignKey(ScoringProgram, on_delete=models.CASCADE, related_name="runs")
    program_fingerprint = models.CharField(max_length=64)
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, null=True, blank=True, related_name="program_runs"
    )
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    exit_code = models.IntegerField(null=True, blank=True)
    killed_by = models.CharField(max_length=20, blank=True)
    stdout = models.TextField(blank=True)
    stderr = models.TextField(blank=True)
    wall_seconds = models.FloatField(null=True, blank=True)
    scores = models.JSONField(default=dict, blank=True, help_text="Values by column label.")
    failure = models.TextField(blank=True, help_text="Why it failed, for the host.")
    # What a dry run scores, recorded when it is queued so a lost task message or a second delivery reads
    # it from here: a file (the storage key), or the host's sample code, whose predictions it scores
    # (`submission`, a host test submission of kind code that the scoring queue runs through ingestion).
    sample_key = models.CharField(
        max_length=500,
        blank=True,
        help_text="A dry run's file: an imported bundle's solution (private storage) or the competition's "
        "sample submission (public storage, sample_is_public); empty for a code dry run.",
    )
    sample_is_public = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["program", "purpose", "-created_at"], name="program_runs_latest")]

    def __str__(self) -> str:
        return f"Program run {self.pk} ({self.purpose}, {self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)


class SampleCode(models.Model):
    """The host's sample code for a phase and track that takes code: what the program's dry run runs through
    ingestion on the hidden inputs and scores, where no sample_submission.csv fits (a code-only task).
    Each dry run makes a host test submission of kind code from it (docs/code-submissions.md)."""

    pair = models.OneToOneField(PhaseTrack, on_delete=models.CASCADE, related_name="sample_code")
    file_name = models.CharField(max_length=255)
    file_key = models.CharField(max_length=500, help_text="The zip, in the private storage.")
    file_size = models.BigIntegerField()
    file_sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Sample code {self.file_name} of {self.pair_id}"
