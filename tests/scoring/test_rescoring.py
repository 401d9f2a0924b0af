"""A host replaces the solution or changes the metric: every submission is scored again, the boards keep
the old scores until all are done, then switch in one step."""

import io
import posixpath
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from competitions import compact_solutions
from competitions.errors import CompetitionError
from config.errors import NotAllowed
from leaderboards.models import LeaderboardEntry
from leaderboards.queries import leaderboard_rows
from leaderboards.services import rebuild_public_entries
from scoring import engine, leases, rescoring, services, solutions
from scoring.messages import GENERIC_FAILURE
from scoring.models import Rescore, RescoredSubmission
from submissions.models import Submission
from submissions.services import create_submission
from tests.factories import LABEL_SOLUTION, UserFactory, joined, predictions

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
        (
            {},
            "Nothing would change: give a new solution file, or a different metric, parameters or score columns.",
        ),
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
    assert leases.take(submission.pk, "worker-1")
    old_setup = (competition.solution_sha256, competition.metric)
    rescore = rescoring.start_rescore(competition=competition, user=host, metric="macro_f1")
    run_to_the_end(rescore)

    outcome = services.record_scores(submission, "worker-1", engine.Scores(0.5, 0.5), old_setup)

    submission.refresh_from_db()
    assert outcome == "requeued"
    assert submission.status == "queued"
    assert submission.public_score is None


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


def test_a_file_that_breaks_the_scorer_fails_alone_and_the_rescore_finishes(
    competition, alice, host, monkeypatch
):
    broken = scored(competition, alice, {1: "cat", 2: "dog", 3: "cat", 4: "cat"})
    fine = scored(competition, alice, {1: "cat", 2: "dog", 3: "cat", 4: "bird"})
    real_score = rescoring.engine.score

    def score_unless_broken(solution, stream, *args, **kwargs):
        if stream.name.endswith(broken.file_key):
            raise MemoryError("the scorer ran out of memory")
        return real_score(solution, stream, *args, **kwargs)

    monkeypatch.setattr(rescoring.engine, "score", score_unless_broken)
    rescore = rescoring.start_rescore(competition=competition, user=host, metric="macro_f1")

    assert run_to_the_end(rescore)[-1] == "switched"

    broken.refresh_from_db()
    fine.refresh_from_db()
    rescore.refresh_from_db()
    assert rescore.status == "done"
    assert (broken.status, broken.error_code, broken.error_message) == (
        "failed",
        "internal_error",
        GENERIC_FAILURE,
    )
    assert broken.host_error_detail == "MemoryError: the scorer ran out of memory"
    assert fine.status == "scored"
    [row] = leaderboard_rows(competition, "public")
    assert (row.score, row.entries) == (fine.public_score, 1)


def unreadable_new_solution(monkeypatch, rescore) -> None:
    """The rescore's new solution file (and the compact form beside it) is gone from storage, so no batch
    can make progress."""
    real_open = solutions.private_storage
    folder = posixpath.dirname(rescore.solution_key) + "/"

    class Missing:
        def open(self, key, mode="rb"):
            if key.startswith(folder):
                raise FileNotFoundError(f"No such file: {key}")
            return real_open().open(key, mode)

        def exists(self, key):
            return not key.startswith(folder) and real_open().exists(key)

        def save(self, key, content):
            return real_open().save(key, content)

    monkeypatch.setattr(solutions, "private_storage", Missing)
    monkeypatch.setattr(compact_solutions, "private_storage", Missing)
    solutions.cache.clear()


