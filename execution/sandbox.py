"""Run one program in isolation with bubblewrap, and say what happened.

The only place in Podium that starts code a host or a participant brought. No Django here: scoring (and
anything else) calls `run_sandboxed` with folders on the local disk and gets a `RunResult` back.

What the program gets (docs/sandbox.md says why each):
- its own network namespace (loopback only: no route anywhere), PID, IPC, UTS and cgroup namespaces, a
  fresh /proc that shows only its own processes, a minimal /dev;
- a read-only view of the system libraries (/usr), of its runtime's Python and of the folders it is
  given read-only (the program, the inputs), nothing else of the host's files;
- a writable scratch folder (/tmp, a tmpfs of bounded size) and one writable output folder, bounded by a
  per-file limit and a watcher that kills the run when the folder's total passes the limit;
- an empty environment but the variables the caller passes (and PATH, HOME, LANG, TMPDIR);
- an unprivileged uid (65534: setpriv drops root when the worker is root, and bubblewrap's user namespace
  maps it otherwise), no capabilities, no new privileges;
- rlimits on CPU seconds, address space, processes, file size and open files (memory and processes by a
  cgroup of the run's own instead, v2 or v1, where the worker may make one: execution/cgroups.py), and a
  wall clock after which the whole process tree is killed (bubblewrap's init is PID 1 of the namespace:
  killing it ends every process in it).
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import io
import json
import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import cast

from execution import cgroups

SANDBOX_UID = 65534
SANDBOX_GID = 65534
SCRATCH = "/tmp"  # noqa: S108 - the path inside the sandbox, a private tmpfs
OUTPUT = "/output"
# How often the output folder's size is checked while the program runs.
OUTPUT_CHECK_SECONDS = 0.2
# Messages a runtime prints when an allocation fails under the address-space limit.
OUT_OF_MEMORY_SIGNS = ("MemoryError", "std::bad_alloc", "Cannot allocate memory", "out of memory")


PR_SET_CHILD_SUBREAPER = 36


class SandboxUnavailable(Exception):
    """This machine cannot run code in isolation; the message says what the operator must do."""

    code = "sandbox_unavailable"


@dataclass(frozen=True)
class Limits:
    """What one run may use. Sizes in bytes, times in seconds."""

    cpu_seconds: int = 60
    memory_bytes: int = 2 * 1024**3
    processes: int = 64
    file_size_bytes: int = 64 * 1024**2
    open_files: int = 256
    wall_seconds: float = 120.0
    output_bytes: int = 64 * 1024**2
    scratch_bytes: int = 256 * 1024**2
    log_bytes: int = 64 * 1024


@dataclass(frozen=True)
class Runtime:
    """A Python environment a program runs in: its interpreter and the folders it needs, mounted read-only."""

    name: str
    python: Path
    folders: tuple[Path, ...]


@dataclass
class RunResult:
    exit_code: int
    # "" when the program ended by itself; otherwise cpu, memory, wall_clock or output.
    killed_by: str
    stdout: str
    stderr: str
    stdout_truncated: bool
    stderr_truncated: bool
    wall_seconds: float
    # Regular files of the output folder by relative path; links and other special files are never read.
    output_files: dict[str, bytes] = field(default_factory=dict)
    # Output entries that were not regular files (symbolic links, fifos), by relative path.
    skipped_outputs: list[str] = field(default_factory=list)
    # The largest resident set of any one process of the run, in bytes (sandbox_peak_memory); None when the
    # run was killed from outside (wall clock, output, its cgroup's out-of-memory kill) or where the worker
    # could not measure it.
    peak_memory_bytes: int | None = None

    @property
    def succeeded(self) -> bool:
        return self.exit_code == 0 and not self.killed_by


def bubblewrap() -> str:
    """The bwrap executable, or SandboxUnavailable saying how to install it."""
    path = shutil.which("bwrap")
    if path is None:
        raise SandboxUnavailable(
            "Podium cannot run code here: install bubblewrap on the sandbox worker "
            "(Debian and Ubuntu: apt-get install bubblewrap) and restart it."
        )
    return path


def run_sandboxed(
    command: Sequence[str],
    *,
    runtime: Runtime,
    output_dir: Path,
    read_only: Mapping[str, Path] | None = None,
    env: Mapping[str, str] | None = None,
    workdir: str = SCRATCH,
    limits: Limits | None = None,
    output_at: str = OUTPUT,
    scratch_at: Sequence[str] = (),
) -> RunResult:
    """Run `command` inside a fresh sandbox and return what it did.

    `read_only` maps paths inside the sandbox (such as /program, /input) to host folders; `output_dir` is an
    empty host folder that becomes `output_at` (/output unless given: Codabench's layout uses /app/output), writable. The output's regular files are read back
    without following links. `scratch_at` names more writable scratch folders (tmpfs, bounded like /tmp)
    that a layout needs, such as Codabench's /app/shared.
    """
    executable = bubblewrap()
    limits = limits or Limits()
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    as_root = os.geteuid() == 0
    if as_root:
        os.chown(output_dir, SANDBOX_UID, SANDBOX_GID)
    cgroup = run_cgroup(limits)
    status_read, status_write = os.pipe()
    options, program = bubblewrap_argv(
        command,
        status_fd=status_write,
        runtime=runtime,
        output_dir=output_dir,
        read_only=read_only or {},
        env=env or {},
        workdir=workdir,
        limits=limits,
        as_root=as_root,
        memory_by_cgroup=cgroup is not None,
        output_at=output_at,
        scratch_at=scratch_at,
    )
    # The arguments go through a pipe (--args), so bubblewrap's command line, which the program sees as PID 1
    # in /proc, names no folder of the host.
    arguments_read, arguments_write = os.pipe()
    os.write(arguments_write, b"".join(option.encode() + b"\0" for option in options))
    os.close(arguments_write)
    reaps_orphans()
    into_cgroup = joining(cgroup) if cgroup else []
    started = time.monotonic()
    try:
        process = subprocess.Popen(  # noqa: S603 - argv is built here, never through a shell
            [*into_cgroup, executable, "--args", str(arguments_read), "--", *program],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            pass_fds=(status_write, arguments_read),
            start_new_session=True,
        )
    except BaseException:
        if cgroup is not None:
            cgroup.remove()
        raise
    finally:
        os.close(status_write)
        os.close(arguments_read)
    # Popen's pipes (stdout=PIPE, default buffering) are buffered readers.
    stdout = BoundedReader(cast(io.BufferedReader, process.stdout), limits.log_bytes)
    stderr = BoundedReader(cast(io.BufferedReader, process.stderr), limits.log_bytes)
    status = BoundedReader(os.fdopen(status_read, "rb"), 64 * 1024)
    killed_by = watch(process, output_dir=output_dir, limits=limits, started=started, cgroup=cgroup)
    for reader in (stdout, stderr, status):
        reader.join()
    wall_seconds = time.monotonic() - started
    statuses = [json.loads(line) for line in status.text().splitlines() if line.strip()]
    init_pid = next((entry["child-pid"] for entry in statuses if "child-pid" in entry), None)
    # Measured (and so reaped) even when the run was killed from outside, but then not kept: the processes
    # still running at the kill were never reaped by the init, so its figure leaves them out.
    peak_memory_bytes = sandbox_peak_memory(init_pid) if init_pid else None
    exit_code = next((entry["exit-code"] for entry in statuses if "exit-code" in entry), process.returncode)
    out_of_memory = cgroup is not None and cgroup.ran_out_of_memory(killed=exit_code == 128 + signal.SIGKILL)
    if cgroup is not None:
        cgroup.remove()
    if init_pid is None:
        raise SandboxUnavailable(
            "Podium cannot run code here: bubblewrap could not start a sandbox on this machine "
            f"({stderr.text().strip() or 'no message'}). docs/sandbox.md lists what it needs."
        )
    if killed_by or out_of_memory:
        peak_memory_bytes = None
    if not killed_by and out_of_memory:
        killed_by = "memory"
    if not killed_by:
        killed_by = limit_reached(exit_code, stderr.text(), output_dir=output_dir, limits=limits)
    files, skipped = ({}, []) if killed_by == "output" else read_output(output_dir)
    return RunResult(
        exit_code=exit_code,
        killed_by=killed_by,
        stdout=stdout.text(),
        stderr=stderr.text(),
        stdout_truncated=stdout.truncated,
        stderr_truncated=stderr.truncated,
        wall_seconds=wall_seconds,
        output_files=files,
        skipped_outputs=skipped,
        peak_memory_bytes=peak_memory_bytes,
    )


@functools.cache
def reaps_orphans() -> bool:
    """Make this process the reaper of its descendants' orphans (PR_SET_CHILD_SUBREAPER), once: the
    sandbox's init outlives bubblewrap by a moment, and must come back to the worker to be measured. Only
    that init is ever orphaned to it: when it dies it reaps every process of the sandbox itself."""
    with contextlib.suppress(OSError, AttributeError):
        return ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    return False


def sandbox_peak_memory(init_pid: int) -> int | None:
    """The largest resident memory of any one process of the run, in bytes, from the kernel's ru_maxrss of
    the sandbox's init (PID 1 inside), which holds the largest of every process it reaped. Not bubblewrap's:
    a process's ru_maxrss counts the memory of the process that forked it as it was at exec, so bubblewrap,
    forked from the worker, would report at least the worker's size; its init is forked from bubblewrap.
    bubblewrap exits as soon as it knows the program's exit status, before its init is reaped, and the init
    (killed as bubblewrap goes) comes back to the worker, its subreaper. None where it did not."""
    try:
        _, _, usage = os.wait4(init_pid, 0)
    except ChildProcessError:  # reaped by bubblewrap after all, or this process could not be a subreaper
        return None
    return usage.ru_maxrss * 1024


def run_cgroup(limits: Limits) -> cgroups.RunCgroup | None:
    """A cgroup of the run's own where the worker can make one (execution/cgroups.py: v2 or v1), else None:
    the rlimits then bound memory and processes. Its process limit leaves room for bubblewrap and the
    sandbox's init, which RLIMIT_NPROC (counted for the program's uid only) does not count. The empty
    cgroups of runs whose worker was killed are removed first, as their folders are."""
    backend = cgroups.support().backend
    if backend is None:
        return None
    try:
        backend.remove_stale()
        return backend.create(memory_bytes=limits.memory_bytes, processes=limits.processes + 2)
    except OSError:
        return None  # the folder went away or was locked since it was found: this run keeps the rlimits


def joining(cgroup: cgroups.RunCgroup) -> list[str]:
    """The command that comes before bubblewrap's: a shell that writes its own pid to the run's cgroup (to
    each hierarchy's, in cgroup v1) and becomes bubblewrap, so every process of the run starts inside it. A
    write that fails stops the shell before bubblewrap starts."""
    script = 'while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; shift; exec "$@"'
    return ["/bin/sh", "-c", script, "sh", *(str(procs) for procs in cgroup.procs), "--"]


def bubblewrap_argv(
    command: Sequence[str],
    *,
    status_fd: int,
    runtime: Runtime,
    output_dir: Path,
    read_only: Mapping[str, Path],
    env: Mapping[str, str],
    workdir: str,
    limits: Limits,
    as_root: bool,
    memory_by_cgroup: bool = False,
    output_at: str = OUTPUT,
    scratch_at: Sequence[str] = (),
) -> tuple[list[str], list[str]]:
    """bubblewrap's options, and the command it runs: dropping privileges, setting the rlimits, the program.
    A run in a cgroup of its own gets its memory and process limits from the cgroup instead of RLIMIT_AS and
    RLIMIT_NPROC."""
    argv = [
        "--unshare-net",
        "--unshare-pid",
        "--unshare-ipc",
        "--unshare-uts",
        "--unshare-cgroup-try",
        "--hostname",
        "sandbox",
        "--die-with-parent",
        "--new-session",
        "--ro-bind",
        "/usr",
        "/usr",
    ]
    # Merged-/usr systems link /bin, /lib... into /usr; others get them mounted read-only.
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            argv += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            argv += ["--ro-bind", top, top]
    # The scratch tmpfs first: a runtime or a folder that lives under the host's /tmp is mounted over it.
    argv += ["--perms", "1777", "--size", str(limits.scratch_bytes), "--tmpfs", SCRATCH]
    binds = [(str(folder), str(folder)) for folder in runtime.folders]
    if os.path.exists("/etc/ld.so.cache"):
        binds.append(("/etc/ld.so.cache", "/etc/ld.so.cache"))
    binds += [(str(Path(outside).resolve()), inside) for inside, outside in read_only.items()]
    # bubblewrap would make the folders above a mount point private to root (0700); the program must be able
    # to walk down to its runtime, so they are made first, readable by all (they hold nothing else).
    for folder in folders_above([inside for _, inside in binds] + [output_at, *scratch_at]):
        argv += ["--perms", "0755", "--dir", folder]
    for outside, inside in binds:
        argv += ["--ro-bind", outside, inside]
    for folder in scratch_at:
        argv += ["--perms", "1777", "--size", str(limits.scratch_bytes), "--tmpfs", folder]
    argv += ["--proc", "/proc", "--dev", "/dev"]
    argv += ["--bind", str(output_dir.resolve()), output_at, "--chdir", workdir]
    argv += ["--clearenv"]
    base_env = {
        "PATH": f"{runtime.python.parent}:/usr/local/bin:/usr/bin:/bin",
        "HOME": SCRATCH,
        "TMPDIR": SCRATCH,
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    for name, value in {**base_env, **env}.items():
        argv += ["--setenv", name, value]
    if as_root:
        # Root on the worker (CI, a container): drop to nobody in the host's own user namespace, so the
        # program is unprivileged outside the sandbox too. bubblewrap keeps no capability past exec.
        user = [
            "/usr/bin/setpriv",
            f"--reuid={SANDBOX_UID}",
            f"--regid={SANDBOX_GID}",
            "--clear-groups",
            "--inh-caps=-all",
            "--bounding-set=-all",
            "--",
        ]
    else:
        argv += ["--unshare-user", "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_GID), "--cap-drop", "ALL"]
        user = []
    argv += ["--json-status-fd", str(status_fd)]
    rlimits = [
        "/usr/bin/prlimit",
        # The soft limit sends SIGXCPU, the hard one a second later SIGKILL.
        f"--cpu={limits.cpu_seconds}:{limits.cpu_seconds + 1}",
        *([] if memory_by_cgroup else [f"--as={limits.memory_bytes}", f"--nproc={limits.processes}"]),
        f"--fsize={limits.file_size_bytes}",
        f"--nofile={limits.open_files}",
        "--core=0",
        "--",
    ]
    return argv, [*user, *rlimits, *command]


def folders_above(paths: Sequence[str]) -> list[str]:
    """The folders above these mount points that the sandbox's empty root lacks, parents first."""
    above = set()
    for path in paths:
        for parent in PurePosixPath(path).parents:
            text = str(parent)
            if text == "/" or text == SCRATCH or text == "/usr" or text.startswith("/usr/"):
                continue
            above.add(text)
    return sorted(above, key=lambda text: (text.count("/"), text))


class BoundedReader:
    """Drains a pipe in a thread, keeping its first `limit` bytes: a chatty program never blocks on a full
    pipe and never fills the worker's memory."""

    def __init__(self, stream: io.BufferedReader, limit: int) -> None:
        self.stream = stream
        self.limit = limit
        self.kept = bytearray()
        self.truncated = False
        self.thread = threading.Thread(target=self.drain, daemon=True)
        self.thread.start()

    def drain(self) -> None:
        with self.stream:
            # read1: whatever the pipe holds, without waiting for a full buffer.
            while chunk := self.stream.read1(65536):
                room = self.limit - len(self.kept)
                if room > 0:
                    self.kept += chunk[:room]
                if len(chunk) > room:
                    self.truncated = True

    def join(self) -> None:
        self.thread.join()

    def text(self) -> str:
        return self.kept.decode("utf-8", errors="replace")


def watch(
    process: subprocess.Popen,
    *,
    output_dir: Path,
    limits: Limits,
    started: float,
    cgroup: cgroups.RunCgroup | None = None,
) -> str:
    """Wait for the sandbox to end; kill it at the wall clock, when the output passes its limit, or when the
    kernel killed a process of its cgroup for memory (cgroup v2 kills the whole run itself; v1 only the
    largest process). Returns the limit that made the watcher kill it, or "". A thread blocks on the exit,
    so the run's end is seen at once (Popen.wait with a timeout polls, up to 50 ms late)."""
    ended = threading.Event()

    def wait_for_exit() -> None:
        process.wait()
        ended.set()

    threading.Thread(target=wait_for_exit, daemon=True).start()
    while not ended.wait(OUTPUT_CHECK_SECONDS):
        reason = ""
        if time.monotonic() - started > limits.wall_seconds:
            reason = "wall_clock"
        elif folder_size(output_dir) > limits.output_bytes:
            reason = "output"
        elif cgroup is not None and cgroup.ran_out_of_memory(killed=False):
            reason = "memory"
        if reason:
            kill_tree(process)
            ended.wait()
            return reason
    return ""


def kill_tree(process: subprocess.Popen) -> None:
    """Kill bubblewrap; its init (PID 1 of the sandbox, --die-with-parent) dies with it, and the kernel kills
    every process left in the PID namespace."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def limit_reached(exit_code: int, stderr: str, *, output_dir: Path, limits: Limits) -> str:
    """Which limit ended a run that the watcher did not stop, from its exit and its last words. Only the
    kernel's CPU limit sends SIGXCPU (a program that sends it to itself fools only itself)."""
    if exit_code == 128 + signal.SIGXCPU:
        return "cpu"
    if folder_size(output_dir) > limits.output_bytes:
        return "output"
    if exit_code != 0 and any(sign in stderr[-4096:] for sign in OUT_OF_MEMORY_SIGNS):
        return "memory"
    return ""


def folder_size(folder: Path) -> int:
    """Bytes used by the folder's files, counted without following links."""
    total = 0
    stack = [str(folder)]
    while stack:
        try:
            with os.scandir(stack.pop()) as entries:
                for entry in entries:
                    try:
                        info = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    total += max(info.st_size, info.st_blocks * 512)
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
        except OSError:
            continue
    return total


def read_output(folder: Path) -> tuple[dict[str, bytes], list[str]]:
    """The output folder's regular files by relative path, opened with O_NOFOLLOW so a link the program made
    (to /etc/shadow, to another run's folder) is listed as skipped and never read."""
    files: dict[str, bytes] = {}
    skipped: list[str] = []
    stack = [Path(folder)]
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as found:
                entries = sorted(found, key=lambda item: item.name)
        except OSError:  # a folder the program made unreadable
            skipped.append(str(current.relative_to(folder)))
            continue
        for entry in entries:
            relative = str(Path(entry.path).relative_to(folder))
            if entry.is_dir(follow_symlinks=False):
                stack.append(Path(entry.path))
            elif entry.is_file(follow_symlinks=False):
                try:
                    descriptor = os.open(entry.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
                except OSError:
                    skipped.append(relative)
                    continue
                with os.fdopen(descriptor, "rb") as handle:
                    files[relative] = handle.read()
            else:
                skipped.append(relative)
    return files, skipped
