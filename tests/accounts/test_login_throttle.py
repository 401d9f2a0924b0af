"""Logins are throttled per account and address (django-axes): after the limit of wrong passwords the pair
waits, with a page that says how long; other accounts and other addresses are not affected."""

import pytest
from django.test import Client

from tests.factories import PASSWORD, UserFactory

LIMIT = 5


@pytest.fixture(autouse=True)
def throttle_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = LIMIT


def log_in(client: Client, username: str, password: str, address: str = "203.0.113.7"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_after_the_limit_the_account_waits_from_that_address_even_with_the_right_password(
    client, participant
):
    for _ in range(LIMIT - 1):
        assert log_in(client, "alice", "wrong").status_code == 200  # the form again, with its error

    locked = log_in(client, "alice", "wrong")
    again = log_in(client, "alice", PASSWORD)

    assert locked.status_code == again.status_code == 429
    page = again.content.decode()
    assert "Too many failed logins" in page
    assert "5 wrong passwords in a row for 'alice' from your address" in page
    assert "Wait 15 minutes, then try again." in page
    assert "_auth_user_id" not in client.session


def test_the_same_account_from_another_address_and_another_account_from_here_still_log_in(
    client, participant
):
    UserFactory(username="bob")
    for _ in range(LIMIT):
        log_in(client, "alice", "wrong")

    assert log_in(Client(), "alice", PASSWORD, address="198.51.100.4").status_code == 302
    assert log_in(Client(), "bob", PASSWORD).status_code == 302


def test_a_success_before_the_limit_starts_the_count_again(client, participant):
    for _ in range(LIMIT - 1):
        log_in(client, "alice", "wrong")
    assert log_in(client, "alice", PASSWORD).status_code == 302
    client.logout()

    for _ in range(LIMIT - 1):
        assert log_in(client, "alice", "wrong").status_code == 200


def test_a_forwarded_address_is_ignored_without_a_proxy(client, participant):
    """Without PODIUM_NUM_PROXIES, X-Forwarded-For is the client's own words: a new one per guess must not
    give it a fresh count."""
    for guess in range(LIMIT):
        client.post(
            "/accounts/login/",
            {"username": "alice", "password": "wrong"},
            REMOTE_ADDR="203.0.113.7",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{guess}",
        )

    assert log_in(client, "alice", PASSWORD).status_code == 429


def test_the_admin_login_is_throttled_too(client, moderator):
    for _ in range(LIMIT):
        client.post(
            "/admin/login/", {"username": "moderator", "password": "wrong"}, REMOTE_ADDR="203.0.113.7"
        )

    locked = client.post(
        "/admin/login/", {"username": "moderator", "password": PASSWORD}, REMOTE_ADDR="203.0.113.7"
    )

    assert locked.status_code == 429


def test_behind_a_proxy_the_address_it_added_counts_not_the_ones_the_client_wrote(
    client, participant, settings
):
    """PODIUM_NUM_PROXIES=1: nginx appends the address it saw; entries before it are the client's own."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    for guess in range(LIMIT):
        client.post(
            "/accounts/login/",
            {"username": "alice", "password": "wrong"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{guess}, 203.0.113.7",
        )

    from_there = client.post(
        "/accounts/login/",
        {"username": "alice", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    from_elsewhere = Client().post(
        "/accounts/login/",
        {"username": "alice", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.4",
    )

    assert from_there.status_code == 429
    assert from_elsewhere.status_code == 302
