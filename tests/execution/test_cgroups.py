"""Memory and processes by a cgroup of the run's own (v2, or v1 on a hybrid or legacy hierarchy) where the
worker may make one, the rlimits where it may not. Which one this machine gives is found once
(execution/cgroups.py); the rlimits are also proven here by turning cgroups off, and the cgroup tests skip
only where the worker makes none, saying why (under CI=true that fails unless the machine lacks them)."""

import json
import os
import secrets
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest

from execution import cgroups
from execution.run_folders import process_start
from execution.sandbox import joining
from tests.execution.conftest import processes_with, require_run_cgroups
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


def test_without_cgroups_a_run_is_bounded_by_its_address_space(sandbox, rlimits_only):
    result = sandbox(RESERVE_THEN_WRITE, memory_bytes=256 * 1024**2)

    assert cgroups.support() == cgroups.CgroupSupport(None, "turned off (PODIUM_SANDBOX_CGROUP=off)")
    assert (result.exit_code, result.stdout) == (3, "reserving failed: Cannot allocate memory\n")


def test_in_a_cgroup_a_run_is_bounded_by_resident_memory_not_reservations(sandbox):
    require_run_cgroups()

    result = sandbox(RESERVE_THEN_WRITE, memory_bytes=256 * 1024**2)

    assert result.stdout == "reserved\n"
    assert result.killed_by == "memory"
    assert "MemoryError" not in result.stderr
    assert result.peak_memory_bytes is None


def test_in_a_cgroup_running_out_of_memory_ends_the_whole_run(sandbox):
    """The kernel kills the process that ran out (cgroup v1: only that one); the parent, which would sleep
    to the wall clock, ends with it (v2: memory.oom.group; v1: the worker sees the kill and ends the run)."""
    require_run_cgroups()

    result = sandbox(
        """
        import os, time
        if os.fork() == 0:
            hoard = []
            while True:
                hoard.append(b"x" * (16 * 1024 * 1024))
        print("parent sleeps", flush=True)
        time.sleep(600)
        """,
        memory_bytes=256 * 1024**2,
    )

    assert result.stdout == "parent sleeps\n"
    assert result.killed_by == "memory"


def test_a_run_cgroup_gets_the_runs_memory_and_process_limits():
    backend = require_run_cgroups()

    cgroup = backend.create(memory_bytes=256 * 1024**2, processes=12)
    try:
        if isinstance(cgroup, cgroups.V1RunCgroup):
            limits = {"memory.limit_in_bytes": "268435456", "memory.memsw.limit_in_bytes": "268435456"}
            if not (cgroup.memory / "memory.memsw.limit_in_bytes").exists():  # no swap accounting
                del limits["memory.memsw.limit_in_bytes"]
            set_to = {name: (cgroup.memory / name).read_text().strip() for name in limits}
        else:
            limits = {"memory.max": "268435456", "memory.oom.group": "1"}
            set_to = {name: (cgroup.path / name).read_text().strip() for name in limits}
        processes = (cgroup.procs[-1].parent / "pids.max").read_text().strip()
    finally:
        cgroup.remove()

    assert set_to == limits
    assert processes == "12"
    assert not any(procs.parent.exists() for procs in cgroup.procs)


FORK_UNTIL_REFUSED = """
import os
children = 0
try:
    while True:
        if os.fork() == 0:
            os.execv("/bin/sleep", ["sleep", "600"])
        children += 1
except OSError as error:
    print("fork refused after", children, "children:", type(error).__name__)
"""


