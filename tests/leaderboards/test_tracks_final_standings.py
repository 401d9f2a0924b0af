"""Final standings with several tracks: each track's final board ranks (and gives medals) on its own, the
prizes are decided on the deciding phase's default track and another track's final board says so, and a
profile counts a team's rank on its own track's board, never against another track's teams."""

import io
from decimal import Decimal

import pytest

from competitions.phase_setup import TrackPlan, set_tracks
from competitions.prizes import PrizeDraft, set_prizes
from leaderboards.participation import Standing, joined_competitions
from scoring import services
from submissions.services import create_submission
from tests.factories import end_now, joined, predictions
from tests.moderation.conftest import ALL_RIGHT, TWO_RIGHT


def scored_on(competition, user, labels, track) -> None:
    submission, _ = create_submission(
        competition=competition,
        user=user,
        file_name="p.csv",
        stream=io.BytesIO(predictions(labels).encode()),
        track=track,
    )
    assert services.score_submission(submission.pk) == "scored"


@pytest.fixture
def finished(competition, host, participant, other_participant):
    """alice on the main track (two public rows right), bob on the hard track (all right), a prize, the end."""
    set_tracks(
        competition=competition,
        user=host,
        plans=[
            TrackPlan(slug="main", name="Main track", is_default=True),
            TrackPlan(slug="hard", name="Hard"),
        ],
    )
    set_prizes(
        competition=competition,
        user=host,
        prizes=[PrizeDraft(place=1, amount=Decimal("100"), currency="USD")],
    )
    joined(competition, participant)
    joined(competition, other_participant)
    scored_on(competition, participant, TWO_RIGHT, "main")
    scored_on(competition, other_participant, ALL_RIGHT, "hard")
    end_now(competition)
    competition.refresh_from_db()
    return competition


def test_the_prize_goes_to_the_default_tracks_winner_and_the_api_says_where(finished, api_for):
    body = api_for(None).get(f"/api/v1/competitions/{finished.slug}/prizes/").json()

    assert (body["final"], body["phase"], body["track"]) == (True, 1, "main")
    assert [(award["place"], award["team"]) for award in body["prizes"]] == [(1, "alice")]


def test_another_tracks_final_board_shows_no_prize_and_says_where_they_are_decided(finished, api_for, client):
    rows = (
        api_for(None)
        .get(f"/api/v1/competitions/{finished.slug}/leaderboard/", {"split": "private", "track": "hard"})
        .json()["results"]
    )
    page = client.get(f"/competitions/{finished.slug}/leaderboard/", {"split": "private", "track": "hard"})

    assert [(row["team"], row["rank"], row["prize"]) for row in rows] == [("bob", 1, None)]
    html = page.content.decode()
    assert 'id="prizes-elsewhere"' in html
    assert "The prizes are decided on the final board of Main track in Phase 1" in html
    assert '<th scope="col">Prize</th>' not in html


def test_a_profile_ranks_a_team_on_its_own_tracks_board(finished, participant, other_participant):
    [alice] = joined_competitions(participant)
    [bob] = joined_competitions(other_participant)

    assert (alice.public, alice.private) == (Standing(rank=1, teams=1), Standing(rank=1, teams=1))
    assert (bob.public, bob.private) == (Standing(rank=1, teams=1), Standing(rank=1, teams=1))
