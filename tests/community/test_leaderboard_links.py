"""Leaderboard rows and write-ups: each row's paper and code links, and the rows of teams with code keeping
their rank on the whole board."""

import pytest

from community.writeups import teams_with_code, writeups_by_team
from competitions.models import Competition
from scoring.leaderboard import ROW_FILTERS, filtered_leaderboard_rows
from tests.community.test_writeups import PAPER
from tests.factories import UserFactory, joined
from tests.moderation.conftest import ALL_RIGHT, THREE_RIGHT, TWO_RIGHT, scored

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(competition, api_for):
    """alice 1.0, carl 0.75, bob 0.5 on the public board; carl and bob wrote up, only bob with code."""
    Competition.objects.filter(pk=competition.pk).update(allows_writeups_while_running=True)
    users = {name: UserFactory(username=name) for name in ("alice", "bob", "carl")}
    for user in users.values():
        joined(competition, user)
    submissions = {
        "alice": scored(competition, users["alice"], ALL_RIGHT),
        "carl": scored(competition, users["carl"], THREE_RIGHT),
        "bob": scored(competition, users["bob"], TWO_RIGHT),
    }
    for name, code in (("bob", "https://github.com/bob/b"), ("carl", "")):
        answer = api_for(users[name]).post(
            "/api/v1/competitions/animals/writeups/",
            {**PAPER, "code_url": code, "arxiv_id": "", "submission": submissions[name].pk},
            format="json",
        )
        assert answer.status_code == 201, answer.json()
    return submissions


def test_rows_of_teams_with_code_keep_their_rank(competition, board):
    assert ROW_FILTERS["code"][0] == "With code"
    rows, count = filtered_leaderboard_rows(competition, "public", teams_with_code(competition))
    assert count == 1
    assert [(row.rank, row.team_name) for row in rows] == [(3, "bob")]


def test_each_row_gets_its_teams_write_up(competition, board):
    links = writeups_by_team(competition, [s.team_id for s in board.values()])
    assert set(links) == {board["bob"].team_id, board["carl"].team_id}
    assert links[board["bob"].team_id].code_url == "https://github.com/bob/b"
    assert not links[board["carl"].team_id].has_paper
