"""Teams, Kaggle rules: rename, invitations, leaving, removal, disbanding and merging.

A participant is always on exactly one team of a competition: joining gives them a team of one, and
leaving, being removed or disbanding gives them a fresh one. Every change runs in one transaction that
locks the Team rows involved in primary-key order; uploads lock their team row too, so a merge or a
departure cannot race a submission's quota check.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from competitions import locks, signals
from competitions.errors import RulesNotAccepted
from competitions.models import (
    Competition,
    RulesAcceptance,
    Team,
    TeamInvitation,
    TeamMembership,
    TeamMergeRequest,
)
from competitions.services import free_team_name, require_not_suspended
from config.errors import DomainError, NotAllowed, NotAuthenticated, NotFound
from config.plain_text import refuse_control_characters
from config.timestamps import utc_label

PENDING = "pending"


class TeamRefused(DomainError):
    code = "team_refused"
    http_status = 400


class TeamConflict(DomainError):
    """The invitation or request was answered or the team changed meanwhile."""

    code = "team_conflict"
    http_status = 409


def counted(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


# Checks shared by the services; call them while holding the locks of the teams they read.


def require_member(user: User, competition: Competition, action: str) -> TeamMembership:
    if not user.is_authenticated:
        raise NotAuthenticated(f"Log in and join the competition to {action}.")
    membership = TeamMembership.objects.filter(competition=competition, user=user).first()
    if membership is None:
        raise RulesNotAccepted(f"Join the competition by accepting its rules to {action}.")
    return membership


def lock_teams(*team_ids: int) -> dict[int, Team]:
    """Lock the teams in primary-key order, so two actions on the same pair of teams cannot deadlock."""
    locked = locks.lock_teams(team_ids)
    if len(locked) != len(set(team_ids)):
        raise TeamConflict("A team involved was changed or deleted a moment ago; reload and try again.")
    # Every team change locks its teams here, so this one check closes them all while suspended.
    for team in locked.values():
        require_not_suspended(team.competition)
    return locked


def lock_own_team(user: User, competition: Competition, action: str) -> tuple[Team, TeamMembership]:
    """The user's team, locked, with their membership read again under the lock."""
    team_id = require_member(user, competition, action).team_id
    team = lock_teams(team_id)[team_id]
    membership = TeamMembership.objects.filter(team=team, user=user).first()
    if membership is None:
        raise TeamConflict("Your team changed a moment ago; reload and try again.")
    check_not_disqualified(team, yours=True)
    return team, membership


def check_not_disqualified(team: Team, *, yours: bool) -> None:
    if team.disqualified_at:
        subject = "Your team" if yours else f"Team '{team.name}'"
        raise NotAllowed(
            f"{subject} was disqualified, so it can make no team changes.", code="team_disqualified"
        )


def check_leader(membership: TeamMembership, action: str) -> None:
    if not membership.is_leader:
        raise NotAllowed(f"Only your team's leader can {action}.", code="not_leader")


def check_merger_deadline(competition: Competition, what: str) -> None:
    if timezone.now() >= competition.merger_deadline:
        raise TeamRefused(
            f"The team merger deadline passed on {utc_label(competition.merger_deadline)}; {what}.",
            code="merger_deadline_passed",
        )


def check_pending(item: TeamInvitation | TeamMergeRequest, kind: str) -> None:
    if item.status != PENDING:
        raise TeamConflict(f"This {kind} was already {item.status}.", code="not_pending")


def check_has_not_submitted(team: Team, user: User, *, yours: bool) -> None:
    if team.submissions.filter(submitted_by=user).exists():
        who = "You have" if yours else f"'{user.username}' has"
        what = "you cannot leave it" if yours else "they cannot be removed"
        whose = "you" if yours else "them"
        raise TeamRefused(
            f"{who} made submissions with team '{team.name}', so {what}: leaving would let {whose} take a "
            "fresh submission quota on another team.",
            code="member_has_submitted",
        )


def member_count(team: Team) -> int:
    return TeamMembership.objects.filter(team=team).count()


def give_own_team(competition: Competition, user: User) -> Team:
    """A fresh team of one for a participant who has none; call holding the locks of their former team."""
    team = Team.objects.create(competition=competition, name=free_team_name(competition, user.username))
    TeamMembership.objects.create(competition=competition, team=team, user=user, is_leader=True)
    return team


