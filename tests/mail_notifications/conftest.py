import pytest

from mail.models import OutgoingMail
from tests.factories import joined
from tests.mail import smtp_server


@pytest.fixture
def players(competition, participant, other_participant):
    """alice and bob, each on a team of their own."""
    joined(competition, participant)
    joined(competition, other_participant)
    return participant, other_participant


@pytest.fixture
def inbox(settings):
    """A real SMTP server (aiosmtpd on a free port) that Django's SMTP backend sends to."""
    with smtp_server() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", server.port, False
        yield server


def outbox(kind: str | None = None) -> list[tuple[str, str, str]]:
    """(event, recipient, subject) of every queued mail, oldest first."""
    mails = OutgoingMail.objects.order_by("pk")
    if kind:
        mails = mails.filter(kind=kind)
    return [(mail.event, mail.recipient.username, mail.subject) for mail in mails]
