"""Memory by cgroup where the worker may make one, the address-space limit where it may not. Which one this
machine gives is found once (execution/cgroups.py); the tests of the other way skip, saying why."""

import json
import os
import subprocess
import sys
import uuid

import pytest

from execution import cgroups
from tests.stack import ROOT

# Reserves twice the run's memory limit without writing to it: the address space grows, resident memory
# does not. Then writes that much, when asked to.
RESERVE_THEN_WRITE = """
import mmap, sys
limit = int(sys.argv[1]) if len(sys.argv) > 1 else 256 * 1024**2
try:
    reserved = mmap.mmap(-1, 2 * limit)
except OSError as error:
    print("reserving failed:", error.strerror)
    raise SystemExit(3)
print("reserved", flush=True)
held = b"x" * (2 * limit)
print("held")
"""


def test_cgroups_turned_off_say_so():
    assert cgroups.detect("off") == cgroups.CgroupSupport(None, "turned off (PODIUM_SANDBOX_CGROUP=off)")


def test_a_configured_folder_that_is_not_a_cgroup_is_refused_saying_so(tmp_path):
    assert cgroups.detect(str(tmp_path)) == cgroups.CgroupSupport(
        None, f"{tmp_path} is not a cgroup v2 folder"
    )


def test_without_cgroups_a_run_is_bounded_by_its_address_space(sandbox):
    found = cgroups.support()
    if found.backend is not None:
        pytest.skip(f"this worker makes cgroups under {found.backend}: the cgroup test covers it")

    result = sandbox(RESERVE_THEN_WRITE, memory_bytes=256 * 1024**2)

    assert found.reason  # the operator's log says why
    assert (result.exit_code, result.stdout) == (3, "reserving failed: Cannot allocate memory\n")


def test_in_a_cgroup_a_run_is_bounded_by_resident_memory_not_reservations(sandbox):
    found = cgroups.support()
    if found.backend is None:
        pytest.skip(f"this worker cannot make cgroups ({found.reason}): runs keep the address-space limit")

    result = sandbox(RESERVE_THEN_WRITE, memory_bytes=256 * 1024**2)

    assert result.stdout == "reserved\n"
    assert result.killed_by == "memory"


# A worker's process in a cgroup of its own: found not delegated; delegated (what systemd's Delegate= marks),
# it moves itself into a `worker` subgroup; from there (as under DelegateSubgroup=worker) it finds the same.
DELEGATED_WORKER = """
import json, os, sys
from pathlib import Path
from execution import cgroups
folder = Path(sys.argv[1])
(folder / "cgroup.procs").write_text(str(os.getpid()))
seen = [cgroups.detect_delegated_v2()]
os.setxattr(folder, "user.delegate", b"1")
seen.append(cgroups.detect_delegated_v2())
moved_to = str(cgroups.own_cgroup())
seen.append(cgroups.detect_delegated_v2())
print(json.dumps({"seen": [[found.backend.where if found.backend else "", found.reason] for found in seen], "moved_to": moved_to}))
"""


@pytest.fixture
def cgroup_of_its_own():
    """A fresh cgroup v2 folder under this process's own, removed after the test."""
    own = cgroups.own_cgroup()
    if own is None or not os.access(own, os.W_OK):
        pytest.skip("no cgroup v2 folder this test may write (it needs root or a delegated cgroup)")
    folder = own / f"podium-test-{uuid.uuid4().hex[:12]}"
    folder.mkdir()
    yield folder
    for child in sorted(folder.glob("*/"), reverse=True):
        if (child / "cgroup.procs").exists():
            child.rmdir()
    folder.rmdir()


def test_a_worker_in_a_delegated_cgroup_moves_itself_into_a_worker_subgroup(cgroup_of_its_own):
    done = subprocess.run(
        [sys.executable, "-c", DELEGATED_WORKER, str(cgroup_of_its_own)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    not_delegated, delegated, from_the_subgroup = report["seen"]
    assert not_delegated == [
        "",
        f"the worker's cgroup {cgroup_of_its_own} is not delegated to it (systemd: Delegate=memory pids)",
    ]
    assert report["moved_to"] == str(cgroup_of_its_own / "worker")
    assert from_the_subgroup == delegated
    controllers = (cgroup_of_its_own.parent / "cgroup.subtree_control").read_text().split()
    if "memory" in controllers and "pids" in controllers:  # a unified hierarchy: the runs get cgroups here
        assert delegated == [str(cgroup_of_its_own), ""]
    else:  # this machine's hybrid hierarchy: the memory controller is cgroup v1's
        missing = " and ".join(name for name in ("memory", "pids") if name not in controllers)
        has = " ".join(controllers) or "none"
        reason = f"the {missing} controllers are not available in {cgroup_of_its_own} (it has: {has})"
        assert delegated == ["", reason]
