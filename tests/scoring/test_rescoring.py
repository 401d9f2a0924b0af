"""A host replaces the solution or changes the metric: every submission is scored again, the boards keep
the old scores until all are done, then switch in one step."""

import io

import pytest

from competitions.errors import CompetitionError
from config.errors import NotAllowed
from scoring import rescoring, services
from scoring.leaderboard import leaderboard_rows
from scoring.models import Rescore
from submissions.models import Submission
from submissions.services import create_submission
from tests.factories import LABEL_SOLUTION, joined, predictions

# The corrected solution relabels public id 4 from bird to cat.
CORRECTED = LABEL_SOLUTION.replace("4,bird,Public", "4,cat,Public")


def scored(competition, user, labels) -> Submission:
    submission, _ = create_submission(
        competition=competition, user=user, file_name="p.csv", stream=io.BytesIO(predictions(labels).encode())
    )
    assert services.score_submission(submission.pk) == "scored"
    submission.refresh_from_db()
    return submission


def run_to_the_end(rescore: Rescore) -> list[str]:
    outcomes = []
    while not outcomes or outcomes[-1] == "continuing":
        outcomes.append(rescoring.continue_rescore(rescore.pk))
    return outcomes


@pytest.fixture
def alice(competition, participant):
    joined(competition, participant)
    return participant


def test_a_new_solution_rescores_everything_and_the_boards_switch_at_once(
    competition, alice, host, monkeypatch
):
    first = scored(competition, alice, {1: "cat", 2: "dog", 3: "cat", 4: "cat"})
    scored(competition, alice, {1: "cat", 2: "dog", 3: "cat", 4: "bird"})
    assert leaderboard_rows(competition, "public")[0].score == 1.0

    rescore = rescoring.start_rescore(
        competition=competition, user=host, solution=io.BytesIO(CORRECTED.encode()), reason="Fixed id 4"
    )
    monkeypatch.setattr(rescoring, "BATCH", 1)
    assert rescoring.continue_rescore(rescore.pk) == "continuing"
    assert leaderboard_rows(competition, "public")[0].score == 1.0  # still the old scores mid-way

    assert run_to_the_end(rescore)[-1] == "switched"

    rescore.refresh_from_db()
    first.refresh_from_db()
    competition.refresh_from_db()
    assert (rescore.status, rescore.done, rescore.total) == ("done", 2, 2)
    assert first.public_score == 1.0
    [row] = leaderboard_rows(competition, "public")
    assert (row.score, row.entries) == (1.0, 2)
    assert competition.solution_sha256 == rescore.solution_sha256


def test_changing_the_metric_rescores_with_the_new_one(competition, alice, host):
    submission = scored(competition, alice, {1: "cat", 2: "cat", 3: "cat", 4: "cat"})

    rescore = rescoring.start_rescore(competition=competition, user=host, metric="macro_f1")
    run_to_the_end(rescore)

    submission.refresh_from_db()
    competition.refresh_from_db()
    assert competition.metric == "macro_f1"
    assert submission.public_score == pytest.approx(2 / 9)  # F1: cat 2/3, dog 0, bird 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({}, "Nothing would change: give a new solution file, or a different metric or parameters."),
        (
            {"metric": "multiclass_log_loss"},
            "The new metric expects the columns id, bird, cat, dog, but submissions have id, label; "
            "create a new competition for a different format.",
        ),
        (
            {"solution": LABEL_SOLUTION.replace("10,dog,Private\n", "")},
            "The new solution must have the same ids as the current one: it has 0 new and lacks 1 of them.",
        ),
    ],
)
def test_a_rescore_that_cannot_work_is_refused_with_the_reason(competition, host, changes, message):
    if "solution" in changes:
        changes = {"solution": io.BytesIO(changes["solution"].encode())}

    with pytest.raises(CompetitionError) as refusal:
        rescoring.start_rescore(competition=competition, user=host, **changes)

    assert refusal.value.message == message


def test_one_rescore_at_a_time_and_only_by_the_host(competition, host, participant):
    rescoring.start_rescore(competition=competition, user=host, metric="macro_f1")

    with pytest.raises(CompetitionError) as running:
        rescoring.start_rescore(competition=competition, user=host, metric="mcc")
    with pytest.raises(NotAllowed):
        rescoring.start_rescore(competition=competition, user=participant, metric="mcc")

    assert running.value.message == "A rescore is already running (0 of 0 done); wait for it to finish."


def test_a_file_scored_under_the_old_setup_after_the_switch_goes_back_to_the_queue(competition, alice, host):
    submission, _ = create_submission(
        competition=competition, user=alice, file_name="p.csv", stream=io.BytesIO(predictions().encode())
    )
    assert services.claim(submission.pk)
    old_setup = (competition.solution_sha256, competition.metric)
    rescore = rescoring.start_rescore(competition=competition, user=host, metric="macro_f1")
    run_to_the_end(rescore)

    outcome = services.record_scores(
        submission, type("Scores", (), {"public": 0.5, "private": 0.5}), old_setup
    )

    submission.refresh_from_db()
    assert outcome == "requeued"
    assert submission.status == "queued" and submission.public_score is None


def test_the_api_starts_a_rescore_and_reports_progress(api_for, competition, alice, host):
    scored(competition, alice, {1: "cat"})
    solution = io.BytesIO(CORRECTED.encode())
    solution.name = "solution.csv"

    started = api_for(host).post(
        "/api/v1/competitions/animals/rescore/",
        {"solution": solution, "reason": "Fixed id 4"},
        format="multipart",
    )
    progress = api_for(host).get("/api/v1/competitions/animals/rescore/")
    by_participant = api_for(alice).get("/api/v1/competitions/animals/rescore/")

    assert started.status_code == 202
    assert {k: progress.json()[k] for k in ("status", "done", "total", "reason")} == {
        "status": "running",
        "done": 0,
        "total": 1,
        "reason": "Fixed id 4",
    }
    assert by_participant.status_code == 403


def test_the_host_page_starts_a_rescore_and_shows_its_progress(client, competition, host):
    client.force_login(host)

    response = client.post("/competitions/animals/host/rescore/", {"metric": "macro_f1", "reason": "Fairer"})
    page = client.get("/competitions/animals/host/").content.decode()

    assert response.status_code == 302
    assert "Rescoring 0 submissions in the background" in page
    assert "<strong>running</strong>, 0 of 0 submissions" in page


def test_the_rescore_api_never_opens_a_server_path_as_the_solution(api_for, competition, host):
    response = api_for(host).post(
        "/api/v1/competitions/animals/rescore/", {"solution": "/etc/passwd"}, format="multipart"
    )

    assert response.status_code == 400
    assert "solution" in str(response.json())
    assert not Rescore.objects.exists()
