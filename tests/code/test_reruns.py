"""A host's new hidden inputs or ingestion program on a pair with scored code, rerun confirmed: a rescore
runs each scored code submission again on them in the real sandbox (bubblewrap) and scores its predictions;
the pair keeps its inputs, scores and boards until the switch, and keeps them for good when every run fails
or the host cancels."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from competitions.errors import CompetitionError
from competitions.phases import pairs_of
from datasets.storage import private_storage
from leaderboards.queries import leaderboard_rows
from scoring import rescoring, services
from scoring.models import Rescore, RescoredSubmission
from submissions.code import CodeRefused, set_code_inputs
from submissions.models import CodeRun, Submission
from submissions.queries import code_runs_for
from tests.code.conftest import code_zip
from tests.code.test_ingestion import HINTED_MODEL, hinted_inputs, submit
from tests.services import require_bubblewrap

# Crashes whatever the participant's code: an ingestion program that cannot run anything.
BROKEN_INGESTION = {
    "metadata.yaml": "command: python3 $program/ingest.py\n",
    "ingest.py": "raise SystemExit(1)\n",
}


@pytest.fixture(autouse=True)
def bubblewrap():
    require_bubblewrap()


@pytest.fixture
def scored(code_competition, coder):
    """Two scored code submissions, 1/4 each on the current inputs (bird everywhere: no hint column)."""
    submissions = [submit(code_competition, coder, {"model.py": HINTED_MODEL}) for _ in range(2)]
    for submission in submissions:
        assert services.score_submission(submission.pk) == "scored"
    return [Submission.objects.get(pk=submission.pk) for submission in submissions]


def change_inputs(competition, host, *, hidden: bytes | None = None, ingestion: dict | None = None):
    [pair] = pairs_of(competition)
    return set_code_inputs(
        competition=competition,
        user=host,
        pair=pair,
        accepts="code",
        hidden_inputs=("test.csv", io.BytesIO(hidden)) if hidden else None,
        ingestion_program=("ingestion.zip", io.BytesIO(code_zip(ingestion))) if ingestion else None,
        rerun=True,
    )


def pair_state(competition) -> tuple:
    [pair] = pairs_of(type(competition).objects.get(pk=competition.pk))
    with private_storage().open(pair.code_inputs_key, "rb") as stream:
        hinted = b"hint" in stream.read()
    return hinted, pair.ingestion_program_key


def scores_of(submissions) -> list[tuple]:
    return [
        Submission.objects.values_list("status", "public_score", "predictions_key").get(pk=submission.pk)
        for submission in submissions
    ]


def board_score(competition) -> float:
    [row] = leaderboard_rows(competition, "public")
    return row.score


def run_to_the_end(rescore: Rescore) -> list[str]:
    outcomes = []
    while not outcomes or outcomes[-1] == "continuing":
        outcomes.append(rescoring.continue_rescore(rescore.pk))
    return outcomes


def hidden_run_seen_by(user, submission) -> dict:
    [hidden] = [run for run in code_runs_for(user, submission) if run["inputs"] == "hidden"]
    return hidden


def test_a_confirmed_rerun_keeps_the_old_scores_until_every_submission_ran_on_the_new_inputs(
    code_competition, coder, host, scored, django_capture_on_commit_callbacks
):
    before = scores_of(scored)

    with django_capture_on_commit_callbacks(execute=False) as queued:
        saved = change_inputs(code_competition, host, hidden=hinted_inputs())

    rescore = saved.rerun
    assert [callback.__qualname__ for callback in queued] == ["rerun_code_on_new_inputs.<locals>.<lambda>"]
    assert (rescore.status, rescore.reruns_code, rescore.total, rescore.reason) == (
        "running",
        True,
        2,
        "New hidden inputs",
    )
    assert pair_state(code_competition) == (False, "")  # the pair keeps its inputs until the switch

    assert rescoring.continue_rescore(rescore.pk) == "continuing"  # one submission per task

    assert scores_of(scored) == before
    assert board_score(code_competition) == pytest.approx(1 / 4)
    result = RescoredSubmission.objects.get(rescore=rescore)
    assert result.public_score == pytest.approx(1.0)  # the hints are the answers
    assert result.predictions_key not in ("", before[0][2], before[1][2])
    rerun = CodeRun.objects.get(submission=result.submission, rescore_id=rescore.pk)
    assert (rerun.status, rerun.awaits_switch) == ("succeeded", True)
    waiting = result.submission
    own = CodeRun.objects.get(submission=waiting, rescore_id=None, inputs="hidden")
    # The participant sees the run their score comes from, not the one waiting for the switch.
    assert hidden_run_seen_by(coder, waiting)["wall_seconds"] == own.wall_seconds
    assert len([run for run in code_runs_for(host, waiting) if run["inputs"] == "hidden"]) == 2

    assert run_to_the_end(rescore) == ["continuing", "switched"]

    after = scores_of(scored)
    assert [(status, score) for status, score, _ in after] == [("scored", pytest.approx(1.0))] * 2
    assert {key for _, _, key in after}.isdisjoint({before[0][2], before[1][2]})
    assert board_score(code_competition) == pytest.approx(1.0)
    assert pair_state(code_competition) == (True, "")
    for submission in scored:
        seen = hidden_run_seen_by(coder, submission)
        assert set(seen) == {"inputs", "status", "failure", "wall_seconds", "peak_memory_bytes"}
        rerun = CodeRun.objects.get(submission=submission, rescore_id=rescore.pk)
        assert (seen["status"], seen["wall_seconds"]) == ("succeeded", rerun.wall_seconds)
        host_runs = [run for run in code_runs_for(host, submission) if run["inputs"] == "hidden"]
        assert [(run["rescore_id"], run["awaits_switch"]) for run in host_runs] == [
            (None, False),
            (rescore.pk, False),
        ]
    rescore.refresh_from_db()
    assert (rescore.status, rescore.done) == ("done", 2)


@pytest.mark.parametrize(
    ("change", "first_failure"),
    [
        # Ids the solution does not have: every run writes predictions the scoring refuses.
        ({"hidden": b"id,feature\n100,1.0\n101,2.0\n"}, "not in the test set: '100' and '101'"),
        ({"ingestion": BROKEN_INGESTION}, "Hidden run: crashed, exit code 1"),
    ],
    ids=["hidden inputs", "ingestion program"],
)
def test_new_inputs_that_break_every_run_fail_the_rescore_and_the_old_inputs_and_scores_stand(
    code_competition, coder, host, scored, change, first_failure
):
    before = scores_of(scored)
    rescore = change_inputs(code_competition, host, **change).rerun

    assert run_to_the_end(rescore) == ["continuing", "continuing", "failed"]

    rescore.refresh_from_db()
    assert rescore.status == "failed"
    assert rescore.error.startswith("Every code submission failed when run again")
    assert f"First failure, submission {scored[0].pk}:" in rescore.error
    assert first_failure in rescore.error
    assert rescore.error.endswith("The current hidden inputs, ingestion and scores stand.")
    assert scores_of(scored) == before
    assert board_score(code_competition) == pytest.approx(1 / 4)
    assert pair_state(code_competition) == (False, "")
    assert not RescoredSubmission.objects.filter(rescore=rescore).exists()
    seen = hidden_run_seen_by(coder, scored[0])
    assert (seen["status"], seen["failure"]) == ("succeeded", "")  # the run their score comes from


def test_the_refused_predictions_name_their_ids_to_the_host_only(code_competition, coder, host, scored):
    rescore = change_inputs(code_competition, host, hidden=b"id,feature\n100,1.0\n101,2.0\n").rerun
    rescoring.continue_rescore(rescore.pk)

    result = RescoredSubmission.objects.get(rescore=rescore)
    assert result.error_code == "bad_predictions"
    assert "100" not in result.error_message
    assert "'100'" in result.host_error_detail
    run = CodeRun.objects.get(submission=result.submission, rescore_id=rescore.pk)
    assert (run.failure, run.awaits_switch) == ("bad_predictions", True)


def test_the_host_cancels_a_rerun_and_the_pair_keeps_its_inputs_and_scores(
    code_competition, coder, host, scored, django_capture_on_commit_callbacks
):
    before = scores_of(scored)
    rescore = change_inputs(code_competition, host, hidden=hinted_inputs()).rerun
    assert rescoring.continue_rescore(rescore.pk) == "continuing"
    held = RescoredSubmission.objects.get(rescore=rescore).predictions_key
    assert private_storage().exists(held)

    with django_capture_on_commit_callbacks(execute=True):
        with_cancel = rescoring.cancel_rescore(competition=code_competition, user=host)

    assert (with_cancel.pk, with_cancel.status) == (rescore.pk, "cancelled")
    assert rescoring.continue_rescore(rescore.pk) == "skipped"
    assert scores_of(scored) == before
    assert board_score(code_competition) == pytest.approx(1 / 4)
    assert pair_state(code_competition) == (False, "")
    assert not private_storage().exists(held)  # the predictions of scores that never came in


def test_changes_to_what_code_runs_on_or_how_it_is_scored_wait_for_a_running_rerun(
    code_competition, coder, host, scored
):
    change_inputs(code_competition, host, hidden=hinted_inputs())

    with pytest.raises(CodeRefused) as refused:
        change_inputs(code_competition, host, ingestion=BROKEN_INGESTION)
    with pytest.raises(CompetitionError) as metric_refused:
        rescoring.start_rescore(competition=code_competition, user=host, metric="macro_f1")

    assert (refused.value.code, refused.value.details) == ("rescore_running", {"field": "ingestion_program"})
    assert metric_refused.value.code == "rescore_running"
    assert Rescore.objects.filter(competition=code_competition).count() == 1
    assert pair_state(code_competition) == (False, "")


def test_the_sweeper_resumes_a_lost_rerun_on_the_sandbox_queue(
    code_competition, coder, host, scored, monkeypatch
):
    rescore = change_inputs(code_competition, host, hidden=hinted_inputs()).rerun
    # Its task was lost with its worker: nothing ran, and nothing moved for an hour.
    Rescore.objects.filter(pk=rescore.pk).update(progressed_at=timezone.now() - timedelta(hours=1))
    sent = []
    monkeypatch.setattr(
        rescoring, "enqueue_rescore", lambda rescore_id, **options: sent.append((rescore_id, options))
    )

    assert rescoring.resume_stalled_rescores(timedelta(minutes=2)) == 1

    assert sent == [(rescore.pk, {"on_sandbox": True})]
    assert rescoring.continue_rescore(rescore.pk) == "continuing"
    assert sent[-1] == (rescore.pk, {"on_sandbox": True})
    assert rescoring.continue_rescore(rescore.pk) == "continuing"
    assert rescoring.continue_rescore(rescore.pk) == "switched"
    assert board_score(code_competition) == pytest.approx(1.0)


def test_a_worker_that_cannot_run_code_stalls_the_rerun_instead_of_failing_the_submissions(
    code_competition, coder, host, scored, monkeypatch, tmp_path
):
    rescore = change_inputs(code_competition, host, hidden=hinted_inputs()).rerun
    monkeypatch.setenv("PATH", str(tmp_path))  # a worker without bubblewrap

    assert rescoring.continue_rescore(rescore.pk) == "stalled"

    rescore.refresh_from_db()
    assert (rescore.status, rescore.done) == ("running", 0)
    assert "SandboxUnavailable" in rescore.error
    assert not RescoredSubmission.objects.filter(rescore=rescore).exists()


def test_code_that_ran_on_inputs_replaced_meanwhile_goes_back_to_the_queue_and_runs_again(
    code_competition, coder, host
):
    """A code submission still being scored when the pair's inputs change (here at once: nothing was scored
    yet; at a rerun's switch, the same) does not keep a score from the old inputs."""
    from scoring import engine, leases
    from scoring.solutions import solution_for
    from submissions import ingestion

    submission = submit(code_competition, coder, {"model.py": HINTED_MODEL})
    holder = leases.new_holder()
    assert leases.take(submission.pk, holder)
    taken = Submission.objects.select_related("competition", "phase_track").get(pk=submission.pk)
    setup = services.setup_of(taken)
    scored_with, ran_on = setup.fingerprint, services.code_ran_on(taken, taken.phase_track)
    predictions_key = ingestion.predictions_of(taken, setup)  # a real run, on the current inputs
    assert change_inputs(code_competition, host, hidden=hinted_inputs()).rerun is None
    with private_storage().open(predictions_key, "rb") as stream:
        old_scores = engine.score(solution_for(setup), stream)

    assert services.record_scores(taken, holder, old_scores, scored_with, ran_on) == "requeued"

    again = Submission.objects.get(pk=submission.pk)
    assert (again.status, again.predictions_key, again.public_score) == ("queued", "", None)
    assert services.score_submission(submission.pk) == "scored"
    assert Submission.objects.get(pk=submission.pk).public_score == pytest.approx(1.0)


