"""The wiring of sandbox runs: a run queued by the site goes to the `sandbox` queue, a worker started as the
Procfile's `sandbox` line (`-Q sandbox`) takes it, reads the program and inputs from the storage, and writes
the result back to the database and the output to the storage."""

import io
import json
import zipfile

import pytest

from tests.services import require_bubblewrap
from tests.stack import wait_for

pytestmark = pytest.mark.integration

QUEUE_A_RUN = """
import io, zipfile
from execution.services import create_run
def zipped(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()
program = "import pathlib; rows = pathlib.Path('/input/test.csv').read_text().split(); pathlib.Path('/output/rows.txt').write_text(str(len(rows))); print('done')"
run = create_run(program_zip=zipped({"main.py": program}), inputs_zip=zipped({"test.csv": "a\\nb\\nc\\n"}), command=["python3", "main.py"])
print(run.pk)
"""

READ_THE_RUN = """
import json, zipfile
from django.core.files.storage import storages
from execution.models import SandboxRun
run = SandboxRun.objects.get(pk={pk})
output = ""
if run.output_key:
    with storages["private"].open(run.output_key, "rb") as stored, zipfile.ZipFile(stored) as archive:
        output = archive.read("rows.txt").decode()
print(json.dumps({{"status": run.status, "exit_code": run.exit_code, "stdout": run.stdout, "output": output}}))
"""


def test_a_sandbox_worker_takes_runs_from_its_own_queue(stack):
    require_bubblewrap()
    stack.start_worker(name="sandbox", queue="sandbox", concurrency=1)

    run_id = int(stack.shell(QUEUE_A_RUN))

    def finished():
        state = json.loads(stack.shell(READ_THE_RUN.format(pk=run_id)))
        return state if state["status"] not in ("queued", "running") else None

    state = wait_for(finished, 60, f"the sandbox run\n{stack.log('sandbox')}", interval=0.5)
    assert state == {"status": "finished", "exit_code": 0, "stdout": "done\n", "output": "3"}
    assert "execution.tasks.run_in_sandbox[" in stack.log("sandbox")


QUEUE_A_SLOW_RUN = """
import io, zipfile
from execution.services import create_run
buffer = io.BytesIO()
with zipfile.ZipFile(buffer, "w") as archive:
    archive.writestr("main.py", "import time; time.sleep(10); print('done')")
run = create_run(program_zip=buffer.getvalue(), command=["python3", "main.py"])
print(run.pk)
"""

READ_THE_LEASED_RUN = """
import json
from execution.models import SandboxRun
run = SandboxRun.objects.get(pk={pk})
print(json.dumps({{"status": run.status, "stdout": run.stdout, "attempts": run.attempts}}))
"""

SWEEP = "from execution.services import sweep_lost_runs; print(sweep_lost_runs()['requeued'])"


def test_a_run_whose_sandbox_worker_is_killed_is_run_again_by_another_and_its_folder_removed(
    postgres_stack, tmp_path
):
    require_bubblewrap()
    stack = postgres_stack
    temporary = tmp_path / "worker-tmp"
    temporary.mkdir()
    stack.env.update({"PODIUM_SANDBOX_LEASE": "2", "TMPDIR": str(temporary)})
    stack.start_worker(name="sandbox", queue="sandbox", concurrency=1)
    run_id = int(stack.shell(QUEUE_A_SLOW_RUN))
    killed_folders = wait_for(
        lambda: list(temporary.glob("podium-sandbox-*")), 60, f"the run to start\n{stack.log('sandbox')}"
    )

    stack.stop("sandbox")  # SIGKILL to the worker and its pool, mid-run
    wait_for(
        lambda: stack.shell(SWEEP) == "1",
        60,
        "the sweeper to find the lease expired",
    )
    stack.start_worker(name="sandbox-2", queue="sandbox", concurrency=1)

    def finished():
        state = json.loads(stack.shell(READ_THE_LEASED_RUN.format(pk=run_id)))
        return state if state["status"] not in ("queued", "running") else None

    state = wait_for(finished, 120, f"the run taken over\n{stack.log('sandbox-2')}", interval=0.5)
    assert state == {"status": "finished", "stdout": "done\n", "attempts": 2}
    assert len(killed_folders) == 1
    assert list(temporary.glob("podium-sandbox-*")) == []  # the killed run's folder, and the second's


FOREST = b"""
from sklearn.ensemble import RandomForestClassifier


class Model:
    def fit(self, X, y):
        self.forest = RandomForestClassifier(random_state=0).fit(X, y)

    def predict(self, X):
        return self.forest.predict(X)
"""


