"""Password reset by email and password change (django-allauth's views in the project's pages): the mail
carries a link that works once and for a limited time, the new password replaces the old one, nobody learns
from the page whether an address has an account, and API tokens keep working throughout."""

import re
from datetime import datetime, timedelta

import pytest
from allauth.account.utils import user_pk_to_url_str
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.test import Client

from accounts.models import User
from tests.factories import PASSWORD, UserFactory
from tests.mail import LINK

NEW_PASSWORD = "a-Brand-new-passw0rd"


def request_reset(client: Client, email: str):
    return client.post("/accounts/password/reset/", {"email": email})


def reset_link(message) -> str:
    (link,) = LINK.findall(message.body)
    return link.removeprefix("http://testserver")


def log_in(client: Client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})


def set_new_password(client: Client, link: str, password: str = NEW_PASSWORD, again: str | None = None):
    """Open the link as a browser would (it redirects to a URL without the key), then post the form."""
    opened = client.get(link)
    assert opened.status_code == 302, opened.content.decode()
    form_url = opened["Location"]
    return client.post(form_url, {"password1": password, "password2": password if again is None else again})


def test_the_login_page_offers_a_reset(client, db):
    page = client.get("/accounts/login/").content.decode()

    assert '<a href="/accounts/password/reset/" id="forgot-password">Forgot your password?</a>' in page


def test_the_reset_mail_holds_a_link_that_sets_a_new_password(client, participant, api_for):
    api = api_for(participant)  # a token made before the reset

    sent = request_reset(client, "alice@example.com")

    assert sent.status_code == 302
    assert sent["Location"] == "/accounts/password/reset/done/"
    done = client.get(sent["Location"]).content.decode()
    assert "Check your email" in done
    assert "The link works once, for 24 hours." in done
    (message,) = mail.outbox
    assert message.to == ["alice@example.com"]
    assert message.subject == "Podium: Reset your password"
    assert message.from_email == "Podium <podium@localhost>"
    assert "Your username, to log in with: alice" in message.body
    link = reset_link(message)

    form_page = client.get(client.get(link)["Location"]).content.decode()
    assert "Choose a new password" in form_page
    saved = set_new_password(client, link)

    assert saved.status_code == 302
    assert saved["Location"] == "/accounts/password/reset/key/done/"
    assert (
        "Your new password is set, and the old one no longer works."
        in client.get(saved["Location"]).content.decode()
    )
    assert log_in(Client(), "alice", PASSWORD).status_code == 200  # the form again: wrong password
    assert log_in(Client(), "alice", NEW_PASSWORD).status_code == 302
    assert api.get("/api/v1/me/").json()["username"] == "alice"


def test_a_used_link_no_longer_works(client, participant):
    request_reset(client, "alice@example.com")
    link = reset_link(mail.outbox[0])
    set_new_password(client, link)

    again = Client().get(link)

    page = again.content.decode()
    assert "This link no longer works" in page
    assert "has expired, has already been used, or was not copied whole" in page
    assert 'href="/accounts/password/reset/"' in page
    assert User.objects.get(username="alice").check_password(NEW_PASSWORD)


def test_an_expired_link_no_longer_works(client, participant):
    class TwoDaysAgo(PasswordResetTokenGenerator):
        def _now(self):
            return datetime.now() - timedelta(days=2)

    key = TwoDaysAgo().make_token(participant)  # a link mailed two days ago; links last 24 hours

    page = client.get(
        f"/accounts/password/reset/key/{user_pk_to_url_str(participant)}-{key}/"
    ).content.decode()

    assert "This link no longer works" in page
    assert "A link works once, for 24 hours" in page


def test_a_link_with_a_mangled_key_no_longer_works(client, participant):
    request_reset(client, "alice@example.com")
    link = reset_link(mail.outbox[0])

    page = client.get(link[:-5] + "xxxx/").content.decode()

    assert "This link no longer works" in page


def test_an_unknown_address_gets_the_same_page_and_no_link(client, participant):
    known = request_reset(Client(), "alice@example.com")
    unknown = request_reset(client, "nobody@example.com")

    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"]
    to_nobody = [message for message in mail.outbox if message.to == ["nobody@example.com"]]
    (message,) = to_nobody
    assert "no account uses it" in message.body
    assert not LINK.search(message.body)


def test_the_address_is_matched_whatever_its_case(client, participant):
    request_reset(client, "  Alice@Example.COM ")

    (message,) = mail.outbox
    assert message.to == ["alice@example.com"]
    assert LINK.search(message.body)


def test_an_address_typed_with_capitals_elsewhere_is_stored_in_lower_case_and_reset(client, db):
    User.objects.create_user("grace", email=" Grace@Example.ORG ", password=PASSWORD)

    request_reset(client, "grace@example.org")

    assert User.objects.get(username="grace").email == "grace@example.org"
    (message,) = mail.outbox
    assert LINK.search(message.body)


