"""`make run` stopped as a terminal's Ctrl-C stops it: every process ends on its own, quickly, and nothing in
the output reads as an error (config/procfile.py)."""

import contextlib
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests

from tests.stack import ROOT, free_port, wait_for

pytestmark = pytest.mark.integration

# Not a timing measurement: a warm shutdown takes about 5 s on an idle machine (Celery's prefork pool); this
# only tells a clean stop from a hung process, which config.procfile would kill after its KILL_AFTER (20 s).
STOP_LIMIT = 45


def started_pids(output: str) -> list[int]:
    return [int(pid) for pid in re.findall(r"\| \S+ started \(pid=(\d+)\)", output)]


def kill_everything(make: subprocess.Popen, output: str) -> None:
    """After a failure: the Procfile's processes each lead a session of their own, out of make's group."""
    for pid in [make.pid, *started_pids(output)]:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
    make.wait()


def test_ctrl_c_stops_make_run_cleanly(tmp_path: Path):
    port = free_port()
    env = {
        **os.environ,
        "PODIUM_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SECRET_KEY", "PORT"):
        env.pop(name, None)  # `make run` as a newcomer runs it: the embedded defaults
    log_path = tmp_path / "make-run.log"
    # `-o` keeps make from installing anything (the virtualenv is the test's); the rest is `make run` itself.
    command = ["make", "-o", "install", "-o", ".venv/.cli-installed", "run", f"PORT={port}"]
    with open(log_path, "w") as log:
        # A session of its own, as a terminal gives its foreground job: Ctrl-C is SIGINT to this whole group.
        make = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:

        def ready() -> bool:
            if make.poll() is not None:
                raise AssertionError(f"make run exited with {make.returncode}:\n{log_path.read_text()}")
            output = log_path.read_text()
            if " ready." not in output or "beat: Starting..." not in output:
                return False
            try:
                return requests.get(f"http://127.0.0.1:{port}/", timeout=10).status_code == 200
            except requests.RequestException:
                return False

        wait_for(ready, 240, f"make run to serve on port {port}", interval=0.5)
        time.sleep(1)  # what a person does: look at the page for a moment, then press Ctrl-C

        os.killpg(make.pid, signal.SIGINT)
        try:
            make.wait(timeout=STOP_LIMIT)
        except subprocess.TimeoutExpired:
            pytest.fail(f"make run still running {STOP_LIMIT} s after Ctrl-C:\n{log_path.read_text()}")
    finally:
        if make.poll() is None:
            kill_everything(make, log_path.read_text())

    output = log_path.read_text()
    stop = output[output.index("SIGINT received") :]
    assert "SIGKILL" not in stop, output
    for name in ("web.1", "worker.1", "sandbox.1", "beat.1"):
        assert f"{name} stopped (rc=0)" in stop, output
    assert "Warm shutdown" in stop, output
    assert [line for line in output.splitlines() if "ERROR" in line or "Traceback" in line] == []
    assert "make: ***" not in output, output
    # make got the Ctrl-C too: once its recipe ended, it ends by that same signal, silently, as in a terminal.
    assert make.returncode in (0, -signal.SIGINT), output
    for pid in started_pids(output):
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
