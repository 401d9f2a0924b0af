"""The private leaderboard: built once the competition has ended and every on-time submission is scored.

Each team stands on the private board with the best private score among the submissions it selected as
final; a team that selected none is judged on its best `final_selection_limit` submissions by public score
(as Kaggle does). Ties go to the earlier submission. Until the end nobody but the host and staff sees a
private score, so the board is built only then, never from the best private score in hindsight.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from competitions import locks
from competitions.models import Competition, PhaseTrack
from competitions.phases import deciding_phase, default_track, effective_limits, pair_of, pairs_of
from leaderboards.models import LeaderboardEntry
from leaderboards.queries import higher_is_better, rankable_submissions, ranked_entries
from leaderboards.signals import private_board_revealed
from submissions.models import Submission

logger = logging.getLogger(__name__)
PENDING = (Submission.Status.QUEUED, Submission.Status.SCORING)


@dataclass
class Candidate:
    submission_id: int
    team_id: int
    private_score: float
    created_at: datetime
    columns: dict = field(default_factory=dict)
    tie_key: str = ""


def pending_on_time(competition: Competition) -> int:
    """On-time submissions still waiting or scoring: the private board waits for them."""
    return Submission.objects.filter(competition=competition, is_late=False, status__in=PENDING).count()


@locks.retried_on_conflict
def finalize_if_due(competition: Competition) -> bool:
    """Build the private board if the competition has ended, it is not built and nothing is pending.
    Safe to call from every reader and worker: one of them builds it, under the competition's row lock."""
    if competition.private_leaderboard_built_at or competition.phase != Competition.Phase.FINISHED:
        return False
    if pending_on_time(competition):
        return False
    with transaction.atomic():
        locked = locks.lock_competition(competition.pk)
        if locked.private_leaderboard_built_at:
            competition.private_leaderboard_built_at = locked.private_leaderboard_built_at
            return False
        if pending_on_time(locked):
            return False
        build_private_leaderboard(locked)
        competition.private_leaderboard_built_at = locked.private_leaderboard_built_at
        private_board_revealed.send(sender=Competition, competition=locked)
    return True


@locks.retried_on_conflict
def rebuild_if_built(competition: Competition) -> None:
    """After a disqualification or a rescore at the end, the built board follows at once."""
    with transaction.atomic():
        locked = locks.lock_competition(competition.pk)
        if locked.private_leaderboard_built_at:
            build_private_leaderboard(locked)


def deciding_pairs(competition: Competition) -> list[PhaseTrack]:
    """The boards that decide the competition: every track's in the deciding phase."""
    deciding = deciding_phase(competition)
    return [pair for pair in pairs_of(competition) if pair.phase_id == deciding.pk]


def deciding_pair(competition: Competition, pair: PhaseTrack | None = None) -> PhaseTrack:
    """The board a private read is about: the one given, or the deciding phase's default track."""
    return pair or pair_of(competition, deciding_phase(competition), default_track(competition))


def build_private_leaderboard(competition: Competition) -> int:
    """Replace the private entries of every board of the deciding phase; returns how many teams stand on
    them. Call inside a transaction holding the competition's row lock."""
    LeaderboardEntry.objects.filter(competition=competition, split=LeaderboardEntry.Split.PRIVATE).delete()
    standing = sum(build_private_board(competition, pair) for pair in deciding_pairs(competition))
    competition.private_leaderboard_built_at = timezone.now()
    competition.save(update_fields=["private_leaderboard_built_at"])
    refresh_planner_statistics()
    logger.info("Built the private leaderboard of %s: %s teams", competition.slug, standing)
    return standing


