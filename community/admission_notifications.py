"""Join requests and their answers reach the people concerned as notifications: a new request reaches the
host (linked to the Host tab's access section), an answer the requester (linked to the competition)
(competitions.signals.join_request_changed, sent inside the change's transaction)."""

from accounts.models import User
from community.models import Notification
from competitions.models import JoinRequest
from competitions.queries import can_manage, managers_of


def join_request_news(join_request: JoinRequest, actor: User) -> tuple[list[User], str]:
    """Who hears of the request's change, and the sentence they read (in the notification and the mail): a
    new request reaches every organiser who may answer it, an answer the requester. The actor is left out."""
    competition = join_request.competition
    if join_request.status == JoinRequest.Status.PENDING:
        recipients, text = managers_of(competition), f"{actor.username} asks to join {competition.title}."
    elif join_request.status == JoinRequest.Status.APPROVED:
        recipients = [join_request.user]
        text = f"The host admitted you to {competition.title}: read the rules and join."
    else:
        recipients = [join_request.user]
        text = f"The host refused your request to join {competition.title}: {join_request.reason}"
    return [user for user in recipients if user.pk != actor.pk], text


def notify_join_request(sender: object, *, join_request: JoinRequest, actor: User, **kwargs: object) -> None:
    competition = join_request.competition
    recipients, text = join_request_news(join_request, actor)
    Notification.objects.bulk_create(
        Notification(
            recipient=user, kind=Notification.Kind.ADMISSION, competition=competition, text=text[:500]
        )
        for user in recipients
    )


def admission_notification_url_name(notification: Notification) -> tuple[str, str]:
    """The page a join-request notification leads to, and the part of it: the host's access section, or
    the competition's overview for the requester."""
    competition = notification.competition
    if competition is not None and can_manage(notification.recipient, competition):
        return "competitions:host", "#access"
    return "competitions:overview", ""
