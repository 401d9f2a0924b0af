"""Code submissions on the upload side: checking a participant's zip, and the host's inputs for a phase and
track that takes code (docs/code-submissions.md). Running the code is submissions.ingestion's job."""

from __future__ import annotations

import shlex
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pandas as pd
import yaml
from django.conf import settings
from django.db import transaction

from accounts.models import User
from competitions import locks
from competitions.models import Competition, PhaseTrack
from competitions.phases import scoring_setup
from competitions.queries import require_manager
from config.errors import DomainError
from datasets.storage import private_storage, store, stream_size
from execution.archives import BadArchive, content_digest, extract_zip
from submissions.models import Submission
from submissions.signals import code_awaits_rerun

# What a code zip must hold at its top level, one of them.
ENTRY_POINTS = ("model.py", "main.py", "metadata")


class CodeRefused(DomainError):
    code = "code_refused"


def is_code_upload(file_name: str) -> bool:
    return file_name.lower().endswith(".zip")


def is_code_for(pair: PhaseTrack, file_name: str, stream: IO[bytes] | None = None) -> bool:
    """A zip is code, except where the pair takes only files and a host's program scores them: there it is
    a result zip the program reads (docs/scoring-programs.md). Where the pair takes both and a program
    scores it (Codabench's way), the zip's content decides: an entry point at its top makes it code."""
    if not is_code_upload(file_name):
        return False
    if pair.program_fingerprint and pair.accepts == PhaseTrack.Accepts.BOTH and stream is not None:
        return has_entry_point(stream)
    return pair.takes_code or not pair.program_fingerprint


def has_entry_point(stream: IO[bytes]) -> bool:
    """The zip holds model.py, main.py or a metadata file at its top; a file that is no zip counts as code,
    so the code checks refuse it by name."""
    try:
        with zipfile.ZipFile(stream) as archive:
            top = {name for name in archive.namelist() if "/" not in name}
    except (zipfile.BadZipFile, OSError, ValueError):
        return True
    finally:
        stream.seek(0)
    return bool(top & set(ENTRY_POINTS))


def check_accepts(pair: PhaseTrack, file_name: str, stream: IO[bytes] | None = None) -> None:
    """Refuse code where the phase and track take files, and files where it takes code only."""
    where = f"{pair.phase.name} / {pair.track.name}"
    if is_code_for(pair, file_name, stream) and not pair.takes_code:
        raise CodeRefused(
            f"{where} takes prediction files (.csv), not code: '{file_name}' is a zip.",
            code="code_not_accepted",
        )
    if not is_code_for(pair, file_name, stream) and not pair.takes_files:
        raise CodeRefused(
            f"{where} takes code only: upload a .zip holding a model.py, a main.py or a metadata file, "
            f"not '{file_name}'.",
            code="files_not_accepted",
        )


def check_code_zip(file_name: str, stream: IO[bytes]) -> None:
    """Refuse a zip that cannot run before it is stored or counted: not a zip, too large, paths that leave
    its folder or links (execution.archives unpacks it as the sandbox worker will), or no entry point."""
    limit_mb = settings.PODIUM_MAX_UPLOAD_MB
    size = stream_size(stream)
    if size == 0:
        raise CodeRefused(f"'{file_name}' is empty.", code="empty_file")
    if size > limit_mb * 1024 * 1024:
        raise CodeRefused(
            f"'{file_name}' is {size / 2**20:.1f} MB; the limit is {limit_mb} MB.", code="file_too_large"
        )
    stream.seek(0)
    if not zipfile.is_zipfile(stream):
        raise CodeRefused(f"'{file_name}' is not a zip file.", code="not_zip")
    stream.seek(0)
    with tempfile.TemporaryDirectory(prefix="podium-code-check-") as folder:
        try:
            extract_zip(stream, Path(folder), max_bytes=settings.PODIUM_SANDBOX_INPUT_MB * 1024**2)
        except BadArchive as error:
            raise CodeRefused(f"'{file_name}': {error}", code="bad_zip") from error
        finally:
            stream.seek(0)
        top = {path.name for path in Path(folder).iterdir()}
        nested = sorted(
            str(path.relative_to(folder)) for path in Path(folder).glob("*/*") if path.name in ENTRY_POINTS
        )
    if not top & set(ENTRY_POINTS):
        hint = (
            f" It has {nested[0]}: zip the folder's contents, not the folder."
            if nested
            else " model.py holds a class Model (fit, predict) or a function predict; main.py or a metadata "
            "file's command writes predictions.csv itself."
        )
        raise CodeRefused(
            f"'{file_name}' has no model.py, main.py or metadata file at its top level.{hint}",
            code="no_entry_point",
        )


