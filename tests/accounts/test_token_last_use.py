"""A token's last use is written at most once a minute, not on every request."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import ApiToken


def token_writes(captured: CaptureQueriesContext) -> int:
    return sum(query["sql"].startswith('UPDATE "accounts_apitoken"') for query in captured.captured_queries)


def test_a_token_used_twice_within_a_minute_is_written_once(participant, api_for):
    client = api_for(participant)

    with CaptureQueriesContext(connection) as captured:
        assert client.get("/api/v1/me/").status_code == 200
        assert client.get("/api/v1/me/").status_code == 200

    assert token_writes(captured) == 1
    assert ApiToken.objects.get(user=participant).last_used_at is not None


def test_a_token_last_used_over_a_minute_ago_is_written_again(participant, api_for):
    client = api_for(participant)
    client.get("/api/v1/me/")
    earlier = timezone.now() - timedelta(minutes=2)
    ApiToken.objects.filter(user=participant).update(last_used_at=earlier)

    assert client.get("/api/v1/me/").status_code == 200

    assert ApiToken.objects.get(user=participant).last_used_at > earlier + timedelta(minutes=1)
