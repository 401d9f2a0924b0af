"""The discussion and notification answers read in a fixed number of queries, however many comments a page
holds: each comment's target is loaded once per page, not once per comment."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community.services import post_comment
from community.writeups import publish_writeup
from tests.community.conftest import discussion_url, old_account
from tests.factories import end_now, joined, make_competition
from tests.moderation.conftest import ALL_RIGHT, THREE_RIGHT, TWO_RIGHT, scored

pytestmark = pytest.mark.django_db


def queries_for(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(captured)


def comment_on(target, authors, count: int) -> None:
    for number in range(count):
        post_comment(author=authors[number % len(authors)], target=target, body=f"Comment {number}")


@pytest.fixture
def readers(db):
    return [old_account(name) for name in ("carol", "dave", "erin")]


def test_a_discussion_page_reads_in_the_same_queries_for_5_or_40_comments(api_for, host, readers):
    few, many = (
        make_competition(host=host, slug="few"),
        make_competition(host=host, slug="many", title="Many"),
    )
    comment_on(few, readers, 5)
    comment_on(many, readers, 40)
    client = api_for(readers[0])
    queries_for(
        client, discussion_url("competition", "few")
    )  # Django caches content types after a first read

    counted = [
        queries_for(client, discussion_url("competition", slug) + "?limit=100") for slug in ("few", "many")
    ]

    assert counted[0] == counted[1], counted
    assert counted[1] <= 8, counted


def test_notifications_read_in_the_same_queries_for_5_or_40(api_for, host, readers):
    few, many = (
        make_competition(host=host, slug="few"),
        make_competition(host=host, slug="many", title="Many"),
    )
    comment_on(few, readers, 5)
    client = api_for(host)
    # The token's first use is written (later ones within a minute are not), and Django caches content types.
    client.get("/api/v1/me/notifications/?limit=100")
    with_five = queries_for(client, "/api/v1/me/notifications/?limit=100")
    comment_on(many, readers, 35)

    with_forty = queries_for(client, "/api/v1/me/notifications/?limit=100")

    assert client.get("/api/v1/me/notifications/?limit=100").json()["count"] == 40
    assert with_five == with_forty, (with_five, with_forty)
    assert with_forty <= 10, with_forty


def test_notifications_on_write_ups_read_their_competition_once_per_page(
    api_for, competition, participant, readers
):
    """A write-up's link names its competition: loading it per notification would be a query each."""
    joined(competition, participant)
    submissions = [scored(competition, participant, labels) for labels in (ALL_RIGHT, TWO_RIGHT, THREE_RIGHT)]
    end_now(competition)
    writeups = [
        publish_writeup(author=participant, submission=submission, title=f"Try {submission.pk}", body="x")
        for submission in submissions
    ]
    client = api_for(participant)
    post_comment(author=readers[0], target=writeups[0], body="Nice")
    queries_for(client, "/api/v1/me/notifications/?limit=100")
    with_one = queries_for(client, "/api/v1/me/notifications/?limit=100")
    for writeup in writeups[1:]:
        post_comment(author=readers[1], target=writeup, body="Nice too")

    with_three = queries_for(client, "/api/v1/me/notifications/?limit=100")

    urls = [row["url"] for row in client.get("/api/v1/me/notifications/?limit=100").json()["results"]]
    assert all(url.startswith("/competitions/animals/writeups/") for url in urls), urls
    assert len(urls) == 3
    assert with_one == with_three, (with_one, with_three)
