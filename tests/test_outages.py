"""An outage degrades the site instead of breaking it: with the cache (Redis) down the API and pages keep
answering with limits off; with the database down every route answers 503 with Retry-After, the API in its
JSON error shape and pages with the site's own page, rendered without touching the database."""

import logging

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError
from django.test import Client

import competitions.views

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": UNREACHABLE_REDIS,
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }


def test_with_the_cache_down_the_api_answers_and_limits_fail_open(cache_down, api_for, competition, caplog):
    with caplog.at_level(logging.WARNING, logger="config.throttles"):
        answers = [api_for(None).get("/api/v1/competitions/") for _ in range(3)]

    assert [answer.status_code for answer in answers] == [200, 200, 200]
    assert answers[0].json()["count"] == 1
    assert "Rate limits are off: the cache cannot be reached" in caplog.text


def test_with_the_cache_down_the_data_tab_still_shows_its_previews(
    cache_down, client, competition, participant
):
    from tests.factories import PASSWORD, joined

    joined(competition, participant)
    client.login(username=participant.username, password=PASSWORD)

    page = client.get("/competitions/animals/data/")

    assert page.status_code == 200
    assert "train.csv" in page.content.decode()


def database_down(*args, **kwargs):
    raise OperationalError("could not connect to server: Connection refused")


@pytest.fixture
def quiet_client(db):
    """A client that gets the server's answer to an error instead of the exception itself."""
    return Client(raise_request_exception=False)


def test_with_the_database_down_the_api_answers_503_in_its_json_shape(quiet_client, monkeypatch):
    monkeypatch.setattr("competitions.api.search_competitions", database_down)

    answer = quiet_client.get("/api/v1/competitions/")

    assert answer.status_code == 503
    assert answer["Retry-After"] == "30"
    assert answer.json()["code"] == "service_unavailable"
    assert answer.json()["message"].startswith("Podium cannot reach its database right now.")


def test_with_the_database_down_a_page_answers_503_with_the_sites_own_page(quiet_client, monkeypatch):
    monkeypatch.setattr(competitions.views, "search_competitions", database_down)

    page = quiet_client.get("/competitions/")

    assert page.status_code == 503
    assert page["Retry-After"] == "30"
    assert "Podium is back in a minute" in page.content.decode()


def test_a_logged_in_visitor_gets_the_same_page_when_even_the_session_cannot_load(
    quiet_client, participant, monkeypatch
):
    from tests.factories import PASSWORD

    quiet_client.login(username=participant.username, password=PASSWORD)
    monkeypatch.setattr(SessionStore, "load", database_down)

    page = quiet_client.get("/competitions/")

    assert page.status_code == 503
    assert "Podium is back in a minute" in page.content.decode()
