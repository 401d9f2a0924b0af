"""Mail leaves Podium through Django's e-mail backend, chosen by the environment: a real SMTP server with
PODIUM_EMAIL_HOST (here aiosmtpd, started by the test on a free port), files under var/mail/ without it, so
the embedded mode needs no mail server."""

import os
import subprocess
import sys
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from django.test import Client

from accounts.models import User
from tests.mail import LINK, smtp_server

ROOT = Path(__file__).resolve().parent.parent.parent
# The test server asks for a password over plain SMTP (a real one would offer STARTTLS); aiosmtpd warns.
plain_auth = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
SEND = (
    "from django.core.mail import send_mail; send_mail('Hello', 'A test mail.', None, ['alice@example.com'])"
)


def run_with(tmp_path: Path, code: str, **env: str) -> subprocess.CompletedProcess:
    """Python code in a process of its own, on production's settings read from this environment."""
    environment = {
        **{name: value for name, value in os.environ.items() if not name.startswith("PODIUM_EMAIL_")},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PODIUM_VAR_DIR": str(tmp_path),
        "DJANGO_SECRET_KEY": "a-long-random-secret-key-for-the-mail-test-0123456789-abcdefghij",
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_reset_mail_arrives_through_a_real_smtp_server(client, participant, settings):
    with smtp_server() as inbox:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", inbox.port
        settings.EMAIL_USE_TLS = False

        client.post("/accounts/password/reset/", {"email": "alice@example.com"})

    (mail,) = inbox.received
    assert mail.recipients == ["alice@example.com"]
    assert mail.sender == "podium@localhost"
    assert mail.message["Subject"] == "Podium: Reset your password"
    assert mail.message["From"] == "Podium <podium@localhost>"
    link = mail.reset_link().removeprefix("http://testserver")
    form_url = client.get(link)["Location"]
    client.post(form_url, {"password1": "a-Brand-new-passw0rd", "password2": "a-Brand-new-passw0rd"})
    assert User.objects.get(username="alice").check_password("a-Brand-new-passw0rd")
    assert (
        Client()
        .post("/accounts/login/", {"username": "alice", "password": "a-Brand-new-passw0rd"})
        .status_code
        == 302
    )


@plain_auth
def test_the_environment_points_podium_at_an_smtp_server_with_credentials(tmp_path):
    with smtp_server(credentials=("podium", "s3cret")) as inbox:
        done = run_with(
            tmp_path,
            SEND,
            PODIUM_EMAIL_HOST="127.0.0.1",
            PODIUM_EMAIL_PORT=str(inbox.port),
            PODIUM_EMAIL_TLS="false",
            PODIUM_EMAIL_USER="podium",
            PODIUM_EMAIL_PASSWORD="s3cret",
            PODIUM_EMAIL_FROM="Podium <noreply@podium.example.org>",
        )

    assert done.returncode == 0, done.stderr
    assert inbox.logins == ["podium"]
    (mail,) = inbox.received
    assert mail.sender == "noreply@podium.example.org"
    assert mail.message["From"] == "Podium <noreply@podium.example.org>"
    assert mail.body.strip() == "A test mail."
    assert not (tmp_path / "mail").exists()


@plain_auth
def test_wrong_smtp_credentials_fail_the_sending_and_say_so(tmp_path):
    with smtp_server(credentials=("podium", "s3cret")) as inbox:
        done = run_with(
            tmp_path,
            SEND,
            PODIUM_EMAIL_HOST="127.0.0.1",
            PODIUM_EMAIL_PORT=str(inbox.port),
            PODIUM_EMAIL_TLS="false",
            PODIUM_EMAIL_USER="podium",
            PODIUM_EMAIL_PASSWORD="wrong",
        )

    assert done.returncode != 0
    assert "SMTPAuthenticationError" in done.stderr
    assert inbox.received == []


def test_without_a_mail_server_mail_is_written_under_the_var_folder(tmp_path):
    done = run_with(tmp_path, SEND)

    assert done.returncode == 0, done.stderr
    (written,) = (tmp_path / "mail").iterdir()
    message = message_from_bytes(written.read_bytes(), policy=policy.default)
    assert message["To"] == "alice@example.com"
    assert message["From"] == "Podium <podium@localhost>"


def test_the_embedded_reset_mail_holds_its_link_in_the_file(client, participant, settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")

    client.post("/accounts/password/reset/", {"email": "alice@example.com"})

    (written,) = (tmp_path / "mail").iterdir()
    assert LINK.search(written.read_text())


def test_tls_and_ssl_together_are_refused_with_a_clear_error(tmp_path):
    done = run_with(
        tmp_path, SEND, PODIUM_EMAIL_HOST="127.0.0.1", PODIUM_EMAIL_TLS="true", PODIUM_EMAIL_SSL="true"
    )

    assert done.returncode != 0
    assert "PODIUM_EMAIL_SSL and PODIUM_EMAIL_TLS cannot both be true: choose one" in done.stderr
