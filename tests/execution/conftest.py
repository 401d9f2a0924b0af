import io
import os
import textwrap
import zipfile
from pathlib import Path

import pytest

from execution.runtimes import default_runtime
from execution.sandbox import Limits, RunResult, run_sandboxed
from tests.services import require_bubblewrap

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