def build_private_board(competition: Competition, pair: PhaseTrack) -> int:
    """One track's private board in the deciding phase."""
    best_by_team = best_final_per_team(competition, pair)
    public_entries = {
        entry.team_id: entry for entry in ranked_entries(competition, LeaderboardEntry.Split.PUBLIC, pair)
    }
    public_ranks = {team_id: rank for rank, team_id in enumerate(public_entries, start=1)}
    LeaderboardEntry.objects.bulk_create(
        [
            LeaderboardEntry(
                competition=competition,
                phase_track=pair,
                team_id=team_id,
                split=LeaderboardEntry.Split.PRIVATE,
                score=best.private_score,
                columns=best.columns,
                tie_key=best.tie_key,
                best_submission_id=best.submission_id,
                best_submitted_at=best.created_at,
                entries=public_entries[team_id].entries if team_id in public_entries else 0,
                last_submitted_at=(
                    public_entries[team_id].last_submitted_at
                    if team_id in public_entries
                    else best.created_at
                ),
                public_rank=public_ranks.get(team_id),
            )
            for team_id, best in best_by_team.items()
        ],
        batch_size=2000,
    )
    return len(best_by_team)


def best_final_per_team(competition: Competition, pair: PhaseTrack | None = None) -> dict[int, Candidate]:
    """Each team's best private score among its final candidates on a deciding board, as it would stand
    now (by default the deciding phase's default track)."""
    pair = deciding_pair(competition, pair)
    best_by_team: dict[int, Candidate] = {}
    for candidate in final_candidates(competition, pair):
        current = best_by_team.get(candidate.team_id)
        if current is None or beats(competition, candidate, current, pair):
            best_by_team[candidate.team_id] = candidate
    return best_by_team


def private_preview(
    competition: Competition, limit: int = 10, pair: PhaseTrack | None = None
) -> list[Candidate]:
    """For the host's eyes only, before the end: the top of the private board if it ended now."""
    pair = deciding_pair(competition, pair)
    best = best_final_per_team(competition, pair).values()
    sign = -1 if higher_is_better(competition, pair) else 1
    return sorted(best, key=lambda c: (sign * c.private_score, c.tie_key, c.created_at, c.submission_id))[
        :limit
    ]


def final_candidates(competition: Competition, pair: PhaseTrack):
    """Each team's selected submissions on the board, or its best few by public score where it selected
    none (as many as the deciding phase lets a team select)."""
    eligible = rankable_submissions(competition, pair).filter(private_score__isnull=False)
    limit = effective_limits(pair.phase, competition)["final_selection_limit"]
    fields = ("pk", "team_id", "private_score", "created_at", "private_columns", "private_tie_key")
    # No ordering: the model's default (newest first) would make the database walk the whole time index.
    selected = eligible.filter(is_final=True).order_by()
    for row in selected.values_list(*fields).iterator(chunk_size=5000):
        yield Candidate(*row)
    public_order = (
        F("public_score").desc() if higher_is_better(competition, pair) else F("public_score").asc()
    )
    unselected = (
        eligible.exclude(team_id__in=selected.values("team_id"))
        .order_by()
        .annotate(
            pick=Window(
                RowNumber(),
                partition_by=[F("team_id")],
                order_by=[public_order, F("public_tie_key"), F("created_at"), F("pk")],
            )
        )
        .filter(pick__lte=limit)
    )
    for row in unselected.values_list(*fields).iterator(chunk_size=5000):
        yield Candidate(*row)


def beats(competition: Competition, candidate: Candidate, current: Candidate, pair: PhaseTrack) -> bool:
    if candidate.private_score == current.private_score:
        if candidate.tie_key != current.tie_key:
            return candidate.tie_key < current.tie_key
        return (candidate.created_at, candidate.submission_id) < (current.created_at, current.submission_id)
    if higher_is_better(competition, pair):
        return candidate.private_score > current.private_score
    return candidate.private_score < current.private_score


def refresh_planner_statistics() -> None:
    """Thousands of fresh rows with stale statistics make PostgreSQL plan the first reads badly (it
    expects one row and sorts the whole board); ANALYZE is cheap next to the build."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {LeaderboardEntry._meta.db_table}")


def finalize_ended_competitions() -> int:
    """Build the private board of every ended competition whose on-time submissions are all scored (the
    periodic task, so a board is out within PODIUM_SWEEP_EVERY seconds of an end that waited for nothing)."""
    due = Competition.objects.filter(
        status=Competition.Status.PUBLISHED, end_at__lte=timezone.now(), private_leaderboard_built_at=None
    )
    return sum(finalize_if_due(competition) for competition in due)
