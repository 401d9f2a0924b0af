"""`make run`: the Procfile's processes under honcho, each stopped the way it expects.

`honcho start` stops its processes with SIGTERM to each one's whole process group, and through `/bin/sh`,
which does not pass a signal on. Celery's pool processes are in that group: they die at once (the worker
logs each as an ERROR, and a task they were scoring is cut short) while the main process begins its warm
shutdown; and honcho kills whatever still runs 5 seconds after the first process stopped, which is about
what a warm shutdown of Celery's prefork pool takes on an idle machine. Here each command is `exec`ed (the
signal reaches gunicorn or Celery themselves, not the shell), a stop (Ctrl-C, SIGTERM) sends SIGTERM to each
main process alone (gunicorn's master stops its workers gracefully, Celery's main process lets its pool
finish the task in hand), and only a process still running `KILL_AFTER` seconds later is killed with its
whole group. The exit status is 0 when a stop was asked for and every process stopped on its own.

    python -m config.procfile [-f Procfile] [-p PORT]
"""

import argparse
import contextlib
import os
import signal
import sys
from pathlib import Path

import honcho.manager
from honcho.compat import ProcessManager
from honcho.environ import expand_processes, parse_procfile
from honcho.manager import Manager
from honcho.printer import Printer

KILL_AFTER = 20  # seconds; a warm shutdown takes about 5 (Celery's pool), and more on a busy machine


class MainProcessFirst(ProcessManager):  # type: ignore[misc]
    """SIGTERM to the main process alone; SIGKILL (honcho's last resort) still goes to the whole group."""

    def terminate(self, pid: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)


class GracefulManager(Manager):  # type: ignore[misc]
    def __init__(self, printer: Printer) -> None:
        super().__init__(printer)
        self._procmgr = MainProcessFirst()
        self.stop_asked = False

    def add_process(self, name: str, cmd: str, **options: object) -> object:
        # honcho runs each command with `sh -c`; `exec` makes the program itself the process it signals.
        return super().add_process(name, f"exec {cmd}", **options)

    def terminate(self) -> None:
        if self.returncode in (130, 143):  # honcho sets these just before, when SIGINT or SIGTERM arrives
            self.stop_asked = True
        super().terminate()

    def _killall(self, force: bool = False) -> None:
        if force:
            self.stop_asked = False  # a process had to be killed: not a clean stop
        super()._killall(force=force)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m config.procfile", description=__doc__.splitlines()[0])
    parser.add_argument("-f", "--procfile", default="Procfile", type=Path)
    parser.add_argument("-p", "--port", default=int(os.environ.get("PORT", "8000")), type=int)
    args = parser.parse_args(argv)

    honcho.manager.KILL_WAIT = KILL_AFTER
    manager = GracefulManager(Printer(sys.stdout, colour=sys.stdout.isatty()))
    procfile = parse_procfile(args.procfile.read_text())
    for process in expand_processes(procfile.processes, port=args.port):
        manager.add_process(process.name, process.cmd, quiet=process.quiet, env={**os.environ, **process.env})
    manager.loop()
    if manager.stop_asked and all(p.get("returncode") == 0 for p in manager._processes.values()):
        return 0
    return int(manager.returncode or 0)


if __name__ == "__main__":
    sys.exit(main())
