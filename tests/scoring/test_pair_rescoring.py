"""A host of a competition with several tracks (or phases) rescores one phase-and-track pair alone: the
pair's own setup changes and only its submissions are scored again, on the service, the API and the page."""

import io

import pytest

from competitions.errors import CompetitionError
from competitions.phase_setup import TrackPlan, set_tracks
from competitions.phases import board_pair, scoring_setup
from scoring import rescoring, services
from scoring.models import Rescore
from submissions.models import Submission
from submissions.services import create_submission
from tests.factories import LABEL_SOLUTION, joined, predictions

CORRECTED = LABEL_SOLUTION.replace("4,bird,Public", "4,cat,Public")


def scored(competition, user, labels, track=None) -> Submission:
    submission, _ = create_submission(
        competition=competition,
        user=user,
        file_name="p.csv",
        stream=io.BytesIO(predictions(labels).encode()),
        track=track,
    )
    assert services.score_submission(submission.pk) == "scored"
    submission.refresh_from_db()
    return submission


def run_to_the_end(rescore: Rescore) -> str:
    outcome = "continuing"
    while outcome == "continuing":
        outcome = rescoring.continue_rescore(rescore.pk)
    return outcome


@pytest.fixture
def two_tracks(competition, host):
    set_tracks(
        competition=competition,
        user=host,
        plans=[TrackPlan(slug="main", name="Main", is_default=True), TrackPlan(slug="hard", name="Hard")],
    )
    return competition


@pytest.fixture
def alice(two_tracks, participant):
    joined(two_tracks, participant)
    return participant


def test_rescoring_one_track_scores_only_its_submissions_and_gives_it_its_own_setup(two_tracks, alice, host):
    labels = {2: "dog", 4: "cat"}  # id 4 wrong on the current solution, right on the corrected one
    on_main = scored(two_tracks, alice, labels)
    on_hard = scored(two_tracks, alice, labels, track="hard")
    hard = board_pair(two_tracks, track="hard")

    rescore = rescoring.start_rescore(
        competition=two_tracks,
        user=host,
        solution=io.BytesIO(CORRECTED.encode()),
        phase_track=hard,
    )
    assert rescore.total == 1
    assert run_to_the_end(rescore) == "switched"

    on_main.refresh_from_db()
    on_hard.refresh_from_db()
    hard.refresh_from_db()
    two_tracks.refresh_from_db()
    assert on_hard.public_score == 1.0
    assert on_main.public_score == 0.75
    assert (hard.solution_sha256, hard.metric) == (rescore.solution_sha256, "accuracy")
    assert two_tracks.solution_sha256 != rescore.solution_sha256
    assert scoring_setup(board_pair(two_tracks, track="main")).solution_sha256 == two_tracks.solution_sha256


def test_a_competition_rescore_leaves_out_a_pair_that_has_its_own_setup(two_tracks, alice, host):
    scored(two_tracks, alice, {}, track="hard")
    hard = board_pair(two_tracks, track="hard")
    run_to_the_end(
        rescoring.start_rescore(competition=two_tracks, user=host, metric="macro_f1", phase_track=hard)
    )
    scored(two_tracks, alice, {})

    rescore = rescoring.start_rescore(competition=two_tracks, user=host, metric="balanced_accuracy")

    assert rescore.total == 1  # the main track's submission only
    run_to_the_end(rescore)
    hard.refresh_from_db()
    assert hard.metric == "macro_f1"


def test_nothing_to_change_is_judged_against_the_pairs_own_setup(two_tracks, alice, host):
    hard = board_pair(two_tracks, track="hard")
    run_to_the_end(
        rescoring.start_rescore(competition=two_tracks, user=host, metric="macro_f1", phase_track=hard)
    )

    hard.refresh_from_db()

    with pytest.raises(CompetitionError) as refusal:
        rescoring.start_rescore(competition=two_tracks, user=host, metric="macro_f1", phase_track=hard)

    assert (refusal.value.code, refusal.value.details["field"]) == ("nothing_to_rescore", "solution")


def test_the_api_rescores_one_pair_named_by_phase_and_track(two_tracks, alice, host, api_for):
    scored(two_tracks, alice, {}, track="hard")
    scored(two_tracks, alice, {})

    answer = api_for(host).post(
        f"/api/v1/competitions/{two_tracks.slug}/rescore/",
        {"metric": "macro_f1", "phase": 1, "track": "hard"},
        format="json",
    )

    assert answer.status_code == 202, answer.content
    body = answer.json()
    assert (body["phase"], body["track"], body["total"], body["metric"]) == (1, "hard", 1, "macro_f1")


@pytest.mark.parametrize(
    ("where", "code", "field"),
    [({"track": "nope"}, "unknown_track", "track"), ({"phase": 9}, "unknown_phase", "phase")],
)
def test_the_api_refuses_an_unknown_phase_or_track_naming_the_field(
    two_tracks, host, api_for, where, code, field
):
    answer = api_for(host).post(
        f"/api/v1/competitions/{two_tracks.slug}/rescore/", {"metric": "macro_f1", **where}, format="json"
    )

    assert answer.status_code == 400
    assert (answer.json()["code"], answer.json()["details"]["field"]) == (code, field)
    assert not Rescore.objects.exists()


def test_a_competition_rescore_through_the_api_names_no_pair(two_tracks, host, api_for):
    answer = api_for(host).post(
        f"/api/v1/competitions/{two_tracks.slug}/rescore/", {"metric": "macro_f1"}, format="json"
    )

    assert answer.status_code == 202, answer.content
    assert (answer.json()["phase"], answer.json()["track"]) == (None, None)


def test_the_host_tab_offers_each_pair_and_rescores_the_chosen_one(two_tracks, alice, host, client):
    scored(two_tracks, alice, {}, track="hard")
    client.force_login(host)

    page = client.get(f"/competitions/{two_tracks.slug}/host/?rescore=1:hard").content.decode()
    assert "Phase 1 / Hard" in page
    assert 'id="rescore-pair"' in page

    answer = client.post(
        f"/competitions/{two_tracks.slug}/host/rescore/",
        {"phase": "1", "track": "hard", "metric": "macro_f1", "reason": ""},
        follow=True,
    )

    assert "Rescoring 1 submissions of Phase 1 / Hard in the background" in answer.content.decode()
    rescore = Rescore.objects.get()
    assert (rescore.phase_track.track.slug, rescore.metric) == ("hard", "macro_f1")


def test_the_host_tab_refuses_an_unknown_track_with_its_message(two_tracks, host, client):
    client.force_login(host)

    answer = client.post(
        f"/competitions/{two_tracks.slug}/host/rescore/",
        {"phase": "1", "track": "nope", "metric": "macro_f1"},
        follow=True,
    )

    assert (
        "This competition has no track &#x27;nope&#x27;; its tracks are main, hard."
        in answer.content.decode()
    )
    assert not Rescore.objects.exists()
