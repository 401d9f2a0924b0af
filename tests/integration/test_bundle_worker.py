"""An imported Codabench bundle on PostgreSQL and Redis with a separate sandbox worker (the Procfile's
`-Q sandbox` line): the host posts the bundle to the API, which answers 202 at once; the default worker reads,
checks and imports it and queues the scoring program's dry run on the bundle's solution; the sandbox worker
runs it from the storage, the host publishes, and a participant's code zip runs through the bundle's
ingestion program and is scored by its scoring program, all on the sandbox queue. A broken bundle ends
failed, with every problem, after the worker read it."""

import json

import pytest

from tests.bundles.builders import RESULT_FILES, bundle, result_only, running_code
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

    def finished(script: str, pending: tuple):
        state = json.loads(stack.shell(script))
        return state if state["status"] not in pending else None

    state = wait_for(
        lambda: finished(DRY_RUN_STATE.format(pk=dry_run), ("queued", "running")),
        120,
        f"the dry run\n{stack.log('sandbox')}",
        interval=0.5,
    )
    assert state == {
        "status": "succeeded",
        "stdout": "scored 2 rows\n",
        "scores": {"Accuracy": 1.0, "Duration": 0.5},
        "failure": "",
    }

    submission = stack.shell(SUBMIT.format(slug=slug))
    scored = wait_for(
        lambda: finished(SUBMISSION_STATE.format(pk=submission), ("queued", "scoring")),
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
