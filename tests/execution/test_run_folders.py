"""A run's temporary folder (and its cgroup, where runs get one) goes away even when its worker is killed
mid-run: the next run on the machine (or the sweeper) removes the folders whose worker process is gone, and
leaves those of live workers alone."""

import os
import signal
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest

from execution import cgroups
from execution.run_folders import make_run_folder, process_start, remove_dead_run_folders
from execution.services import sweep_lost_runs
from tests.execution.conftest import processes_with
from tests.services import require_bubblewrap
from tests.stack import ROOT, wait_for

# A worker's part of a run, without the database: make the run's folder and run a program in the sandbox
# that says it started and then sleeps, long past the moment the test kills this process.
WORKER = """
import sys
from pathlib import Path
from execution import cgroups
from execution.run_folders import make_run_folder
from execution.runtimes import default_runtime
from execution.sandbox import Limits, run_sandboxed
folder = make_run_folder()
print(folder, flush=True)
run_sandboxed(
    ["python3", "-c", "open('/output/started', 'w').close(); import time; time.sleep(600)", sys.argv[1]],
    runtime=default_runtime(),
    output_dir=folder / "output",
    limits=Limits(wall_seconds=600),
)
"""


def test_the_folder_of_a_run_whose_worker_was_killed_is_removed_and_a_live_one_kept(tmp_path):
    require_bubblewrap()
    backend = cgroups.support().backend  # found (and swept) now, before a run's cgroup is left behind
    marker = f"killed-run-{uuid.uuid4().hex}"
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, marker],
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(tmp_path), "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    killed_folder = tmp_path / os.path.basename(worker.stdout.readline().strip())
    wait_for(lambda: (killed_folder / "output" / "started").exists(), 60, "the sandboxed program to start")
    live_folder = make_run_folder(tmp_path)

    worker.send_signal(signal.SIGKILL)
    worker.wait()
    wait_for(lambda: not processes_with(marker), 60, "the killed worker's sandbox to die with it")
    removed = remove_dead_run_folders(tmp_path)
    killed_cgroups, left_cgroups = [], []
    if backend is not None:  # the run's cgroup too, which the next run's sweep removes
        killed_cgroups = cgroups_made_by(worker.pid, backend)
        backend.remove_stale()
        left_cgroups = cgroups_made_by(worker.pid, backend)

    assert removed == [killed_folder]
    assert not killed_folder.exists()
    assert live_folder.is_dir()
    assert len(killed_cgroups) == (0 if backend is None else len(backend.bases))
    assert left_cgroups == []


def cgroups_made_by(pid: int, backend: cgroups.Backend) -> list[Path]:
    return [path for base in backend.bases for path in base.glob(f"{cgroups.RUN_PREFIX}{pid}-*")]


def test_a_killed_worker_not_yet_reaped_counts_as_gone(tmp_path):
    """A worker killed while its parent does not reap it stays a zombie with its pid and start time; it runs
    nothing, so its folder is removed (CI found one left when the test process itself held the zombie)."""
    worker = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(600)"], stdout=subprocess.DEVNULL
    )
    start = process_start(worker.pid)
    folder = tmp_path / f"podium-sandbox-{worker.pid}-{start}-abc"
    folder.mkdir()
    try:
        assert remove_dead_run_folders(tmp_path) == []  # alive: kept
        os.kill(worker.pid, signal.SIGKILL)
        wait_for(lambda: process_start(worker.pid) is None, 30, "the killed process to become a zombie")
        assert os.path.exists(f"/proc/{worker.pid}")  # not reaped yet: a zombie

        assert remove_dead_run_folders(tmp_path) == [folder]
    finally:
        worker.kill()
        worker.wait()


def test_folders_of_other_names_are_left_alone(tmp_path):
    for name in ("podium-sandbox-notapid", "podium-sandbox-1", "something-else"):
        (tmp_path / name).mkdir()

    assert remove_dead_run_folders(tmp_path) == []
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "podium-sandbox-1",
        "podium-sandbox-notapid",
        "something-else",
    ]


@pytest.mark.django_db
def test_the_sweeper_removes_the_folders_of_dead_runs(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    ended = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])  # gone by the sweep
    start = process_start(ended.pid)
    ended.kill()
    ended.wait()
    dead_folder = tmp_path / f"podium-sandbox-{ended.pid}-{start}-abcd1234"
    (dead_folder / "program").mkdir(parents=True)

    swept = sweep_lost_runs()

    assert swept["folders_removed"] == 1
    assert not dead_folder.exists()