def answer(item: TeamInvitation | TeamMergeRequest, status: str, actor: User) -> None:
    item.status = status
    item.answered_at = timezone.now()
    item.save(update_fields=["status", "answered_at"])
    signals.team_request_changed.send(sender=type(item), request=item, actor=actor)


# The team itself.


@locks.retried_on_conflict
def rename_team(*, competition: Competition, user: User, name: str) -> Team:
    """The leader renames the team; names are unique in a competition, whatever their case."""
    name = refuse_control_characters(name.strip(), field="name", label="team name")
    if not 1 <= len(name) <= 100:
        raise TeamRefused(
            "A team name needs 1 to 100 characters.", code="invalid_name", details={"field": "name"}
        )
    with transaction.atomic():
        team, membership = lock_own_team(user, competition, "rename your team")
        check_leader(membership, "rename the team")
        if Team.objects.filter(competition=competition, name__iexact=name).exclude(pk=team.pk).exists():
            raise name_taken(name)
        team.name = name
        try:
            with transaction.atomic():
                team.save(update_fields=["name"])
        except IntegrityError as error:
            raise name_taken(name) from error
    return team


def name_taken(name: str) -> TeamRefused:
    return TeamRefused(
        f"A team called '{name}' already exists in this competition; choose another name.",
        code="name_taken",
        details={"field": "name"},
    )


@locks.retried_on_conflict
def leave_team(*, competition: Competition, user: User) -> Team:
    """A member leaves and gets a fresh team of one; a leaving leader hands over to the earliest member."""
    with transaction.atomic():
        team, membership = lock_own_team(user, competition, "leave your team")
        if member_count(team) == 1:
            raise TeamRefused(
                f"You are the only member of team '{team.name}', so you cannot leave it; disband the team instead.",
                code="sole_member",
            )
        check_has_not_submitted(team, user, yours=True)
        membership.delete()
        if membership.is_leader:
            successor = TeamMembership.objects.filter(team=team).order_by("joined_at", "pk").first()
            TeamMembership.objects.filter(pk=successor.pk).update(is_leader=True)
        return give_own_team(competition, user)


@locks.retried_on_conflict
def remove_member(*, competition: Competition, user: User, username: str) -> Team:
    """The leader removes a member who has not submitted; the removed member gets a fresh team of one."""
    with transaction.atomic():
        team, membership = lock_own_team(user, competition, "remove a member")
        check_leader(membership, "remove members")
        removed = (
            TeamMembership.objects.filter(team=team, user__username=username).select_related("user").first()
        )
        if removed is None:
            raise NotFound(
                f"'{username}' is not a member of team '{team.name}'.", details={"field": "username"}
            )
        if removed.pk == membership.pk:
            raise TeamRefused("You cannot remove yourself; leave the team instead.", code="remove_self")
        check_has_not_submitted(team, removed.user, yours=False)
        removed.delete()
        return give_own_team(competition, removed.user)


@locks.retried_on_conflict
def disband_team(*, competition: Competition, user: User) -> list[Team]:
    """The leader disbands a team that has never submitted; every member gets a fresh team of one."""
    with transaction.atomic():
        team, membership = lock_own_team(user, competition, "disband your team")
        check_leader(membership, "disband the team")
        submitted = team.submissions.count()
        if submitted:
            raise TeamRefused(
                f"Team '{team.name}' has made {counted(submitted, 'submission')}, so it cannot "
                "be disbanded: submissions must stay with the team that made them.",
                code="team_has_submissions",
            )
        members = [
            m.user for m in TeamMembership.objects.filter(team=team).select_related("user").order_by("pk")
        ]
        team.delete()
        return [give_own_team(competition, member) for member in members]


# Invitations.


def invitation_for(competition: Competition, invitation_id: int) -> TeamInvitation:
    invitation = (
        TeamInvitation.objects.filter(pk=invitation_id, team__competition=competition)
        .select_related("team", "invitee", "invited_by")
        .first()
    )
    if invitation is None:
        raise NotFound(f"No invitation {invitation_id} in this competition.")
    return invitation


