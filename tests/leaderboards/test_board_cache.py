"""The first pages of the public board come from the cache until the board changes (leaderboards.board_cache)."""

import io
import logging

import pytest

from leaderboards.standing import delete_submission
from scoring import services
from submissions.services import create_submission
from tests.factories import UserFactory, joined, predictions

BOARD = "/api/v1/competitions/animals/leaderboard/"
# LABEL_SOLUTION: public ids 1-4 are cat, dog, cat, bird.
PERFECT_PUBLIC = predictions({1: "cat", 2: "dog", 3: "cat", 4: "bird"})


def scored(competition, user, text):
    submission, _ = create_submission(
        competition=competition, user=user, file_name="p.csv", stream=io.BytesIO(text.encode())
    )
    assert services.score_submission(submission.pk) == "scored"
    return submission


@pytest.fixture
def alice(competition, participant):
    joined(competition, participant)
    return participant


def board(api_for, user=None) -> list[tuple[str, float, int]]:
    body = api_for(user).get(BOARD).json()
    return [(row["team"], row["score"], row["entries"]) for row in body["results"]]


def test_a_read_after_a_score_sees_the_new_score(api_for, competition, alice):
    scored(competition, alice, predictions())
    assert board(api_for) == [("alice", 0.5, 1)]

    scored(competition, alice, PERFECT_PUBLIC)

    assert board(api_for) == [("alice", 1.0, 2)]


def test_a_read_after_another_team_scores_sees_that_team(api_for, competition, alice):
    scored(competition, alice, predictions())
    assert [team for team, _, _ in board(api_for)] == ["alice"]
    bob = UserFactory(username="bob")
    joined(competition, bob)

    scored(competition, bob, PERFECT_PUBLIC)

    assert [team for team, _, _ in board(api_for)] == ["bob", "alice"]


def test_a_read_after_a_deletion_no_longer_sees_the_deleted_score(api_for, competition, alice):
    scored(competition, alice, predictions())
    best = scored(competition, alice, PERFECT_PUBLIC)
    assert board(api_for) == [("alice", 1.0, 2)]

    delete_submission(submission=best, user=alice)

    assert board(api_for) == [("alice", 0.5, 1)]


def test_repeated_reads_of_the_first_page_are_served_from_the_cache(
    api_for, competition, alice, django_assert_num_queries
):
    scored(competition, alice, PERFECT_PUBLIC)
    client = api_for()
    # the competition, its phases and tracks (which board), the size, the rows, the team names
    with django_assert_num_queries(5):
        first = client.get(BOARD)

    with django_assert_num_queries(2):  # the competition, which says who may see it, and which board
        again = client.get(BOARD)

    assert again.json() == first.json()


def test_the_page_reads_the_cached_board_too_and_sees_a_new_score(
    client, competition, alice, django_assert_max_num_queries
):
    scored(competition, alice, predictions())
    assert "0.500000" in client.get("/competitions/animals/leaderboard/").content.decode()
    with django_assert_max_num_queries(3):
        client.get("/competitions/animals/leaderboard/")

    scored(competition, alice, PERFECT_PUBLIC)

    assert "1.000000" in client.get("/competitions/animals/leaderboard/").content.decode()


def test_a_zero_setting_turns_the_cache_off(api_for, competition, alice, settings, django_assert_num_queries):
    scored(competition, alice, PERFECT_PUBLIC)
    settings.PODIUM_BOARD_CACHE_SECONDS = 0
    client = api_for()
    client.get(BOARD)

    with django_assert_num_queries(5):
        client.get(BOARD)


def test_with_the_cache_down_scores_are_saved_and_boards_read_from_the_database(
    api_for, client, competition, alice, settings, caplog
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }

    # The logger's own level: another test in this process may have raised the root logger's (a library
    # configuring logging), and the warning must reach caplog whatever ran before.
    caplog.set_level(logging.WARNING, logger="leaderboards.board_cache")
    scored(competition, alice, PERFECT_PUBLIC)

    assert board(api_for, alice) == [("alice", 1.0, 1)]
    assert client.get("/competitions/animals/leaderboard/").status_code == 200
    assert "The board cache cannot be reached" in caplog.text
