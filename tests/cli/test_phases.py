"""`podium competitions submit --track/--phase` and `leaderboard --phase/--track`: the CLI names the board."""

import pytest

from competitions.phase_setup import TrackPlan, set_tracks
from scoring import services as scoring
from submissions.models import Submission
from tests.factories import predictions


@pytest.fixture
def two_tracks(competition, host, member):
    set_tracks(
        competition=competition,
        user=host,
        plans=[TrackPlan(slug="main", name="Main"), TrackPlan(slug="hard", name="Hard")],
    )
    return competition


def test_submit_names_the_track_and_the_leaderboard_shows_that_tracks_board(podium, two_tracks, workdir):
    (workdir / "predictions.csv").write_text(predictions())

    done = podium.ok("competitions", "submit", "animals", "-f", "predictions.csv", "--track", "hard")

    submission = Submission.objects.get()
    assert submission.phase_track.track.slug == "hard"
    assert "phase 1, track hard" in done.stdout
    assert scoring.score_and_settle(submission.pk) == "scored"
    hard = podium.ok("competitions", "leaderboard", "animals", "--phase", "1", "--track", "hard").stdout
    main = podium.ok("competitions", "leaderboard", "animals").stdout
    assert "phase 1, track hard" in hard
    assert "alice" in hard
    assert "No one is on it yet." in main


def test_submit_to_a_phase_that_is_not_current_says_so(podium, two_tracks, workdir):
    (workdir / "predictions.csv").write_text(predictions())

    refused = podium("competitions", "submit", "animals", "-f", "predictions.csv", "--phase", "3")

    assert refused.returncode != 0
    assert "has no phase 3" in refused.stderr
    assert not Submission.objects.exists()


def test_leaderboard_download_names_the_phase_and_track(podium, two_tracks, workdir):
    podium.ok("competitions", "leaderboard", "animals", "--track", "hard", "--download", "-p", str(workdir))

    assert (workdir / "animals-track-hard-public-leaderboard.csv").read_text().startswith("rank,team,score")
