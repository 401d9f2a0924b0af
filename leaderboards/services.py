"""Keeping the boards' entries up to date: a scored submission folds into its team's public entry, and a
merge, a deletion, a disqualification or a rescore recomputes the entries it touched."""

from datetime import datetime
from typing import cast

from django.db.models import Count, F, Max, Window
from django.db.models.functions import RowNumber

from competitions.models import Competition, Team
from leaderboards.board_cache import board_changed
from leaderboards.models import LeaderboardEntry
from leaderboards.queries import higher_is_better, rankable_submissions
from submissions.models import Submission


def is_better(
    competition: Competition, score: float, submitted_at: datetime, entry: LeaderboardEntry
) -> bool:
    if score == entry.score:
        return submitted_at < entry.best_submitted_at
    return score > entry.score if higher_is_better(competition) else score < entry.score


def public_score(submission: Submission) -> float:
    """A rankable submission's public score: scoring sets it together with the scored status."""
    if submission.public_score is None:
        raise ValueError(f"Submission {submission.pk} has no public score; only scored submissions rank.")
    return submission.public_score


def record_on_leaderboard(submission: Submission) -> None:
    """Fold a freshly scored submission into its team's public entry; call inside the scoring transaction,
    holding the team's row lock, so two submissions of one team cannot update the entry at once.

    Only the public split is kept as submissions arrive: the private standing is built at the end from
    each team's selected submissions, never from its best private score in hindsight.
    """
    if not rankable_submissions(submission.competition).filter(pk=submission.pk).exists():
        return
    competition, score = submission.competition, public_score(submission)
    split = LeaderboardEntry.Split.PUBLIC
    entry = LeaderboardEntry.objects.filter(
        competition=competition, team=submission.team, split=split
    ).first()
    if entry is None:
        LeaderboardEntry.objects.create(
            competition=competition,
            team=submission.team,
            split=split,
            score=score,
            best_submission=submission,
            best_submitted_at=submission.created_at,
            entries=1,
            last_submitted_at=submission.created_at,
        )
        return
    entry.entries += 1
    entry.last_submitted_at = max(entry.last_submitted_at, submission.created_at)
    if is_better(competition, score, submission.created_at, entry):
        entry.score = score
        entry.best_submission = submission
        entry.best_submitted_at = submission.created_at
    entry.save()


def recompute_public_entry(team: Team) -> None:
    """Rebuild a team's public entry from all its rankable submissions: after a merge, a deletion or a
    disqualification. Call inside a transaction holding the team's row lock."""
    competition = team.competition
    board_changed(competition.pk)
    split = LeaderboardEntry.Split.PUBLIC
    LeaderboardEntry.objects.filter(competition=competition, team=team, split=split).delete()
    submissions = rankable_submissions(competition).filter(team=team).order_by("created_at", "pk")
    best = None
    for submission in submissions:
        if best is None or is_better(competition, public_score(submission), submission.created_at, best):
            best = submission_as_entry(submission)
        best.last_submitted_at = submission.created_at
    if best is None:
        return
    best.entries = submissions.count()
    best.save()


def rebuild_public_entries(competition: Competition) -> int:
    """Replace every public entry of the competition from its rankable submissions, set-based: one query
    picks each team's best (a window function, ties to the earlier submission as `is_better` breaks them)
    with its count and latest time, and one bulk insert writes them. Returns how many teams stand.
    Call inside a transaction holding the competition's row lock."""
    board_changed(competition.pk)
    score_order = F("public_score").desc() if higher_is_better(competition) else F("public_score").asc()
    by_team = [F("team_id")]
    best = (
        rankable_submissions(competition)
        .order_by()
        .annotate(
            pick=Window(RowNumber(), order_by=[score_order, F("created_at"), F("pk")], partition_by=by_team),
            team_entries=Window(Count("pk"), partition_by=by_team),
            team_last=Window(Max("created_at"), partition_by=by_team),
        )
        .filter(pick=1)
        .values_list("pk", "team_id", "public_score", "created_at", "team_entries", "team_last")
    )
    entries = [
        LeaderboardEntry(
            competition=competition,
            team_id=team_id,
            split=LeaderboardEntry.Split.PUBLIC,
            # Rankable submissions are scored, and scoring sets public_score with the status: never None.
            score=cast(float, score),
            best_submission_id=submission_id,
            best_submitted_at=created_at,
            entries=count,
            last_submitted_at=last,
        )
        for submission_id, team_id, score, created_at, count, last in best
    ]
    LeaderboardEntry.objects.filter(competition=competition, split=LeaderboardEntry.Split.PUBLIC).delete()
    LeaderboardEntry.objects.bulk_create(entries, batch_size=2000)
    return len(entries)


def submission_as_entry(submission: Submission) -> LeaderboardEntry:
    return LeaderboardEntry(
        competition_id=submission.competition_id,
        team_id=submission.team_id,
        split=LeaderboardEntry.Split.PUBLIC,
        score=public_score(submission),
        best_submission=submission,
        best_submitted_at=submission.created_at,
        last_submitted_at=submission.created_at,
    )
