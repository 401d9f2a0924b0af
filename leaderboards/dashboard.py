"""The host dashboard: who joined and when, how submissions fare, why they fail, and the top of both boards.

Host-only: it shows private scores before the end and the host-only detail of failed submissions, so
only `leaderboards.views.host_dashboard` (which checks `is_host`) may call it. Every figure is aggregated in the
database (a competition can hold a million submissions); Python only folds the per-day rows.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from competitions.models import Competition, RulesAcceptance, Team
from competitions.phases import current_phase, pairs_of
from leaderboards.models import LeaderboardEntry
from leaderboards.private_board import pending_on_time, private_preview
from leaderboards.queries import LeaderboardRow, leaderboard_rows
from submissions.models import Submission

Status = Submission.Status
LATEST_FAILURES = 20
TOP_FAILURE_CODES = 10
TOP_TEAMS = 10


@dataclass(frozen=True)
class PrivateRow:
    rank: int
    team_name: str
    score: float


@dataclass(frozen=True)
class BoardFigures:
    """One phase and track's figures: its submissions, the teams that submitted and its leader."""

    phase_name: str
    track_name: str
    is_current: bool
    decides: bool
    submissions: int
    scored: int
    failed: int
    carried_over: int
    teams: int
    leader: LeaderboardRow | None


@dataclass(frozen=True)
class Dashboard:
    participants: int
    teams: int
    submissions: int
    scored: int
    failed: int
    in_flight: int
    late: int
    days: list[date]
    participants_by_day: list[int]
    teams_by_day: list[int]
    scored_by_day: list[int]
    failed_by_day: list[int]
    failure_codes: list[tuple[str, int]]
    latest_failures: list[Submission]
    public_top: list[LeaderboardRow]
    private_top: list[LeaderboardRow] | list[PrivateRow]
    private_is_preview: bool
    private_pending: int
    boards: list["BoardFigures"] = field(default_factory=list)

    @property
    def failure_rate(self) -> float | None:
        """Failed as a percentage of the submissions that finished (scored or failed); None before any."""
        finished = self.scored + self.failed
        return 100 * self.failed / finished if finished else None


def host_dashboard(competition: Competition) -> Dashboard:
    """Every figure of the host's dashboard, for the host's eyes only."""
    days = chart_days(competition)
    counts = Submission.objects.filter(competition=competition).aggregate(
        total=Count("pk"),
        scored=Count("pk", filter=Q(status=Status.SCORED)),
        failed=Count("pk", filter=Q(status=Status.FAILED)),
        in_flight=Count("pk", filter=Q(status__in=[Status.QUEUED, Status.SCORING])),
        late=Count("pk", filter=Q(is_late=True)),
    )
    acceptances = RulesAcceptance.objects.filter(competition=competition)
    teams = Team.objects.filter(competition=competition)
    participants_by_day = cumulative(per_day(acceptances, "accepted_at"), days)
    teams_by_day = cumulative(per_day(teams, "created_at"), days)
    finished = Submission.objects.filter(competition=competition, status__in=[Status.SCORED, Status.FAILED])
    private_top, private_is_preview, private_pending = private_standing(competition)
    return Dashboard(
        participants=acceptances.count(),
        teams=teams.count(),
        submissions=counts["total"],
        scored=counts["scored"],
        failed=counts["failed"],
        in_flight=counts["in_flight"],
        late=counts["late"],
        days=days,
        participants_by_day=participants_by_day,
        teams_by_day=teams_by_day,
        scored_by_day=daily(per_day(finished.filter(status=Status.SCORED), "created_at"), days),
        failed_by_day=daily(per_day(finished.filter(status=Status.FAILED), "created_at"), days),
        failure_codes=failure_codes(competition),
        latest_failures=latest_failures(competition),
        public_top=leaderboard_rows(competition, LeaderboardEntry.Split.PUBLIC, limit=TOP_TEAMS),
        private_top=private_top,
        private_is_preview=private_is_preview,
        private_pending=private_pending,
        boards=board_figures(competition),
    )


