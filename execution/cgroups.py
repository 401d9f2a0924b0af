"""Memory and process limits by cgroup v2, where the worker may make cgroups of its own.

An address-space limit (RLIMIT_AS) counts what each process reserves, not what it uses, and the process
limit (RLIMIT_NPROC) counts every process of the user on the machine. A cgroup of the run's own counts the
resident memory of the whole process tree (memory.max, no swap) and its processes (pids.max), and is killed
as a whole when it runs out of memory (memory.oom.group). It needs a cgroup v2 folder the worker may write,
with the memory and pids controllers, and no process in it: the worker itself sits in a subgroup. systemd's
`Delegate=` hands a service its cgroup; systemd 254 and later start the worker in a subgroup
(`DelegateSubgroup=worker`), and for older ones the worker moves its processes into one itself
(docs/sandbox.md). Where there is none, the sandbox keeps the rlimits. Detected once per process; no Django
here.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)
CONTROLLERS = ("memory", "pids")
RUN_PREFIX = "podium-run-"
# The subgroup systemd's DelegateSubgroup= puts the worker in; the run cgroups go beside it.
WORKER_SUBGROUP = "worker"

# "auto", "off" or the path of a cgroup v2 folder (PODIUM_SANDBOX_CGROUP); the sandbox app sets it.
configured = "auto"


@dataclass(frozen=True)
class CgroupSupport:
    """Where runs get cgroups of their own (`base`), or why they do not (`reason`)."""

    base: Path | None
    reason: str = ""


def configure(setting: str) -> None:
    global configured
    configured = setting
    support.cache_clear()


@functools.cache
def support() -> CgroupSupport:
    """This worker's cgroup support, found once per process (and logged, so the operator sees which limits
    the runs get)."""
    found = detect(configured)
    if found.base is not None:
        logger.info("Sandbox runs get a cgroup of their own under %s (memory.max, pids.max)", found.base)
    else:
        logger.info("Sandbox runs are bounded by rlimits (address space, processes): %s", found.reason)
    return found


def detect(setting: str) -> CgroupSupport:
    """Find the folder runs' cgroups go in and prepare it (enable the controllers, remove the empty cgroups
    of runs whose worker was killed), or say why cgroups cannot be used."""
    if setting == "off":
        return CgroupSupport(None, "turned off (PODIUM_SANDBOX_CGROUP=off)")
    if setting == "auto":
        worker = own_cgroup()
        if worker is None:
            return CgroupSupport(None, "no cgroup v2 hierarchy is mounted (/proc/self/mountinfo)")
        if worker.name == WORKER_SUBGROUP:
            base = worker.parent
        elif is_delegated(worker):
            try:
                move_processes_into_subgroup(worker)
            except OSError as error:
                return CgroupSupport(None, f"cannot move the worker into {worker / WORKER_SUBGROUP}: {error}")
            base = worker
        else:
            return CgroupSupport(
                None, f"the worker's cgroup {worker} is not delegated to it (systemd: Delegate=memory pids)"
            )
    else:
        base = Path(setting)
    if not (base / "cgroup.controllers").is_file():
        return CgroupSupport(None, f"{base} is not a cgroup v2 folder")
    available = (base / "cgroup.controllers").read_text().split()
    missing = [name for name in CONTROLLERS if name not in available]
    if missing:
        return CgroupSupport(
            None,
            f"the {' and '.join(missing)} controllers are not available in {base} "
            f"(it has: {' '.join(available) or 'none'})",
        )
    try:
        enabled = (base / "cgroup.subtree_control").read_text().split()
        if any(name not in enabled for name in CONTROLLERS):
            (base / "cgroup.subtree_control").write_text(" ".join(f"+{name}" for name in CONTROLLERS))
        remove_empty_run_cgroups(base)
        RunCgroup.create(base, memory_bytes=64 * 1024**2, processes=8).remove()
    except OSError as error:
        return CgroupSupport(None, f"cannot make cgroups in {base}: {error.strerror or error}")
    return CgroupSupport(base)


def own_cgroup() -> Path | None:
    """The folder of this process's cgroup in the cgroup v2 hierarchy, or None without one."""
    mount = next(
        (
            fields[4]
            for fields in (line.split() for line in Path("/proc/self/mountinfo").read_text().splitlines())
            if fields[fields.index("-") + 1] == "cgroup2"
        ),
        None,
    )
    path = next(
        (line[3:] for line in Path("/proc/self/cgroup").read_text().splitlines() if line.startswith("0::")),
        None,
    )
    if mount is None or path is None:
        return None
    return Path(mount) / path.lstrip("/")


