"""A host's scoring program on PostgreSQL and Redis with a separate sandbox worker (the Procfile's
`-Q sandbox` line): its dry run and a participant's submission both go to the sandbox queue, the worker reads
the program, the solution and the file from the storage and writes the scores back; the default worker never
sees them."""

import json

import pytest

from tests.services import require_bubblewrap
from tests.stack import wait_for

pytestmark = pytest.mark.integration

SET_UP = """
import textwrap
from competitions.phases import pairs_of
from execution.archives import pack_zip
from scoring_programs.services import latest_dry_run, set_scoring_program
from tests.factories import UserFactory, make_competition
host = UserFactory(username="program-host")
competition = make_competition(host=host, slug="programmed", publish=False)
source = textwrap.dedent('''
    import csv, json, os
    rows = list(csv.DictReader(open("/app/input/ref/solution.csv")))
    [name] = os.listdir("/app/input/res")
    json.dump({"rows": len(rows), "bytes": os.path.getsize("/app/input/res/" + name)}, open("/app/output/scores.json", "w"))
    print("scored", name)
''')
archive = pack_zip({"metadata.yaml": b"command: python3 $program/score.py", "score.py": source.encode()})
columns = [{"key": "rows", "primary": True}, {"key": "bytes", "direction": "lower"}]
program = set_scoring_program(competition=competition, user=host, pair=pairs_of(competition)[0], archive_name="p.zip", archive=archive, columns=columns)
print(latest_dry_run(program).pk)
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
from tests.factories import UserFactory, joined
competition = Competition.objects.get(slug="programmed")
publish_competition(competition=competition, user=competition.host)
participant = UserFactory(username="program-participant")
joined(competition, participant)
submission, _ = create_submission(competition=competition, user=participant, file_name="mine.csv", stream=io.BytesIO(b"id,label\\n1,cat\\n"))
print(submission.pk)
"""

SUBMISSION_STATE = """
import json
from submissions.models import Submission
s = Submission.objects.get(pk={pk})
print(json.dumps({{"status": s.status, "public": s.public_score, "private": s.private_score, "columns": s.public_columns, "detail": s.host_error_detail}}))
"""

# The host replaces the program once the submission is scored: its rescore runs on the sandbox queue.
NEW_PROGRAM = """
from competitions.models import Competition
from competitions.phases import pairs_of
from execution.archives import pack_zip
from scoring_programs.services import set_scoring_program
competition = Competition.objects.get(slug="programmed")
source = 'import json\\njson.dump({"rows": 20, "bytes": 1}, open("/app/output/scores.json", "w"))\\n'
archive = pack_zip({"metadata.yaml": b"command: python3 $program/score.py", "score.py": source.encode()})
columns = [{"key": "rows", "primary": True}, {"key": "bytes", "direction": "lower"}]
program = set_scoring_program(competition=competition, user=competition.host, pair=pairs_of(competition)[0], archive_name="p2.zip", archive=archive, columns=columns)
print(program.rescores.get().pk)
"""

RESCORE_STATE = """
import json
from scoring.models import Rescore
r = Rescore.objects.get(pk={pk})
print(json.dumps({{"status": r.status, "error": r.error}}))
"""


def test_a_program_scored_competition_runs_on_the_sandbox_worker(postgres_stack):
    require_bubblewrap()
    stack = postgres_stack
    stack.start_worker(name="worker", concurrency=1, wait=False)
    stack.start_worker(name="sandbox", queue="sandbox", concurrency=1, wait=False)
    stack.wait_until_ready("worker")
    stack.wait_until_ready("sandbox")

    dry_run = int(stack.shell(SET_UP))

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
        "stdout": "scored sample_submission.csv\n",
        "scores": state["scores"],
        "failure": "",
    }
    assert state["scores"]["rows"] == 10

    submission = int(stack.shell(SUBMIT))
    scored = wait_for(
        lambda: finished(SUBMISSION_STATE.format(pk=submission), ("queued", "scoring")),
        120,
        f"the submission\n{stack.log('sandbox')}\n{stack.log('worker')}",
        interval=0.5,
    )

    assert scored == {
        "status": "scored",
        "public": 10.0,
        "private": 10.0,
        "columns": {"bytes": 15.0},
        "detail": "",
    }
    assert "scoring.tasks.score_submission[" in stack.log("sandbox")
    assert "scoring_programs.tasks.dry_run_program[" in stack.log("sandbox")
    assert "scoring.tasks.score_submission[" not in stack.log("worker")

    rescore = int(stack.shell(NEW_PROGRAM))
    state = wait_for(
        lambda: finished(RESCORE_STATE.format(pk=rescore), ("running",)),
        180,
        f"the rescore\n{stack.log('sandbox')}",
        interval=0.5,
    )
    assert state == {"status": "done", "error": ""}
    rescored = json.loads(stack.shell(SUBMISSION_STATE.format(pk=submission)))
    assert (rescored["public"], rescored["columns"]) == (20.0, {"bytes": 1.0})
    assert "scoring.tasks.continue_rescore[" in stack.log("sandbox")
    assert "scoring.tasks.continue_rescore[" not in stack.log("worker")
