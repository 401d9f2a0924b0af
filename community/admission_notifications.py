"""Join requests and their answers reach the people concerned as notifications: a new request reaches the
host (linked to the Host tab's access section), an answer the requester (linked to the competition)
(competitions.signals.join_request_changed, sent inside the change's transaction)."""

from accounts.models import User
from community.models import Notification
from competitions.models import JoinRequest


def join_request_news(join_request: JoinRequest, actor: User) -> tuple[User, str]:
    """Who hears of the request's change, and the sentence they read (in the notification and the mail)."""
    competition = join_request.competition
    if join_request.status == JoinRequest.Status.PENDING:
        return competition.host, f"{actor.username} asks to join {competition.title}."
    if join_request.status == JoinRequest.Status.APPROVED:
        return join_request.user, f"The host admitted you to {competition.title}: read the rules and join."
    return (
        join_request.user,
        f"The host refused your request to join {competition.title}: {join_request.reason}",
    )


def notify_join_request(sender: object, *, join_request: JoinRequest, actor: User, **kwargs: object) -> None:
    competition = join_request.competition
    recipient, text = join_request_news(join_request, actor)
    if recipient.pk != actor.pk:
        Notification.objects.create(
            recipient=recipient, kind=Notification.Kind.ADMISSION, competition=competition, text=text[:500]
        )


def admission_notification_url_name(notification: Notification) -> tuple[str, str]:
    """The page a join-request notification leads to, and the part of it: the host's access section, or
    the competition's overview for the requester."""
    competition = notification.competition
    if competition is not None and notification.recipient_id == competition.host_id:
        return "competitions:host", "#access"
    return "competitions:overview", ""
