"""Changes to what stands on the leaderboards: a team deleting a submission, a host or admin disqualifying
a submission or a whole team, staff disqualifying every submission of a banned account. Each updates the
leaderboards in the same transaction."""

from django.db import transaction
from django.db.models import QuerySet
from django.dispatch import Signal
from django.utils import timezone

from accounts.models import User
from competitions import locks
from competitions.models import Competition, Team
from competitions.queries import is_host
from config.errors import NotAllowed
from leaderboards.models import LeaderboardEntry
from leaderboards.private_board import build_private_leaderboard, rebuild_if_built
from leaderboards.services import recompute_public_entry
from submissions.models import Submission
from submissions.services import SubmissionRefused, team_submission

# Sent inside the transaction of a disqualification (by the host, an admin, the API, a page or the admin),
# with `actor`, `target` (the Submission or Team) and `reason`: the audit log listens (moderation/apps.py)
# without scoring depending on it.
disqualified = Signal()


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


def require_moderator(user: User, competition: Competition) -> None:
    if not is_host(user, competition):
        raise NotAllowed("Only the competition's host or an admin can disqualify.")


def check_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise SubmissionRefused("Give a reason; the team will see it.", code="reason_required")
    return reason[:2000]


def disqualify_submission(*, submission: Submission, user: User, reason: str) -> Submission:
    require_moderator(user, submission.competition)
    reason = check_reason(reason)
    with transaction.atomic():
        locks.lock_team(submission.team_id)
        Submission.objects.filter(pk=submission.pk).update(
            disqualified_at=timezone.now(), disqualification_reason=reason, is_final=False
        )
        recompute_public_entry(submission.team)
        disqualified.send(sender=Submission, actor=user, target=submission, reason=reason)
    rebuild_if_built(submission.competition)
    submission.refresh_from_db()
    return submission


def disqualify_team(*, team: Team, user: User, reason: str) -> Team:
    require_moderator(user, team.competition)
    reason = check_reason(reason)
    with transaction.atomic():
        locked = locks.lock_team(team.pk)
        locked.disqualified_at = timezone.now()
        locked.disqualification_reason = reason
        locked.save(update_fields=["disqualified_at", "disqualification_reason"])
        LeaderboardEntry.objects.filter(team=locked).delete()
        disqualified.send(sender=Team, actor=user, target=locked, reason=reason)
    rebuild_if_built(team.competition)
    return locked


def disqualify_submissions(*, submissions: QuerySet[Submission], user: User, reason: str) -> int:
    """Disqualify many submissions at once (a banned account's, in every competition): each affected team's
    public entry is recomputed and each built private board rebuilt once; returns how many were disqualified.

    Takes the competitions' locks, then the teams', through competitions.locks."""
    reason = check_reason(reason)
    pending = submissions.filter(disqualified_at__isnull=True)
    disqualified = 0
    with transaction.atomic():
        competition_ids = set(pending.values_list("competition_id", flat=True))
        competitions = locks.lock_competitions(competition_ids)
        for competition in competitions:
            require_moderator(user, competition)
        now = timezone.now()
        # A merge accepted meanwhile may move a submission to a team not yet locked: go round until none is left.
        while team_ids := set(pending.values_list("team_id", flat=True)):
            teams = list(locks.lock_teams(team_ids).values())
            updated = pending.filter(team__in=teams).update(
                disqualified_at=now, disqualification_reason=reason, is_final=False
            )
            for team in teams:
                recompute_public_entry(team)
            disqualified += updated
            if not updated:
                break
        for competition in competitions:
            if competition.private_leaderboard_built_at:
                build_private_leaderboard(competition)
    return disqualified
