"""An imported Codabench bundle on PostgreSQL and Redis with a separate sandbox worker (the Procfile's
`-Q sandbox` line): the host posts the bundle to the API, which answers 202 at once; the default worker reads,
checks and imports it and queues the scoring program's dry run on the bundle's solution; the sandbox worker
runs it from the storage, the host publishes, and a participant's code zip runs through the bundle's
ingestion program and is scored by its scoring program, all on the sandbox queue. A broken bundle ends
failed, with every problem, after the worker read it."""

import json

import pytest

from tests.bundles.builders import (
    RESULT_FILES,
    bundle,
    result_only,
    running_code,
    running_code_only,
    running_result,
    running_tasks,
    running_two_phases,
)
from tests.services import require_bubblewrap
from tests.stack import wait_for

pytestmark = pytest.mark.integration

DRY_RUN_OF = """
from scoring_programs.models import ScoringProgram
from scoring_programs.services import latest_dry_run
print(latest_dry_run(ScoringProgram.objects.get(phase_track__competition__slug="{slug}")).pk)
"""

DRY_RUN_STATE = """
import json
from scoring_programs.models import ProgramRun
run = ProgramRun.objects.get(pk={pk})
print(json.dumps({{"status": run.status, "stdout": run.stdout, "scores": run.scores, "failure": run.failure}}))
"""

SUBMIT = """
import io
from competitions.models import Competition
from competitions.services import publish_competition
from submissions.services import create_submission
from tests.bundles.builders import MODEL_PY, zipped
from tests.factories import UserFactory, joined
competition = Competition.objects.get(slug="{slug}")
publish_competition(competition=competition, user=competition.host)
participant = UserFactory(username="bundle-participant")
joined(competition, participant)
submission, _ = create_submission(competition=competition, user=participant, file_name="model.zip", stream=io.BytesIO(zipped({{"model.py": MODEL_PY}})))
print(submission.pk)
"""

SUBMISSION_STATE = """
import json
from submissions.models import Submission
s = Submission.objects.get(pk={pk})
print(json.dumps({{"status": s.status, "kind": s.kind, "public": s.public_score, "columns": s.public_columns, "detail": s.host_error_detail}}))
"""


def wait_for_import(stack, client, location: str) -> dict:
    """The import as the API shows it once the worker is done with it."""

    def done():
        body = client.get(location).json()
        return body if body["status"] not in ("queued", "importing") else None

    return wait_for(done, 120, f"the bundle import\n{stack.log('worker')}", interval=0.5)


def import_through_the_api(stack, build) -> str:
    """Post the bundle `build` makes as the demo host and wait for the worker to import it; its draft's slug."""
    host = stack.client("demo-host")
    posted = host.post("/api/v1/bundles/", files={"bundle": ("bundle.zip", bundle(*build()))})
    assert posted.status_code == 202, posted.text
    imported = wait_for_import(stack, host, posted.headers["Location"])
    assert imported["status"] == "imported", imported
    return imported["competition"]


def finished_state(stack, script: str, pending: tuple):
    state = json.loads(stack.shell(script))
    return state if state["status"] not in pending else None


# The bundles' scoring program on their solution (or a code-only task's code solution).
PASSED_DRY_RUN = {
    "status": "succeeded",
    "stdout": "scored 2 rows\n",
    "scores": {"Accuracy": 1.0, "Duration": 0.5},
    "failure": "",
}


def dry_run_state(stack, dry_run) -> dict:
    """The dry run once the sandbox worker is done with it."""
    return wait_for(
        lambda: finished_state(stack, DRY_RUN_STATE.format(pk=dry_run), ("queued", "running")),
        180,
        f"the dry run\n{stack.log('sandbox')}",
        interval=0.5,
    )


