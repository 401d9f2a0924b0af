"""The outbox's rows leave through Django's SMTP backend to a real SMTP server (aiosmtpd); an SMTP failure
keeps the row queued for the task's next try, and a row is never sent twice."""

import smtplib
from datetime import timedelta

import pytest
from django.utils import timezone

from mail import kinds
from mail.models import OutgoingMail
from mail.services import MAX_ATTEMPTS, queue_mail, send_queued, set_mail_preferences, sweep_waiting_mail
from mail.tasks import send_outgoing_mail
from tests.mail import smtp_server
from tests.stack import free_port


def queued_to(user, kind=kinds.PRIVATE_BOARD) -> OutgoingMail:
    queue_mail(recipients=[user], kind=kind, event="test:1", subject="Hello", body="The body.")
    return OutgoingMail.objects.get(recipient=user)


def use_smtp(settings, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False


def test_a_queued_mail_arrives_with_a_footer_and_the_unsubscribe_headers(inbox, participant, settings):
    settings.PODIUM_SITE_URL = "https://podium.example.org"
    mail = queued_to(participant)

    assert send_queued(mail.pk) == "sent"

    [received] = inbox.received
    assert received.recipients == ["alice@example.com"]
    assert received.message["Subject"] == "Podium: Hello"
    unsubscribe = received.message["List-Unsubscribe"].strip()  # folded onto its own line: it is long
    assert unsubscribe.startswith("<https://podium.example.org/mail/unsubscribe/")
    assert unsubscribe.endswith("/>")
    assert received.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    body = received.body.replace("\r\n", "\n")
    assert body.startswith("The body.\n\n-- \nYou get this mail because")
    assert f"Stop this kind of mail (no login needed): {unsubscribe[1:-1]}\n" in body
    assert "Choose which mails you get: https://podium.example.org/accounts/profile/#mail\n" in body
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == ("sent", 1)


def test_an_smtp_refusal_keeps_the_mail_queued_and_the_next_try_sends_it_once(participant, settings):
    with smtp_server(refuse_first=1) as inbox:
        use_smtp(settings, inbox.port)
        mail = queued_to(participant)

        with pytest.raises(smtplib.SMTPDataError):
            send_queued(mail.pk)
        mail.refresh_from_db()
        assert (mail.status, mail.attempts) == ("queued", 1)
        assert "451" in mail.last_error
        assert "try again later" in mail.last_error
        assert inbox.received == []

        assert send_queued(mail.pk) == "sent"

    assert len(inbox.received) == 1
    mail.refresh_from_db()
    assert (mail.status, mail.attempts, mail.last_error) == ("sent", 2, "")


def test_a_server_that_cannot_be_reached_keeps_the_mail_queued(participant, settings):
    use_smtp(settings, free_port())  # nothing listens there
    mail = queued_to(participant)

    with pytest.raises(ConnectionRefusedError):
        send_queued(mail.pk)

    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == ("queued", 1)


def test_a_second_delivery_of_a_sent_mail_sends_nothing(inbox, participant):
    mail = queued_to(participant)
    send_queued(mail.pk)

    assert send_queued(mail.pk) == "skipped"

    assert len(inbox.received) == 1


def test_a_mail_whose_kind_was_turned_off_before_it_left_is_dropped(inbox, participant):
    mail = queued_to(participant)
    set_mail_preferences(user=participant, choices={kinds.PRIVATE_BOARD: False})

    assert send_queued(mail.pk) == "dropped"

    assert inbox.received == []


def test_the_task_retries_smtp_errors_with_exponential_backoff_a_bounded_number_of_times():
    assert set(send_outgoing_mail.autoretry_for) == {smtplib.SMTPException, OSError}
    assert (send_outgoing_mail.retry_backoff, send_outgoing_mail.retry_backoff_max) == (2, 600)
    assert send_outgoing_mail.max_retries == 8


def test_the_embedded_default_writes_each_mail_as_a_file_under_var(participant, settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    mail = queued_to(participant)

    send_queued(mail.pk)

    [written] = (tmp_path / "mail").iterdir()
    text = written.read_text()
    assert "Subject: Podium: Hello" in text
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in text


def test_a_broker_that_is_down_fails_no_change_and_the_sweeper_sends_the_mail_later(
    api_for,
    competition,
    participant,
    other_participant,
    monkeypatch,
    inbox,
    django_capture_on_commit_callbacks,
):
    from kombu.exceptions import OperationalError

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    asked = api_for(participant).post(
        "/api/v1/discussions/competition/animals/", {"body": "Is the split random?"}, format="json"
    )
    with (
        monkeypatch.context() as broken,
        django_capture_on_commit_callbacks(execute=True) as sent_after_commit,
    ):
        broken.setattr(send_outgoing_mail, "delay", broker_down)
        reply = api_for(other_participant).post(
            "/api/v1/discussions/competition/animals/",
            {"body": "Yes, seeded.", "parent": asked.json()["id"]},
            format="json",
        )

    assert reply.status_code == 201, reply.content
    assert sent_after_commit  # the enqueueing ran, and failed, after the commit
    waiting = OutgoingMail.objects.get(recipient=participant)
    assert (waiting.status, waiting.attempts) == ("queued", 0)
    assert sweep_waiting_mail() == {"resent": 0, "failed": 0}  # still the task's to send

    OutgoingMail.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timedelta(minutes=31))
    assert sweep_waiting_mail()["resent"] >= 1
    assert send_queued(waiting.pk) == "sent"
    assert [received.recipients for received in inbox.received] == [["alice@example.com"]]


def test_the_sweeper_takes_back_an_abandoned_mail_and_gives_up_after_the_last_attempt(participant, host):
    abandoned = queued_to(participant)
    hopeless = queued_to(host)
    long_ago = timezone.now() - timedelta(hours=2)
    OutgoingMail.objects.filter(pk=abandoned.pk).update(status="sending", claimed_at=long_ago, attempts=1)
    OutgoingMail.objects.filter(pk=hopeless.pk).update(created_at=long_ago, attempts=MAX_ATTEMPTS)

    assert sweep_waiting_mail() == {"resent": 1, "failed": 1}

    hopeless.refresh_from_db()
    assert hopeless.status == "failed"
    assert hopeless.last_error.endswith(f"(Podium gave up after {MAX_ATTEMPTS} attempts.)")
    assert send_queued(hopeless.pk) == "skipped"
    assert send_queued(abandoned.pk) in {"sent", "dropped"}
