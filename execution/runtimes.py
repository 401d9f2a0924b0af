"""Runtimes: the Python environments sandboxed programs run in.

`default` is the worker's own interpreter and virtualenv (numpy, scipy, pandas, scikit-learn, psutil: what
Podium itself runs on). An operator adds others from a requirements file (`manage.py build_runtime NAME
--requirements FILE`): each is a virtualenv built once under the runtimes folder, in a subfolder named by
the hash of its normalised package list, so two names with one list share one build and a changed list
builds anew. No Django here: the folder is passed in.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

from execution.sandbox import Runtime

DEFAULT = "default"
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,49}$")


class RuntimeUnavailable(Exception):
    """A runtime that cannot be used or built; the message names it and the reason."""

    code = "runtime"


def prefixes_of(prefixes: list[str]) -> tuple[Path, ...]:
    """The folders to mount for an interpreter's prefixes; /usr is always mounted already."""
    folders: list[Path] = []
    for prefix in prefixes:
        folder = Path(prefix).resolve()
        if folder == Path("/usr") or Path("/usr") in folder.parents or folder in folders:
            continue
        folders.append(folder)
    return tuple(folders)


def default_runtime() -> Runtime:
    """The worker's own interpreter and its virtualenv."""
    return Runtime(
        name=DEFAULT,
        python=Path(sys.executable),
        folders=prefixes_of([sys.prefix, sys.base_prefix, sys.exec_prefix]),
    )


def runtime_named(name: str, folder: Path) -> Runtime:
    """The runtime called `name`: the default one, or one an operator built into `folder`."""
    if name == DEFAULT:
        return default_runtime()
    record = Path(folder) / f"{name}.json" if NAME_PATTERN.match(name) else None
    if record is None or not record.is_file():
        raise RuntimeUnavailable(
            f"No runtime is called {name!r} on this worker: build it with "
            f"`manage.py build_runtime {name} --requirements FILE`."
        )
    data = json.loads(record.read_text())
    return Runtime(name=name, python=Path(data["python"]), folders=tuple(Path(p) for p in data["folders"]))


def normalised_requirements(text: str) -> list[str]:
    """The package list without comments, blank lines or order, so equal lists hash equal."""
    lines = {line.split("#", 1)[0].strip() for line in text.splitlines()}
    return sorted(line for line in lines if line)


def requirements_hash(requirements: list[str]) -> str:
    return hashlib.sha256("\n".join(requirements).encode()).hexdigest()[:20]


def build_runtime(name: str, requirements_text: str, folder: Path) -> tuple[Runtime, bool]:
    """Build (or reuse) the virtualenv for this package list and record it under `name`. Returns the runtime
    and whether it was built now (False: an earlier build of the same list was reused)."""
    if name == DEFAULT or not NAME_PATTERN.match(name):
        raise RuntimeUnavailable(
            f"{name!r} cannot name a runtime: use lower-case letters, digits, - and _ (not 'default')."
        )
    requirements = normalised_requirements(requirements_text)
    if any(line.startswith("-") for line in requirements):
        raise RuntimeUnavailable(
            "A runtime's requirements list packages only: pip options such as -e or -r are refused."
        )
    folder = Path(folder)
    target = folder / requirements_hash(requirements)
    built = not (target / ".complete").exists()
    if built:
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
            [sys.executable, "-m", "venv", "--without-pip", "--clear", str(target)], check=True
        )
        (target / "requirements.txt").write_text("\n".join(requirements) + "\n")
        if requirements:
            result = subprocess.run(  # noqa: S603
                [
                    *(sys.executable, "-m", "pip", "--python", str(target / "bin" / "python"), "install"),
                    *("-q", "--no-input", "-r", str(target / "requirements.txt")),
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                raise RuntimeUnavailable(
                    f"pip could not install runtime {name!r}: {result.stderr.strip()[-2000:]}"
                )
        (target / ".complete").write_text("")
    python = target / "bin" / "python"
    prefixes = subprocess.run(  # noqa: S603
        [str(python), "-c", "import sys, json; print(json.dumps([sys.prefix, sys.base_prefix]))"],
        capture_output=True,
        text=True,
        check=True,
    )
    runtime = Runtime(name=name, python=python, folders=prefixes_of(json.loads(prefixes.stdout)))
    record = {
        "python": str(python),
        "folders": [str(path) for path in runtime.folders],
        "hash": target.name,
        "requirements": requirements,
    }
    (folder / f"{name}.json").write_text(json.dumps(record, indent=2) + "\n")
    return runtime, built
