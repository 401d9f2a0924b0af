"""A benchmark of a competition with several tracks: each track of the deciding phase is its own results
table, and the Papers With Code export lists one evaluation table (dataset) per track; scores of one track
never rank against another's, and the imported results join the default track's table."""

import io

import pytest

from community.writeups import ranked_writeups
from competitions.phase_setup import TrackPlan, set_tracks
from scoring import services as scoring
from submissions.models import Submission
from submissions.services import create_submission
from tests.community.test_benchmarks import opened
from tests.community.test_writeups import PAPER
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


def test_write_ups_go_by_track_and_name_their_board(
    api_for, participant, other_participant, two_tracks_finished
):
    for user in (participant, other_participant):
        submission = Submission.objects.get(team__memberships__user=user)
        answer = api_for(user).post(
            "/api/v1/competitions/animals/writeups/", {**PAPER, "submission": submission.pk}, format="json"
        )
        assert answer.status_code == 201, answer.content

    ranked = ranked_writeups(participant, two_tracks_finished)

    # bob's score on the hard track is higher, but the main track's write-ups come first
    assert [(item.writeup.team.name, item.where) for item in ranked] == [
        ("alice", "Phase 1 / Main track"),
        ("bob", "Phase 1 / Hard"),
    ]


def test_the_api_gives_the_named_tracks_table(api_for, host, two_tracks_finished):
    opened(api_for, host)

    answer = api_for(None).get(API, {"track": "hard"}).json()

    assert [row["method_name"] for row in answer["rows"]] == ["bob"]
    assert (answer["track"], answer["tracks"]) == ("hard", ["main", "hard"])


def test_the_api_refuses_an_unknown_track_naming_the_field_and_the_tracks(api_for, host, two_tracks_finished):
    opened(api_for, host)

    answer = api_for(None).get(API, {"track": "nope"})

    assert answer.status_code == 400
    assert answer.json()["code"] == "unknown_track"
    assert answer.json()["details"]["field"] == "track"
    assert answer.json()["message"] == "This competition has no track 'nope'; its tracks are main, hard."


def test_the_page_links_the_tracks_and_shows_the_named_ones_table(api_for, host, client, two_tracks_finished):
    opened(api_for, host)

    default = client.get("/competitions/animals/benchmark/").content.decode()
    hard = client.get("/competitions/animals/benchmark/?track=hard").content.decode()

    assert '<a href="?track=hard">Hard</a>' in default
    assert '<strong aria-current="page">Main track</strong>' in default
    assert '<a href="?track=main">Main track</a>' in hard
    assert "Blurry photos." in hard
    assert table_of(default) == ["alice"]
    assert table_of(hard) == ["bob"]


def table_of(page: str) -> list[str]:
    table = page.split('id="benchmark-table"')[1].split("</table>")[0]
    return [name for name in ("alice", "bob") if name in table]


def test_the_page_refuses_an_unknown_track_with_its_message(api_for, host, client, two_tracks_finished):
    opened(api_for, host)

    answer = client.get("/competitions/animals/benchmark/?track=nope")

    assert answer.status_code == 400
    assert (
        "This competition has no track &#x27;nope&#x27;; its tracks are main, hard."
        in answer.content.decode()
    )
