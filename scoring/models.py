from django.conf import settings
from django.db import models

from competitions.models import Competition, PhaseTrack
from submissions.models import Submission


class Rescore(models.Model):
    """A host's change of solution or metric, applied by scoring every submission again in the background.
    The leaderboards keep the old scores until every submission has its new one, then switch in one step."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="rescores")
    phase_track = models.ForeignKey(
        PhaseTrack,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rescores",
        help_text="The one phase and track rescored, with its own setup; empty: the competition's setup.",
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300, blank=True)
    metric = models.CharField(max_length=50)
    metric_params = models.JSONField(default=dict, blank=True)
    score_columns = models.JSONField(default=list, blank=True, help_text="The secondary columns after it.")
    solution_key = models.CharField(max_length=500)
    solution_sha256 = models.CharField(max_length=64)
    program = models.ForeignKey(
        "scoring_programs.ScoringProgram",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rescores",
        help_text="The host's new scoring program it runs on the pair's submissions; empty: a metric rescore.",
    )
    reruns_code = models.BooleanField(
        default=False,
        help_text="Runs the pair's code submissions again on a host's new hidden inputs or ingestion program "
        "(below, not yet the pair's), then scores them with the pair's scoring.",
    )
    code_inputs_key = models.CharField(
        max_length=500, blank=True, help_text="The hidden inputs the pair takes at the switch."
    )
    code_inputs_sha256 = models.CharField(max_length=64, blank=True)
    ingestion_program_key = models.CharField(
        max_length=500,
        blank=True,
        help_text="The ingestion program the pair takes at the switch; empty: Podium's default one.",
    )
    public_rows = models.PositiveIntegerField(default=0)
    private_rows = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RUNNING)
    total = models.PositiveIntegerField(default=0, help_text="Submissions to score again.")
    done = models.PositiveIntegerField(default=0)
    error = models.TextField(
        blank=True, help_text="Why it failed or stalled, or who cancelled it (the host sees it)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    progressed_at = models.DateTimeField(
        auto_now_add=True, help_text="The sweeper resumes a stalled rescore."
    )
    resumes = models.PositiveIntegerField(
        default=0,
        help_text="Resumes in a row without progress; at PODIUM_RESCORE_MAX_RESUMES the rescore fails.",
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["competition"], condition=models.Q(status="running"), name="one_running_rescore"
            )
        ]

    def __str__(self) -> str:
        return f"Rescore of {self.competition} ({self.status}, {self.done}/{self.total})"


class RescoredSubmission(models.Model):
    """A submission's scores under a running rescore, held aside until the switch."""

    rescore = models.ForeignKey(Rescore, on_delete=models.CASCADE, related_name="results")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    public_score = models.FloatField(null=True, blank=True)
    private_score = models.FloatField(null=True, blank=True)
    public_columns = models.JSONField(default=dict, blank=True)
    private_columns = models.JSONField(default=dict, blank=True)
    error_code = models.CharField(max_length=50, blank=True)
    error_message = models.TextField(blank=True)
    host_error_detail = models.TextField(blank=True)
    predictions_key = models.CharField(
        max_length=500,
        blank=True,
        help_text="Code run again (Rescore.reruns_code): the predictions its run wrote, the submission's at "
        "the switch; empty where the run failed.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["rescore", "submission"], name="one_result_per_rescore_submission"
            )
        ]

    def __str__(self) -> str:
        return f"Submission {self.submission_id} under rescore {self.rescore_id}"
