"""`podium competitions leaderboard` and `submissions` show the secondary score columns the server sends,
and --sort orders the board by one of them."""

import json

import pytest

from tests.cli.test_competitions import scored
from tests.factories import UserFactory, joined, make_competition

COLUMNS = [
    {"label": "Balanced", "metric": "balanced_accuracy", "precision": 3},
    {"label": "MCC", "metric": "mcc", "shown": False},
]


@pytest.fixture
def columned(host, alice):
    """alice: every public row "cat" (accuracy 0.5, balanced 1/3); bob: ids 1 and 2 right (accuracy 0.5,
    balanced 1/2, so first on the tie)."""
    competition = make_competition(host=host, slug="columned", score_columns=COLUMNS)
    bob = UserFactory(username="bob")
    joined(competition, alice)
    joined(competition, bob)
    scored(competition, alice, {})
    scored(competition, bob, {2: "dog", 3: "dog"})
    return competition


def test_the_leaderboard_shows_the_shown_columns(podium, columned):
    lines = podium.ok("competitions", "leaderboard", "columned").stdout.splitlines()

    assert lines[1].split() == ["rank", "team", "score", "Balanced", "entries", "last"]
    assert lines[3].split()[:4] == ["1", "bob", "0.500000", "0.500000"]
    assert lines[4].split()[:4] == ["2", "alice", "0.500000", "0.333333"]
    assert "MCC" not in "\n".join(lines)


def test_the_leaderboard_json_carries_the_columns_and_the_sort(podium, columned):
    board = json.loads(
        podium.ok("competitions", "leaderboard", "columned", "--sort", "Balanced", "--json").stdout
    )

    assert board["sort"] == "Balanced"
    assert [(row["team"], row["rank"], list(row["columns"])) for row in board["results"]] == [
        ("bob", 1, ["Balanced"]),
        ("alice", 2, ["Balanced"]),
    ]


def test_sorting_by_an_unknown_column_says_which_exist(podium, columned):
    done = podium("competitions", "leaderboard", "columned", "--sort", "MCC")

    assert done.returncode != 0
    assert "No column 'MCC' to sort by: choose one of 'Balanced'" in done.stderr


def test_the_submissions_table_shows_the_columns(podium, columned):
    lines = podium.ok("competitions", "submissions", "columned").stdout.splitlines()

    assert "Balanced" in lines[0].split()
    assert "0.333333" in lines[2]
