"""Reading a host's scoring program: a zip with `metadata.yaml` at its top whose `command` runs it.

No models here: the checks read bytes and a folder, so the Codabench bundle importer can reuse them. The
command is kept as the host wrote it (split with shlex when it is a string); Codabench's placeholders
($program, $input, $output, $shared) are replaced with the sandbox's folders when it runs (`sandbox_command`).
"""

from __future__ import annotations

import io
import re
import shlex
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from execution.archives import BadArchive, extract_zip
from scoring_programs.errors import ProgramRefused

METADATA = "metadata.yaml"
LONGEST_COMMAND = 2000
# Codabench's folders inside the sandbox: its programs read and write these paths unchanged.
APP = "/app"
PROGRAM_DIR = f"{APP}/program"
INPUT_DIR = f"{APP}/input"
OUTPUT_DIR = f"{APP}/output"
SHARED_DIR = f"{APP}/shared"
PLACEHOLDERS = {"program": PROGRAM_DIR, "input": INPUT_DIR, "output": OUTPUT_DIR, "shared": SHARED_DIR}
PLACEHOLDER = re.compile(r"\$(program|input|output|shared)\b")


@dataclass(frozen=True)
class ProgramArchive:
    command: list[str]


def refused(
    file_name: str, message: str, key: str = "", code: str = "invalid_scoring_program"
) -> ProgramRefused:
    where = f"{file_name}, key '{key}'" if key else file_name
    return ProgramRefused(f"{where}: {message}", code=code, details={"file": file_name, "key": key or None})


def read_program(data: bytes, *, file_name: str, max_bytes: int) -> ProgramArchive:
    """Check a program's zip (paths, links, zip bombs) and read its metadata.yaml; ProgramRefused naming the
    file and the key otherwise."""
    with tempfile.TemporaryDirectory(prefix="podium-program-") as folder:
        try:
            extract_zip(io.BytesIO(data), Path(folder), max_bytes=max_bytes)
        except BadArchive as error:
            raise refused(file_name, str(error), code="bad_archive") from error
        metadata = Path(folder) / METADATA
        if not metadata.is_file():
            nested = sorted(str(path.relative_to(folder)) for path in Path(folder).rglob(METADATA))
            hint = f" (it is at {nested[0]}: zip the folder's contents, not the folder)" if nested else ""
            raise refused(file_name, f"the zip has no {METADATA} at its top level{hint}.", code="no_metadata")
        text = metadata.read_bytes().decode("utf-8", errors="replace")
    return ProgramArchive(command=command_of(parsed_metadata(text, METADATA)))


def parsed_metadata(text: str, file_name: str) -> dict:
    """The YAML mapping in `text` (safe_load: no object tags), or ProgramRefused naming its line and
    column."""
    try:
        loaded = yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise refused(
            file_name, f"the YAML does not parse{where}: {error.problem or error}.", code="bad_yaml"
        ) from error
    except yaml.YAMLError as error:
        raise refused(file_name, f"the YAML does not parse: {error}.", code="bad_yaml") from error
    if not isinstance(loaded, dict):
        raise refused(
            file_name, "must be a mapping of keys (such as command: python score.py).", code="bad_yaml"
        )
    return loaded


def command_of(metadata: dict, file_name: str = METADATA) -> list[str]:
    """The program's command as a list of arguments: a string split with shlex, or a list of strings."""
    command = metadata.get("command")
    if command is None or command == "" or command == []:
        raise refused(
            file_name,
            "the program needs a command, such as: command: python $program/score.py",
            "command",
            code="no_command",
        )
    if isinstance(command, str):
        if len(command) > LONGEST_COMMAND:
            raise refused(
                file_name, f"write at most {LONGEST_COMMAND} characters.", "command", code="bad_command"
            )
        try:
            arguments = shlex.split(command)
        except ValueError as error:
            raise refused(
                file_name,
                f"the command does not split into arguments ({error}).",
                "command",
                code="bad_command",
            ) from error
    elif isinstance(command, list) and all(isinstance(part, str | int | float) for part in command):
        arguments = [str(part) for part in command]
    else:
        raise refused(file_name, "must be a string or a list of strings.", "command", code="bad_command")
    if not arguments or sum(len(part) for part in arguments) > LONGEST_COMMAND:
        raise refused(
            file_name,
            f"must hold 1 to {LONGEST_COMMAND} characters of arguments.",
            "command",
            code="bad_command",
        )
    if any("\0" in part for part in arguments):
        raise refused(file_name, "may not hold a NUL character.", "command", code="bad_command")
    return arguments


def sandbox_command(arguments: list[str]) -> list[str]:
    """The command with Codabench's placeholders replaced by the folders they name inside the sandbox."""
    return [PLACEHOLDER.sub(lambda found: PLACEHOLDERS[found.group(1)], part) for part in arguments]
