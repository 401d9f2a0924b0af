"""API burst limits: headers on every answer, 429 with Retry-After past the limit, per user and per IP."""

import pytest

from config.throttles import AnonBurstThrottle, UserBurstThrottle


@pytest.fixture
def tight_limits(monkeypatch):
    monkeypatch.setattr(UserBurstThrottle, "THROTTLE_RATES", {"user": "3/min"})
    monkeypatch.setattr(AnonBurstThrottle, "THROTTLE_RATES", {"anon": "2/min"})


def test_every_api_answer_reports_the_limit(api_for, participant):
    response = api_for(participant).get("/api/v1/competitions/")
    assert response.status_code == 200
    assert response["X-RateLimit-Limit"] == "1200"
    assert response["X-RateLimit-Remaining"] == "1199"
    assert 0 < int(response["X-RateLimit-Reset"]) <= 60


def test_a_user_past_the_burst_limit_is_told_when_to_retry(
    api_for, participant, other_participant, tight_limits
):
    alice = api_for(participant)
    remaining = [alice.get("/api/v1/me/")["X-RateLimit-Remaining"] for _ in range(3)]
    refused = alice.get("/api/v1/me/")

    assert remaining == ["2", "1", "0"]
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert "Request was throttled" in refused.json()["message"]
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused["X-RateLimit-Remaining"] == "0"
    assert api_for(other_participant).get("/api/v1/me/").status_code == 200  # counted per user


def test_anonymous_clients_are_counted_per_address(api_for, db, tight_limits):
    anonymous = api_for()
    assert [anonymous.get("/api/v1/competitions/").status_code for _ in range(3)] == [200, 200, 429]
    other_address = anonymous.get("/api/v1/competitions/", REMOTE_ADDR="10.0.0.9")
    assert other_address.status_code == 200


def test_anonymous_clients_are_held_to_the_anonymous_rate_alone(api_for, db, monkeypatch):
    monkeypatch.setattr(UserBurstThrottle, "THROTTLE_RATES", {"user": "2/min"})
    monkeypatch.setattr(AnonBurstThrottle, "THROTTLE_RATES", {"anon": "4/min"})
    anonymous = api_for()
    answers = [anonymous.get("/api/v1/competitions/") for _ in range(5)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 200, 429]
    assert answers[0]["X-RateLimit-Limit"] == "4"


def test_pages_carry_no_rate_limit_headers(client, db):
    assert "X-RateLimit-Limit" not in client.get("/competitions/")