def test_in_a_cgroup_the_process_limit_counts_the_run_alone(sandbox):
    """RLIMIT_NPROC counts every process of uid 65534 on the machine: with 12 of them already running, a run
    limited to 8 could not fork once. pids.max counts the run's own."""
    require_run_cgroups()
    if os.geteuid() != 0:
        pytest.skip("only root may start the other processes of uid 65534 this test needs")
    drop_to_nobody = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
    others = [subprocess.Popen([*drop_to_nobody, "/bin/sleep", "600"]) for _ in range(12)]
    try:
        result = sandbox(FORK_UNTIL_REFUSED, processes=8)
    finally:
        for other in others:
            other.kill()
            other.wait()

    assert result.exit_code == 0, result.stderr
    assert result.stdout.endswith("children: BlockingIOError\n")
    # pids.max is 8 + 2: bubblewrap, the sandbox's init and the program leave room for 7 children.
    assert 4 <= int(result.stdout.split("after ")[1].split(" ")[0]) <= 7


def wait_until(condition, *, seconds: float = 60) -> None:
    """Wait for something another process does; a generous cap, so a loaded machine never fails it."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "it never happened"
        time.sleep(0.05)


# Starts two children that sleep, then sleeps itself; each names the marker on its command line.
PARENT_OF_TWO_SLEEPERS = """
import subprocess, sys, time
for _ in range(2):
    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", sys.argv[1]])
time.sleep(600)
"""


def test_removing_a_run_cgroup_kills_what_is_left_in_it():
    backend = require_run_cgroups()
    marker = f"podium-left-{secrets.token_hex(8)}"
    cgroup = backend.create(memory_bytes=256 * 1024**2, processes=16)
    # What the sandbox starts bubblewrap with: the shell joins the run's cgroup (each hierarchy's) first.
    shell = subprocess.Popen(
        [*joining(cgroup), sys.executable, "-c", PARENT_OF_TWO_SLEEPERS, marker], start_new_session=True
    )
    try:
        wait_until(lambda: len(processes_with(marker)) == 3)
        left = {str(pid) for pid in processes_with(marker)}
        members = [set(procs.read_text().split()) for procs in cgroup.procs]

        cgroup.remove()

        assert processes_with(marker) == []
        assert not any(procs.parent.exists() for procs in cgroup.procs)
    finally:
        cgroup.remove()
        shell.kill()
        shell.wait()
    assert members == [left] * len(cgroup.procs)


def test_a_worker_removes_the_empty_cgroups_of_gone_workers_and_keeps_live_ones():
    backend = require_run_cgroups()
    gone = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    gone_start = process_start(gone.pid)
    gone.kill()
    gone.wait()
    names = {
        "gone": f"{cgroups.RUN_PREFIX}{gone.pid}-{gone_start}-{uuid.uuid4().hex[:16]}",
        "its pid reused": f"{cgroups.RUN_PREFIX}{os.getpid()}-1-{uuid.uuid4().hex[:16]}",
        "from before workers were in names": f"{cgroups.RUN_PREFIX}{uuid.uuid4().hex}",
        "live": f"{cgroups.RUN_PREFIX}{os.getpid()}-{process_start(os.getpid())}-{uuid.uuid4().hex[:16]}",
    }
    for base in backend.bases:
        for name in names.values():
            (base / name).mkdir()
    try:
        found = cgroups.detect(cgroups.configured)  # what a worker process does before its first run
        left = [sorted(name for name in names.values() if (base / name).exists()) for base in backend.bases]
    finally:
        for base in backend.bases:
            for name in names.values():
                if (base / name).exists():
                    (base / name).rmdir()

    assert found.backend == backend
    assert left == [[names["live"]]] * len(backend.bases)


def test_v1_cgroups_are_found_from_mountinfo_and_the_process_cgroup_lines():
    # A container's view: the memory hierarchy is mounted from the container's own folder.
    mountinfo = textwrap.dedent(
        """\
        31 23 0:28 / /sys/fs/cgroup ro,nosuid,nodev,noexec - tmpfs tmpfs ro,mode=755
        32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:9 - cgroup cgroup rw,cpu,cpuacct
        35 31 0:32 /docker/4f2a /sys/fs/cgroup/memory rw,nosuid shared:12 - cgroup cgroup rw,memory
        39 31 0:36 / /sys/fs/cgroup/pids rw,nosuid shared:16 - cgroup cgroup rw,pids
        41 31 0:38 / /sys/fs/cgroup/unified rw,nosuid shared:18 - cgroup2 cgroup2 rw
        """
    )
    inside = "8:pids:/docker/4f2a/worker\n4:memory:/docker/4f2a/worker\n2:cpu,cpuacct:/docker/4f2a\n0::/\n"
    outside = "8:pids:/elsewhere\n4:memory:/elsewhere\n0::/\n"
    only_v2 = "28 23 0:25 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n"

    assert cgroups.own_v1_cgroups(mountinfo, inside) == {
        "memory": Path("/sys/fs/cgroup/memory/worker"),
        "pids": Path("/sys/fs/cgroup/pids/docker/4f2a/worker"),
    }
    assert cgroups.own_v1_cgroups(mountinfo, outside) == {"pids": Path("/sys/fs/cgroup/pids/elsewhere")}
    assert cgroups.own_v1_cgroups(only_v2, "0::/system.slice/podium.service\n") == {}


# Detection in a mount namespace of its own, where the v1 memory hierarchy is unmounted, or the memory and
# pids hierarchies are made read-only (as in a container): the machine's own mounts are not touched.
DETECT_IN_A_NAMESPACE = """
import json, subprocess, sys
from pathlib import Path
from execution import cgroups
from execution.run_folders import process_start
for line in Path("/proc/self/mountinfo").read_text().splitlines():
    fields = line.split()
    after = fields[fields.index("-") + 1 :]
    controllers = set(after[2].split(",")) if after[0] == "cgroup" else set()
    if sys.argv[1] == "unmount" and "memory" in controllers:
        subprocess.run(["umount", fields[4]], check=True)
    if sys.argv[1] == "read-only" and controllers & {"memory", "pids"}:
        subprocess.run(["mount", "-o", "remount,bind,ro", fields[4]], check=True)
