from django.db import models

from competitions.models import Competition, PhaseTrack, Team
from submissions.models import Submission


class LeaderboardEntry(models.Model):
    """A team's standing on one split: its best submission, kept up to date as submissions are scored."""

    class Split(models.TextChoices):
        PUBLIC = "public", "Public"
        PRIVATE = "private", "Private"

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="leaderboard_entries")
    phase_track = models.ForeignKey(
        PhaseTrack,
        on_delete=models.CASCADE,
        related_name="leaderboard_entries",
        help_text="The board: one per track in each phase.",
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="leaderboard_entries")
    split = models.CharField(max_length=10, choices=Split.choices)
    score = models.FloatField()
    columns = models.JSONField(
        default=dict, blank=True, help_text="The best submission's secondary column values on this split."
    )
    tie_key = models.CharField(
        max_length=200, blank=True, default="", help_text="Breaks ties on the score before the time."
    )
    best_submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    best_submitted_at = models.DateTimeField(help_text="Breaks ties: the earlier submission ranks higher.")
    entries = models.PositiveIntegerField(default=0, help_text="Scored submissions of the team.")
    last_submitted_at = models.DateTimeField()
    public_rank = models.PositiveIntegerField(
        null=True, blank=True, help_text="Private entries: the team's public rank when the board was built."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["phase_track", "team", "split"], name="one_entry_per_board_team_and_split"
            )
        ]
        indexes = [
            # One index per direction, each in the exact order a leaderboard reads (ties: earlier first).
            models.Index(
                fields=["phase_track", "split", "score", "tie_key", "best_submitted_at", "team"],
                name="board_order",
            ),
            models.Index(
                fields=["phase_track", "split", "-score", "tie_key", "best_submitted_at", "team"],
                name="board_order_desc",
            ),
        ]
        verbose_name_plural = "leaderboard entries"
        db_table = (
            "scoring_leaderboardentry"  # the table predates this app; the model moved, the rows did not
        )

    def __str__(self) -> str:
        return f"{self.team} {self.split} {self.score}"