@locks.retried_on_conflict
def invite_member(*, competition: Competition, user: User, username: str) -> TeamInvitation:
    """The leader invites a participant; members plus pending invitations may not exceed the team size."""
    username = username.strip()
    with transaction.atomic():
        team, membership = lock_own_team(user, competition, "invite someone")
        competition = team.competition  # read under the lock: the host may have changed the limits
        check_leader(membership, "invite members")
        check_merger_deadline(competition, "teams can no longer take new members")
        invitee = User.objects.filter(username=username).first()
        if invitee is None:
            raise NotFound(f"No user '{username}'.", code="user_not_found", details={"field": "username"})
        if not RulesAcceptance.objects.filter(competition=competition, user=invitee).exists():
            raise TeamRefused(
                f"'{username}' has not joined this competition; they must join it (accept its rules) before "
                "you can invite them.",
                code="invitee_not_joined",
                details={"field": "username"},
            )
        if TeamMembership.objects.filter(team=team, user=invitee).exists():
            raise TeamRefused(
                f"'{username}' is already on your team.", code="already_member", details={"field": "username"}
            )
        check_invitee_can_join(competition, invitee)
        pending = TeamInvitation.objects.filter(team=team, status=PENDING)
        if pending.filter(invitee=invitee).exists():
            raise TeamRefused(
                f"You have already invited '{username}'; wait for their answer or withdraw the invitation.",
                code="already_invited",
                details={"field": "username"},
            )
        members, invited = member_count(team), pending.count()
        if members + invited >= competition.max_team_size:
            raise TeamRefused(
                f"Your team is full: {counted(members, 'member')} and {counted(invited, 'pending invitation')} already reach the maximum team size of "
                f"{competition.max_team_size}.",
                code="team_full",
            )
        invitation = TeamInvitation.objects.create(team=team, invitee=invitee, invited_by=user)
        signals.team_request_changed.send(sender=TeamInvitation, request=invitation, actor=user)
        return invitation


def check_invitee_can_join(competition: Competition, invitee: User) -> None:
    """An invitation its invitee could never accept is refused when it is sent, with the rule that stops it
    (accepting checks the same rule again: the invitee may submit or gain members meanwhile)."""
    own = Team.objects.filter(competition=competition, memberships__user=invitee).first()
    if own is None:
        return
    members, submissions = member_count(own), own.submissions.count()
    if members > 1:
        reason = f"is on team '{own.name}' with {counted(members - 1, 'other member')}"
    elif submissions:
        reason = f"has already submitted ({counted(submissions, 'submission')})"
    else:
        return
    raise TeamRefused(
        f"'{invitee.username}' {reason}, so they could not accept an invitation; ask them to request a merge "
        "with your team instead, so their submissions are kept.",
        code="invitee_must_merge",
        details={"field": "username"},
    )


@locks.retried_on_conflict
def withdraw_invitation(*, invitation: TeamInvitation, user: User) -> TeamInvitation:
    with transaction.atomic():
        team, membership = lock_own_team(user, invitation.team.competition, "withdraw an invitation")
        if invitation.team_id != team.pk:
            raise NotAllowed("Only the leader of the inviting team can withdraw this invitation.")
        check_leader(membership, "withdraw invitations")
        invitation.refresh_from_db()
        check_pending(invitation, "invitation")
        answer(invitation, TeamInvitation.Status.WITHDRAWN, user)
    return invitation


@locks.retried_on_conflict
def decline_invitation(*, invitation: TeamInvitation, user: User) -> TeamInvitation:
    with transaction.atomic():
        check_invitee(invitation, user)
        lock_teams(invitation.team_id)
        invitation.refresh_from_db()
        check_pending(invitation, "invitation")
        answer(invitation, TeamInvitation.Status.DECLINED, user)
    return invitation


def check_invitee(invitation: TeamInvitation, user: User) -> None:
    if invitation.invitee_id != user.pk:
        raise NotAllowed(f"This invitation is for '{invitation.invitee.username}'; only they can answer it.")


