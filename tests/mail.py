"""A real SMTP server for the tests: aiosmtpd on a free port of 127.0.0.1, keeping what it receives.

Podium reaches it exactly as a production mail server, through Django's SMTP backend with the settings an
operator sets (PODIUM_EMAIL_HOST, PODIUM_EMAIL_PORT, PODIUM_EMAIL_TLS...)."""

import contextlib
import dataclasses
import re
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.stack import free_port

LINK = re.compile(r"https?://\S+/accounts/password/reset/key/\S+/")


@dataclasses.dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def body(self) -> str:
        return self.message.get_content()

    def reset_link(self) -> str:
        (link,) = LINK.findall(self.body)
        return link


class Inbox:
    """aiosmtpd's handler: every message it accepts, in order. With `credentials`, the server asks for them
    (AUTH PLAIN or LOGIN) and refuses mail from a client that did not give them."""

    def __init__(self, port: int, credentials: tuple[str, str] | None = None, refuse_first: int = 0):
        self.port = port
        self.credentials = credentials
        self.refuse_first = (
            refuse_first  # this many messages get a 4xx ("try again later") before any is taken
        )
        self.refused = 0
        self.received: list[Received] = []
        self.logins: list[str] = []

    def authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        if isinstance(auth_data, LoginPassword):
            given = (auth_data.login.decode(), auth_data.password.decode())
            if given == self.credentials:
                self.logins.append(given[0])
                return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.refused < self.refuse_first:
            self.refused += 1
            return "451 4.3.0 Mailbox busy, try again later"
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def env(self) -> dict[str, str]:
        """What an operator puts in Podium's environment to send its mail through this server."""
        return {
            "PODIUM_EMAIL_HOST": "127.0.0.1",
            "PODIUM_EMAIL_PORT": str(self.port),
            "PODIUM_EMAIL_TLS": "false",
        }

    def to(self, address: str) -> list[Received]:
        return [mail for mail in self.received if address in mail.recipients]


@contextlib.contextmanager
def smtp_server(credentials: tuple[str, str] | None = None, refuse_first: int = 0) -> Iterator[Inbox]:
    inbox = Inbox(free_port(), credentials, refuse_first)
    auth = {"authenticator": inbox.authenticate, "auth_required": True, "auth_require_tls": False}
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=inbox.port,
        server_hostname="podium-test-smtp",
        **(auth if credentials else {}),
    )
    controller.start()  # returns once the server answers
    try:
        yield inbox
    finally:
        controller.stop()
