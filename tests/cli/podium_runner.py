"""Running the installed `podium` command as a user would, from a test."""

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.services import missing

PODIUM = Path(sys.executable).parent / "podium"
CLI_SOURCE = Path(__file__).resolve().parent.parent.parent / "cli"


def require_podium() -> Path:
    if not PODIUM.exists():
        missing(f"The podium command is not installed at {PODIUM} (make dev installs it: -e ./cli)")
    return PODIUM


@dataclass
class Podium:
    """Runs `podium ARGS` in `cwd` with the environment of a configured user; returns the finished process."""

    env: dict
    cwd: Path

    def __call__(
        self, *args: str, timeout: float = 60, env: dict | None = None
    ) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(require_podium()), *args],
            cwd=self.cwd,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def ok(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        done = self(*args, **kwargs)
        assert done.returncode == 0, (
            f"podium {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
        )
        return done


def base_env(home: Path) -> dict:
    env = {name: value for name, value in os.environ.items() if not name.startswith("PODIUM_")}
    # This checkout's client, whichever checkout the installed `podium` was installed from (-e ./cli).
    env.update(HOME=str(home), COLUMNS="200", PYTHONUNBUFFERED="1", PYTHONPATH=str(CLI_SOURCE))
    return env