def test_an_imported_bundle_runs_and_scores_on_the_sandbox_worker(postgres_stack):
    require_bubblewrap()
    stack = postgres_stack
    stack.start_worker(name="worker", concurrency=1, wait=False)
    stack.start_worker(name="sandbox", queue="sandbox", concurrency=1, wait=False)
    stack.wait_until_ready("worker")
    stack.wait_until_ready("sandbox")

    host = stack.client("demo-host")
    posted = host.post("/api/v1/bundles/", files={"bundle": ("bundle.zip", bundle(*running_code()))})
    assert posted.status_code == 202, posted.text
    assert posted.json()["status"] == "queued"
    imported = wait_for_import(stack, host, posted.headers["Location"])
    assert imported["status"] == "imported", imported
    slug = imported["competition"]
    assert "bundles.tasks.import_bundle[" in stack.log("worker")
    dry_run = stack.shell(DRY_RUN_OF.format(slug=slug))

    assert dry_run_state(stack, dry_run) == PASSED_DRY_RUN

    submission = stack.shell(SUBMIT.format(slug=slug))
    scored = wait_for(
        lambda: finished_state(stack, SUBMISSION_STATE.format(pk=submission), ("queued", "scoring")),
        180,
        f"the submission\n{stack.log('sandbox')}\n{stack.log('worker')}",
        interval=0.5,
    )

    assert scored == {
        "status": "scored",
        "kind": "code",
        "public": 1.0,
        "columns": {"Duration": 0.5},
        "detail": "",
    }
    assert "scoring_programs.tasks.dry_run_program[" in stack.log("sandbox")
    assert "scoring.tasks.score_submission[" in stack.log("sandbox")
    assert "scoring.tasks.score_submission[" not in stack.log("worker")


def test_a_broken_bundle_fails_on_the_worker_with_every_problem(postgres_stack):
    stack = postgres_stack
    stack.start_worker(name="worker", concurrency=1)
    spec, files = result_only(), dict(RESULT_FILES)
    spec["phases"][0]["tasks"] = [9]
    del files["scoring_program.zip"]
    host = stack.client("demo-host")

    posted = host.post("/api/v1/bundles/", files={"bundle": ("broken.zip", bundle(spec, files))})

    assert posted.status_code == 202, posted.text
    failed = wait_for_import(stack, host, posted.headers["Location"])
    assert (failed["status"], failed["competition"], failed["error"]["code"]) == (
        "failed",
        None,
        "invalid_bundle",
    )
    assert [problem["text"] for problem in failed["error"]["details"]["errors"]] == [
        "competition.yaml: tasks[0].scoring_program: 'scoring_program.zip' is not in the bundle (Podium reads "
        "only what the bundle holds; it cannot fetch Codabench datasets by key).",
        "competition.yaml: phases[0].tasks[0]: task 9 does not exist.",
    ]


DRY_RUNS_OF = """
import json
from scoring_programs.models import ScoringProgram
from scoring_programs.services import latest_dry_run
programs = ScoringProgram.objects.filter(phase_track__competition__slug__in={slugs})
print(json.dumps([latest_dry_run(program).pk for program in programs]))
"""

DRY_RUNS_STATE = """
import json
from scoring_programs.models import ProgramRun
runs = ProgramRun.objects.filter(pk__in={pks})
print(json.dumps(sorted([run.status, run.failure] for run in runs)))
"""

SUBMIT_RESULTS = """
import io, json
from competitions.models import Competition
from competitions.services import publish_competition
from submissions.services import create_submission
from tests.bundles.builders import HALF_RIGHT_PREDICTIONS, RIGHT_PREDICTIONS, zipped
from tests.factories import UserFactory, joined
participant = UserFactory(username="bundle-participant")
sent = {{}}
for name, slug, track, predictions in {plan}:
    competition = Competition.objects.get(slug=slug)
    if competition.status != "published":
        publish_competition(competition=competition, user=competition.host)
        joined(competition, participant)
    results = zipped({{"predictions.csv": RIGHT_PREDICTIONS if predictions == "right" else HALF_RIGHT_PREDICTIONS}})
    submission, _ = create_submission(competition=competition, user=participant, file_name="results.zip", stream=io.BytesIO(results), track=track)
    sent[name] = submission.pk
print(json.dumps(sent))
"""

