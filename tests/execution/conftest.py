import io
import os
import textwrap
import zipfile
from pathlib import Path

import pytest

from execution import cgroups
from execution.runtimes import default_runtime
from execution.sandbox import Limits, RunResult, run_sandboxed
from tests.services import in_ci, require_bubblewrap

# Generous limits: a loaded 2-core machine still runs each program well inside them, and the tests that
# hit one lower only that one.
GENEROUS = Limits(
    cpu_seconds=60,
    memory_bytes=1024**3,
    processes=32,
    file_size_bytes=4 * 1024**2,
    open_files=64,
    wall_seconds=120,
    output_bytes=4 * 1024**2,
    scratch_bytes=16 * 1024**2,
    log_bytes=16 * 1024,
)


@pytest.fixture
def sandbox(tmp_path):
    """Runs a Python program in the sandbox, with /input holding `inputs` and the given limits changed."""
    require_bubblewrap()

    def run(source: str, *, inputs: dict[str, str] | None = None, env=None, **limits) -> RunResult:
        program = tmp_path / "program"
        program.mkdir(exist_ok=True)
        (program / "main.py").write_text(textwrap.dedent(source))
        input_dir = tmp_path / "input"
        input_dir.mkdir(exist_ok=True)
        for name, text in (inputs or {}).items():
            (input_dir / name).write_text(text)
        output = tmp_path / f"output-{len(list(tmp_path.glob('output-*')))}"
        return run_sandboxed(
            ["python3", "/program/main.py"],
            runtime=default_runtime(),
            output_dir=output,
            read_only={"/program": program, "/input": input_dir},
            env=env,
            limits=Limits(**{**GENEROUS.__dict__, **limits}),
        )

    return run


def processes_with(marker: str) -> list[int]:
    """Host processes whose command line holds `marker` (the test's own excluded)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker.encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def offer_bare_runtime(folder: Path, settings) -> Path:
    """Build a runtime from an empty list (no numpy, no pandas) under `folder` and offer it to hosts as
    `bare`; returns the runtimes folder."""
    from django.core.management import call_command

    settings.PODIUM_RUNTIMES_DIR = folder / "runtimes"
    settings.PODIUM_SANDBOX_RUNTIMES = ["bare"]
    requirements = folder / "requirements.txt"
    requirements.write_text("")
    call_command("build_runtime", "bare", requirements=requirements)
    return settings.PODIUM_RUNTIMES_DIR


def require_run_cgroups() -> cgroups.Backend:
    """Where this worker makes the runs' cgroups. Skips where it makes none, saying why; under CI=true that
    is a failure unless the machine lacks them (no cgroup hierarchy this process may write) or they are
    turned off."""
    found = cgroups.support()
    if found.backend is None:
        reason = f"this worker cannot make cgroups ({found.reason}): runs keep the rlimits"
        if in_ci() and cgroups.configured != "off" and machine_offers_cgroups():
            pytest.fail(f"{reason}, yet this machine's cgroups are writable (CI=true: a failure)")
        pytest.skip(reason)
    return found.backend


def machine_offers_cgroups() -> bool:
    """Whether this process may write its own cgroups in the v1 memory and pids hierarchies, or sits in a
    delegated cgroup v2: where the detection must find cgroups."""
    v1 = cgroups.own_v1_cgroups(
        Path("/proc/self/mountinfo").read_text(), Path("/proc/self/cgroup").read_text()
    )
    if set(cgroups.CONTROLLERS) <= v1.keys() and all(os.access(folder, os.W_OK) for folder in v1.values()):
        return True
    v2 = cgroups.own_cgroup()
    return v2 is not None and (v2.name == cgroups.WORKER_SUBGROUP or cgroups.is_delegated(v2))


@pytest.fixture
def rlimits_only():
    """Runs bounded by rlimits alone (PODIUM_SANDBOX_CGROUP=off) for the test, so the fallback is proven on
    a worker that makes cgroups too."""
    setting = cgroups.configured
    cgroups.configure("off")
    yield
    cgroups.configure(setting)


@pytest.fixture(params=["cgroup", "rlimits"])
def memory_and_processes_by(request):
    """Each way a run's memory and processes are bounded: its own cgroup (where the worker makes one) and
    the rlimits."""
    if request.param == "cgroup":
        require_run_cgroups()
    else:
        request.getfixturevalue("rlimits_only")
    return request.param


def repacked(
    files: dict[str, bytes],
    *,
    date_time=(2020, 1, 1, 0, 0, 0),
    reverse: bool = False,
    compression: int = zipfile.ZIP_DEFLATED,
    with_folders: bool = False,
    executable: frozenset = frozenset(),
) -> bytes:
    """The files packed one way: a stamp, an order, a compression, folder entries, executable members."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        folders = {name.rsplit("/", 1)[0] + "/" for name in files if "/" in name} if with_folders else set()
        for folder in sorted(folders):
            archive.writestr(zipfile.ZipInfo(folder, date_time=date_time), b"")
        for name in sorted(files, reverse=reverse):
            member = zipfile.ZipInfo(name, date_time=date_time)
            member.compress_type = compression
            member.external_attr = (0o100755 if name in executable else 0o100644) << 16
            archive.writestr(member, files[name])
    return buffer.getvalue()
