from django.conf import settings
from django.db import models

from competitions.models import Competition, Team


class Submission(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SCORING = "scoring", "Scoring"
        SCORED = "scored", "Scored"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="submissions")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="submissions")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="submissions"
    )
    team_number = models.PositiveIntegerField(
        help_text="1, 2, 3... in the order the team made them; never reused, so it stays when one is deleted."
    )
    description = models.CharField(max_length=500, blank=True)
    file_name = models.CharField(max_length=255)
    file_key = models.CharField(max_length=500, help_text="Key in private storage.")
    file_size = models.BigIntegerField()
    file_sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    public_score = models.FloatField(null=True, blank=True)
    private_score = models.FloatField(null=True, blank=True)
    error_code = models.CharField(max_length=50, blank=True)
    error_message = models.TextField(blank=True, help_text="Safe to show the participant.")
    host_error_detail = models.TextField(blank=True, help_text="Shown to the host and staff only.")
    counts_against_quota = models.BooleanField(default=True)
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

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["team", "created_at"], name="submission_team_day"),
            models.Index(fields=["status", "enqueued_at"], name="submission_sweep"),
            models.Index(fields=["competition", "status"], name="submission_competition_status"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["team", "team_number"], name="submission_number_once_per_team"),
            models.UniqueConstraint(
                fields=["submitted_by", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="submission_idempotency_key_once_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name} ({self.status})"
