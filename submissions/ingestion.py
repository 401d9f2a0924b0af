"""Running a code submission: the default ingestion program in the sandbox, on the sample inputs and then on
the hidden ones, with Codabench's folder layout; the predictions it writes are stored for scoring.

Called by scoring (scoring.services.score_taken) on a sandbox worker, while the scoring attempt holds the
submission's lease. The participant's code never sees the solution: scoring reads the stored predictions
afterwards, outside the sandbox.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from competitions.phases import ScoringSetup
from datasets.storage import private_storage, public_storage
from execution.archives import BadArchive, extract_zip
from execution.run_folders import make_run_folder, remove_folder
from execution.runtimes import RuntimeUnavailable, runtime_named
from execution.sandbox import RunResult, SandboxUnavailable, run_sandboxed
from execution.services import sandbox_limits
from submissions.code import CodeRefused, ingestion_command
from submissions.models import CodeRun, Submission

DEFAULT_INGESTION = Path(__file__).parent / "default_ingestion"
PREDICTIONS = "predictions.csv"
# The default ingestion's exit code when the model's predictions do not fit the competition's format.
BAD_PREDICTIONS_EXIT = 3
# Codabench's layout, so a host's Codabench ingestion program finds its folders where it expects them.
PROGRAM_AT = "/app/program"
CODE_AT = "/app/ingested_program"
INPUTS_AT = "/app/input_data"
OUTPUT_AT = "/app/output"
SHARED_AT = "/app/shared"

Failure = CodeRun.Failure

# What the participant reads about a failed run on the hidden inputs: the category, never the logs.
FAILURE_MESSAGES = {
    Failure.TIMEOUT: "Your code ran past the time limit on the hidden inputs and was stopped.",
    Failure.MEMORY: "Your code ran out of memory on the hidden inputs.",
    Failure.CRASHED: "Your code stopped with an error on the hidden inputs. Its logs are not shown (they could "
    "hold the hidden inputs); run it on the sample inputs to see yours.",
    Failure.NO_PREDICTIONS: f"Your code finished without writing {PREDICTIONS}.",
    Failure.BAD_PREDICTIONS: "Your code's predictions do not match the competition's submission format "
    "(rows, ids or columns).",
    Failure.SANDBOX_ERROR: "Podium could not run your code; the host has been told. It did not count against "
    "your quota.",
}
SAMPLE_FAILED = "Your code failed on the sample inputs ({category}); its logs are on the submission's page."


class IngestionFailed(Exception):
    """The code did not produce predictions: `code` is the failure category the participant sees."""

    def __init__(self, category: str, message: str, host_detail: str, *, counts: bool = True):
        super().__init__(message)
        self.code = category
        self.message = message
        self.host_detail = host_detail
        self.counts = counts


def predictions_of(submission: Submission, setup: ScoringSetup) -> str:
    """The storage key of the predictions to score: the stored ones, or those of a fresh run (sample run
    first, then the hidden inputs). Raises IngestionFailed when the code produced none."""
    if submission.predictions_key:
        return submission.predictions_key
    pair = submission.phase_track
    if not pair.code_inputs_key:
        raise IngestionFailed(
            Failure.SANDBOX_ERROR,
            FAILURE_MESSAGES[Failure.SANDBOX_ERROR],
            f"{pair} takes code but has no hidden inputs.",
            counts=False,
        )
    if pair.sample_inputs_key:
        sample = run_code(submission, setup, CodeRun.Inputs.SAMPLE, pair.sample_inputs_key)
        if sample.failure == Failure.SANDBOX_ERROR:
            raise podium_could_not_run(sample)
        if sample.failure:
            label = CodeRun.Failure(sample.failure).label.lower()
            raise IngestionFailed(
                sample.failure,
                SAMPLE_FAILED.format(category=label),
                f"Sample run: {sample.failure}.",
            )
    hidden = run_code(submission, setup, CodeRun.Inputs.HIDDEN, pair.code_inputs_key)
    if hidden.failure == Failure.SANDBOX_ERROR:
        raise podium_could_not_run(hidden)
    if hidden.failure:
        raise hidden_run_failed(hidden)
    return Submission.with_host_tests.values_list("predictions_key", flat=True).get(pk=submission.pk)


def run_code(submission: Submission, setup: ScoringSetup, inputs: str, inputs_key: str) -> CodeRun:
    """One sandbox run of the submission's code on one set of inputs, recorded as its CodeRun (a run again,
    after a takeover or in a new phase, replaces the earlier record)."""
    run = start_run(submission, inputs)
    run, predictions = execute_run(
        run, submission, setup, inputs_key, submission.phase_track.ingestion_program_key
    )
    if predictions is not None and inputs == CodeRun.Inputs.HIDDEN:
        key = save_predictions(submission, predictions, "predictions.csv")
        Submission.with_host_tests.filter(pk=submission.pk).update(predictions_key=key)
    return run


def run_for_rescore(
    submission: Submission,
    setup: ScoringSetup,
    *,
    inputs_key: str,
    ingestion_program_key: str,
    rescore_id: int,
) -> str:
    """Run the code again on a rescore's new hidden inputs or ingestion program (not yet its pair's), under
    the limits of a first run; the run is recorded apart and waits for the rescore's switch, so the
    participant keeps seeing the run their score comes from. Returns the key of the predictions it wrote,
    stored beside the current ones. Raises IngestionFailed when it wrote none, and lets SandboxUnavailable
    and RuntimeUnavailable through: this worker cannot run code, the rescore resumes on another one."""
    run = start_run(submission, CodeRun.Inputs.HIDDEN, rescore_id=rescore_id)
    run, predictions = execute_run(run, submission, setup, inputs_key, ingestion_program_key)
    if predictions is None:
        raise hidden_run_failed(run)
    return save_predictions(submission, predictions, f"rescore-{rescore_id}/predictions.csv")


def hidden_run_failed(run: CodeRun) -> IngestionFailed:
    return IngestionFailed(
        run.failure,
        FAILURE_MESSAGES[Failure(run.failure)],
        f"Hidden run: {run.failure}, exit code {run.exit_code}, killed by {run.killed_by or '-'}; "
        "its logs are on the submission's host view.",
        counts=run.failure != Failure.SANDBOX_ERROR,
    )


def start_run(submission: Submission, inputs: str, *, rescore_id: int | None = None) -> CodeRun:
    """The run's record, marked running (the submission's own for these inputs, or the rescore's)."""
    run, _ = CodeRun.objects.update_or_create(
        submission=submission,
        inputs=inputs,
        rescore_id=rescore_id,
        defaults={
            "status": CodeRun.Status.RUNNING,
            "awaits_switch": rescore_id is not None,
            "failure": "",
            "exit_code": None,
            "killed_by": "",
            "stdout": "",
            "stderr": "",
            "wall_seconds": None,
            "peak_memory_bytes": None,
            "started_at": timezone.now(),
            "finished_at": None,
        },
    )
    return run