def test_a_suspended_account_gets_no_link(client, participant):
    participant.is_active = False
    participant.save()

    request_reset(client, "alice@example.com")

    assert [LINK.search(message.body) for message in mail.outbox] == [None]


def test_repeated_requests_for_one_address_are_refused_with_a_clear_page(client, participant):
    for _ in range(5):  # allauth's default: 5 a minute for one address
        assert request_reset(client, "alice@example.com").status_code == 302

    refused = request_reset(client, "alice@example.com")

    assert refused.status_code == 429
    assert (
        "Too many password requests in a short time: wait a minute, then try again."
        in refused.content.decode()
    )
    assert len(mail.outbox) == 5


@pytest.mark.parametrize(
    ("email", "error"),
    [("", "This field is required."), ("alice-at-example.com", "Enter a valid email address.")],
)
def test_a_missing_or_malformed_address_is_refused(client, db, email, error):
    response = request_reset(client, email)

    assert response.status_code == 200
    assert f'<a href="#id_email">Email</a>: {error}' in response.content.decode()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("password", "again", "error"),
    [
        (NEW_PASSWORD, "something-else-entirely", "You must type the same password each time."),
        ("short", "short", "This password is too short. It must contain at least 8 characters."),
        ("password123", "password123", "This password is too common."),
    ],
)
def test_a_bad_new_password_is_refused_and_the_link_still_works(client, participant, password, again, error):
    request_reset(client, "alice@example.com")
    link = reset_link(mail.outbox[0])

    refused = set_new_password(client, link, password, again)

    assert refused.status_code == 200
    assert error in refused.content.decode()
    assert User.objects.get(username="alice").check_password(PASSWORD)
    assert set_new_password(Client(), link).status_code == 302


def test_a_reset_lifts_the_login_throttle_on_the_account(client, participant, settings):
    settings.AXES_ENABLED = True
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "alice", "wrong")
    assert log_in(client, "alice", PASSWORD).status_code == 429

    request_reset(client, "alice@example.com")
    set_new_password(client, reset_link(mail.outbox[0]))

    assert log_in(client, "alice", NEW_PASSWORD).status_code == 302


# --- Change -------------------------------------------------------------------------------------------------
def change(client: Client, old: str, new: str = NEW_PASSWORD, again: str | None = None):
    return client.post(
        "/accounts/password/change/",
        {"oldpassword": old, "password1": new, "password2": new if again is None else again},
    )


def test_the_profile_links_to_the_change_page(client, participant):
    client.force_login(participant)

    page = client.get("/accounts/profile/").content.decode()

    assert '<a href="/accounts/password/change/" id="change-password">Change password</a>' in page


def test_changing_needs_a_login(client, db):
    response = client.get("/accounts/password/change/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/password/change/"


def test_a_change_keeps_this_session_and_the_tokens_and_ends_the_others(client, participant, api_for):
    api = api_for(participant)
    client.force_login(participant)
    elsewhere = Client()
    elsewhere.force_login(participant)

    changed = change(client, PASSWORD)

    assert changed.status_code == 302
    assert changed["Location"] == "/accounts/profile/"
    assert "Your password is changed." in client.get("/accounts/profile/").content.decode()
    assert elsewhere.get("/accounts/profile/").status_code == 302  # logged out there
    assert api.get("/api/v1/me/").json()["username"] == "alice"
    assert log_in(Client(), "alice", PASSWORD).status_code == 200
    assert log_in(Client(), "alice", NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("old", "new", "again", "error"),
    [
        (
            "not-my-password",
            NEW_PASSWORD,
            NEW_PASSWORD,
            "Current password</a>: This is not your current password.",
        ),
        ("", NEW_PASSWORD, NEW_PASSWORD, "Current password</a>: This field is required."),
        (
            PASSWORD,
            NEW_PASSWORD,
            "another-one-entirely",
            "New password again</a>: You must type the same password",
        ),
        (PASSWORD, "12345678901", "12345678901", "New password</a>: This password is entirely numeric."),
        (
            PASSWORD,
            "alice1234",
            "alice1234",
            "New password</a>: The password is too similar to the username.",
        ),
    ],
)
def test_a_change_is_refused_with_a_clear_error(client, participant, old, new, again, error):
    client.force_login(participant)

    refused = change(client, old, new, again)

    assert refused.status_code == 200
    assert error in refused.content.decode()
    assert User.objects.get(username="alice").check_password(PASSWORD)


def test_a_link_opened_while_logged_in_as_someone_else_resets_only_its_own_account(client, participant):
    bob = UserFactory(username="bob")
    request_reset(Client(), "alice@example.com")
    link = reset_link(mail.outbox[0])
    client.force_login(bob)

    set_new_password(client, link)

    assert User.objects.get(username="alice").check_password(NEW_PASSWORD)
    assert User.objects.get(username="bob").check_password(PASSWORD)
    assert re.search(r"Log in</a>", client.get("/accounts/password/reset/key/done/").content.decode())
