"""Memory and process limits by a cgroup of the run's own, where the worker may make cgroups.

An address-space limit (RLIMIT_AS) counts what each process reserves, not what it uses, and the process
limit (RLIMIT_NPROC) counts every process of the user on the machine. A cgroup of the run's own counts the
resident memory of the whole process tree (no swap) and its processes, and is removed with whatever is left
in it when the run ends. Two backends give one (`RunCgroup`), tried in this order:

- cgroup v2: a folder the worker may write, with the memory and pids controllers and no process in it (the
  worker itself sits in a subgroup). memory.max, pids.max, and memory.oom.group kills the whole run when it
  runs out of memory. systemd's `Delegate=` hands a service its cgroup; systemd 254 and later start the
  worker in a subgroup (`DelegateSubgroup=worker`), and for older ones the worker moves its processes into
  one itself.
- cgroup v1 (machines booted with the legacy or hybrid hierarchy, where the memory controller is v1's):
  a run's cgroup under the worker's own cgroup in the memory hierarchy and another in the pids hierarchy,
  where the worker may make them (root, or a worker started in cgroups it owns). memory.limit_in_bytes and
  memory.memsw.limit_in_bytes, pids.max. v1 has neither memory.oom.group nor cgroup.kill: the kernel kills
  the run's largest process when the run passes its memory (the sandbox's watcher then ends the rest), and
  removal kills what is left process by process.

Where neither is found, the sandbox keeps the rlimits (docs/sandbox.md). Detected once per process; no
Django here.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import signal
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from execution.run_folders import process_start

logger = logging.getLogger(__name__)
CONTROLLERS = ("memory", "pids")
# A run's cgroup is podium-run-<pid>-<start time of the worker process that made it>-<random>.
RUN_PREFIX = "podium-run-"
# The subgroup systemd's DelegateSubgroup= puts the worker in; the run cgroups go beside it.
WORKER_SUBGROUP = "worker"
# How long removing a run's cgroup waits for the kernel to let its killed processes go.
REMOVAL_SECONDS = 10

# "auto", "off" or the path of a cgroup v2 folder (PODIUM_SANDBOX_CGROUP); the sandbox app sets it.
configured = "auto"


class RunCgroup(ABC):
    """One run's cgroup, in each hierarchy its controllers live in: every process of the run goes in it
    (the shell that becomes bubblewrap writes its own pid to each of `procs` first)."""

    @property
    @abstractmethod
    def procs(self) -> tuple[Path, ...]:
        """The cgroup.procs files of the run's cgroup, one per hierarchy."""

    @abstractmethod
    def ran_out_of_memory(self, *, killed: bool) -> bool:
        """Whether the kernel killed processes of the run for passing its memory limit. `killed`: the run's
        program ended by SIGKILL (what the kernel's out-of-memory kill looks like from outside)."""

    @abstractmethod
    def remove(self) -> None:
        """Kill whatever is left in the cgroup and remove it."""


class Backend(ABC):
    """Where the runs' cgroups are made."""

    @property
    @abstractmethod
    def bases(self) -> tuple[Path, ...]:
        """The folders the runs' cgroups go in, one per hierarchy."""

    @property
    def where(self) -> str:
        return " and ".join(str(base) for base in self.bases)

    def remove_stale(self) -> None:
        """Remove the empty cgroups of runs whose worker process is gone (killed before it could)."""
        for base in self.bases:
            remove_stale_run_cgroups(base)

    @abstractmethod
    def create(self, *, memory_bytes: int, processes: int) -> RunCgroup:
        """A new cgroup for one run, with its limits set. OSError where it cannot be made."""


@dataclass(frozen=True)
class CgroupSupport:
    """Where runs get cgroups of their own (`backend`), or why they do not (`reason`)."""

    backend: Backend | None
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
    if found.backend is not None:
        logger.info("Sandbox runs get a cgroup of their own under %s", found.backend)
    else:
        logger.info("Sandbox runs are bounded by rlimits (address space, processes): %s", found.reason)
    return found


def detect(setting: str) -> CgroupSupport:
    """Find where runs' cgroups go and prepare it (the controllers enabled, the empty cgroups of runs whose
    worker was killed removed), or say why cgroups cannot be used: "auto" tries the worker's delegated
    cgroup v2, then its own cgroup v1 memory and pids cgroups."""
    if setting == "off":
        return CgroupSupport(None, "turned off (PODIUM_SANDBOX_CGROUP=off)")
    if setting != "auto":
        return v2_folder(Path(setting))
    v2 = detect_delegated_v2()
    if v2.backend is not None:
        return v2
    v1 = detect_v1()
    if v1.backend is not None:
        return v1
    return CgroupSupport(None, f"cgroup v2: {v2.reason}; cgroup v1: {v1.reason}")