@locks.retried_on_conflict
def accept_invitation(*, invitation: TeamInvitation, user: User) -> Team:
    """The invitee joins the inviting team, leaving a one-person team without submissions (which is deleted).

    Someone whose team has submitted must merge instead, so that those submissions stay counted.
    """
    competition = invitation.team.competition
    with transaction.atomic():
        check_invitee(invitation, user)
        own_id = require_member(user, competition, "accept an invitation").team_id
        teams = lock_teams(invitation.team_id, own_id)
        team, own = teams[invitation.team_id], teams[own_id]
        competition = team.competition
        invitation.refresh_from_db()
        check_pending(invitation, "invitation")
        if own.pk == team.pk:
            raise TeamConflict(f"You are already on team '{team.name}'.", code="already_member")
        if not TeamMembership.objects.filter(team=own, user=user).exists():
            raise TeamConflict("Your team changed a moment ago; reload and try again.")
        check_not_disqualified(own, yours=True)
        check_not_disqualified(team, yours=False)
        check_merger_deadline(competition, "teams can no longer take new members")
        members = member_count(team)
        if members >= competition.max_team_size:
            raise TeamRefused(
                f"Team '{team.name}' is full: it already has {counted(members, 'member')} and the maximum team "
                f"size is {competition.max_team_size}.",
                code="team_full",
            )
        own_members, own_submissions = member_count(own), own.submissions.count()
        if own_members > 1 or own_submissions:
            reason = (
                f"has {own_members} members"
                if own_members > 1
                else f"has made {counted(own_submissions, 'submission')}"
            )
            raise TeamRefused(
                f"Your team '{own.name}' {reason}, so you cannot simply join '{team.name}': ask for a team merge "
                "instead, so your submissions are kept.",
                code="use_merge",
            )
        own.delete()
        TeamMembership.objects.create(competition=competition, team=team, user=user, is_leader=False)
        answer(invitation, TeamInvitation.Status.ACCEPTED, user)
    return team


# Merging.


def merge_request_for(competition: Competition, request_id: int) -> TeamMergeRequest:
    merge_request = (
        TeamMergeRequest.objects.filter(pk=request_id, target__competition=competition)
        .select_related("requester", "target", "requested_by")
        .first()
    )
    if merge_request is None:
        raise NotFound(f"No merge request {request_id} in this competition.")
    return merge_request


def days_since_start(competition: Competition, now: datetime) -> int:
    """UTC calendar days from the start date through today, both counted."""
    return max((now.astimezone(UTC).date() - competition.start_at.astimezone(UTC).date()).days + 1, 0)


def check_merge(requester: Team, target: Team) -> None:
    """Kaggle's merger rules, each refusal naming its rule and numbers; call holding both teams' locks."""
    competition = target.competition
    check_not_disqualified(requester, yours=False)
    check_not_disqualified(target, yours=False)
    check_merger_deadline(competition, "teams can no longer merge")
    sizes = member_count(requester), member_count(target)
    if sum(sizes) > competition.max_team_size:
        raise TeamRefused(
            f"The merge is refused by the team size rule: '{requester.name}' has {counted(sizes[0], 'member')} and "
            f"'{target.name}' has {sizes[1]}, {sum(sizes)} together, more than the maximum team size of "
            f"{competition.max_team_size}.",
            code="merge_too_big",
        )
    now = timezone.now()
    days = days_since_start(competition, now)
    allowed = competition.daily_submission_limit * days
    made = sum(team.submissions.filter(counts_against_quota=True).count() for team in (requester, target))
    if made > allowed:
        raise TeamRefused(
            f"The merge is refused by the submission rule: together the teams have made {made} submissions, "
            f"more than the {allowed} one team could have made by today ({competition.daily_submission_limit} "
            f"a day for {counted(days, 'day')} since the start).",
            code="merge_too_many_submissions",
        )


@locks.retried_on_conflict
def request_merge(*, competition: Competition, user: User, target_name: str) -> TeamMergeRequest:
    """The requesting team's leader asks another team to take it in; the rules are checked now and on accept."""
    target_name = target_name.strip()
    target = Team.objects.filter(competition=competition, name=target_name).first()
    if target is None:
        raise NotFound(f"No team '{target_name}' in this competition.", details={"field": "team"})
    with transaction.atomic():
        own_id = require_member(user, competition, "merge your team").team_id
        teams = lock_teams(own_id, target.pk)
        team, target = teams[own_id], teams[target.pk]
        membership = TeamMembership.objects.filter(team=team, user=user).first()
        if membership is None:
            raise TeamConflict("Your team changed a moment ago; reload and try again.")
        check_not_disqualified(team, yours=True)
        check_leader(membership, "ask for a merge")
        if target.pk == team.pk:
            raise TeamRefused(
                "Your team cannot merge with itself.", code="merge_self", details={"field": "team"}
            )
        if TeamMergeRequest.objects.filter(requester=team, target=target, status=PENDING).exists():
            raise TeamRefused(
                f"You have already asked to merge with '{target.name}'; wait for their answer or withdraw it.",
                code="already_requested",
                details={"field": "team"},
            )
        check_merge(team, target)
        merge_request = TeamMergeRequest.objects.create(requester=team, target=target, requested_by=user)
        signals.team_request_changed.send(sender=TeamMergeRequest, request=merge_request, actor=user)
        return merge_request


