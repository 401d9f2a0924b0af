"""Leaderboards: kept per team and split as submissions are scored, read in rank order."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from django.db.models import F, FloatField, Q, QuerySet, Window
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, RowNumber
from django.utils import timezone

from competitions.models import Competition, PhaseTrack, Prize, Team
from competitions.phases import board_pair, deciding_phase, default_track, pair_of, pairs_of, scoring_setup
from competitions.score_columns import ScoreColumnSetup
from leaderboards.board_cache import is_cached_page, remembered
from leaderboards.medals import medal_cutoffs, medal_for
from leaderboards.models import LeaderboardEntry
from leaderboards.signals import row_filters_requested
from scoring import engine
from submissions.models import Submission


def board_of(competition: Competition, pair: PhaseTrack | None = None) -> PhaseTrack:
    """The board a read is about: the pair given, or by default the current phase's default track (after
    the end, the deciding phase's)."""
    return pair if pair is not None else board_pair(competition)


def higher_is_better(competition: Competition, pair: PhaseTrack | None = None) -> bool:
    """The primary score's direction on a board: its pair's metric's, or its scoring program's. Without a
    pair (a profile's ranks, a benchmark, a write-up's order), the deciding phase's default track's: what
    decides the final standings, so a competition a host's program scores ranks its way everywhere."""
    if pair is None and pairs_of(competition):
        pair = pair_of(competition, deciding_phase(competition), default_track(competition))
    if pair is not None:
        return scoring_setup(pair, competition).higher_is_better
    if not competition.metric:
        return True  # no scoring set yet (a draft imported from a Codabench bundle): no score to order
    return engine.get_metric(competition.metric).higher_is_better


def rankable_submissions(competition: Competition, pair: PhaseTrack | None = None) -> QuerySet[Submission]:
    """Submissions that may stand on a board (the pair's, or any of the competition's): scored in time, not
    deleted, not disqualified, and from a team that is not disqualified."""
    where = Q(phase_track=pair) if pair is not None else Q(competition=competition)
    return Submission.objects.filter(
        where,
        status=Submission.Status.SCORED,
        is_late=False,
        deleted_at__isnull=True,
        disqualified_at__isnull=True,
        team__disqualified_at__isnull=True,
    )


def rank_order(competition: Competition, pair: PhaseTrack) -> tuple[str, ...]:
    """The order of a board's entries: the primary score, its tie key, the earlier submission."""
    direction = "-score" if higher_is_better(competition, pair) else "score"
    return (direction, "tie_key", "best_submitted_at", "team_id")


def ranked_entries(
    competition: Competition, split: str, pair: PhaseTrack | None = None
) -> QuerySet[LeaderboardEntry]:
    pair = board_of(competition, pair)
    return LeaderboardEntry.objects.filter(phase_track=pair, split=split).order_by(
        *rank_order(competition, pair)
    )


# "min" and "mo", never "m": a bare "1m" reads as a minute or a month.
AGE_UNITS = ((365 * 86400, "yr"), (30 * 86400, "mo"), (86400, "d"), (3600, "h"), (60, "min"))


def compact_age(moment: datetime, now: datetime | None = None) -> str:
    """How long ago, in whole units of the largest that fits: "now", "3 min", "2 h", "5 d", "2 mo", "1 yr"."""
    seconds = max(int(((now or timezone.now()) - moment).total_seconds()), 0)
    for size, unit in AGE_UNITS:
        if seconds >= size:
            return f"{seconds // size} {unit}"
    return "now"


