"""Invitations, merge requests and their answers reach the people concerned as notifications, linked to the
competition's Team tab (competitions.signals.team_request_changed, sent inside the change's transaction)."""

from collections.abc import Iterable

from accounts.models import User
from community.models import Notification
from competitions.models import Competition, TeamInvitation, TeamMembership, TeamMergeRequest

PENDING, ACCEPTED, DECLINED, WITHDRAWN = (
    TeamInvitation.Status.PENDING,
    TeamInvitation.Status.ACCEPTED,
    TeamInvitation.Status.DECLINED,
    TeamInvitation.Status.WITHDRAWN,
)


def notify_team_request(sender, *, request, actor: User, **kwargs) -> None:
    if isinstance(request, TeamInvitation):
        recipients, text = invitation_news(request, actor)
        competition = request.team.competition
    else:
        recipients, text = merge_news(request, actor)
        competition = request.target.competition
    notify(recipients, actor, competition, text)


def invitation_news(invitation: TeamInvitation, actor: User) -> tuple[Iterable[User], str]:
    team, where = invitation.team.name, invitation.team.competition.title
    invitee, inviter = invitation.invitee, invitation.invited_by
    return {
        PENDING: ([invitee], f"{actor.username} invited you to join team '{team}' in {where}."),
        ACCEPTED: (
            [inviter],
            f"{actor.username} accepted your invitation and joined team '{team}' in {where}.",
        ),
        DECLINED: ([inviter], f"{actor.username} declined your invitation to team '{team}' in {where}."),
        WITHDRAWN: ([invitee], f"{actor.username} withdrew the invitation to join team '{team}' in {where}."),
    }[invitation.status]


def merge_news(merge_request: TeamMergeRequest, actor: User) -> tuple[Iterable[User], str]:
    requester, target = merge_request.requester, merge_request.target
    where = target.competition.title
    return {
        PENDING: (
            leaders(target.pk),
            f"{actor.username} asked for team '{requester.name}' to merge into your team '{target.name}' in "
            f"{where}.",
        ),
        ACCEPTED: (
            members(requester.pk),
            f"{actor.username} accepted the merge: team '{requester.name}' is now part of team '{target.name}' "
            f"in {where}.",
        ),
        DECLINED: (
            [merge_request.requested_by],
            f"{actor.username} declined the merge of team '{requester.name}' into team '{target.name}' in "
            f"{where}.",
        ),
        WITHDRAWN: (
            leaders(target.pk),
            f"{actor.username} withdrew the request for team '{requester.name}' to merge into team "
            f"'{target.name}' in {where}.",
        ),
    }[merge_request.status]


def leaders(team_id: int) -> list[User]:
    return [
        m.user for m in TeamMembership.objects.filter(team_id=team_id, is_leader=True).select_related("user")
    ]


def members(team_id: int) -> list[User]:
    return [m.user for m in TeamMembership.objects.filter(team_id=team_id).select_related("user")]


def notify(recipients: Iterable[User], actor: User, competition: Competition, text: str) -> None:
    Notification.objects.bulk_create(
        Notification(recipient=user, kind=Notification.Kind.TEAM, competition=competition, text=text[:500])
        for user in {user.pk: user for user in recipients}.values()
        if user.pk != actor.pk
    )
