"""Confirming an address: sign-up and a changed address mail a signed, expiring, single-use link; the profile
resends it (rate-limited); each bad link says why, on the page and through the API."""

import html
import re
import time

import pytest
from django.core import signing

from accounts import email_confirmation
from accounts.models import User
from config.throttles import EmailConfirmationThrottle
from mail.models import OutgoingMail
from mail.services import send_queued
from tests.factories import PASSWORD, UserFactory
from tests.mail import smtp_server

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/accounts/confirm-email/(\S+)/")


def confirmation_mails(user: User) -> list[OutgoingMail]:
    return list(OutgoingMail.objects.filter(recipient=user, kind="email_confirmation").order_by("pk"))


def token_in(mail: OutgoingMail) -> str:
    (token,) = LINK.findall(mail.body)
    return token


def sign_up(client, username: str = "student", email: str = "Student@Example.edu"):
    return client.post(
        "/accounts/signup/",
        {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD},
        follow=True,
    )


@pytest.fixture
def tight_confirmation_rate(monkeypatch):
    monkeypatch.setattr(EmailConfirmationThrottle, "THROTTLE_RATES", {"email_confirmation": "2/hour"})


def test_sign_up_mails_a_link_and_leaves_the_address_unconfirmed(client, settings):
    settings.PODIUM_SITE_URL = "https://podium.example.org"
    answer = sign_up(client)

    student = User.objects.get(username="student")
    [mail] = confirmation_mails(student)
    assert (
        "We sent a link to student@example.edu: open it to confirm your address." in answer.content.decode()
    )
    assert not student.has_confirmed_email
    assert mail.address == "student@example.edu"
    assert mail.subject == "Confirm your e-mail address"
    assert "https://podium.example.org/accounts/confirm-email/" in mail.body
    assert 'id="email-unconfirmed"' in client.get("/accounts/profile/").content.decode()


def test_the_link_read_from_a_mail_a_real_smtp_server_received_confirms_the_address(client, settings):
    settings.PODIUM_SITE_URL = "https://podium.example.org"
    with smtp_server() as inbox:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", inbox.port, False
        sign_up(client)
        student = User.objects.get(username="student")
        [mail] = confirmation_mails(student)
        assert send_queued(mail.pk) == "sent"

    [received] = inbox.received
    assert received.recipients == ["student@example.edu"]
    assert received.message["Subject"] == "Podium: Confirm your e-mail address"
    assert received.message["List-Unsubscribe"] is None  # asked for, not subscribed to
    body = received.body.replace("\r\n", "\n")
    assert "If that was not you, ignore it" in body
    (link,) = re.findall(r"https://podium\.example\.org(/accounts/confirm-email/\S+/)", body)
    client.logout()  # the link needs no login

    page = client.get(link)
    confirmed = client.post(link, follow=True)

    assert 'Confirm that <strong id="confirm-address">student@example.edu</strong>' in page.content.decode()
    assert "Your address student@example.edu is confirmed." in confirmed.content.decode()
    student.refresh_from_db()
    assert student.has_confirmed_email
    assert student.confirmed_email == "student@example.edu"


def test_opening_the_link_changes_nothing_until_the_button_is_pressed(client, participant):
    token = email_confirmation.confirmation_token(participant)

    assert client.get(f"/accounts/confirm-email/{token}/").status_code == 200
    participant.refresh_from_db()
    assert not participant.has_confirmed_email


def test_a_link_used_once_is_refused_the_second_time(client, participant):
    token = email_confirmation.confirmation_token(participant)
    client.post(f"/accounts/confirm-email/{token}/")

    again = client.post(f"/accounts/confirm-email/{token}/")
    page = client.get(f"/accounts/confirm-email/{token}/")

    assert again.status_code == 400
    assert (
        "This confirmation link was already used: alice@example.com was confirmed on"
        in again.content.decode()
    )
    assert 'data-code="confirmation_link_used"' in page.content.decode()


def test_an_expired_link_says_so(client, participant, monkeypatch):
    four_days_ago = int(time.time()) - 4 * 24 * 3600
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(four_days_ago))
    token = email_confirmation.confirmation_token(participant)
    monkeypatch.undo()

    answer = client.post(f"/accounts/confirm-email/{token}/")

    assert answer.status_code == 400
    assert (
        "This confirmation link has expired (links work for 3 days): send a new one from your profile."
        in answer.content.decode()
    )
    participant.refresh_from_db()
    assert not participant.has_confirmed_email


@pytest.mark.parametrize("spoil", [lambda t: t[:-3], lambda t: t[:-1] + ("A" if t[-1] != "A" else "B")])
def test_a_changed_or_cut_link_is_refused(client, participant, spoil):
    token = spoil(email_confirmation.confirmation_token(participant))

    answer = client.get(f"/accounts/confirm-email/{token}/")

    assert answer.status_code == 400
    assert (
        "This confirmation link is not valid: it may have been cut short or changed."
        in answer.content.decode()
    )


def test_a_link_for_an_address_the_account_no_longer_has_is_refused(client, participant):
    token = email_confirmation.confirmation_token(participant)
    email_confirmation.change_email(user=participant, email="alice@new.example.org")

    answer = client.post(f"/accounts/confirm-email/{token}/")

    assert answer.status_code == 400
    assert (
        "This link confirms alice@example.com, but the account's address is now alice@new.example.org"
        in html.unescape(answer.content.decode())
    )
    participant.refresh_from_db()
    assert not participant.has_confirmed_email


