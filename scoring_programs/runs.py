"""Running a scoring program in the sandbox, with Codabench's folders, and reading its scores.json.

Everything a run reads comes from the storage (a sandbox worker shares no disk with the web server): the
program's zip, the pair's solution and the host's reference files into /app/input/ref, the submission into
/app/input/res (a zip unpacked, any other file under its own name). The program writes /app/output; its
scores.json (or a version 1.5 program's scores.txt) gives one value per column.
"""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils import timezone

from competitions.phases import ScoringSetup
from datasets.storage import private_storage
from execution.archives import BadArchive, extract_zip, make_readable
from execution.run_folders import make_run_folder, remove_folder
from execution.runtimes import RuntimeUnavailable, runtime_named
from execution.sandbox import Limits, RunResult, SandboxUnavailable, run_sandboxed
from execution.services import sandbox_limits
from scoring_programs.archive import INPUT_DIR, OUTPUT_DIR, PROGRAM_DIR, SHARED_DIR, sandbox_command
from scoring_programs.models import ProgramRun, ScoringProgram

SCORES_FILE = "scores.json"
# What CodaLab's and Codabench's version 1.5 programs write instead: one "key: value" line per score.
SCORES_TEXT = "scores.txt"
KILLED = {
    "wall_clock": "it ran past its wall-clock limit of {wall} s and was stopped",
    "cpu": "it used its {cpu} CPU seconds and was stopped",
    "memory": "it ran out of its {memory} MB of memory",
    "output": "it wrote more than the output limit",
}


class ScoresRefused(Exception):
    """scores.json is missing, unreadable, or lacks a column's number: the host's program is at fault."""


class SubmissionUnreadable(Exception):
    """The participant's zip cannot be unpacked; the message is about their own file, safe to show them."""


@dataclass(frozen=True)
class Inputs:
    """What a run scores: a submission's name and a way to open its bytes from the storage."""

    name: str
    open: Callable[[], AbstractContextManager[IO[bytes]]]


def program_limits(program: ScoringProgram) -> Limits:
    """The operator's limits, with the host's wall clock, CPU time and memory for this program."""
    return replace(
        sandbox_limits(),
        wall_seconds=float(program.wall_seconds),
        cpu_seconds=program.cpu_seconds,
        memory_bytes=program.memory_mb * 1024**2,
    )


def execute(
    run: ProgramRun, *, program: ScoringProgram, setup: ScoringSetup, submission: Inputs
) -> ProgramRun:
    """Run the program on the submission and the pair's reference data; record the outcome on `run`.

    Raises SubmissionUnreadable for a participant's bad zip and SandboxUnavailable or RuntimeUnavailable
    when this worker cannot run code (both recorded on the run first)."""
    ProgramRun.objects.filter(pk=run.pk).update(status=ProgramRun.Status.RUNNING)
    work = make_run_folder()  # removed by the next run or the sweeper if this worker dies mid-run
    try:
        result = run_in_folder(work, program=program, setup=setup, submission=submission)
    except (SubmissionUnreadable, SandboxUnavailable, RuntimeUnavailable, BadArchive) as error:
        finish(run, status=ProgramRun.Status.FAILED, failure=str(error))
        raise
    finally:
        remove_folder(work)
    outcome: dict[str, Any] = {
        "exit_code": result.exit_code,
        "killed_by": result.killed_by,
        "stdout": result.stdout,
        "stderr": result.stderr,
        "wall_seconds": result.wall_seconds,
    }
    if not result.succeeded:
        return finish(run, status=ProgramRun.Status.FAILED, failure=ended_badly(result, program), **outcome)
    try:
        scores = scores_from(result.output_files, program.columns)
    except ScoresRefused as error:
        return finish(run, status=ProgramRun.Status.FAILED, failure=str(error), **outcome)
    return finish(run, status=ProgramRun.Status.SUCCEEDED, scores=scores, **outcome)


