"""Sandbox runs on stored files: queue one, and execute it on a sandbox worker."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone

from execution.archives import BadArchive, extract_zip, pack_zip
from execution.models import SandboxRun
from execution.runtimes import RuntimeUnavailable, runtime_named
from execution.sandbox import Limits, SandboxUnavailable, run_sandboxed


def sandbox_limits() -> Limits:
    """The operator's limits for a run (docs/configuration.md)."""
    return Limits(
        cpu_seconds=settings.PODIUM_SANDBOX_CPU_SECONDS,
        memory_bytes=settings.PODIUM_SANDBOX_MEMORY_MB * 1024**2,
        processes=settings.PODIUM_SANDBOX_PROCESSES,
        file_size_bytes=settings.PODIUM_SANDBOX_OUTPUT_MB * 1024**2,
        open_files=256,
        wall_seconds=settings.PODIUM_SANDBOX_WALL_SECONDS,
        output_bytes=settings.PODIUM_SANDBOX_OUTPUT_MB * 1024**2,
        scratch_bytes=settings.PODIUM_SANDBOX_SCRATCH_MB * 1024**2,
        log_bytes=settings.PODIUM_SANDBOX_LOG_KB * 1024,
    )


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


def create_run(
    *, program_zip: bytes, command: list[str], inputs_zip: bytes | None = None, runtime: str = "default"
) -> SandboxRun:
    """Store the program and its inputs in the private storage and queue a run on the sandbox workers."""
    from execution.tasks import run_in_sandbox

    storage = storages["private"]
    folder = f"sandbox/{uuid.uuid4().hex}"
    program_key = storage.save(f"{folder}/program.zip", ContentFile(program_zip))
    inputs_key = (
        storage.save(f"{folder}/inputs.zip", ContentFile(inputs_zip)) if inputs_zip is not None else ""
    )
    with transaction.atomic():
        run = SandboxRun.objects.create(
            runtime=runtime, command=command, program_key=program_key, inputs_key=inputs_key
        )
        transaction.on_commit(lambda: run_in_sandbox.delay(run.pk))
    return run


def execute_run(run_id: int) -> None:
    """Run a queued run in the sandbox and store its output; a second delivery of a run already taken does
    nothing."""
    claimed = SandboxRun.objects.filter(pk=run_id, status=SandboxRun.Status.QUEUED).update(
        status=SandboxRun.Status.RUNNING
    )
    if not claimed:
        return
    run = SandboxRun.objects.get(pk=run_id)
    storage = storages["private"]
    limits = sandbox_limits()
    work = Path(tempfile.mkdtemp(prefix="podium-sandbox-"))
    work.chmod(0o755)
    try:
        program, inputs, output = work / "program", work / "input", work / "output"
        for folder in (program, inputs):
            folder.mkdir()
        with storage.open(run.program_key, "rb") as source:
            extract_zip(source, program, max_bytes=settings.PODIUM_SANDBOX_INPUT_MB * 1024**2)
        if run.inputs_key:
            with storage.open(run.inputs_key, "rb") as source:
                extract_zip(source, inputs, max_bytes=settings.PODIUM_SANDBOX_INPUT_MB * 1024**2)
        runtime = runtime_named(run.runtime, Path(settings.PODIUM_RUNTIMES_DIR))
        result = run_sandboxed(
            run.command,
            runtime=runtime,
            output_dir=output,
            read_only={"/program": program, "/input": inputs},
            workdir="/program",
            limits=limits,
        )
    except (BadArchive, RuntimeUnavailable, SandboxUnavailable) as error:
        SandboxRun.objects.filter(pk=run_id).update(
            status=SandboxRun.Status.ERROR, error=str(error), finished_at=timezone.now()
        )
        return
    finally:
        remove_folder(work)
    output_key = ""
    if result.output_files:
        output_key = storage.save(
            f"{Path(run.program_key).parent}/output.zip", ContentFile(pack_zip(result.output_files))
        )
    SandboxRun.objects.filter(pk=run_id).update(
        status=SandboxRun.Status.FINISHED,
        exit_code=result.exit_code,
        killed_by=result.killed_by,
        stdout=result.stdout,
        stderr=result.stderr,
        skipped_outputs=result.skipped_outputs,
        wall_seconds=result.wall_seconds,
        peak_memory_bytes=result.peak_memory_bytes,
        output_key=output_key,
        finished_at=timezone.now(),
    )
