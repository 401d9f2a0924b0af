from django.db import models


class SandboxRun(models.Model):
    """One program run in the sandbox on stored inputs: what to run, and what came out."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        FINISHED = "finished"  # the program ran; exit_code and killed_by say how it ended
        # Podium could not run it (no bubblewrap, a bad archive, an unknown runtime, its workers kept dying)
        ERROR = "error"

    runtime = models.CharField(max_length=50, default="default")
    command = models.JSONField()
    # Keys in the private storage: a zip of the program (mounted read-only at /program) and of its inputs
    # (/input); the output folder's regular files are stored as a zip at output_key.
    program_key = models.CharField(max_length=500)
    inputs_key = models.CharField(max_length=500, blank=True)
    output_key = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    exit_code = models.IntegerField(null=True, blank=True)
    killed_by = models.CharField(max_length=20, blank=True)
    stdout = models.TextField(blank=True)
    stderr = models.TextField(blank=True)
    skipped_outputs = models.JSONField(default=list, blank=True)
    wall_seconds = models.FloatField(null=True, blank=True)
    # The largest resident memory of the run's processes, in bytes; empty when the run was killed by the wall
    # clock or the output limit (the processes still running then were never reaped by the worker).
    peak_memory_bytes = models.BigIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    # The worker running it and until when (execution/leases.py): renewed while it runs, so a run whose lease
    # ran out lost its worker and is queued again, `attempts` counting every take.
    lease_holder = models.CharField(max_length=200, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"sandbox run {self.pk} ({self.status})"
