"""Keeping the boards' entries up to date: a scored submission folds into its team's public entry, and a
merge, a deletion, a disqualification or a rescore recomputes the entries it touched."""

from datetime import datetime
from typing import cast

from django.db import connection
from django.db.models import Count, F, Max, Window
from django.db.models.functions import RowNumber

from competitions.models import Competition, PhaseTrack, Team
from competitions.phases import pairs_of
from leaderboards.board_cache import board_changed
from leaderboards.models import LeaderboardEntry
from leaderboards.queries import higher_is_better, rankable_submissions
from submissions.models import Submission


def is_better(
    competition: Competition,
    score: float,
    tie_key: str,
    submitted_at: datetime,
    entry: LeaderboardEntry,
    pair: PhaseTrack | None = None,
) -> bool:
    """The higher or lower score as the metric wants; on a tie the better secondary columns, in the order
    the host listed them (the tie key sorts best first); then the earlier submission."""
    if score == entry.score:
        if tie_key != entry.tie_key:
            return tie_key < entry.tie_key
        return submitted_at < entry.best_submitted_at
    return score > entry.score if higher_is_better(competition, pair) else score < entry.score


def public_score(submission: Submission) -> float:
    """A rankable submission's public score: scoring sets it together with the scored status."""
    if submission.public_score is None:
        raise ValueError(f"Submission {submission.pk} has no public score; only scored submissions rank.")
    return submission.public_score