def test_a_code_submission_runs_on_the_sandbox_worker_and_reaches_the_board(stack):
    """The seeded code competition (seed_code_demo): the upload's scoring task goes to the sandbox queue, so
    the `-Q sandbox` worker runs the code and scores it; the scoring worker never takes it."""
    require_bubblewrap()
    stack.start_worker(name="worker", wait=False)
    stack.start_worker(name="sandbox", queue="sandbox", concurrency=1, wait=False)
    stack.wait_until_ready("worker")
    stack.wait_until_ready("sandbox")
    client = stack.client("demo")
    assert client.post("/api/v1/competitions/wine-code/join/").status_code == 200
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("model.py", FOREST)

    made = client.post(
        "/api/v1/competitions/wine-code/submissions/", files={"file": ("forest.zip", buffer.getvalue())}
    )

    assert made.status_code == 202, made.text
    done = client.wait_until_finished(made.json()["id"], timeout=180)
    assert done["status"] == "scored", done
    assert done["public_score"] > 0.8
    assert [run["status"] for run in done["code_runs"]] == ["succeeded", "succeeded"]
    assert "stdout" not in done["code_runs"][1]  # the hidden run's logs stay with the host
    assert "scoring.tasks.score_submission[" in stack.log("sandbox")
    assert "scoring.tasks.score_submission[" not in stack.log("worker")
    board = client.get("/api/v1/competitions/wine-code/leaderboard/").json()
    assert board["count"] == 1


# The seeded code pair's hidden inputs, rows in reverse order: new inputs (another checksum) with the same
# answers.
REVERSED_INPUTS = """
import base64
from competitions.models import PhaseTrack
from datasets.storage import private_storage
pair = PhaseTrack.objects.get(competition__slug="wine-code")
with private_storage().open(pair.code_inputs_key, "rb") as stream:
    header, *rows = stream.read().decode().strip().splitlines()
print(base64.b64encode(("\\n".join([header, *reversed(rows)]) + "\\n").encode()).decode())
"""
PAIR_INPUTS = """
from competitions.models import PhaseTrack
print(PhaseTrack.objects.get(competition__slug="wine-code").code_inputs_sha256)
"""


def test_new_hidden_inputs_rerun_the_scored_code_in_a_rescore_on_the_sandbox_worker(stack):
    """A confirmed rerun is a rescore whose tasks go to the sandbox queue: the `-Q sandbox` worker runs the
    code on the new inputs and switches the pair to them once it is done."""
    import base64

    require_bubblewrap()
    stack.start_worker(name="worker", wait=False)
    stack.start_worker(name="sandbox", queue="sandbox", concurrency=1, wait=False)
    stack.wait_until_ready("worker")
    stack.wait_until_ready("sandbox")
    participant, host = stack.client("demo"), stack.client("demo-host")
    assert participant.post("/api/v1/competitions/wine-code/join/").status_code == 200
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("model.py", FOREST)
    made = participant.post(
        "/api/v1/competitions/wine-code/submissions/", files={"file": ("forest.zip", buffer.getvalue())}
    )
    first = participant.wait_until_finished(made.json()["id"], timeout=180)
    assert first["status"] == "scored", first
    old_inputs = stack.shell(PAIR_INPUTS)

    changed = host.session.put(
        host.base_url + "/api/v1/competitions/wine-code/phases/1/tracks/main/code/",
        timeout=60,
        data={"accepts": "code", "rerun": "true"},
        files={"hidden_inputs": ("test.csv", base64.b64decode(stack.shell(REVERSED_INPUTS)))},
    )

    assert changed.status_code == 200, changed.text
    rerun = changed.json()["rerun"]
    assert (rerun["status"], rerun["total"]) == ("running", 1)

    def finished():
        body = host.get("/api/v1/competitions/wine-code/rescore/").json()
        return body if body["status"] != "running" else None

    done = wait_for(finished, 180, f"the rerun\n{stack.log('sandbox')}", interval=0.5)
    assert (done["id"], done["status"], done["done"], done["reruns_code"]) == (rerun["id"], "done", 1, True)
    assert stack.shell(PAIR_INPUTS) not in ("", old_inputs)
    again = participant.get(f"/api/v1/submissions/{first['id']}/").json()
    assert (again["status"], again["public_score"]) == ("scored", first["public_score"])  # same answers
    assert "scoring.tasks.continue_rescore[" in stack.log("sandbox")
    assert "scoring.tasks.continue_rescore[" not in stack.log("worker")
