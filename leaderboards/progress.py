"""A team's progress on the public leaderboard: its best public score after each scored submission, against
the current leader's.

Public scores only: the chart is shown to the team during the competition, when private scores are hidden
from it, so nothing here reads `private_score`.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils.safestring import SafeString

from competitions.models import Team
from leaderboards import charts
from leaderboards.models import LeaderboardEntry
from leaderboards.queries import higher_is_better, leaderboard_rows
from submissions.models import Submission

BEST_COLOUR = "#1f4ed8"
LEADER_COLOUR = "#9a6700"
NOW = "now"
# Narrower than the charts' default, so its 12px text stays readable when a phone shrinks it to fit.
CHART_WIDTH, CHART_HEIGHT = 400, 220


@dataclass(frozen=True)
class ScoredSubmission:
    submission_id: int
    team_number: int
    created_at: datetime
    public_score: float
    best_so_far: float


@dataclass(frozen=True)
class Progress:
    """What the chart draws: the team's scored submissions in order and the leader's public score."""

    submissions: list[ScoredSubmission]
    leader_score: float | None
    leader_team: str | None
    leader_is_team: bool
    higher_is_better: bool

    @property
    def is_empty(self) -> bool:
        return not self.submissions

    @property
    def best(self) -> float | None:
        return self.submissions[-1].best_so_far if self.submissions else None

    @property
    def labels(self) -> list[str]:
        """One x label per scored submission (its number, as the table shows it), then 'now'."""
        return [f"#{point.team_number}" for point in self.submissions] + [NOW]

    def series(self) -> list[charts.Series]:
        best = [point.best_so_far for point in self.submissions]
        lines = [charts.Series("Your best", [*best, best[-1]] if best else [], colour=BEST_COLOUR)]
        if self.leader_score is not None:
            lines.append(charts.Series("Leader", [self.leader_score] * (len(best) + 1), colour=LEADER_COLOUR))
        return lines


def charted_submissions(team: Team):
    """The team's submissions that may stand on the public board, oldest first: scored before the end,
    neither deleted nor disqualified."""
    return (
        Submission.objects.filter(
            team=team,
            status=Submission.Status.SCORED,
            is_late=False,
            deleted_at__isnull=True,
            disqualified_at__isnull=True,
            public_score__isnull=False,
        )
        .order_by("created_at", "pk")
        .values_list("pk", "team_number", "created_at", "public_score")
    )


def best_so_far(scores: list[float], *, higher_is_better: bool) -> list[float]:
    """The running best of the scores, in the metric's direction."""
    pick = max if higher_is_better else min
    running: list[float] = []
    for score in scores:
        running.append(score if not running else pick(running[-1], score))
    return running


def team_progress(team: Team) -> Progress:
    """The team's best public score after each of its scored submissions, and the public leader's score."""
    competition = team.competition
    higher = higher_is_better(competition)
    rows = list(charted_submissions(team))
    bests = best_so_far([score for *_, score in rows], higher_is_better=higher)
    leader = next(iter(leaderboard_rows(competition, LeaderboardEntry.Split.PUBLIC, limit=1)), None)
    return Progress(
        submissions=[
            ScoredSubmission(pk, number, created_at, score, best)
            for (pk, number, created_at, score), best in zip(rows, bests, strict=True)
        ],
        leader_score=leader.score if leader else None,
        leader_team=leader.team_name if leader else None,
        leader_is_team=leader is not None and leader.team_id == team.pk,
        higher_is_better=higher,
    )


def progress_chart(progress: Progress) -> dict[str, SafeString]:
    """The progress as an SVG line chart and the table of its numbers; call only when it is not empty."""
    labels, lines = progress.labels, progress.series()
    direction = "higher" if progress.higher_is_better else "lower"
    first = progress.submissions[0].created_at.strftime("%Y-%m-%d")
    description = (
        f"Your team's best public score after each of its {len(progress.submissions)} scored submissions "
        f"since {first} ({direction} is better): {charts.format_number(progress.best)} now"
    )
    if progress.leader_score is not None:
        description += f", against the leader's {charts.format_number(progress.leader_score)}."
    else:
        description += "."
    return {
        "chart": charts.line_chart(
            lines[::-1],  # the leader's line first, so the team's is drawn over it when they coincide
            labels,
            title="Your best public score against the leader",
            description=description,
            y_from_zero=False,
            width=CHART_WIDTH,
            height=CHART_HEIGHT,
        ),
        "table": charts.data_table(
            lines, labels, caption="Best public score after each submission", label_heading="Submission"
        ),
    }