def execute_run(
    run: CodeRun, submission: Submission, setup: ScoringSetup, inputs_key: str, ingestion_program_key: str
) -> tuple[CodeRun, bytes | None]:
    """Run the code in the sandbox and record how it went on `run`; the predictions it wrote (None when it
    failed)."""
    work = make_run_folder()  # removed by the next run or the sweeper if this worker dies mid-run
    try:
        result = run_in_layout(submission, setup, inputs_key, ingestion_program_key, work)
    except (RuntimeUnavailable, SandboxUnavailable) as error:
        finish(run, failure=Failure.SANDBOX_ERROR, stderr=str(error))
        if run.rescore_id is not None:
            raise
        return run, None
    except (BadArchive, CodeRefused) as error:
        return finish(run, failure=Failure.SANDBOX_ERROR, stderr=str(error)), None
    finally:
        remove_folder(work)
    failure = failure_of(result)
    finish(
        run,
        failure=failure,
        exit_code=result.exit_code,
        killed_by=result.killed_by,
        stdout=result.stdout,
        stderr=result.stderr,
        wall_seconds=result.wall_seconds,
        # Set by the sandbox where it measures peak memory; empty otherwise.
        peak_memory_bytes=result.peak_memory_bytes,
    )
    return run, None if failure else result.output_files[PREDICTIONS]


def save_predictions(submission: Submission, predictions: bytes, name: str) -> str:
    """Store what a hidden run wrote beside the code, in private storage; its key."""
    return private_storage().save(f"{Path(submission.file_key).parent}/{name}", ContentFile(predictions))


