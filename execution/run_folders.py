"""The temporary folders a worker unpacks runs into, and removing those whose worker was killed.

A run's folder is removed when the run ends; a worker killed mid-run (SIGKILL, out of memory) leaves it
behind. Each folder's name records the process that made it (its pid and the kernel's start time of that
process, so a reused pid is not mistaken for it): a folder whose process is gone is of a dead run, and
`remove_dead_run_folders` removes it, at the start of every run and from the sweeper. No Django here: the
tests kill a real process that imports only this and the sandbox.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

PREFIX = "podium-sandbox-"


def process_start(pid: int) -> str | None:
    """When the process started, in clock ticks since boot (/proc/PID/stat's 22nd field); None if there is
    no such process, or only its zombie (a killed worker whose parent has not reaped it yet: it runs
    nothing and will never remove its folder)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (2nd field) is in parentheses and may hold spaces: count from after its end.
    fields = stat[stat.rindex(")") + 2 :].split()
    if fields[0] in ("Z", "X"):  # the state: zombie, or dead
        return None
    return fields[19]


def make_run_folder(parent: Path | None = None) -> Path:
    """A new folder for one run (under the temporary folder by default), named after the process that makes
    it, readable by the sandbox's user."""
    pid = os.getpid()
    folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{pid}-{process_start(pid)}-", dir=parent))
    folder.chmod(0o755)
    return folder


def maker_is_alive(name: str) -> bool:
    """Whether the process named in a run folder's name still runs (the same process, not a reused pid)."""
    parts = name.removeprefix(PREFIX).split("-", 2)
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        return True  # not a name this module made (an older Podium's, someone else's): leave it alone
    pid, start, _ = parts
    return process_start(int(pid)) == start


def remove_dead_run_folders(parent: Path | None = None) -> list[Path]:
    """Remove the run folders under `parent` (the temporary folder) whose worker process is gone; returns
    them. Only this user's folders are looked at, and a link is never followed."""
    removed = []
    for entry in os.scandir(parent or tempfile.gettempdir()):
        try:
            if not entry.name.startswith(PREFIX) or not entry.is_dir(follow_symlinks=False):
                continue
            if entry.stat(follow_symlinks=False).st_uid != os.geteuid() or maker_is_alive(entry.name):
                continue
        except OSError:  # removed meanwhile by another worker's sweep
            continue
        remove_folder(Path(entry.path))
        removed.append(Path(entry.path))
    return removed


def remove_folder(folder: Path) -> None:
    """Remove a run's folder, including folders the program made unreadable (a worker that is not root owns
    them through its user namespace, so it may give itself the right back)."""

    def unlock_and_retry(function, path, _error) -> None:  # type: ignore[no-untyped-def]
        with contextlib.suppress(OSError):
            os.chmod(os.path.dirname(path), 0o700)
            if os.path.isdir(path) and not os.path.islink(path):
                os.chmod(path, 0o700)
            function(path)

    shutil.rmtree(folder, onerror=unlock_and_retry)
