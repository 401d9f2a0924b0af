"""Mail about the account itself, told by accounts' signals (accounts imports no app above it)."""

from django.conf import settings

from accounts.models import User
from mail import kinds
from mail.services import queue_mail, site_url


def mail_email_confirmation(
    sender: type[User], *, user: User, address: str, url: str, event: str, **kwargs: object
) -> None:
    """The confirmation link, to the address it confirms and no other."""
    days = settings.PODIUM_EMAIL_CONFIRMATION_DAYS
    queue_mail(
        recipients=[user],
        kind=kinds.EMAIL_CONFIRMATION,
        event=event,
        address=address,
        subject="Confirm your e-mail address",
        body=(
            f"Hello {user.display_name or user.username},\n\n"
            f"Open this link to confirm that {address} is your address on Podium:\n\n"
            f"{site_url(url)}\n\n"
            f"The link works once, for {days} day{'s' if days != 1 else ''}. Competitions that admit people by "
            "their address or its domain (an allow-list) admit a confirmed address only.\n"
        ),
    )