v1 = cgroups.detect_v1()
auto = cgroups.detect("auto")
print(json.dumps({"v1": [v1.backend is not None, v1.reason], "auto": [auto.backend is not None, auto.reason]}))
"""


def detect_in_a_mount_namespace(change: str) -> dict:
    if os.geteuid() != 0:
        pytest.skip("only root may change mounts in a mount namespace of its own")
    done = subprocess.run(
        [
            "unshare",
            "--mount",
            "--propagation",
            "private",
            sys.executable,
            "-c",
            DETECT_IN_A_NAMESPACE,
            change,
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_without_a_v1_memory_hierarchy_detection_says_so():
    found = detect_in_a_mount_namespace("unmount")

    reason = "no memory hierarchy is mounted (/proc/self/mountinfo)"
    assert found["v1"] == [False, reason]
    if not found["auto"][0]:  # a delegated cgroup v2 would serve instead
        assert found["auto"][1].startswith("cgroup v2: ")
        assert found["auto"][1].endswith(f"; cgroup v1: {reason}")


def test_read_only_v1_hierarchies_are_refused_saying_so():
    v1 = cgroups.own_v1_cgroups(
        Path("/proc/self/mountinfo").read_text(), Path("/proc/self/cgroup").read_text()
    )
    if not set(cgroups.CONTROLLERS) <= v1.keys():
        pytest.skip("this machine mounts no cgroup v1 memory and pids hierarchies")

    found = detect_in_a_mount_namespace("read-only")

    assert found["v1"] == [
        False,
        f"cannot make cgroups in {v1['memory']} and {v1['pids']}: Read-only file system",
    ]


# A worker's process in a cgroup of its own: found not delegated; delegated (what systemd's Delegate= marks),
# it moves itself into a `worker` subgroup; from there (as under DelegateSubgroup=worker) it finds the same.
DELEGATED_WORKER = """
import json, os, sys
from pathlib import Path
from execution import cgroups
from execution.run_folders import process_start
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