def run_in_folder(
    work: Path, *, program: ScoringProgram, setup: ScoringSetup, submission: Inputs
) -> RunResult:
    storage = private_storage()
    cap = settings.PODIUM_SANDBOX_INPUT_MB * 1024**2
    program_dir, shared = work / "program", work / "shared"
    reference, result = work / "input" / "ref", work / "input" / "res"
    for folder in (program_dir, shared, reference, result):
        folder.mkdir(parents=True)
    with storage.open(program.archive_key, "rb") as source:
        extract_zip(source, program_dir, max_bytes=cap)
    if program.reference_key:
        with storage.open(program.reference_key, "rb") as source:
            extract_zip(source, reference, max_bytes=cap)
    if setup.solution_key:
        with (
            storage.open(setup.solution_key, "rb") as source,
            (reference / Path(setup.solution_key).name).open("wb") as out,
        ):
            shutil.copyfileobj(source, out)
    place_submission(submission, result, max_bytes=cap)
    make_readable(work)
    return run_sandboxed(
        sandbox_command(program.command),
        runtime=runtime_named(program.runtime, Path(settings.PODIUM_RUNTIMES_DIR)),
        output_dir=work / "output",
        read_only={PROGRAM_DIR: program_dir, INPUT_DIR: work / "input", SHARED_DIR: shared},
        workdir=PROGRAM_DIR,
        limits=program_limits(program),
        output_at=OUTPUT_DIR,
    )


def place_submission(submission: Inputs, folder: Path, *, max_bytes: int) -> None:
    """A zip is unpacked into input/res (Codabench's result zip); any other file goes in under its name."""
    with submission.open() as source:
        if submission.name.lower().endswith(".zip"):
            try:
                extract_zip(source, folder, max_bytes=max_bytes)
            except BadArchive as error:
                raise SubmissionUnreadable(f"Your zip cannot be unpacked: {error}") from error
            return
        name = Path(submission.name).name or "submission"
        with (folder / name).open("wb") as out:
            shutil.copyfileobj(source, out)


def ended_badly(result: RunResult, program: ScoringProgram) -> str:
    if result.killed_by:
        reason = KILLED.get(result.killed_by, "it was stopped ({killed_by})")
        return (
            "The scoring program failed: "
            + reason.format(
                wall=program.wall_seconds,
                cpu=program.cpu_seconds,
                memory=program.memory_mb,
                killed_by=result.killed_by,
            )
            + "."
        )
    return f"The scoring program exited with code {result.exit_code}; its logs say why."


def scores_from(files: dict[str, bytes], columns: list[dict]) -> dict[str, float]:
    """Each column's value by label from the program's scores.json (or, without one, its scores.txt);
    ScoresRefused naming the file and the key otherwise."""
    if SCORES_FILE not in files and SCORES_TEXT in files:
        name, data = SCORES_TEXT, text_scores(files[SCORES_TEXT])
    else:
        name, data = SCORES_FILE, json_scores(files.get(SCORES_FILE))
    scores: dict[str, float] = {}
    for column in columns:
        key = column["key"]
        if key not in data:
            found = ", ".join(sorted(map(str, data))[:20]) or "no keys"
            raise ScoresRefused(f"{name} has no key '{key}' (column {column['label']}); it has {found}.")
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            shown = json.dumps(value)[:40] if name == SCORES_FILE else repr(value)[:40]
            raise ScoresRefused(
                f"{name}'s '{key}' (column {column['label']}) is {shown}, not a finite number."
            )
        scores[column["label"]] = float(value)
    return scores


def json_scores(raw: bytes | None) -> dict:
    if raw is None:
        raise ScoresRefused(
            f"The scoring program wrote no {SCORES_FILE} (nor {SCORES_TEXT}) in its output folder ({OUTPUT_DIR})."
        )
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise ScoresRefused(f"{SCORES_FILE} is not valid JSON: {error}.") from error
    if not isinstance(data, dict):
        raise ScoresRefused(f"{SCORES_FILE} must be a JSON object of column keys to numbers.")
    return data


def text_scores(raw: bytes) -> dict[str, float | str]:
    """scores.txt's "key: value" lines (blank lines skipped); a value that is not a number stays text so
    the column's check names it."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ScoresRefused(f"{SCORES_TEXT} is not UTF-8 text: {error}.") from error
    data: dict[str, float | str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        key, colon, value = line.partition(":")
        if not colon or not key.strip():
            raise ScoresRefused(
                f"{SCORES_TEXT}, line {number}: write 'key: value', not {line.strip()[:40]!r}."
            )
        try:
            data[key.strip()] = float(value.strip())
        except ValueError:
            data[key.strip()] = value.strip()
    return data


def finish(
    run: ProgramRun, *, status: str, failure: str = "", scores: dict | None = None, **fields: Any
) -> ProgramRun:
    values = {
        "status": status,
        "failure": failure,
        "scores": scores or {},
        "finished_at": timezone.now(),
        **fields,
    }
    ProgramRun.objects.filter(pk=run.pk).update(**values)
    for name, value in values.items():
        setattr(run, name, value)
    return run