SUBMISSIONS_STATE = """
import json
from submissions.models import Submission
print(json.dumps({{name: [s.status, s.kind, s.public_score, s.phase_track.phase.name, s.phase_track.track.slug, s.host_error_detail] for name, s in ((name, Submission.objects.get(pk=pk)) for name, pk in {sent}.items())}}))
"""


def test_result_multi_task_and_two_phase_bundles_score_result_zips_on_the_sandbox_worker(postgres_stack):
    require_bubblewrap()
    stack = postgres_stack
    stack.start_worker(name="worker", concurrency=1, wait=False)
    stack.start_worker(name="sandbox", queue="sandbox", concurrency=1, wait=False)
    stack.wait_until_ready("worker")
    stack.wait_until_ready("sandbox")

    imported = {
        build.__name__: import_through_the_api(stack, build)
        for build in (running_result, running_tasks, running_two_phases)
    }
    dry_runs = json.loads(stack.shell(DRY_RUNS_OF.format(slugs=list(imported.values()))))

    def dry_runs_done():
        states = json.loads(stack.shell(DRY_RUNS_STATE.format(pks=dry_runs)))
        return states if all(status not in ("queued", "running") for status, _ in states) else None

    states = wait_for(dry_runs_done, 180, f"the dry runs\n{stack.log('sandbox')}", interval=0.5)
    # running_result 1 program, running_tasks 2 (one per track), running_two_phases 2 (one per phase).
    assert states == [["succeeded", ""]] * 5

    plan = [
        ("result", imported["running_result"], None, "half"),
        ("task-labels", imported["running_tasks"], None, "right"),
        ("task-flipped", imported["running_tasks"], "flipped", "right"),
        ("two-phases", imported["running_two_phases"], None, "half"),
    ]
    sent = json.loads(stack.shell(SUBMIT_RESULTS.format(plan=plan)))

    def scored():
        states = json.loads(stack.shell(SUBMISSIONS_STATE.format(sent=sent)))
        return states if all(state[0] not in ("queued", "scoring") for state in states.values()) else None

    states = wait_for(
        scored, 180, f"the submissions\n{stack.log('sandbox')}\n{stack.log('worker')}", interval=0.5
    )

    assert states == {
        "result": ["scored", "file", 0.5, "Development", "labels", ""],
        "task-labels": ["scored", "file", 1.0, "Development", "labels", ""],
        "task-flipped": ["scored", "file", 0.5, "Development", "flipped", ""],
        "two-phases": ["scored", "file", 0.5, "Development", "labels", ""],
    }
    assert "scoring.tasks.score_submission[" not in stack.log("worker")


PUBLISH = """
from competitions.models import Competition
from competitions.services import publish_competition
competition = Competition.objects.get(slug="{slug}")
publish_competition(competition=competition, user=competition.host)
print(Competition.objects.get(slug="{slug}").status)
"""


def test_a_code_only_task_dry_runs_its_code_solution_on_the_sandbox_worker(postgres_stack):
    """The dry run of a task whose only solution is code: the scoring queue runs the code solution's host
    test submission through the ingestion on the sandbox worker, then the program on its predictions."""
    require_bubblewrap()
    stack = postgres_stack
    stack.start_worker(name="worker", concurrency=1, wait=False)
    stack.start_worker(name="sandbox", queue="sandbox", concurrency=1, wait=False)
    stack.wait_until_ready("worker")
    stack.wait_until_ready("sandbox")

    slug = import_through_the_api(stack, running_code_only)
    dry_run = stack.shell(DRY_RUN_OF.format(slug=slug)).strip()

    assert dry_run_state(stack, dry_run) == PASSED_DRY_RUN
    assert "scoring.tasks.score_submission[" in stack.log("sandbox")
    assert stack.shell(PUBLISH.format(slug=slug)).strip() == "published"
