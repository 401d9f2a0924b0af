"""A bundle import as a job: the request keeps the upload and queues it, a worker on the default queue reads,
checks and imports it, and a sweeper resumes what a lost worker left (docs/codabench.md).

Reading a bundle of up to PODIUM_BUNDLE_MAX_MB and copying its files into storage can outlast the web
server's timeout, so the request only stores the upload (private storage) and answers. A worker takes the
import with a lease (`queued -> importing`, compare-and-set, holder and expiry recorded, renewed while it
works): a second delivery while the lease is alive does nothing, and only the holder writes the outcome. An
import whose lease ran out lost its worker; the sweeper queues it again, up to MAX_ATTEMPTS takes, then fails
it. Once the draft is made (one transaction with the import's row), a new take only attaches the programs.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import asdict
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from bundles.archive import BUNDLE_NAME, bundle_limits
from bundles.attach import attach_imported
from bundles.errors import BadBundleArchive
from bundles.models import BundleImport
from bundles.services import ImportTakenOver, make_draft, read_bundle, working_folder
from config.errors import DomainError
from config.leases import JobLeases, new_holder
from datasets.storage import private_storage, store, stream_size

logger = logging.getLogger(__name__)
Status = BundleImport.Status

# Takes of one import, lost workers included, before the sweeper fails it: a bundle that keeps killing its
# worker (or outlasting PODIUM_BUNDLE_IMPORT_TIME_LIMIT) is not tried for ever.
MAX_ATTEMPTS = 3


def queue_import(
    *, host: User, upload: IO[bytes] | Any, file_name: str, check_only: bool = False
) -> BundleImport:
    """Keep the upload privately and queue its import (or only its check); the host reads the outcome on the
    import's page or through the API. Only the size is checked here, before the upload is stored."""
    limit = bundle_limits().total_bytes
    if stream_size(upload) > limit:
        raise BadBundleArchive(BUNDLE_NAME, f"it is larger than the limit of {limit} bytes.")
    kept = store(private_storage(), "bundle-uploads", "bundle.zip", upload)
    try:
        with transaction.atomic():
            imported = BundleImport.objects.create(
                host=host,
                file_name=file_name[:255],
                check_only=check_only,
                upload_key=kept.key,
                enqueued_at=timezone.now(),
            )
            transaction.on_commit(partial(send, imported.pk))
    except BaseException:
        private_storage().delete(kept.key)
        raise
    return imported


def send(import_id: int) -> None:
    from bundles.tasks import import_bundle

    import_bundle.delay(import_id)


import_leases = JobLeases(
    BundleImport.objects,
    queued=Status.QUEUED,
    working=Status.IMPORTING,
    lease_seconds=lambda: settings.PODIUM_BUNDLE_IMPORT_LEASE,
    max_attempts=lambda: MAX_ATTEMPTS,
    name="bundle import",
)
expired = import_leases.expired
take = import_leases.take
held_by = import_leases.held_by
kept_alive = import_leases.kept_alive


def run_import(import_id: int) -> str:
    """The worker's side: take the import, read and check the bundle, then make the draft and attach its
    programs (or only report, for a check). Returns what became of it: "imported", "checked", "failed" (the
    bundle was refused: every problem recorded), or "not_taken" (another delivery holds it, or it is done). An
    unexpected error gives the lease up at once, so the sweeper queues the import again."""
    holder = new_holder()
    if not take(import_id, holder):
        return "not_taken"
    imported = BundleImport.objects.select_related("host", "competition").get(pk=import_id)
    try:
        with kept_alive(import_id, holder):
            return carry_out(imported, holder)
    except DomainError as refused:
        return finish(
            imported,
            holder,
            status=Status.FAILED,
            error_code=refused.code,
            error_message=refused.message,
            errors=refused.details.get("errors", []),
        )
    except ImportTakenOver:
        return "not_taken"
    except Exception:
        BundleImport.objects.filter(held_by(holder), pk=import_id).update(lease_expires_at=timezone.now())
        raise


def carry_out(imported: BundleImport, holder: str) -> str:
    if imported.competition_id is None:
        with working_folder() as folder:
            scratch = Path(folder)
            local = scratch / "upload.zip"
            with private_storage().open(imported.upload_key, "rb") as kept, local.open("wb") as copy:
                shutil.copyfileobj(kept, copy, 1024 * 1024)
            with local.open("rb") as upload:
                plan, bundle = read_bundle(upload, scratch / "bundle")
            if imported.check_only:
                return finish(
                    imported,
                    holder,
                    status=Status.CHECKED,
                    version=plan.version,
                    plan=plan.as_dict(),
                    report=[asdict(line) for line in plan.report],
                )
            make_draft(imported=imported, plan=plan, bundle=bundle, scratch=scratch, holder=holder)
    # The draft is made (by this take or a lost one): attach the programs; doing it again is harmless.
    imported.refresh_from_db()
    return finish(
        imported, holder, status=Status.IMPORTED, report=imported.report + attach_imported(imported)
    )


def finish(imported: BundleImport, holder: str, *, status: str, **fields: object) -> str:
    """Write the outcome if `holder` still holds the import, and remove the upload, which is no longer needed."""
    written = BundleImport.objects.filter(held_by(holder), pk=imported.pk).update(
        status=status, upload_key="", lease_expires_at=None, finished_at=timezone.now(), **fields
    )
    if not written:
        return "not_taken"
    remove_upload(imported.upload_key)
    return status


def remove_upload(key: str) -> None:
    if key:
        private_storage().delete(key)


def sweep_imports() -> dict:
    """Queue again the imports whose worker was lost (their lease ran out) and those whose message waited past
    PODIUM_REQUEUE_AFTER (a lost message, a broker blink), and fail those lost MAX_ATTEMPTS times."""
    now = timezone.now()
    lost = BundleImport.objects.filter(expired(now))
    failed = 0
    for given_up in lost.filter(attempts__gte=MAX_ATTEMPTS).values_list("pk", "upload_key"):
        import_id, upload_key = given_up
        if BundleImport.objects.filter(expired(now), pk=import_id).update(
            status=Status.FAILED,
            upload_key="",
            error_code="import_lost",
            error_message=(
                f"The import stopped {MAX_ATTEMPTS} times before it finished (its worker was lost, or it took "
                f"longer than {settings.PODIUM_BUNDLE_IMPORT_TIME_LIMIT} s), so Podium does not try it again. "
                "Upload the bundle again; if it stops again, tell the site's operator."
            ),
            finished_at=now,
        ):
            remove_upload(upload_key)
            failed += 1
    requeued = 0
    waited_too_long = Q(status=Status.QUEUED) & (
        Q(enqueued_at__lt=now - timedelta(seconds=settings.PODIUM_REQUEUE_AFTER))
        | Q(enqueued_at__isnull=True)
    )
    for import_id in BundleImport.objects.filter(expired(now) | waited_too_long).values_list("pk", flat=True):
        with transaction.atomic():
            if BundleImport.objects.filter(expired(now) | waited_too_long, pk=import_id).update(
                status=Status.QUEUED, enqueued_at=now
            ):
                transaction.on_commit(partial(send, import_id))
                requeued += 1
    if failed or requeued:
        logger.warning("Bundle import sweeper: queued again %s imports, failed %s", requeued, failed)
    return {"requeued": requeued, "failed": failed}