def board_figures(competition: Competition) -> list[BoardFigures]:
    """Per phase and track (nothing for a plain competition, whose figures above are its one board's): one
    aggregate over the competition's submissions grouped by pair, and each board's leader."""
    pairs = pairs_of(competition)
    if len(pairs) == 1:
        return []
    by_pair = {
        row["phase_track"]: row
        for row in Submission.objects.filter(competition=competition)
        .values("phase_track")
        .annotate(
            total=Count("pk"),
            scored=Count("pk", filter=Q(status=Status.SCORED)),
            failed=Count("pk", filter=Q(status=Status.FAILED)),
            carried=Count("pk", filter=Q(carried_over_from__isnull=False)),
            teams=Count("team", distinct=True),
        )
        .order_by()
    }
    current = current_phase(competition)
    figures = []
    for pair in pairs:
        row = by_pair.get(pair.pk, {})
        top = leaderboard_rows(competition, LeaderboardEntry.Split.PUBLIC, limit=1, pair=pair)
        figures.append(
            BoardFigures(
                phase_name=pair.phase.name,
                track_name=pair.track.name,
                is_current=pair.phase_id == current.pk,
                decides=pair.phase.decides,
                submissions=row.get("total", 0),
                scored=row.get("scored", 0),
                failed=row.get("failed", 0),
                carried_over=row.get("carried", 0),
                teams=row.get("teams", 0),
                leader=top[0] if top else None,
            )
        )
    return figures


def chart_days(competition: Competition) -> list[date]:
    """UTC days from the start (or today, before the start) to today (or the end, once it has passed)."""
    today = timezone.now().astimezone(UTC).date()
    first = min(competition.start_at.astimezone(UTC).date(), today)
    last = max(first, min(today, competition.end_at.astimezone(UTC).date()))
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def per_day(rows: QuerySet, field: str) -> dict[date, int]:
    """How many rows fall on each UTC day of `field`, grouped by the database."""
    grouped = (
        rows.order_by()  # a model's default ordering would otherwise join the GROUP BY
        .annotate(day=TruncDate(field, tzinfo=UTC))
        .values("day")
        .annotate(count=Count("pk"))
        .values_list("day", "count")
    )
    return dict(grouped)


def cumulative(counts: dict[date, int], days: list[date]) -> list[int]:
    """Running totals per day; what happened before the first day is already in its total."""
    if not days:
        return []
    running = sum(count for day, count in counts.items() if day < days[0])
    totals = []
    for day in days:
        running += counts.get(day, 0)
        totals.append(running)
    return totals


def daily(counts: dict[date, int], days: list[date]) -> list[int]:
    return [counts.get(day, 0) for day in days]


def failure_codes(competition: Competition) -> list[tuple[str, int]]:
    """The most common reasons submissions failed, most frequent first."""
    return list(
        Submission.objects.filter(competition=competition, status=Status.FAILED)
        .order_by()
        .values("error_code")
        .annotate(count=Count("pk"))
        .order_by("-count", "error_code")
        .values_list("error_code", "count")[:TOP_FAILURE_CODES]
    )


def latest_failures(competition: Competition) -> list[Submission]:
    """The latest failed submissions with the participant's message and the host-only detail."""
    return list(
        Submission.objects.filter(competition=competition, status=Status.FAILED)
        .select_related("team")
        .only(
            "pk",
            "created_at",
            "file_name",
            "error_code",
            "error_message",
            "host_error_detail",
            "team__name",
        )
        .order_by("-created_at", "-pk")[:LATEST_FAILURES]
    )


def private_standing(competition: Competition) -> tuple[list, bool, int]:
    """The private top: the built board after the end, else (before it) the board if it ended now.
    Returns the rows, whether they are a preview, and how many on-time submissions the end still waits for.
    """
    if competition.private_leaderboard_built_at:
        return leaderboard_rows(competition, LeaderboardEntry.Split.PRIVATE, limit=TOP_TEAMS), False, 0
    if competition.phase == Competition.Phase.FINISHED:
        return [], False, pending_on_time(competition)
    candidates = private_preview(competition, TOP_TEAMS)
    names = dict(
        Team.objects.filter(pk__in=[candidate.team_id for candidate in candidates]).values_list("pk", "name")
    )
    rows = [
        PrivateRow(rank=rank, team_name=names.get(candidate.team_id, ""), score=candidate.private_score)
        for rank, candidate in enumerate(candidates, start=1)
    ]
    return rows, True, 0