def is_delegated(folder: Path) -> bool:
    """Whether systemd handed this cgroup to the process in it (Delegate=): it marks such a cgroup with a
    `delegate` attribute, `trusted.` for root's eyes and, since systemd 251, `user.` for everyone's."""
    for name in ("user.delegate", "trusted.delegate"):
        with contextlib.suppress(OSError):
            if os.getxattr(folder, name) == b"1":
                return True
    return False


def move_processes_into_subgroup(folder: Path) -> None:
    """Move every process of `folder` (the worker's: a delegated cgroup holds only its service's) into its
    `worker` subgroup, so the folder may hand its controllers to the runs' cgroups; what systemd's
    DelegateSubgroup= does at start. A process forked during the move is caught by the next pass."""
    subgroup = folder / WORKER_SUBGROUP
    subgroup.mkdir(exist_ok=True)
    for _ in range(10):
        pids = (folder / "cgroup.procs").read_text().split()
        if not pids:
            return
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):  # ended meanwhile
                (subgroup / "cgroup.procs").write_text(pid)
    raise OSError(f"processes keep appearing in {folder}")


def remove_empty_run_cgroups(base: Path) -> None:
    """Remove the cgroups of runs whose worker was killed before it could (their processes died with it)."""
    for folder in base.glob(f"{RUN_PREFIX}*"):
        with contextlib.suppress(OSError):
            folder.rmdir()


@dataclass(frozen=True)
class RunCgroup:
    """One run's cgroup: every process of the run goes in it (the shell that becomes bubblewrap writes its
    own pid to `procs` first)."""

    path: Path

    @classmethod
    def create(cls, base: Path, *, memory_bytes: int, processes: int) -> RunCgroup:
        cgroup = cls(base / f"{RUN_PREFIX}{uuid.uuid4().hex}")
        cgroup.path.mkdir()
        try:
            (cgroup.path / "memory.max").write_text(str(memory_bytes))
            if (cgroup.path / "memory.swap.max").exists():  # the kernel lacks it without swap accounting
                (cgroup.path / "memory.swap.max").write_text("0")
            (cgroup.path / "memory.oom.group").write_text("1")
            (cgroup.path / "pids.max").write_text(str(processes))
        except OSError:
            cgroup.remove()
            raise
        return cgroup

    @property
    def procs(self) -> Path:
        return self.path / "cgroup.procs"

    def ran_out_of_memory(self) -> bool:
        """Whether the kernel killed processes of the run for passing memory.max."""
        with contextlib.suppress(OSError):
            for line in (self.path / "memory.events").read_text().splitlines():
                name, _, count = line.partition(" ")
                if name == "oom_kill" and int(count) > 0:
                    return True
        return False

    def remove(self) -> None:
        """Kill whatever is left in the cgroup and remove it (a cgroup goes only once its processes are
        gone, which takes the kernel a moment after the kill)."""
        with contextlib.suppress(OSError):
            (self.path / "cgroup.kill").write_text("1")
        deadline = time.monotonic() + 10
        while True:
            try:
                self.path.rmdir()
                return
            except FileNotFoundError:
                return
            except OSError:
                if time.monotonic() > deadline:
                    return  # left for remove_empty_run_cgroups at the next start
                time.sleep(0.01)
