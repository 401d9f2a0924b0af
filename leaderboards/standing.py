"""Changes to what stands on the leaderboards: a team deleting a submission, and the board side of a
disqualification (one submission, a whole team, every submission of a banned account). Who may disqualify,
the reason and the audit log belong to moderation.services, the one way in for every disqualification.

A write PostgreSQL rolls back for a deadlock or a serialization failure runs again
(competitions.locks.retried_on_conflict): `delete_submission` itself, the disqualifications through the
moderation services that call them, since only the outermost transaction can be run again."""

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from competitions import locks
from competitions.models import Competition, Team
from config.errors import DomainError
from leaderboards.board_cache import board_changed
from leaderboards.models import LeaderboardEntry
from leaderboards.private_board import build_private_leaderboard, rebuild_if_built
from leaderboards.services import recompute_public_entry
from submissions.models import Submission
from submissions.services import SubmissionRefused, team_submission


@locks.retried_on_conflict
def delete_submission(*, submission: Submission, user: User) -> None:
    """Hide a submission from its team's history and the leaderboards; it still counts against the quota.
    Closed once the competition has ended, so the final standing cannot be edited afterwards."""
    team = team_submission(user, submission, "delete it")
    if submission.competition.phase == Competition.Phase.FINISHED and not submission.is_late:
        raise SubmissionRefused(
            "The competition has ended; submissions made before the end can no longer be deleted.",
            code="not_deletable",
        )
    with transaction.atomic():
        locks.lock_team(team.pk)
        Submission.objects.filter(pk=submission.pk, deleted_at__isnull=True).update(
            deleted_at=timezone.now(), is_final=False
        )
        recompute_public_entry(team)
    if submission.status == Submission.Status.QUEUED:
        Submission.objects.filter(pk=submission.pk, status=Submission.Status.QUEUED).update(
            status=Submission.Status.CANCELLED
        )


class TeamChanged(DomainError):
    code = "team_changed"
    http_status = 409


def lock_submissions_team(submission: Submission) -> Team:
    """The team the submission belongs to now, locked: a merge may have moved it since it was read."""
    for _ in range(3):
        team_id = Submission.objects.values_list("team_id", flat=True).get(pk=submission.pk)
        team = locks.lock_teams([team_id]).get(team_id)
        if team is not None:
            return team
    raise TeamChanged(f"Submission {submission.pk}'s team changed a moment ago; try again.")


def take_submission_off_boards(*, submission: Submission, reason: str) -> Submission:
    """Disqualify one submission and update the boards: who may, and the audit log, are moderation's
    (moderation.services.disqualify_submission is the one way in)."""
    with transaction.atomic():
        team = lock_submissions_team(submission)
        Submission.objects.filter(pk=submission.pk).update(
            disqualified_at=timezone.now(), disqualification_reason=reason, is_final=False
        )
        recompute_public_entry(team)
    rebuild_if_built(submission.competition)
    submission.refresh_from_db()
    return submission


def take_team_off_boards(*, team: Team, reason: str) -> Team:
    """Disqualify a whole team and take it off the boards (moderation.services.disqualify_team is the one
    way in)."""
    with transaction.atomic():
        try:
            locked = locks.lock_team(team.pk)
        except Team.DoesNotExist:
            raise TeamChanged(
                f"Team '{team.name}' merged into another a moment ago; disqualify the team it joined."
            ) from None
        locked.disqualified_at = timezone.now()
        locked.disqualification_reason = reason
        locked.save(update_fields=["disqualified_at", "disqualification_reason"])
        LeaderboardEntry.objects.filter(team=locked).delete()
        board_changed(locked.competition_id)
    rebuild_if_built(team.competition)
    return locked


def take_submissions_off_boards(*, submissions: QuerySet[Submission], reason: str) -> int:
    """Disqualify many submissions at once (a banned account's, in every competition): each affected team's
    public entry is recomputed and each built private board rebuilt once; returns how many were disqualified.

    Takes the competitions' locks, then the teams', through competitions.locks; moderation.services.ban_user
    is the one way in."""
    pending = submissions.filter(disqualified_at__isnull=True)
    disqualified = 0
    with transaction.atomic():
        competition_ids = set(pending.values_list("competition_id", flat=True))
        competitions = locks.lock_competitions(competition_ids)
        now = timezone.now()
        # A merge accepted meanwhile may move a submission to a team not yet locked (and delete the team that
        # was read): go round until none is left, stopping only when a round finds the same teams and
        # changes nothing.
        previous: set[int] = set()
        while team_ids := set(pending.values_list("team_id", flat=True)):
            teams = list(locks.lock_teams(team_ids).values())
            updated = pending.filter(team__in=teams).update(
                disqualified_at=now, disqualification_reason=reason, is_final=False
            )
            for team in teams:
                recompute_public_entry(team)
            disqualified += updated
            if not updated and team_ids == previous:
                break
            previous = team_ids
        for competition in competitions:
            if competition.private_leaderboard_built_at:
                build_private_leaderboard(competition)
    return disqualified