def podium_could_not_run(run: CodeRun) -> IngestionFailed:
    """A run Podium could not start (no bubblewrap, an unknown runtime, an archive it cannot unpack): not the
    code's failure, so it does not count, the participant reads the same words on either run, and the host
    the reason the worker gave."""
    return IngestionFailed(
        Failure.SANDBOX_ERROR,
        FAILURE_MESSAGES[Failure.SANDBOX_ERROR],
        f"{run.inputs.capitalize()} run: Podium could not run the code: {run.stderr}",
        counts=False,
    )


def run_in_layout(
    submission: Submission, setup: ScoringSetup, inputs_key: str, ingestion_program_key: str, work: Path
) -> RunResult:
    """Unpack the code and the inputs into Codabench's folders and run the ingestion on them: the host's
    program (`ingestion_program_key`) if there is one, Podium's default one otherwise."""
    code, input_data, output = work / "ingested_program", work / "input_data", work / "output"
    for folder in (code, input_data):
        folder.mkdir()
    max_bytes = settings.PODIUM_SANDBOX_INPUT_MB * 1024**2
    storage = private_storage()
    with storage.open(submission.file_key, "rb") as source:
        extract_zip(source, code, max_bytes=max_bytes)
    with storage.open(inputs_key, "rb") as source:
        if inputs_key.endswith(".zip"):
            extract_zip(source, input_data, max_bytes=max_bytes)
        else:
            with (input_data / "inputs.csv").open("wb") as target:
                shutil.copyfileobj(source, target)
    copy_training_data(submission, input_data / "train.csv")
    for path in input_data.iterdir():
        path.chmod(0o644 if path.is_file() else 0o755)
    program, command = DEFAULT_INGESTION, ["python", f"{PROGRAM_AT}/ingestion.py"]
    if ingestion_program_key:
        program = work / "program"
        program.mkdir()
        with storage.open(ingestion_program_key, "rb") as source:
            extract_zip(source, program, max_bytes=max_bytes)
        command = ingestion_command(program)
    return run_sandboxed(
        command,
        runtime=runtime_named(submission.competition.sandbox_runtime, Path(settings.PODIUM_RUNTIMES_DIR)),
        output_dir=output,
        read_only={PROGRAM_AT: program, CODE_AT: code, INPUTS_AT: input_data},
        env={
            "PODIUM_ID_COLUMN": setup.id_column,
            "PODIUM_TARGET_COLUMNS": json.dumps(list(setup.target_columns)),
        },
        workdir=PROGRAM_AT,
        limits=sandbox_limits(),
        output_at=OUTPUT_AT,
        scratch_at=(SHARED_AT,),
    )


def copy_training_data(submission: Submission, target: Path) -> None:
    """The competition's public train.csv, if its data has one: what Model.fit is called with."""
    version = submission.competition.data_version
    if version is None:
        return
    training = version.files.filter(name="train.csv").first()
    if training is None:
        return
    with public_storage().open(training.storage_key, "rb") as source, target.open("wb") as out:
        shutil.copyfileobj(source, out)


def failure_of(result: RunResult) -> str:
    """The failure category of a finished run, "" when it wrote predictions."""
    if result.killed_by in ("wall_clock", "cpu"):
        return Failure.TIMEOUT
    if result.killed_by == "memory":
        return Failure.MEMORY
    if result.exit_code == BAD_PREDICTIONS_EXIT:
        return Failure.BAD_PREDICTIONS
    if result.killed_by or result.exit_code != 0:
        return Failure.CRASHED
    if PREDICTIONS not in result.output_files:
        return Failure.NO_PREDICTIONS
    return ""


def finish(run: CodeRun, *, failure: str, **fields: object) -> CodeRun:
    for name, value in {
        "status": CodeRun.Status.FAILED if failure else CodeRun.Status.SUCCEEDED,
        "failure": failure,
        "finished_at": timezone.now(),
        **fields,
    }.items():
        setattr(run, name, value)
    run.save()
    return run


def mark_bad_predictions(submission: Submission, *, rescore_id: int | None = None) -> None:
    """Scoring refused the predictions the hidden run (the submission's own, or a rescore's) wrote: that
    run's category says so."""
    CodeRun.objects.filter(submission=submission, inputs=CodeRun.Inputs.HIDDEN, rescore_id=rescore_id).update(
        status=CodeRun.Status.FAILED, failure=Failure.BAD_PREDICTIONS
    )
