"""Phases and tracks on the pages: the overview lists them with the current phase and each track's leader,
the board and the submissions page switch between them, and a plain competition shows none of it."""

import io
from datetime import timedelta

import pytest

from competitions.phase_setup import PhasePlan, TrackPlan, set_phases, set_tracks
from scoring import services as scoring
from submissions.services import create_submission
from tests.factories import joined, predictions


@pytest.fixture
def challenge(competition, host):
    middle = competition.start_at + timedelta(days=2)
    set_phases(
        competition=competition,
        user=host,
        plans=[
            PhasePlan(name="Development", start_at=competition.start_at, end_at=middle),
            PhasePlan(
                name="Final",
                start_at=middle,
                end_at=competition.end_at,
                board_hidden_until_end=True,
                carry_over="last",
                carry_over_count=2,
            ),
        ],
    )
    set_tracks(
        competition=competition,
        user=host,
        plans=[TrackPlan(slug="main", name="Main track"), TrackPlan(slug="hard", name="Hard track")],
    )
    return competition


def test_a_plain_competitions_overview_shows_no_phases(client, competition):
    page = client.get(f"/competitions/{competition.slug}/").content.decode()

    assert 'id="phases-heading"' not in page


def test_the_overview_lists_the_phases_the_current_one_and_each_tracks_leader(client, challenge, participant):
    joined(challenge, participant)
    submission, _ = create_submission(
        competition=challenge,
        user=participant,
        file_name="p.csv",
        stream=io.BytesIO(predictions().encode()),
        track="hard",
    )
    assert scoring.score_and_settle(submission.pk) == "scored"

    page = client.get(f"/competitions/{challenge.slug}/").content.decode()

    assert 'id="phases-heading">Phases and tracks' in page
    assert 'aria-current="step">\n      <strong>Development</strong> <span class="tag">current</span>' in page
    assert "board hidden until the phase ends" in page
    assert "each team's last 2 submissions" in page
    assert "<td>alice</td>" in page
    assert "no one yet" in page  # the main track


def test_the_board_page_switches_between_phases_and_tracks(client, challenge):
    page = client.get(f"/competitions/{challenge.slug}/leaderboard/?phase=1&track=hard").content.decode()

    assert '<strong aria-current="page">Development (current)</strong>' in page
    assert '<strong aria-current="true">Hard track</strong>' in page
    assert 'href="?phase=1&amp;track=main">Main track</a>' in page
    assert "?phase=1&amp;track=hard&amp;split=public" in page


def test_a_hidden_board_is_refused_to_participants_on_the_page_too(client, challenge):
    answer = client.get(f"/competitions/{challenge.slug}/leaderboard/?phase=2")

    assert answer.status_code == 403
    assert "hidden until the phase ends" in answer.content.decode()


def test_an_unknown_phase_on_the_board_page_is_refused_by_name(client, challenge):
    answer = client.get(f"/competitions/{challenge.slug}/leaderboard/?phase=9")

    assert answer.status_code == 400
    assert "This competition has no phase 9; its phases are 1, 2." in answer.content.decode()


def test_the_submissions_page_uploads_to_the_track_it_shows(client, challenge, participant):
    joined(challenge, participant)
    client.force_login(participant)

    page = client.get(f"/competitions/{challenge.slug}/submissions/?track=hard").content.decode()
    later = client.get(f"/competitions/{challenge.slug}/submissions/?phase=2").content.decode()

    assert '<input type="hidden" name="track" value="hard">' in page
    assert "Submit predictions to Development, Hard track" in page
    assert 'id="phase-not-current"' in later
    assert 'id="submit-form"' not in later