@dataclass(frozen=True)
class LeaderboardRow:
    rank: int
    team_id: int
    team_name: str
    score: float
    entries: int
    last_submitted_at: datetime
    public_rank: int | None = None
    medal: str | None = None
    prize: Prize | None = None  # private board only: leaderboards.prizes fills it in
    not_eligible_for_prizes: bool = False  # shown to the host and to the team itself only

    @property
    def prize_text(self) -> str:
        return self.prize.text if self.prize else ""

    columns: dict = field(default_factory=dict)  # every secondary column's value, by label
    cells: tuple[str, ...] = ()  # the viewer's columns as the page shows them (with_cells)

    @property
    def last_ago(self) -> str:
        """'5 min', '3 h', '2 d', '4 mo' since the team's last submission: a compact form, and far cheaper
        to render for a page of 100 rows than Django's naturaltime."""
        return compact_age(self.last_submitted_at)

    @property
    def shake_up_text(self) -> tuple[str, str, str]:
        """(css class, what the eye sees, what a screen reader says) of the move since the public board:
        worded here once per row, which renders a page of 100 private rows far faster than a template."""
        moved = self.shake_up
        if moved is None:
            return "new", "new", "new: not on the public leaderboard"
        places = f"{abs(moved)} place{'s' if abs(moved) != 1 else ''}"
        if moved > 0:
            return "up", f"▲ {moved}", f"up {places} from public rank {self.public_rank}"
        if moved < 0:
            return "down", f"▼ {-moved}", f"down {places} from public rank {self.public_rank}"
        return "same", "–", f"no change from public rank {self.public_rank}"

    @property
    def score_text(self) -> str:
        """The score with six decimals: what floatformat:6 prints, at a fraction of its cost per row."""
        return f"{self.score:.6f}"

    @property
    def last_iso(self) -> str:
        return self.last_submitted_at.isoformat()

    @property
    def shake_up(self) -> int | None:
        """Places gained (positive) or lost since the public leaderboard; private rows only."""
        return None if self.public_rank is None else self.public_rank - self.rank


ROW_FIELDS = ("team_id", "score", "entries", "last_submitted_at", "public_rank", "columns")


def leaderboard_rows(
    competition: Competition,
    split: str,
    *,
    offset: int = 0,
    limit: int = 100,
    size: int | None = None,
    pair: PhaseTrack | None = None,
) -> list[LeaderboardRow]:
    """One page of a leaderboard in rank order; ties go to the team whose best came first. Private rows
    carry the public rank (for the shake-up) and the medal."""
    pair = board_of(competition, pair)
    entries = ranked_entries(competition, split, pair)[offset : offset + limit].values_list(*ROW_FIELDS)
    if split == LeaderboardEntry.Split.PRIVATE and size is None:
        size = leaderboard_size(competition, split, pair)
    ranked = [(offset + position, entry) for position, entry in enumerate(entries, start=1)]
    return build_rows(ranked, split, size=size)


def board_page(
    competition: Competition,
    split: str,
    *,
    offset: int,
    limit: int,
    size: int,
    pair: PhaseTrack | None = None,
) -> list[LeaderboardRow]:
    """One page of a board for the page and the API: the first pages of the public board come from the
    cache while the board stays unchanged (leaderboards.board_cache)."""
    if not size:
        return []
    pair = board_of(competition, pair)
    if not is_cached_page(split, offset):
        return leaderboard_rows(competition, split, offset=offset, limit=limit, size=size, pair=pair)
    return remembered(
        competition.pk,
        f"rows:{pair.pk}:{offset}:{limit}",
        lambda: leaderboard_rows(competition, split, offset=offset, limit=limit, size=size, pair=pair),
    )


def build_rows(ranked: list[tuple[int, tuple]], split: str, *, size: int | None) -> list[LeaderboardRow]:
    """Rows from (rank, ROW_FIELDS values) pairs. Plain tuples and the page's team names in a second small
    query: model instances cost more than the SQL on a page of 100, and joining teams into the ranked scan
    would make the database sort every entry before the offset."""
    names = dict(Team.objects.filter(pk__in=[entry[0] for _, entry in ranked]).values_list("pk", "name"))
    private = split == LeaderboardEntry.Split.PRIVATE
    cutoffs = None
    if private:
        if size is None:
            raise TypeError("A private leaderboard's rows need the board's size, for the medals.")
        cutoffs = medal_cutoffs(size)
    return [
        LeaderboardRow(
            rank=rank,
            team_id=team_id,
            team_name=names[team_id],
            score=score,
            entries=entries,
            last_submitted_at=last_submitted_at,
            public_rank=public_rank if private else None,
            medal=medal_for(rank, cutoffs) if cutoffs is not None else None,
            columns=columns or {},
        )
        for rank, (team_id, score, entries, last_submitted_at, public_rank, columns) in ranked
    ]


