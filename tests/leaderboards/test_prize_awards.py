"""Prizes on a real final board: several teams scored by the scoring service, a tie, and teams the host marked
not eligible, whose prizes pass to the next eligible team while they keep their ranks."""

import io
from decimal import Decimal

import pytest
from django.test import Client

from competitions.prizes import PrizeDraft, set_prize_eligibility, set_prizes
from leaderboards.prizes import prize_awards
from scoring import services
from submissions.services import create_submission
from tests.factories import UserFactory, end_now, joined, predictions

# LABEL_SOLUTION's answers; ALL_WRONG misses every one, and each team gets `right` private rows right.
ANSWERS = {
    1: "cat",
    2: "dog",
    3: "cat",
    4: "bird",
    5: "dog",
    6: "cat",
    7: "bird",
    8: "dog",
    9: "cat",
    10: "dog",
}
NEXT_LABEL = {"cat": "dog", "dog": "bird", "bird": "cat"}
PRIVATE_IDS = (5, 6, 7, 8, 9, 10)


def score(competition, user, right: int) -> None:
    labels = {i: NEXT_LABEL[label] for i, label in ANSWERS.items()}
    labels.update({i: ANSWERS[i] for i in PRIVATE_IDS[:right]})
    submission, _ = create_submission(
        competition=competition, user=user, file_name="p.csv", stream=io.BytesIO(predictions(labels).encode())
    )
    assert services.score_submission(submission.pk) == "scored"


@pytest.fixture
def teams(competition):
    """Five teams, in this order on the private board: ada (6 of 6), bea (5), cid (5, submitted after bea:
    the tie goes to bea), dan (4), eve (3)."""
    found = {}
    for name, right in (("ada", 6), ("bea", 5), ("cid", 5), ("dan", 4), ("eve", 3)):
        user = UserFactory(username=name)
        found[name] = joined(competition, user)
        score(competition, user, right)
    return found


def prizes(*amounts: str) -> list[PrizeDraft]:
    return [PrizeDraft(place=n, amount=Decimal(a), currency="USD") for n, a in enumerate(amounts, start=1)]


def winners(competition) -> list[tuple[int, str | None, int | None]]:
    return [(a.prize.place, a.team_name or None, a.rank) for a in prize_awards(competition).awards]


def test_prizes_follow_the_board_with_the_tie_going_to_the_earlier_submission(competition, host, teams):
    set_prizes(competition=competition, user=host, prizes=prizes("25000", "10000", "5000"))
    end_now(competition)

    assert winners(competition) == [(1, "ada", 1), (2, "bea", 2), (3, "cid", 3)]


def test_a_team_not_eligible_keeps_its_rank_and_its_prize_goes_to_the_next_eligible_team(
    competition, host, teams
):
    set_prizes(competition=competition, user=host, prizes=prizes("25000", "10000", "5000"))
    end_now(competition)

    set_prize_eligibility(team=teams["ada"], user=host, eligible=False, reason="Works for the sponsor.")
    set_prize_eligibility(team=teams["cid"], user=host, eligible=False, reason="Used outside data.")

    assert winners(competition) == [(1, "bea", 2), (2, "dan", 4), (3, "eve", 5)]
    set_prize_eligibility(team=teams["ada"], user=host, eligible=True)
    assert winners(competition) == [(1, "ada", 1), (2, "bea", 2), (3, "dan", 4)]


def test_a_prize_for_a_place_no_eligible_team_reached_is_not_awarded(competition, host, teams):
    set_prizes(competition=competition, user=host, prizes=prizes("500", "400", "300", "200", "100"))
    set_prize_eligibility(team=teams["bea"], user=host, eligible=False, reason="Two accounts.")
    end_now(competition)

    assert winners(competition) == [
        (1, "ada", 1),
        (2, "cid", 3),
        (3, "dan", 4),
        (4, "eve", 5),
        (5, None, None),
    ]
    page = Client().get("/competitions/animals/leaderboard/?split=private").content.decode()
    assert '<em class="not-awarded">not awarded</em>' in page


