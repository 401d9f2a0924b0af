from django.conf import settings
from django.db import models

from competitions.models import Competition, PhaseTrack, Team


class ParticipantSubmissions(models.Manager["Submission"]):
    """The default manager: participants' submissions only. A host's test submission is scored like any
    other but must never reach a board, a quota or a participant figure, so every query that does not ask
    for it by name (Submission.with_host_tests) leaves it out."""

    def get_queryset(self) -> models.QuerySet["Submission"]:
        return super().get_queryset().filter(is_host_test=False)


class Submission(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SCORING = "scoring", "Scoring"
        SCORED = "scored", "Scored"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    class Kind(models.TextChoices):
        FILE = "file", "Prediction file"
        CODE = "code", "Code"

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="submissions")
    kind = models.CharField(
        max_length=10,
        choices=Kind.choices,
        default=Kind.FILE,
        help_text="A prediction file is scored as it is; code (a zip) is run on the hidden inputs first and "
        "its predictions are scored.",
    )
    predictions_key = models.CharField(
        max_length=500,
        blank=True,
        help_text="Code: the predictions its run on the hidden inputs wrote, in private storage; empty until "
        "it ran (or when it must run again, in a new phase).",
    )
    phase_track = models.ForeignKey(
        PhaseTrack,
        on_delete=models.CASCADE,
        related_name="submissions",
        help_text="The phase it was made in and the track it names: what scores it and whose board it joins.",
    )
    carried_over_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_over_to",
        help_text="The previous phase's submission this one copies (same file), carried over when this "
        "phase started; it counts against no quota.",
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.CASCADE,
        related_name="submissions",
        null=True,
        blank=True,
        help_text="Empty for a host's test submission, which belongs to no team.",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="submissions"
    )
    team_number = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="1, 2, 3... in the order the team made them; never reused, so it stays when one is deleted. "
        "Empty for a host's test submission.",
    )
    description = models.CharField(max_length=500, blank=True)
    file_name = models.CharField(max_length=255)
    file_key = models.CharField(max_length=500, help_text="Key in private storage.")
    file_size = models.BigIntegerField()
    file_sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    public_score = models.FloatField(null=True, blank=True)
    private_score = models.FloatField(null=True, blank=True)
    public_columns = models.JSONField(
        default=dict, blank=True, help_text="Each secondary score column's public value, by its label."
    )
    private_columns = models.JSONField(default=dict, blank=True)
    public_tie_key = models.CharField(
        max_length=200,
        blank=True,
        help_text="The public column values as text that sorts best first: ties on the score break on it.",
    )
    private_tie_key = models.CharField(max_length=200, blank=True)
    error_code = models.CharField(max_length=50, blank=True)
    error_message = models.TextField(blank=True, help_text="Safe to show the participant.")
    host_error_detail = models.TextField(blank=True, help_text="Shown to the host and staff only.")
    counts_against_quota = models.BooleanField(default=True)
    is_host_test = models.BooleanField(
        default=False,
        help_text="Made by a host from the Host tab to check the setup: scored, never ranked, never counted.",
    )
    is_late = models.BooleanField(default=False, help_text="Made after the end: scored, never ranked.")
    is_final = models.BooleanField(
        default=False, help_text="Selected by its team for the private leaderboard."
    )
    deleted_at = models.DateTimeField(
        null=True, blank=True, help_text="Deleted by its team: hidden and unranked, but it still counts."
    )
    disqualified_at = models.DateTimeField(null=True, blank=True)
    disqualification_reason = models.TextField(blank=True, help_text="Shown to the team.")
    enqueue_count = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    enqueued_at = models.DateTimeField(auto_now_add=True)
    scoring_started_at = models.DateTimeField(null=True, blank=True)
    lease_holder = models.CharField(
        max_length=100,
        blank=True,
        help_text="The scoring attempt that holds the submission (scoring.leases).",
    )
    lease_expires_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Past it, the holder is taken for dead and another worker takes over.",
    )
    scoring_attempts = models.PositiveIntegerField(
        default=0, help_text="Attempts that took the submission; each takeover after a crash adds one."
    )
    scored_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(
        max_length=255,
        blank=True,
        help_text="The client's Idempotency-Key: the same key again within 24 hours gets this submission back.",
    )

    with_host_tests = models.Manager()  # for scoring, which takes the host's test files too
    objects = ParticipantSubmissions()

    class Meta:
        default_manager_name = "objects"
        base_manager_name = "with_host_tests"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["team", "created_at"], name="submission_team_day"),
            models.Index(fields=["status", "enqueued_at"], name="submission_sweep"),
            models.Index(fields=["competition", "status"], name="submission_competition_status"),
            models.Index(fields=["phase_track", "status"], name="submission_phase_track_status"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["team", "team_number"], name="submission_number_once_per_team"),
            models.UniqueConstraint(
                fields=["submitted_by", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="submission_idempotency_key_once_per_user",
            ),
            models.CheckConstraint(
                condition=models.Q(is_host_test=True, team__isnull=True)
                | models.Q(is_host_test=False, team__isnull=False),
                name="submission_host_test_has_no_team",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name} ({self.status})"

    @property
    def scored_file_key(self) -> str:
        """The file scoring reads: the upload, or for code the predictions its run wrote ("" before it ran)."""
        return self.predictions_key if self.kind == self.Kind.CODE else self.file_key

    @property
    def participant_team(self) -> Team:
        """The team of a participant's submission; a host's test submission has none, and the queries that
        serve participants (Submission.objects) never return one."""
        if self.team is None:
            raise ValueError(f"Submission {self.pk} is a host's test submission and belongs to no team.")
        return self.team


class CodeRun(models.Model):
    """One run of a code submission in the sandbox: on the public sample inputs (its logs are the
    participant's to read) or on the hidden inputs (the participant sees its status, duration, peak memory
    and failure category only: their code could print the inputs; the host sees everything).

    A rescore that brings in a host's new hidden inputs or ingestion program runs the code again: that run
    is recorded apart (`rescore_id`) and waits for the rescore's switch before it becomes the hidden run the
    participant sees; the earlier runs stay for the host."""

    class Inputs(models.TextChoices):
        SAMPLE = "sample", "Sample inputs"
        HIDDEN = "hidden", "Hidden inputs"

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    class Failure(models.TextChoices):
        NONE = "", "None"
        TIMEOUT = "timeout", "Time limit"
        MEMORY = "memory", "Memory limit"
        CRASHED = "crashed", "Crashed"
        NO_PREDICTIONS = "no_predictions", "No predictions"
        BAD_PREDICTIONS = "bad_predictions", "Bad predictions"
        SANDBOX_ERROR = "sandbox_error", "Podium could not run it"

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="code_runs")
    inputs = models.CharField(max_length=10, choices=Inputs.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    failure = models.CharField(max_length=20, choices=Failure.choices, blank=True)
    exit_code = models.IntegerField(null=True, blank=True)
    killed_by = models.CharField(max_length=20, blank=True)
    stdout = models.TextField(blank=True)
    stderr = models.TextField(blank=True)
    wall_seconds = models.FloatField(null=True, blank=True)
    peak_memory_bytes = models.BigIntegerField(
        null=True, blank=True, help_text="Empty where the sandbox does not measure it."
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    rescore_id = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="The rescore (scoring's, an app above this one) that ran it on new hidden inputs or a new "
        "ingestion program; empty for the submission's own runs.",
    )
    awaits_switch = models.BooleanField(
        default=False,
        help_text="A rescore's run whose score waits for that rescore's switch (or never came in: the rescore "
        "failed or was cancelled). The participant does not see it.",
    )

    class Meta:
        ordering = ["submission", "started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "inputs"],
                condition=models.Q(rescore_id__isnull=True),
                name="one_code_run_per_inputs",
            ),
            models.UniqueConstraint(
                fields=["submission", "rescore_id"],
                condition=models.Q(rescore_id__isnull=False),
                name="one_code_run_per_rescore",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission_id} on {self.inputs} inputs ({self.status})"