# Where a host's ingestion program finds its folders (Codabench's layout), by the placeholders its command
# may use (Codalab's names, and Codabench's).
PLACEHOLDERS = {
    "$program": "/app/program",
    "$ingestion_program": "/app/program",
    "$input": "/app/input_data",
    "$output": "/app/output",
    "$shared": "/app/shared",
    "$submission_program": "/app/ingested_program",
    "$ingested_program": "/app/ingested_program",
}
PROGRAM_METADATA = ("metadata.yaml", "metadata")


def ingestion_command(program: Path, *, name: str = "the ingestion program") -> list[str]:
    """The command of an unpacked ingestion program: metadata.yaml's (or metadata's) `command`, with the
    folder placeholders replaced by where they are in the sandbox."""
    found = next((program / file for file in PROGRAM_METADATA if (program / file).is_file()), None)
    if found is None:
        raise input_error(
            "ingestion_program", f"{name} has no metadata.yaml at its top level.", "ingestion_program_invalid"
        )
    try:
        metadata = yaml.safe_load(found.read_text(encoding="utf-8", errors="replace"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise input_error(
            "ingestion_program",
            f"{name}: {found.name} is not valid YAML{where}.",
            "ingestion_program_invalid",
        ) from error
    command = metadata.get("command") if isinstance(metadata, dict) else None
    if not isinstance(command, str) or not command.strip():
        raise input_error(
            "ingestion_program", f"{name}: {found.name} has no `command`.", "ingestion_program_invalid"
        )
    parts = shlex.split(command)
    for placeholder, path in sorted(PLACEHOLDERS.items(), key=lambda item: -len(item[0])):
        parts = [part.replace(placeholder, path) for part in parts]
    return parts


def check_ingestion_program(name: str, stream: IO[bytes]) -> None:
    """A host's ingestion program: a zip that unpacks safely and names its command."""
    with tempfile.TemporaryDirectory(prefix="podium-ingestion-check-") as folder:
        try:
            extract_zip(stream, Path(folder), max_bytes=settings.PODIUM_SANDBOX_INPUT_MB * 1024**2)
        except BadArchive as error:
            raise input_error(
                "ingestion_program", f"'{name}': {error}", "ingestion_program_invalid"
            ) from error
        finally:
            stream.seek(0)
        ingestion_command(Path(folder), name=f"'{name}'")


def check_inputs_file(name: str, stream: IO[bytes], *, pair: PhaseTrack, field: str) -> int:
    """Hidden or sample inputs: a CSV with the id column and without the targets (the participant's code
    reads every column). Returns its number of rows. A zip (a folder of inputs for a host's own ingestion
    program, as Codabench's input data) is only checked to unpack safely."""
    if is_code_upload(name):
        with tempfile.TemporaryDirectory(prefix="podium-inputs-check-") as folder:
            try:
                extract_zip(stream, Path(folder), max_bytes=settings.PODIUM_SANDBOX_INPUT_MB * 1024**2)
            except BadArchive as error:
                raise input_error(field, f"'{name}': {error}", "invalid_inputs") from error
            finally:
                stream.seek(0)
        return 0
    setup = scoring_setup(pair)
    try:
        frame = pd.read_csv(stream)
    except (ValueError, UnicodeDecodeError) as error:
        message = f"'{name}' is not a CSV file Podium can read ({error})."
        raise input_error(field, message, "invalid_inputs") from error
    finally:
        stream.seek(0)
    if setup.id_column not in frame.columns:
        raise input_error(field, f"'{name}' has no id column '{setup.id_column}'.", "invalid_inputs")
    leaking = [column for column in setup.target_columns if column in frame.columns]
    if leaking:
        raise input_error(
            field,
            f"'{name}' holds the target column(s) {', '.join(leaking)}: the participant's code would read "
            "them. Remove them (the solution keeps the answers).",
            "inputs_hold_targets",
        )
    if frame.empty:
        raise input_error(field, f"'{name}' has no rows.", "invalid_inputs")
    return len(frame)


def changed_run_field(
    pair: PhaseTrack, stored: dict, default_ingestion: bool, ingestion_digest: str = ""
) -> str:
    """The field of this change that the hidden runs depend on ("" when none): new hidden inputs, or a new
    (or no more) ingestion program. An ingestion program is new when its content is (`ingestion_digest`,
    execution.archives.content_digest of the upload): the same files packed again change nothing."""
    if "hidden_inputs" in stored and stored["hidden_inputs"].sha256 != pair.code_inputs_sha256:
        return "hidden_inputs"
    if "ingestion_program" in stored and ingestion_digest != stored_ingestion_digest(pair):
        return "ingestion_program"
    if default_ingestion and pair.ingestion_program_key:
        return "ingestion_program"
    return ""


def stored_ingestion_digest(pair: PhaseTrack) -> str:
    """The content digest of the pair's ingestion program ("" for Podium's default one, or one that can no
    longer be read: any upload is then new)."""
    if not pair.ingestion_program_key:
        return ""
    try:
        with private_storage().open(pair.ingestion_program_key, "rb") as stored:
            return content_digest(stored)
    except (OSError, BadArchive):
        return ""


def scored_code(pair: PhaseTrack):
    """The pair's code submissions whose score came from a hidden run (the host's tests too)."""
    return Submission.with_host_tests.filter(
        phase_track=pair, kind=Submission.Kind.CODE, status=Submission.Status.SCORED
    )


def refuse_while_a_rescore_runs(competition: Competition, field: str) -> None:
    running = competition.rescores.filter(status="running").first()  # scoring.models.Rescore, an app above
    if running:
        raise input_error(
            field,
            f"A rescore is running ({running.done} of {running.total} done); wait for it to finish or cancel it "
            "before you change what the code runs on.",
            "rescore_running",
        )


def input_error(field: str, message: str, code: str) -> CodeRefused:
    return CodeRefused(message, code=code, details={"field": field})


@dataclass(frozen=True)
class SavedCodeInputs:
    """What set_code_inputs did: the pair as it is now, and the rescore (scoring.models.Rescore, an app
    above) that runs its scored code on the new hidden inputs or ingestion program, if the change started
    one. Until that rescore switches, the pair keeps its current ones."""

    pair: PhaseTrack
    rerun: Any = None


def new_run_setup(pair: PhaseTrack, stored: dict, default_ingestion: bool) -> dict[str, str]:
    """What the hidden runs will run on after this change: the hidden inputs and the ingestion program
    (empty: Podium's default one), new or kept."""
    hidden, program = stored.get("hidden_inputs"), stored.get("ingestion_program")
    ingestion = program.key if program else "" if default_ingestion else pair.ingestion_program_key
    return {
        "code_inputs_key": hidden.key if hidden else pair.code_inputs_key,
        "code_inputs_sha256": hidden.sha256 if hidden else pair.code_inputs_sha256,
        "ingestion_program_key": ingestion,
    }


def start_rerun(competition: Competition, user: User, pair: PhaseTrack, run_setup: dict[str, str]) -> Any:
    """Hand the new hidden inputs or ingestion program to scoring (by signal), which runs the scored code on
    them in a rescore; the rescore it started."""
    changes = []
    if run_setup["code_inputs_sha256"] != pair.code_inputs_sha256:
        changes.append("new hidden inputs")
    if run_setup["ingestion_program_key"] != pair.ingestion_program_key:
        changes.append(
            "a new ingestion program"
            if run_setup["ingestion_program_key"]
            else "back to Podium's default ingestion"
        )
    reason = " and ".join(changes)
    answers = code_awaits_rerun.send(
        sender=PhaseTrack,
        competition=competition,
        user=user,
        pair=pair,
        reason=reason[0].upper() + reason[1:],
        **run_setup,
    )
    return next((rescore for _, rescore in answers if rescore is not None), None)


def set_code_inputs(
    *,
    competition: Competition,
    user: User,
    pair: PhaseTrack,
    accepts: str,
    hidden_inputs: tuple[str, IO[bytes]] | None = None,
    sample_inputs: tuple[str, IO[bytes]] | None = None,
    ingestion_program: tuple[str, IO[bytes]] | None = None,
    default_ingestion: bool = False,
    rerun: bool = False,
) -> SavedCodeInputs:
    """Say what a phase and track takes, and store the inputs code runs on (private storage, like the
    solution). A pair that takes code needs hidden inputs; the sample inputs are optional (without them
    the participant gets no run whose logs they can read). A host's ingestion program replaces Podium's
    default one (`default_ingestion=True` goes back to it).

    New hidden inputs or ingestion program on a pair with scored code need `rerun`: they are stored but
    not yet the pair's, and a rescore (scoring, told by code_awaits_rerun) runs the scored code on them;
    the pair keeps its current ones, scores and boards until that rescore switches."""
    require_manager(user, competition, "set what its tracks take and their inputs")
    if accepts not in PhaseTrack.Accepts.values:
        raise input_error(
            "accepts", f"'{accepts}' is not one of {', '.join(PhaseTrack.Accepts.values)}.", "invalid_accepts"
        )
    stored, ingestion_digest = {}, ""
    for field, upload in (("hidden_inputs", hidden_inputs), ("sample_inputs", sample_inputs)):
        if upload is None:
            continue
        name, stream = upload
        check_inputs_file(name, stream, pair=pair, field=field)
        stored_name = "inputs.zip" if is_code_upload(name) else "inputs.csv"
        stored[field] = store(
            private_storage(), f"code-inputs/{competition.pk}/{pair.pk}", stored_name, stream
        )
    if ingestion_program is not None:
        name, stream = ingestion_program
        check_ingestion_program(name, stream)
        ingestion_digest = content_digest(stream)
        stream.seek(0)
        stored["ingestion_program"] = store(
            private_storage(), f"code-inputs/{competition.pk}/{pair.pk}", "ingestion.zip", stream
        )
    fields = [
        "accepts",
        "code_inputs_key",
        "code_inputs_sha256",
        "sample_inputs_key",
        "sample_inputs_sha256",
        "ingestion_program_key",
    ]
    with transaction.atomic():
        locks.lock_competition(competition.pk)  # one change to a competition's setup at a time
        locked = PhaseTrack.objects.get(pk=pair.pk)
        changed = changed_run_field(locked, stored, default_ingestion, ingestion_digest)
        run_setup = new_run_setup(locked, stored, default_ingestion)
        if "sample_inputs" in stored:
            locked.sample_inputs_key = stored["sample_inputs"].key
            locked.sample_inputs_sha256 = stored["sample_inputs"].sha256
        scored = scored_code(locked)
        reruns = bool(changed) and scored.exists()
        if reruns:
            if not rerun:
                raise input_error(
                    changed,
                    f"{pair.phase.name} / {pair.track.name} has {scored.count()} scored code submission(s): "
                    f"new {changed.replace('_', ' ')} would leave their scores from the old ones. Confirm the "
                    "rerun (rerun=true; on the Host tab, the 'Run the scored code again' box) to run them "
                    "again on the new ones and score them again.",
                    "pair_has_scores",
                )
            refuse_while_a_rescore_runs(competition, changed)
        else:  # nothing scored depends on them: the pair takes them at once
            for name, value in run_setup.items():
                setattr(locked, name, value)
        if accepts != PhaseTrack.Accepts.FILES and not locked.code_inputs_key:
            raise input_error(
                "hidden_inputs",
                f"{pair.phase.name} / {pair.track.name} takes code: upload the hidden inputs its code runs on.",
                "hidden_inputs_missing",
            )
        locked.accepts = accepts
        locked.save(update_fields=fields)
        started = start_rerun(competition, user, locked, run_setup) if reruns else None
    for name in fields:  # the caller's instance (often the competition's cached pair) sees the change
        setattr(pair, name, getattr(locked, name))
    return SavedCodeInputs(pair=pair, rerun=started)
