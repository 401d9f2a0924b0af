"""Where a user stands in every competition they joined, for their profile: in two queries, however many.

Ranks are counted in the database as the number of entries ahead on the same board (better score, or on
the same score a better tie key from the secondary columns, then the one reached earlier, as
`ranked_entries` orders them), so no board is read whole. The private rank
and medal are given only once the private board is built, which happens after the end, so nothing here
shows a private standing before everyone may see it.

A team stands on one board per phase and track. The profile shows its standing on the latest phase's
boards where it has an entry, and of that phase's tracks the one where it ranks best: with several tracks
in the deciding phase, each track's final board gives its own medals, and the profile shows the best.
"""

from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from accounts.models import User
from competitions.models import Competition, Team, TeamMembership
from leaderboards.medals import medal_cutoffs, medal_for
from leaderboards.models import LeaderboardEntry
from scoring import engine

PUBLIC, PRIVATE = LeaderboardEntry.Split.PUBLIC, LeaderboardEntry.Split.PRIVATE


@dataclass(frozen=True)
class Standing:
    rank: int
    teams: int


@dataclass(frozen=True)
class JoinedCompetition:
    competition: Competition
    team: Team
    public: Standing | None
    private: Standing | None

    @property
    def private_board_built(self) -> bool:
        return private_board_is_out(self.competition)

    @property
    def medal(self) -> str | None:
        if self.private is None:
            return None
        return medal_for(self.private.rank, medal_cutoffs(self.private.teams))


def private_board_is_out(competition: Competition) -> bool:
    return bool(competition.private_leaderboard_built_at) and competition.phase == Competition.Phase.FINISHED


def count_of(entries: QuerySet) -> Coalesce:
    """A correlated COUNT(*) of `entries`, zero when none match."""
    counted = entries.order_by().values("phase_track_id").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def same_board() -> QuerySet:
    return LeaderboardEntry.objects.filter(phase_track_id=OuterRef("phase_track_id"), split=OuterRef("split"))


def entries_ahead(*, higher_is_better: bool) -> Coalesce:
    """Entries ahead in the board's own order (leaderboards.queries.rank_order): a better score, then on the
    same score a better tie key (the secondary columns in order), then the earlier submission."""
    better = Q(score__gt=OuterRef("score")) if higher_is_better else Q(score__lt=OuterRef("score"))
    earlier = Q(best_submitted_at__lt=OuterRef("best_submitted_at")) | Q(
        best_submitted_at=OuterRef("best_submitted_at"), team_id__lt=OuterRef("team_id")
    )
    tied = Q(score=OuterRef("score")) & (
        Q(tie_key__lt=OuterRef("tie_key")) | (Q(tie_key=OuterRef("tie_key")) & earlier)
    )
    return count_of(same_board().filter(better | tied))


def ranked_team_entries(team_ids: list[int]) -> QuerySet:
    """The teams' entries on both boards, each with its rank and the size of its board."""
    higher = [key for key, metric in engine.METRICS.items() if metric.higher_is_better]
    # A phase and track scored by a host's program ranks in its primary column's direction; one scored with
    # a metric of its own in that metric's.
    by_metric = Q(phase_track__metric__in=higher) | Q(phase_track__metric="", competition__metric__in=higher)
    ranks_higher = Q(phase_track__program_higher_is_better=True) | (
        Q(phase_track__program_higher_is_better__isnull=True) & by_metric
    )
    rank = Case(
        When(ranks_higher, then=entries_ahead(higher_is_better=True)),
        default=entries_ahead(higher_is_better=False),
        output_field=IntegerField(),
    )
    return (
        LeaderboardEntry.objects.filter(team_id__in=team_ids)
        .annotate(ahead=rank, board_size=count_of(same_board()))
        .values_list("team_id", "split", "ahead", "board_size", "phase_track__phase__number")
    )


def joined_competitions(user: User) -> list[JoinedCompetition]:
    """Every competition the user has a team in, latest end first, with the team's public rank and, once
    the private board is built, its final rank."""
    memberships = list(
        TeamMembership.objects.filter(user=user)
        .select_related("team", "competition")
        .order_by("-competition__end_at", "-competition_id")
    )
    standings: dict[tuple[int, str], Standing] = {}
    latest: dict[tuple[int, str], tuple[int, float]] = {}
    for team_id, split, ahead, size, phase in ranked_team_entries([m.team_id for m in memberships]):
        order = (phase, -(ahead + 1) / max(size, 1))  # the latest phase, then the best place on its tracks
        if (team_id, split) not in latest or order > latest[(team_id, split)]:
            latest[(team_id, split)] = order
            standings[(team_id, split)] = Standing(rank=ahead + 1, teams=size)
    joined = []
    for membership in memberships:
        competition = membership.competition
        joined.append(
            JoinedCompetition(
                competition=competition,
                team=membership.team,
                public=standings.get((membership.team_id, PUBLIC)),
                private=(
                    standings.get((membership.team_id, PRIVATE))
                    if private_board_is_out(competition)
                    else None
                ),
            )
        )
    return joined
