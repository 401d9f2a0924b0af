"""Leaderboard rows and write-ups: each row's paper and code links, and the rows of teams with code keeping
their rank on the whole board."""

import pytest

from community.writeups import teams_with_code, writeups_by_team
from competitions.models import Competition
from leaderboards.queries import ranks_of_teams, row_filters, rows_at_ranks
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
    assert row_filters()["code"].label == "With code"
    ranks = ranks_of_teams(competition, "public", teams_with_code(competition))
    rows = rows_at_ranks(competition, "public", ranks, size=3)
    assert [(row.rank, row.team_name) for row in rows] == [(3, "bob")]


def test_each_row_gets_its_teams_write_up(competition, board):
    links = writeups_by_team(competition, [s.team_id for s in board.values()])
    assert set(links) == {board["bob"].team_id, board["carl"].team_id}
    assert links[board["bob"].team_id].code_url == "https://github.com/bob/b"
    assert not links[board["carl"].team_id].has_paper


def test_the_leaderboard_page_links_paper_and_code_and_shows_only_rows_with_code(client, competition, board):
    page = client.get("/competitions/animals/leaderboard/").content.decode()
    assert page.count('class="pwc-link pwc-code"') == 1
    assert 'href="https://github.com/bob/b"' in page
    assert 'href="?split=public&amp;only=code">With code</a>' in page

    only = client.get("/competitions/animals/leaderboard/?only=code").content.decode()
    assert only.count("<tr") == 2  # the header and bob's row
    assert '<td class="num">3</td>' in only
    assert "alice" not in only.split('id="leaderboard"')[1]


def test_an_unknown_filter_shows_every_row(client, competition, board):
    page = client.get("/competitions/animals/leaderboard/?only=nonsense").content.decode()
    assert page.split('id="leaderboard"')[1].count("<tr") == 4