def test_a_link_opened_while_logged_in_as_someone_else_is_refused(client, participant, other_participant):
    token = email_confirmation.confirmation_token(participant)
    client.force_login(other_participant)

    answer = client.post(f"/accounts/confirm-email/{token}/")

    assert answer.status_code == 400
    assert (
        "This confirmation link is for another account: log out, then open it again."
        in answer.content.decode()
    )


def test_a_changed_address_is_unconfirmed_until_its_own_link_is_opened(client):
    user = UserFactory(username="ada", email="ada@example.edu", confirmed=True)
    client.force_login(user)

    changed = client.post("/accounts/profile/", {"email-email": "Ada@Other.edu"}, follow=True)

    user.refresh_from_db()
    assert "Your address is now ada@other.edu. We sent a link to it" in changed.content.decode()
    assert user.email == "ada@other.edu"
    assert not user.has_confirmed_email  # the old address's confirmation does not carry over
    [mail] = confirmation_mails(user)
    assert mail.address == "ada@other.edu"
    client.post(f"/accounts/confirm-email/{token_in(mail)}/")
    user.refresh_from_db()
    assert user.has_confirmed_email


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("not-an-address", "Enter a valid email address."),
        ("bob@example.com", "Email: an account with this address already exists."),
        ("alice@example.com", "Email: alice@example.com is already your address."),
    ],
)
def test_a_bad_new_address_is_refused_on_the_profile(client, participant, other_participant, typed, message):
    client.force_login(participant)

    answer = client.post("/accounts/profile/", {"email-email": typed})

    assert answer.status_code == 200
    assert message in answer.content.decode()
    participant.refresh_from_db()
    assert participant.email == "alice@example.com"
    assert not confirmation_mails(participant)


def test_the_profile_resends_a_link_a_few_times_an_hour(client, participant, tight_confirmation_rate):
    client.force_login(participant)

    sent = [client.post("/accounts/profile/email/confirmation/", follow=True) for _ in range(2)]
    refused = client.post("/accounts/profile/email/confirmation/")

    assert (
        "We sent a new confirmation link to alice@example.com; it works for 3 days."
        in sent[0].content.decode()
    )
    assert len(confirmation_mails(participant)) == 2
    assert refused.status_code == 429
    assert "You asked for 2 confirmation mails in a short time: wait about" in refused.content.decode()


def test_a_confirmed_address_needs_no_new_link(client):
    user = UserFactory(username="ada", confirmed=True)
    client.force_login(user)

    answer = client.post("/accounts/profile/email/confirmation/")

    assert answer.status_code == 400
    assert "Your address ada@example.com is already confirmed." in answer.content.decode()
    assert 'id="email-confirmed"' in client.get("/accounts/profile/").content.decode()


def test_the_api_resends_a_link_and_says_when_to_retry(api_for, participant, tight_confirmation_rate):
    client = api_for(participant)

    sent = [client.post("/api/v1/me/email/confirmation/") for _ in range(2)]
    refused = client.post("/api/v1/me/email/confirmation/")

    assert [answer.status_code for answer in sent] == [202, 202]
    assert sent[0].json() == {"email": "alice@example.com", "link_valid_days": 3}
    assert refused.status_code == 429
    assert refused.json()["code"] == "confirmation_mail_rate_limited"
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert len(confirmation_mails(participant)) == 2


def test_the_api_refuses_to_resend_for_an_account_without_an_address(api_for):
    nobody = UserFactory(username="nomail", email="")

    answer = api_for(nobody).post("/api/v1/me/email/confirmation/")

    assert answer.status_code == 400
    assert answer.json()["code"] == "no_email"
    assert answer.json()["message"] == "Your account has no e-mail address: add one on your profile first."


def test_the_api_confirms_with_the_token_and_refuses_it_twice(api_for, participant):
    token = email_confirmation.confirmation_token(participant)

    confirmed = api_for().post("/api/v1/me/email/confirm/", {"token": token}, format="json")
    again = api_for().post("/api/v1/me/email/confirm/", {"token": token}, format="json")
    damaged = api_for().post("/api/v1/me/email/confirm/", {"token": token[:-2]}, format="json")
    missing = api_for().post("/api/v1/me/email/confirm/", {}, format="json")

    assert confirmed.status_code == 200
    assert confirmed.json()["email"] == "alice@example.com"
    assert api_for(participant).get("/api/v1/me/").json()["email_confirmed"] is True
    assert (again.status_code, again.json()["code"]) == (400, "confirmation_link_used")
    assert (damaged.status_code, damaged.json()["code"]) == (400, "confirmation_link_damaged")
    assert missing.status_code == 400
    assert "token" in missing.json()["details"]["fields"]


def test_a_confirmation_mail_for_an_address_changed_before_it_left_is_dropped(participant):
    email_confirmation.send_confirmation(user=participant)
    [mail] = confirmation_mails(participant)
    User.objects.filter(pk=participant.pk).update(email="alice@elsewhere.org")

    assert send_queued(mail.pk) == "dropped"


def test_an_address_changed_by_an_admin_is_no_longer_confirmed():
    user = UserFactory(username="ada", confirmed=True)
    user.email = "ada@other.org"
    user.save()

    assert not User.objects.get(pk=user.pk).has_confirmed_email


def test_of_two_links_sent_before_either_was_opened_only_the_first_opened_confirms(client, participant):
    first, second = (email_confirmation.confirmation_token(participant) for _ in range(2))

    confirmed = client.post(f"/accounts/confirm-email/{second}/")
    refused = client.post(f"/accounts/confirm-email/{first}/")

    assert confirmed.status_code == 302
    assert refused.status_code == 400
    assert 'data-code="confirmation_link_used"' in refused.content.decode()
