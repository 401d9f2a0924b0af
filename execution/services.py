"""Sandbox runs on stored files: queue one, and execute it on a sandbox worker."""

from __future__ import annotations

import logging
import uuid
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone

from execution import leases
from execution.archives import BadArchive, extract_zip, pack_zip
from execution.models import SandboxRun
from execution.run_folders import make_run_folder, remove_dead_run_folders, remove_folder
from execution.runtimes import RuntimeUnavailable, runtime_named
from execution.sandbox import Limits, RunResult, SandboxUnavailable, run_sandboxed

logger = logging.getLogger(__name__)


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
    """Run a queued run in the sandbox under a lease and store its output. A second delivery of a run another
    worker holds does nothing; a run whose lease ran out is taken over (its worker was lost)."""
    remove_dead_run_folders()
    holder = leases.new_holder()
    if not leases.take(run_id, holder):
        return
    run = SandboxRun.objects.get(pk=run_id)
    held = SandboxRun.objects.filter(leases.held_by(holder), pk=run_id)
    try:
        with leases.kept_alive(run_id, holder):
            result = run_from_storage(run)
    except (BadArchive, RuntimeUnavailable, SandboxUnavailable) as error:
        held.update(status=SandboxRun.Status.ERROR, error=str(error), finished_at=timezone.now())
        return
    if not held.exists():
        return  # taken over while it ran (this worker was thought lost): the new holder writes the result
    output_key = ""
    if result.output_files:
        output_key = storages["private"].save(
            f"{Path(run.program_key).parent}/output.zip", ContentFile(pack_zip(result.output_files))
        )
    held.update(
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


def run_from_storage(run: SandboxRun) -> RunResult:
    """Unpack the run's stored program and inputs into a folder of its own and run it there."""
    storage = storages["private"]
    work = make_run_folder()
    try:
        program, inputs, output = work / "program", work / "input", work / "output"
        for folder in (program, inputs):
            folder.mkdir()
        with storage.open(run.program_key, "rb") as source:
            extract_zip(source, program, max_bytes=settings.PODIUM_SANDBOX_INPUT_MB * 1024**2)
        if run.inputs_key:
            with storage.open(run.inputs_key, "rb") as source:
                extract_zip(source, inputs, max_bytes=settings.PODIUM_SANDBOX_INPUT_MB * 1024**2)
        return run_sandboxed(
            run.command,
            runtime=runtime_named(run.runtime, Path(settings.PODIUM_RUNTIMES_DIR)),
            output_dir=output,
            read_only={"/program": program, "/input": inputs},
            workdir="/program",
            limits=sandbox_limits(),
        )
    finally:
        remove_folder(work)


def sweep_lost_runs() -> dict:
    """Queue again the runs whose worker was lost (their lease ran out), fail those lost
    PODIUM_SANDBOX_MAX_ATTEMPTS times, and remove this machine's folders of killed runs."""
    from execution.tasks import run_in_sandbox

    now = timezone.now()
    most = settings.PODIUM_SANDBOX_MAX_ATTEMPTS
    lost = SandboxRun.objects.filter(leases.expired(now))
    failed = lost.filter(attempts__gte=most).update(
        status=SandboxRun.Status.ERROR,
        error=(
            f"The sandbox worker running this program was lost {most} times (killed, out of memory, or its "
            "machine stopped), so Podium does not try it again. Check the sandbox workers' logs."
        ),
        finished_at=now,
    )
    requeued = 0
    for run_id in lost.filter(attempts__lt=most).values_list("pk", flat=True):
        with transaction.atomic():
            if SandboxRun.objects.filter(leases.expired(now), pk=run_id).update(
                status=SandboxRun.Status.QUEUED
            ):
                transaction.on_commit(partial(run_in_sandbox.delay, run_id))
                requeued += 1
    if failed or requeued:
        logger.warning(
            "Sandbox sweeper: queued again %s runs whose worker was lost, failed %s", requeued, failed
        )
    return {"requeued": requeued, "failed": failed, "folders_removed": len(remove_dead_run_folders())}