def test_a_rescore_that_keeps_failing_is_marked_failed_and_frees_the_competition(
    competition, alice, host, monkeypatch, settings
):
    settings.PODIUM_RESCORE_MAX_RESUMES = 2
    scored(competition, alice, {1: "cat"})
    rescore = rescoring.start_rescore(
        competition=competition, user=host, solution=io.BytesIO(CORRECTED.encode())
    )
    unreadable_new_solution(monkeypatch, rescore)
    monkeypatch.setattr(
        rescoring, "enqueue_rescore", lambda rescore_id, **_: rescoring.continue_rescore(rescore_id)
    )

    assert rescoring.continue_rescore(rescore.pk) == "stalled"
    rescore.refresh_from_db()
    assert rescore.status == "running"
    assert rescore.error.startswith("FileNotFoundError: No such file")
    for expected_resumes in (1, 2):
        Rescore.objects.filter(pk=rescore.pk).update(progressed_at=timezone.now() - timedelta(hours=1))
        assert rescoring.resume_stalled_rescores(timedelta(minutes=2)) == 1
        rescore.refresh_from_db()
        assert (rescore.status, rescore.resumes) == ("running", expected_resumes)
    Rescore.objects.filter(pk=rescore.pk).update(progressed_at=timezone.now() - timedelta(hours=1))
    assert rescoring.resume_stalled_rescores(timedelta(minutes=2)) == 0

    rescore.refresh_from_db()
    assert rescore.status == "failed"
    assert rescore.finished_at is not None
    assert rescore.error.startswith(
        "Stopped after 2 attempts without progress. Last error: FileNotFoundError"
    )
    competition.refresh_from_db()
    assert competition.metric == "accuracy"  # the old setup and scores stand
    next_one = rescoring.start_rescore(competition=competition, user=host, metric="macro_f1")
    assert next_one.status == "running"


def test_progress_resets_the_count_of_resumes(competition, alice, host, monkeypatch):
    scored(competition, alice, {1: "cat"})
    scored(competition, alice, {1: "dog"})
    monkeypatch.setattr(rescoring, "BATCH", 1)
    rescore = rescoring.start_rescore(competition=competition, user=host, metric="macro_f1")
    Rescore.objects.filter(pk=rescore.pk).update(resumes=3, error="OperationalError: the database restarted")

    assert rescoring.continue_rescore(rescore.pk) == "continuing"

    rescore.refresh_from_db()
    assert (rescore.resumes, rescore.error, rescore.done) == (0, "", 1)


def test_a_batch_of_slow_files_is_never_taken_for_a_stalled_rescore(
    competition, alice, other_participant, host, monkeypatch, settings
):
    """Each file takes 90 seconds and the sweeper looks between files: none passes two minutes without a
    file scored again, so the rescore is never resumed nor failed while it works."""
    settings.PODIUM_RESCORE_MAX_RESUMES = 1
    joined(competition, other_participant)
    for user in (alice, other_participant):
        scored(competition, user, {1: "cat"})
        scored(competition, user, {1: "dog"})
    rescore = rescoring.start_rescore(competition=competition, user=host, metric="macro_f1")
    clock = [rescore.progressed_at]
    monkeypatch.setattr(timezone, "now", lambda: clock[0])
    sweeps = []
    score_again = rescoring.score_again

    def slow_file(solution, submission, *columns):
        clock[0] += timedelta(seconds=90)
        sweeps.append(rescoring.resume_stalled_rescores(timedelta(minutes=2)))
        return score_again(solution, submission, *columns)

    monkeypatch.setattr(rescoring, "score_again", slow_file)

    assert run_to_the_end(rescore) == ["continuing", "switched"]

    rescore.refresh_from_db()
    assert (rescore.status, rescore.done, rescore.resumes, sweeps) == ("done", 4, 0, [0, 0, 0, 0])


def test_the_host_cancels_a_running_rescore_and_the_boards_keep_their_scores(
    competition, alice, host, participant
):
    scored(competition, alice, {1: "cat", 2: "dog", 3: "cat", 4: "bird"})
    rescore = rescoring.start_rescore(
        competition=competition, user=host, solution=io.BytesIO(CORRECTED.encode())
    )
    rescoring.continue_rescore(rescore.pk)  # a batch scored, held aside

    with pytest.raises(
        NotAllowed, match=re.escape("Only the competition's host or a co-host can cancel a rescore.")
    ):
        rescoring.cancel_rescore(competition=competition, user=participant)
    cancelled = rescoring.cancel_rescore(competition=competition, user=host)

    assert (cancelled.status, cancelled.error) == ("cancelled", "Cancelled by host.")
    assert not RescoredSubmission.objects.filter(rescore=rescore).exists()
    assert rescoring.continue_rescore(rescore.pk) == "skipped"
    assert leaderboard_rows(competition, "public")[0].score == 1.0  # still the old solution's score
    with pytest.raises(CompetitionError, match=re.escape("No rescore is running.")):
        rescoring.cancel_rescore(competition=competition, user=host)
    assert rescoring.start_rescore(competition=competition, user=host, metric="macro_f1").status == "running"


