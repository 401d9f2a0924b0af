"""A benchmark of a competition with several tracks: each track of the deciding phase is its own results
table, and the Papers With Code export lists one evaluation table (dataset) per track; scores of one track
never rank against another's, and the imported results join the default track's table."""

import io

import pytest

from competitions.phase_setup import TrackPlan, set_tracks
from scoring import services as scoring
from submissions.services import create_submission
from tests.community.test_benchmarks import opened
from tests.factories import end_now, joined, predictions
from tests.moderation.conftest import ALL_RIGHT, TWO_RIGHT

pytestmark = pytest.mark.django_db
API = "/api/v1/competitions/animals/benchmark/"


def scored_on(competition, user, labels, track):
    submission, _ = create_submission(
        competition=competition,
        user=user,
        file_name="p.csv",
        stream=io.BytesIO(predictions(labels).encode()),
        track=track,
    )
    assert scoring.score_submission(submission.pk) == "scored"
    return submission


@pytest.fixture
def two_tracks_finished(competition, host, participant, other_participant):
    """alice scores on the main track only, bob on the hard track only; then the end passes."""
    set_tracks(
        competition=competition,
        user=host,
        plans=[
            TrackPlan(slug="main", name="Main track", is_default=True),
            TrackPlan(slug="hard", name="Hard", description="Blurry photos."),
        ],
    )
    joined(competition, participant)
    joined(competition, other_participant)
    scored_on(competition, participant, TWO_RIGHT, "main")
    scored_on(competition, other_participant, ALL_RIGHT, "hard")
    end_now(competition)
    return competition


def test_the_export_has_one_evaluation_table_per_track(api_for, host, two_tracks_finished):
    opened(api_for, host)

    exported = api_for(None).get(API + "export/").json()

    [task] = exported
    tables = {
        dataset["dataset"]: [row["model_name"] for row in dataset["sota"]["rows"]]
        for dataset in task["datasets"]
    }
    assert tables == {"Animals": ["alice"], "Animals (Hard)": ["bob"]}
    assert task["datasets"][1]["description"] == "Blurry photos."


def test_the_benchmark_table_is_the_default_tracks_and_never_mixes_tracks(api_for, host, two_tracks_finished):
    opened(api_for, host)

    rows = api_for(None).get(API).json()["rows"]

    assert [row["method_name"] for row in rows] == ["alice"]
