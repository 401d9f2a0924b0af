"""Removing what an interrupted upload leaves behind: a stored submission file that no row references (the
web process was killed between storing the file and committing its row), and temporary upload files; and
the files a host's create form kept after an error (competitions.staging) once they are a day old.

Both wait out a grace period first, so an upload still in progress is never touched. `manage.py
clean_storage --dry-run` shows what would go; the hourly task removes it. Temporary uploads live on the
host whose web process received them, where the task (run by a worker, maybe on another machine) cannot
see them: on separate hosts each web host runs `manage.py clean_storage` itself
(platform/systemd/podium-clean-uploads.timer).
"""

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.storage import Storage
from django.db.models import Q
from django.utils import timezone

from competitions import staging
from datasets.storage import private_storage
from submissions.models import Submission

logger = logging.getLogger(__name__)
SUBMISSIONS_FOLDER = "submissions"
GRACE = timedelta(hours=1)


@dataclass
class Cleanup:
    """What was (or, in a dry run, would be) removed."""

    orphaned_files: list[str] = field(default_factory=list)
    orphaned_bytes: int = 0
    temporary_files: list[str] = field(default_factory=list)
    temporary_bytes: int = 0
    staged_files: list[str] = field(default_factory=list)
    staged_bytes: int = 0

    def summary(self) -> str:
        return (
            f"{len(self.orphaned_files)} orphaned submission files ({self.orphaned_bytes:,} bytes), "
            f"{len(self.temporary_files)} temporary upload files ({self.temporary_bytes:,} bytes) and "
            f"{len(self.staged_files)} files kept for a host's create form ({self.staged_bytes:,} bytes)"
        )


def stored_keys(storage: Storage, folder: str) -> Iterator[str]:
    """Every file key under the folder, walking its subfolders; none when it does not exist.

    A folder is asked for its listing, never whether it exists: on S3 a folder is only a prefix of keys,
    and `exists()` of a prefix is always false."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from stored_keys(storage, f"{folder}/{sub}")


def clean_storage(*, dry_run: bool = False) -> Cleanup:
    """Remove stored submission files no row references and temporary uploads, each older than GRACE, and
    files kept for a create form older than staging.LIFETIME."""
    done = Cleanup()
    storage = private_storage()
    before = timezone.now() - GRACE
    for key in stored_keys(storage, SUBMISSIONS_FOLDER):
        if (
            storage.get_modified_time(key) >= before
            or Submission.with_host_tests.filter(Q(file_key=key) | Q(predictions_key=key)).exists()
        ):
            continue
        done.orphaned_files.append(key)
        done.orphaned_bytes += storage.size(key)
        if not dry_run:
            storage.delete(key)
    kept_before = timezone.now() - staging.LIFETIME
    for key in stored_keys(storage, staging.STAGING_FOLDER):
        if storage.get_modified_time(key) >= kept_before:
            continue
        done.staged_files.append(key)
        done.staged_bytes += storage.size(key)
        if not dry_run:
            storage.delete(key)
    temporary = Path(settings.FILE_UPLOAD_TEMP_DIR)
    if temporary.is_dir():
        oldest = time.time() - GRACE.total_seconds()
        for path in temporary.iterdir():
            if path.is_file() and path.stat().st_mtime < oldest:
                done.temporary_files.append(path.name)
                done.temporary_bytes += path.stat().st_size
                if not dry_run:
                    path.unlink(missing_ok=True)
    if not dry_run and (done.orphaned_files or done.temporary_files or done.staged_files):
        logger.info("Storage cleanup removed %s", done.summary())
    return done
