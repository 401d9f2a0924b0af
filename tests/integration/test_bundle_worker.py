"""An imported Codabench bundle on PostgreSQL and Redis with a separate sandbox worker (the Procfile's
`-Q sandbox` line): the import queues the scoring program's dry run on the bundle's solution, the worker runs
it from the storage, the host publishes, and a participant's code zip runs through the bundle's ingestion
program and is scored by its scoring program, all on the sandbox queue."""

import json

import pytest

from tests.services import require_bubblewrap
from tests.stack import wait_for

pytestmark = pytest.mark.integration

IMPORT = """
import io
from bundles.services import import_bundle
from scoring_programs.models import ScoringProgram
from scoring_programs.services import latest_dry_run
from tests.bundles import builders
from tests.bundles.builders import bundle
from tests.factories import UserFactory
host = UserFactory(username="bundle-host")
spec, files = getattr(builders, "{builder}")()
imported = import_bundle(host=host, upload=io.BytesIO(bundle(spec, files)), file_name="bundle.zip")
program = ScoringProgram.objects.get(phase_track__competition=imported.competition)
print(imported.competition.slug, latest_dry_run(program).pk)
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


def finished_state(stack, script: str, pending: tuple):
    state = json.loads(stack.shell(script))
    return state if state["status"] not in pending else None


def test_an_imported_bundle_runs_and_scores_on_the_sandbox_worker(postgres_stack):
    require_bubblewrap()
    stack = postgres_stack
    stack.start_worker(name="worker", concurrency=1, wait=False)
    stack.start_worker(name="sandbox", queue="sandbox", concurrency=1, wait=False)
    stack.wait_until_ready("worker")
    stack.wait_until_ready("sandbox")

    slug, dry_run = stack.shell(IMPORT.format(builder="running_code")).split()

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
    stack.start_worker(name="sandbox", queue="sandbox", concurrency=1)

    slug, dry_run = stack.shell(IMPORT.format(builder="running_code_only")).split()

    state = wait_for(
        lambda: finished_state(stack, DRY_RUN_STATE.format(pk=dry_run), ("queued", "running")),
        180,
        f"the code dry run\n{stack.log('sandbox')}",
        interval=0.5,
    )
    assert state == {
        "status": "succeeded",
        "stdout": "scored 2 rows\n",
        "scores": {"Accuracy": 1.0, "Duration": 0.5},
        "failure": "",
    }
    assert "scoring.tasks.score_submission[" in stack.log("sandbox")
    assert stack.shell(PUBLISH.format(slug=slug)).strip() == "published"