def rows_sorted_by_column(
    competition: Competition,
    split: str,
    column: ScoreColumnSetup,
    *,
    offset: int,
    limit: int,
    size: int,
    pair: PhaseTrack | None = None,
) -> list[LeaderboardRow]:
    """One page of a board ordered by a secondary column, best first as the column's direction says, rows
    without a value last; each row keeps its rank on the primary score, which also orders rows equal on the
    column. The database numbers the rows in rank order (a window over the board's index) and sorts by the
    column, so only the page comes back, whatever the board's size."""
    pair = board_of(competition, pair)
    value = Cast(KeyTextTransform(column.label, "columns"), FloatField())
    best_first = value.desc(nulls_last=True) if column.higher_is_better else value.asc(nulls_last=True)
    primary = [
        F(name[1:]).desc() if name.startswith("-") else F(name).asc()
        for name in rank_order(competition, pair)
    ]
    entries = (
        LeaderboardEntry.objects.filter(phase_track=pair, split=split)
        .annotate(primary_rank=Window(RowNumber(), order_by=primary))
        .order_by(best_first, "primary_rank")
        .values_list("primary_rank", *ROW_FIELDS)[offset : offset + limit]
    )
    return build_rows([(entry[0], entry[1:]) for entry in entries], split, size=size)


def with_cells(rows: list[LeaderboardRow], columns: Sequence[ScoreColumnSetup]) -> list[LeaderboardRow]:
    """Rows carrying the viewer's columns formatted at each column's precision, for the page."""
    if not columns:
        return rows
    return [
        replace(row, cells=tuple(column.format(row.columns.get(column.label)) for column in columns))
        for row in rows
    ]


def ranks_of_teams(
    competition: Competition, split: str, team_ids: set[int], pair: PhaseTrack | None = None
) -> list[tuple[int, int]]:
    """(rank, team id) of the board's rows whose team is in `team_ids`, in rank order: each keeps its rank on
    the whole board, as a "with code" view keeps the ranks of the full table."""
    order = ranked_entries(competition, split, pair).values_list("team_id", flat=True)
    return [(rank, team_id) for rank, team_id in enumerate(order, start=1) if team_id in team_ids]


def rows_at_ranks(
    competition: Competition,
    split: str,
    ranks: list[tuple[int, int]],
    *,
    size: int,
    pair: PhaseTrack | None = None,
) -> list[LeaderboardRow]:
    """The rows of these (rank, team id) pairs, from a board of `size` rows (for the medals)."""
    entries = {
        entry[0]: entry
        for entry in LeaderboardEntry.objects.filter(
            phase_track=board_of(competition, pair),
            split=split,
            team_id__in=[team_id for _, team_id in ranks],
        ).values_list(*ROW_FIELDS)
    }
    return build_rows([(rank, entries[team_id]) for rank, team_id in ranks], split, size=size)


@dataclass(frozen=True)
class RowFilter:
    """A subset of a board's teams that an app above the boards names (leaderboards.signals)."""

    name: str
    label: str
    teams: Callable[[Competition], set[int]]


def row_filters() -> dict[str, RowFilter]:
    """Every way to narrow a board's rows, by the name `?only=` gives, as the apps above answer."""
    filters: dict[str, RowFilter] = {}
    for _, answer in row_filters_requested.send(sender=Competition):
        found: object = answer  # the stubs think receivers answer text
        if isinstance(found, RowFilter):
            filters[found.name] = found
    return filters


def leaderboard_size(competition: Competition, split: str, pair: PhaseTrack | None = None) -> int:
    return LeaderboardEntry.objects.filter(phase_track=board_of(competition, pair), split=split).count()