def prepared(backend: Backend) -> CgroupSupport:
    """The backend, once its stale cgroups are gone and one run's cgroup could be made and removed there."""
    try:
        backend.remove_stale()
        backend.create(memory_bytes=64 * 1024**2, processes=8).remove()
    except OSError as error:
        return CgroupSupport(None, f"cannot make cgroups in {backend.where}: {error.strerror or error}")
    return CgroupSupport(backend)


def run_name() -> str:
    """A new run cgroup's name, after the process that makes it (as run folders are: execution/run_folders.py)."""
    pid = os.getpid()
    return f"{RUN_PREFIX}{pid}-{process_start(pid)}-{uuid.uuid4().hex[:16]}"


def made_by_a_live_process(name: str) -> bool:
    """Whether the worker process that made this run's cgroup still runs (the same process, not a reused
    pid): another worker's cgroup, made a moment ago and still empty, is not stale. Names from before the
    maker was in them are stale."""
    parts = name.removeprefix(RUN_PREFIX).split("-", 2)
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        return False
    return process_start(int(parts[0])) == parts[1]


def remove_stale_run_cgroups(base: Path) -> None:
    """Remove the cgroups of runs whose worker was killed before it could (their processes died with it;
    one that still holds processes stays)."""
    for folder in base.glob(f"{RUN_PREFIX}*"):
        if not made_by_a_live_process(folder.name):
            with contextlib.suppress(OSError):
                folder.rmdir()


def remove_folders(folders: tuple[Path, ...], *, before_each_try: Callable[[], None] | None = None) -> None:
    """Remove cgroup folders, which goes only once their processes are gone: that takes the kernel a moment
    after the kill. One left after REMOVAL_SECONDS is left for the next start's sweep of stale cgroups."""
    deadline = time.monotonic() + REMOVAL_SECONDS
    while True:
        if before_each_try is not None:
            before_each_try()
        try:
            for folder in folders:
                with contextlib.suppress(FileNotFoundError):
                    folder.rmdir()
            return
        except OSError:
            if time.monotonic() > deadline:
                return
            time.sleep(0.01)


# cgroup v2


@dataclass(frozen=True)
class CgroupV2(Backend):
    base: Path

    @property
    def bases(self) -> tuple[Path, ...]:
        return (self.base,)

    def __str__(self) -> str:
        return f"{self.where} (cgroup v2: memory.max, pids.max)"

    def create(self, *, memory_bytes: int, processes: int) -> RunCgroup:
        return V2RunCgroup.create(self.base, memory_bytes=memory_bytes, processes=processes)


def detect_delegated_v2() -> CgroupSupport:
    """The worker's own cgroup v2 folder where systemd delegated it (or its parent, when the worker already
    sits in a `worker` subgroup), prepared for the runs' cgroups."""
    worker = own_cgroup()
    if worker is None:
        return CgroupSupport(None, "no cgroup v2 hierarchy is mounted (/proc/self/mountinfo)")
    if worker.name == WORKER_SUBGROUP:
        return v2_folder(worker.parent)
    if not is_delegated(worker):
        return CgroupSupport(
            None, f"the worker's cgroup {worker} is not delegated to it (systemd: Delegate=memory pids)"
        )
    try:
        move_processes_into_subgroup(worker)
    except OSError as error:
        return CgroupSupport(None, f"cannot move the worker into {worker / WORKER_SUBGROUP}: {error}")
    return v2_folder(worker)


def v2_folder(base: Path) -> CgroupSupport:
    """A cgroup v2 folder for the runs' cgroups, with the memory and pids controllers enabled for them."""
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
    except OSError as error:
        return CgroupSupport(None, f"cannot make cgroups in {base}: {error.strerror or error}")
    return prepared(CgroupV2(base))


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


@dataclass(frozen=True)
class V2RunCgroup(RunCgroup):
    path: Path

    @classmethod
    def create(cls, base: Path, *, memory_bytes: int, processes: int) -> V2RunCgroup:
        cgroup = cls(base / run_name())
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
    def procs(self) -> tuple[Path, ...]:
        return (self.path / "cgroup.procs",)

    def ran_out_of_memory(self, *, killed: bool) -> bool:
        """The kernel's count of out-of-memory kills in memory.events."""
        with contextlib.suppress(OSError):
            for line in (self.path / "memory.events").read_text().splitlines():
                name, _, count = line.partition(" ")
                if name == "oom_kill" and int(count) > 0:
                    return True
        return False

    def remove(self) -> None:
        with contextlib.suppress(OSError):
            (self.path / "cgroup.kill").write_text("1")
        remove_folders((self.path,))


# cgroup v1


@dataclass(frozen=True)
class CgroupV1(Backend):
    """The worker's own cgroups in the v1 memory and pids hierarchies, under which the runs' go."""

    memory: Path
    pids: Path

    @property
    def bases(self) -> tuple[Path, ...]:
        return tuple(dict.fromkeys((self.memory, self.pids)))

    def __str__(self) -> str:
        return f"{self.where} (cgroup v1: memory.limit_in_bytes, pids.max)"

    def create(self, *, memory_bytes: int, processes: int) -> RunCgroup:
        return V1RunCgroup.create(self, memory_bytes=memory_bytes, processes=processes)