def record_on_leaderboard(submission: Submission) -> None:
    """Fold a freshly scored submission into its team's public entry; call inside the scoring transaction,
    holding the team's row lock, with `submission.team` the team it belongs to now.

    One statement: an insert of the entry, if the submission is rankable, that on a conflict with the
    team's entry counts one more entry and keeps the better of the two (`is_better`'s rule: the higher or
    lower score as the metric wants, then the secondary columns' tie key, then the earlier submission).

    Only the public split is kept as submissions arrive: the private standing is built at the end from
    each team's selected submissions, never from its best private score in hindsight.
    """
    competition, pair = submission.competition, submission.phase_track
    rankable, rankable_params = (
        rankable_submissions(competition).filter(pk=submission.pk).values("pk").query.sql_with_params()
    )
    quote = connection.ops.quote_name
    table = quote(LeaderboardEntry._meta.db_table)
    beats = ">" if higher_is_better(competition, pair) else "<"
    new_is_better = (
        f"(EXCLUDED.score {beats} {table}.score OR (EXCLUDED.score = {table}.score "
        f"AND (EXCLUDED.tie_key < {table}.tie_key OR (EXCLUDED.tie_key = {table}.tie_key "
        f"AND EXCLUDED.best_submitted_at < {table}.best_submitted_at))))"
    )
    kept_if_better = ", ".join(
        f"{column} = CASE WHEN {new_is_better} THEN EXCLUDED.{column} ELSE {table}.{column} END"
        for column in ("score", "columns", "tie_key", "best_submission_id", "best_submitted_at")
    )
    columns = LeaderboardEntry._meta.get_field("columns").get_db_prep_save(
        submission.public_columns or {}, connection
    )
    submitted_at = LeaderboardEntry._meta.get_field("best_submitted_at").get_db_prep_value(
        submission.created_at, connection
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (competition_id, phase_track_id, team_id, {quote('split')}, score, columns, "
            "tie_key, best_submission_id, best_submitted_at, entries, last_submitted_at) "
            f"SELECT %s, %s, %s, %s, %s, %s, %s, %s, %s, 1, %s WHERE EXISTS ({rankable}) "
            f"ON CONFLICT (phase_track_id, team_id, {quote('split')}) DO UPDATE SET "
            f"entries = {table}.entries + 1, "
            f"last_submitted_at = CASE WHEN EXCLUDED.last_submitted_at > {table}.last_submitted_at "
            f"THEN EXCLUDED.last_submitted_at ELSE {table}.last_submitted_at END, {kept_if_better}",
            [
                competition.pk,
                submission.phase_track_id,
                submission.team_id,
                LeaderboardEntry.Split.PUBLIC.value,
                public_score(submission),
                columns,
                submission.public_tie_key,
                submission.pk,
                submitted_at,
                submitted_at,
                *rankable_params,
            ],
        )


def recompute_public_entry(team: Team) -> None:
    """Rebuild a team's public entries (one per board) from all its rankable submissions: after a merge, a
    deletion or a disqualification. Call inside a transaction holding the team's row lock."""
    competition = team.competition
    board_changed(competition.pk)
    split = LeaderboardEntry.Split.PUBLIC
    LeaderboardEntry.objects.filter(competition=competition, team=team, split=split).delete()
    for pair in pairs_of(competition):
        submissions = rankable_submissions(competition, pair).filter(team=team).order_by("created_at", "pk")
        best = None
        for submission in submissions:
            if best is None or is_better(
                competition,
                public_score(submission),
                submission.public_tie_key,
                submission.created_at,
                best,
                pair,
            ):
                best = submission_as_entry(submission)
            best.last_submitted_at = submission.created_at
        if best is None:
            continue
        best.entries = submissions.count()
        best.save()


def rebuild_public_entries(competition: Competition, pair: PhaseTrack | None = None) -> int:
    """Replace every public entry of the competition (or of one board) from its rankable submissions.
    Returns how many teams stand (on the boards rebuilt). Call inside a transaction holding the
    competition's row lock."""
    board_changed(competition.pk)
    return sum(
        rebuild_public_board(competition, found)
        for found in pairs_of(competition)
        if pair is None or found.pk == pair.pk
    )


def rebuild_public_board(competition: Competition, pair: PhaseTrack) -> int:
    """One board's public entries, set-based: one query picks each team's best (a window function, ties to
    the earlier submission as `is_better` breaks them) with its count and latest time, and one bulk insert
    writes them."""
    score_order = F("public_score").desc() if higher_is_better(competition, pair) else F("public_score").asc()
    by_team = [F("team_id")]
    best = (
        rankable_submissions(competition, pair)
        .order_by()
        .annotate(
            pick=Window(
                RowNumber(),
                order_by=[score_order, F("public_tie_key"), F("created_at"), F("pk")],
                partition_by=by_team,
            ),
            team_entries=Window(Count("pk"), partition_by=by_team),
            team_last=Window(Max("created_at"), partition_by=by_team),
        )
        .filter(pick=1)
        .values_list(
            "pk",
            "team_id",
            "public_score",
            "public_columns",
            "public_tie_key",
            "created_at",
            "team_entries",
            "team_last",
        )
    )
    entries = [
        LeaderboardEntry(
            competition=competition,
            phase_track=pair,
            team_id=team_id,
            split=LeaderboardEntry.Split.PUBLIC,
            # Rankable submissions are scored, and scoring sets public_score with the status: never None.
            score=cast(float, score),
            columns=columns,
            tie_key=tie_key,
            best_submission_id=submission_id,
            best_submitted_at=created_at,
            entries=count,
            last_submitted_at=last,
        )
        for submission_id, team_id, score, columns, tie_key, created_at, count, last in best
    ]
    LeaderboardEntry.objects.filter(phase_track=pair, split=LeaderboardEntry.Split.PUBLIC).delete()
    LeaderboardEntry.objects.bulk_create(entries, batch_size=2000)
    return len(entries)


def submission_as_entry(submission: Submission) -> LeaderboardEntry:
    return LeaderboardEntry(
        competition_id=submission.competition_id,
        phase_track_id=submission.phase_track_id,
        team_id=submission.team_id,
        split=LeaderboardEntry.Split.PUBLIC,
        score=public_score(submission),
        columns=submission.public_columns or {},
        tie_key=submission.public_tie_key,
        best_submission=submission,
        best_submitted_at=submission.created_at,
        last_submitted_at=submission.created_at,
    )