def test_a_cancel_that_lands_before_the_switch_stops_it(competition, alice, host):
    scored(competition, alice, {1: "cat", 2: "dog", 3: "cat", 4: "bird"})
    rescore = rescoring.start_rescore(
        competition=competition, user=host, solution=io.BytesIO(CORRECTED.encode())
    )
    rescoring.continue_rescore(rescore.pk)
    rescoring.cancel_rescore(competition=competition, user=host)

    assert rescoring.switch(rescore) is True

    competition.refresh_from_db()
    assert competition.solution_sha256 != rescore.solution_sha256


def test_the_new_solution_is_parsed_once_for_the_whole_rescore(competition, alice, host, monkeypatch):
    for label in ("cat", "dog", "bird"):
        scored(competition, alice, {1: label})
    monkeypatch.setattr(rescoring, "BATCH", 1)
    rescore = rescoring.start_rescore(competition=competition, user=host, metric="macro_f1")
    solutions.cache.clear()  # the worker's cache outlives a test; start this one cold
    parses, loads = [], []
    real_load = solutions.engine.load_solution
    monkeypatch.setattr(
        solutions.engine,
        "load_solution",
        lambda *args, **kwargs: parses.append(1) or real_load(*args, **kwargs),
    )
    real_compact = solutions.load_stored_compact
    monkeypatch.setattr(
        solutions, "load_stored_compact", lambda *args: loads.append(1) or real_compact(*args)
    )

    assert run_to_the_end(rescore)[-1] == "switched"

    assert (len(parses), len(loads)) == (0, 1)  # loaded once, from the form stored when the rescore began


def test_the_public_board_is_rebuilt_in_a_fixed_number_of_queries(
    competition, host, django_assert_max_num_queries
):
    for number in range(6):
        user = UserFactory(username=f"team{number}")
        joined(competition, user)
        for label in ("cat", "dog"):
            scored(competition, user, {1: label, 2: "dog" if number % 2 else "cat"})
    before = [(row.team_name, row.score, row.entries) for row in leaderboard_rows(competition, "public")]
    LeaderboardEntry.objects.all().delete()

    with django_assert_max_num_queries(3):
        stood = rebuild_public_entries(competition)

    assert stood == 6
    assert [
        (row.team_name, row.score, row.entries) for row in leaderboard_rows(competition, "public")
    ] == before


def test_the_api_and_the_host_page_cancel_a_rescore_and_show_why(api_for, client, competition, alice, host):
    scored(competition, alice, {1: "cat"})
    rescoring.start_rescore(competition=competition, user=host, metric="macro_f1")

    refused = api_for(alice).delete("/api/v1/competitions/animals/rescore/")
    cancelled = api_for(host).delete("/api/v1/competitions/animals/rescore/")
    again = api_for(host).delete("/api/v1/competitions/animals/rescore/")
    client.force_login(host)
    page = client.get("/competitions/animals/host/").content.decode()

    assert refused.status_code == 403
    assert cancelled.status_code == 200
    assert (cancelled.json()["status"], cancelled.json()["error"]) == ("cancelled", "Cancelled by host.")
    assert again.status_code == 400
    assert again.json()["message"] == "No rescore is running."
    assert "<strong>cancelled</strong>" in page
    assert "Cancelled by host." in page


def test_the_host_page_offers_to_cancel_a_running_rescore(client, competition, alice, host):
    scored(competition, alice, {1: "cat"})
    rescoring.start_rescore(competition=competition, user=host, metric="macro_f1")
    client.force_login(host)

    assert "Cancel this rescore" in client.get("/competitions/animals/host/").content.decode()
    response = client.post("/competitions/animals/host/rescore/cancel/", follow=True)

    page = response.content.decode()
    assert "Rescore cancelled; the leaderboards keep their current scores." in page
    assert "Cancel this rescore" not in page
    assert Rescore.objects.get().status == "cancelled"