def test_before_the_board_is_built_every_prize_is_to_be_decided(api_for, competition, host, teams):
    set_prizes(competition=competition, user=host, prizes=prizes("100"))

    answer = api_for().get("/api/v1/competitions/animals/prizes/").json()

    assert answer["final"] is False
    assert answer["prizes"] == [
        {
            "place": 1,
            "amount": "100.00",
            "currency": "USD",
            "description": "",
            "text": "100 USD",
            "status": "to_be_decided",
            "team": None,
            "rank": None,
        }
    ]
    assert answer["totals"] == [{"currency": "USD", "amount": "100.00", "text": "100 USD"}]


def test_the_api_gives_each_prize_its_winner_and_a_prize_not_awarded(api_for, competition, host, teams):
    set_prizes(
        competition=competition,
        user=host,
        prizes=[
            *prizes("25000", "10000"),
            *[PrizeDraft(place=n, description="A T-shirt") for n in (3, 4, 5, 6)],
        ],
    )
    set_prize_eligibility(team=teams["ada"], user=host, eligible=False, reason="Works for the sponsor.")
    end_now(competition)

    answer = api_for().get("/api/v1/competitions/animals/prizes/").json()

    assert answer["final"] is True
    assert [(p["place"], p["text"], p["status"], p["team"], p["rank"]) for p in answer["prizes"]] == [
        (1, "25,000 USD", "awarded", "bea", 2),
        (2, "10,000 USD", "awarded", "cid", 3),
        (3, "A T-shirt", "awarded", "dan", 4),
        (4, "A T-shirt", "awarded", "eve", 5),
        (5, "A T-shirt", "not_awarded", None, None),
        (6, "A T-shirt", "not_awarded", None, None),
    ]


def board_rows(client) -> list[tuple[int, str, str | None, bool]]:
    board = client.get("/api/v1/competitions/animals/leaderboard/?split=private").json()
    return [
        (r["rank"], r["team"], r["prize"]["text"] if r["prize"] else None, r["not_eligible_for_prizes"])
        for r in board["results"]
    ]


def test_the_final_board_skips_the_team_not_eligible_and_only_the_host_and_the_team_see_the_mark(
    api_for, competition, host, teams
):
    set_prizes(competition=competition, user=host, prizes=prizes("25000", "10000", "5000"))
    set_prize_eligibility(team=teams["bea"], user=host, eligible=False, reason="Two accounts.")
    end_now(competition)
    bea = teams["bea"].members.get()
    dan = teams["dan"].members.get()

    assert board_rows(api_for(host)) == [
        (1, "ada", "25,000 USD", False),
        (2, "bea", None, True),
        (3, "cid", "10,000 USD", False),
        (4, "dan", "5,000 USD", False),
        (5, "eve", None, False),
    ]
    assert [row[3] for row in board_rows(api_for(bea))] == [False, True, False, False, False]
    assert [row[3] for row in board_rows(api_for(dan))] == [False] * 5
    assert board_rows(api_for()) == [(r, t, p, False) for r, t, p, _ in board_rows(api_for(host))]
    public = api_for(host).get("/api/v1/competitions/animals/leaderboard/").json()["results"]
    assert "prize" not in public[0]
    assert [r["not_eligible_for_prizes"] for r in public] == [False, True, False, False, False]


def test_the_final_board_page_shows_the_prize_column_and_the_marks(client, competition, host, teams):
    set_prizes(competition=competition, user=host, prizes=prizes("25000", "10000"))
    set_prize_eligibility(team=teams["ada"], user=host, eligible=False, reason="Works for the sponsor.")
    end_now(competition)

    client.force_login(host)
    as_host = client.get("/competitions/animals/leaderboard/?split=private").content.decode()
    client.force_login(teams["ada"].members.get())
    as_ada = client.get("/competitions/animals/leaderboard/?split=private").content.decode()
    client.force_login(teams["dan"].members.get())
    as_dan = client.get("/competitions/animals/leaderboard/?split=private").content.decode()

    assert '<th scope="col">Prize</th>' in as_host
    assert "not eligible for prizes</span>" in as_host
    assert (
        '<span class="tag tag-you">your team</span> <span class="tag tag-ineligible">not eligible for prizes</span>'
        in as_ada
    )
    assert "not eligible for prizes</span>" not in as_dan
    assert '<strong>bea</strong> <span class="muted">(rank 2)</span>' in as_dan
    csv = client.get("/competitions/animals/leaderboard.csv?split=private").content.decode().splitlines()
    assert csv[0].endswith(",medal,prize")
    assert csv[2].startswith("2,bea,")
    assert csv[2].endswith(',"25,000 USD"')