@locks.retried_on_conflict
def accept_merge(*, merge_request: TeamMergeRequest, user: User) -> Team:
    """The target's leader accepts: the requesting team's members and submissions move into the target.

    The requester's final selections are cleared so the target's stay, its leaderboard entries go, and the
    target's public entry is rebuilt from every submission both teams made.
    """
    with transaction.atomic():
        teams = lock_teams(merge_request.requester_id, merge_request.target_id)
        requester, target = teams[merge_request.requester_id], teams[merge_request.target_id]
        leader = TeamMembership.objects.filter(team=target, user=user, is_leader=True).exists()
        if not leader:
            raise NotAllowed(
                f"Only the leader of team '{target.name}' can answer this merge request.", code="not_leader"
            )
        merge_request.refresh_from_db()
        check_pending(merge_request, "merge request")
        check_merge(requester, target)
        answer(merge_request, TeamMergeRequest.Status.ACCEPTED, user)
        TeamMembership.objects.filter(team=requester).update(
            team=target, is_leader=False, joined_at=timezone.now()
        )
        signals.teams_merging.send(sender=Team, absorbed=requester, into=target)
        # Deleting the requester also removes its pending invitations, merge requests and board entries.
        requester.delete()
        signals.teams_merged.send(sender=Team, team=target)
    return target


def decline_merge(*, merge_request: TeamMergeRequest, user: User) -> TeamMergeRequest:
    return close_merge_request(merge_request, user, by_target=True)


def withdraw_merge(*, merge_request: TeamMergeRequest, user: User) -> TeamMergeRequest:
    return close_merge_request(merge_request, user, by_target=False)


@locks.retried_on_conflict
def close_merge_request(merge_request: TeamMergeRequest, user: User, *, by_target: bool) -> TeamMergeRequest:
    with transaction.atomic():
        teams = lock_teams(merge_request.requester_id, merge_request.target_id)
        team = teams[merge_request.target_id if by_target else merge_request.requester_id]
        if not TeamMembership.objects.filter(team=team, user=user, is_leader=True).exists():
            verb = "decline" if by_target else "withdraw"
            raise NotAllowed(
                f"Only the leader of team '{team.name}' can {verb} this merge request.", code="not_leader"
            )
        merge_request.refresh_from_db()
        check_pending(merge_request, "merge request")
        status = TeamMergeRequest.Status.DECLINED if by_target else TeamMergeRequest.Status.WITHDRAWN
        answer(merge_request, status, user)
    return merge_request


# What the Team tab and the API show.


@dataclass
class TeamState:
    competition: Competition
    team: Team
    memberships: list[TeamMembership]
    is_leader: bool
    submission_count: int
    submitter_ids: set[int]
    invitations_sent: list[TeamInvitation]
    invitations_received: list[TeamInvitation]
    merge_requests_sent: list[TeamMergeRequest]
    merge_requests_received: list[TeamMergeRequest]


def team_state(user: User, competition: Competition) -> TeamState | None:
    """The viewer's team with its members and everything pending that the viewer may answer or withdraw."""
    membership = (
        TeamMembership.objects.filter(competition=competition, user=user).select_related("team").first()
        if user.is_authenticated
        else None
    )
    if membership is None:
        return None
    team = membership.team
    submissions = team.submissions.all()
    pending_invitations = TeamInvitation.objects.filter(status=PENDING).select_related("team", "invitee")
    pending_merges = TeamMergeRequest.objects.filter(status=PENDING).select_related("requester", "target")
    return TeamState(
        competition=competition,
        team=team,
        memberships=list(team.memberships.select_related("user").order_by("joined_at", "pk")),
        is_leader=membership.is_leader,
        submission_count=submissions.count(),
        submitter_ids=set(submissions.values_list("submitted_by_id", flat=True).distinct()),
        invitations_sent=list(pending_invitations.filter(team=team)),
        invitations_received=list(pending_invitations.filter(invitee=user, team__competition=competition)),
        merge_requests_sent=list(pending_merges.filter(requester=team)),
        merge_requests_received=list(pending_merges.filter(target=team)),
    )