# A host's ingestion program that ignores the participant's code: cat everywhere (a public accuracy of 1/2).
CAT_INGESTION = {
    "metadata.yaml": "command: python3 $program/ingest.py $input $output\n",
    "ingest.py": """
    import csv, os, sys
    rows = list(csv.DictReader(open(os.path.join(sys.argv[1], "inputs.csv"))))
    with open(os.path.join(sys.argv[2], "predictions.csv"), "w") as out:
        out.write("id,label\\n" + "".join(f"{row['id']},cat\\n" for row in rows))
    """,
}


def test_going_back_to_the_default_ingestion_reruns_the_code_and_drops_the_hosts_program_at_the_switch(
    code_competition, coder, host
):
    [pair] = pairs_of(code_competition)
    set_code_inputs(
        competition=code_competition,
        user=host,
        pair=pair,
        accepts="code",
        ingestion_program=("ingestion.zip", io.BytesIO(code_zip(CAT_INGESTION))),
    )
    submission = submit(code_competition, coder, {"model.py": HINTED_MODEL})
    assert services.score_submission(submission.pk) == "scored"
    assert board_score(code_competition) == pytest.approx(1 / 2)

    rescore = set_code_inputs(
        competition=code_competition, user=host, pair=pair, accepts="code", default_ingestion=True, rerun=True
    ).rerun

    assert (rescore.reason, rescore.ingestion_program_key) == ("Back to Podium's default ingestion", "")
    assert pair_state(code_competition)[1] != ""  # the host's program runs until the switch
    assert run_to_the_end(rescore) == ["continuing", "switched"]
    assert pair_state(code_competition) == (False, "")
    assert board_score(code_competition) == pytest.approx(1 / 4)  # the model's own birds