def detect_v1() -> CgroupSupport:
    """The worker's own cgroups in the v1 memory and pids hierarchies, where runs' cgroups can be made
    under them."""
    folders = own_v1_cgroups(Path("/proc/self/mountinfo").read_text(), Path("/proc/self/cgroup").read_text())
    missing = [name for name in CONTROLLERS if name not in folders]
    if missing:
        return CgroupSupport(None, f"no {' or '.join(missing)} hierarchy is mounted (/proc/self/mountinfo)")
    return prepared(CgroupV1(folders["memory"], folders["pids"]))


def own_v1_cgroups(mountinfo: str, cgroup: str) -> dict[str, Path]:
    """The folders of this process's cgroups in the v1 hierarchies of the memory and pids controllers, by
    controller, from /proc/self/mountinfo (where each hierarchy is mounted, and which of its folders is the
    mount's root) and /proc/self/cgroup (lines `N:memory:/path`)."""
    mounts: dict[str, tuple[str, str]] = {}
    for line in mountinfo.splitlines():
        fields = line.split()
        after = fields[fields.index("-") + 1 :]
        if after[0] != "cgroup":
            continue
        for controller in set(CONTROLLERS) & set(after[2].split(",")):
            mounts.setdefault(controller, (fields[3], fields[4]))
    folders: dict[str, Path] = {}
    for line in cgroup.splitlines():
        _, controllers, path = line.split(":", 2)
        for controller in set(CONTROLLERS) & set(controllers.split(",")):
            if controller not in mounts:
                continue
            root, mount_point = mounts[controller]
            with contextlib.suppress(ValueError):  # the process's cgroup is outside what is mounted
                folders[controller] = Path(mount_point) / Path(path).relative_to(root)
    return folders


@dataclass(frozen=True)
class V1RunCgroup(RunCgroup):
    memory: Path
    pids: Path

    @classmethod
    def create(cls, backend: CgroupV1, *, memory_bytes: int, processes: int) -> V1RunCgroup:
        name = run_name()
        cgroup = cls(backend.memory / name, backend.pids / name)
        try:
            for folder in cgroup.folders:
                folder.mkdir()
            (cgroup.memory / "memory.limit_in_bytes").write_text(str(memory_bytes))
            # Memory and swap together; the kernel lacks it without swap accounting (swapaccount=1).
            if (cgroup.memory / "memory.memsw.limit_in_bytes").exists():
                (cgroup.memory / "memory.memsw.limit_in_bytes").write_text(str(memory_bytes))
            (cgroup.pids / "pids.max").write_text(str(processes))
        except OSError:
            cgroup.remove()
            raise
        return cgroup

    @property
    def folders(self) -> tuple[Path, ...]:
        """One folder per hierarchy (one only where memory and pids are mounted together)."""
        return tuple(dict.fromkeys((self.memory, self.pids)))

    @property
    def procs(self) -> tuple[Path, ...]:
        return tuple(folder / "cgroup.procs" for folder in self.folders)

    def ran_out_of_memory(self, *, killed: bool) -> bool:
        """The kernel's count of out-of-memory kills (`oom_kill` in memory.oom_control, since Linux 4.13);
        before it, a run whose program was killed after it hit its limit (memory.failcnt)."""
        try:
            counts = dict(
                line.split(maxsplit=1)
                for line in (self.memory / "memory.oom_control").read_text().splitlines()
                if line.strip()
            )
            if "oom_kill" in counts:
                return int(counts["oom_kill"]) > 0
            return killed and int((self.memory / "memory.failcnt").read_text()) > 0
        except (OSError, ValueError):
            return False

    def remove(self) -> None:
        """v1 has no cgroup.kill: the processes left are killed one by one, again until none is left (one may
        fork while its siblings are killed)."""

        def kill_what_is_left() -> None:
            for procs in self.procs:
                kill_members(procs)

        remove_folders(self.folders, before_each_try=kill_what_is_left)


def kill_members(procs: Path) -> None:
    """SIGKILL every process listed in a cgroup's `procs` file. Each is held by a pidfd first and killed
    only if its pid is still listed then: a process that ended meanwhile, its pid given to a process
    outside the run, is never signalled."""
    try:
        pids = procs.read_text().split()
    except FileNotFoundError:
        return
    for pid in pids:
        try:
            handle = os.pidfd_open(int(pid))
        except ProcessLookupError:
            continue
        try:
            if pid in procs.read_text().split():
                signal.pidfd_send_signal(handle, signal.SIGKILL)
        except (ProcessLookupError, FileNotFoundError):
            pass
        finally:
            os.close(handle)
