"""The compact form of a competition's solution (scoring.engine.compact), stored in private storage beside
the solution file: written when the host uploads a solution or a rescore brings a new one, read by a worker
whose cache does not hold the solution yet (a worker just started), so its first score costs a load of the
parsed arrays instead of a parse of the file.

The key names the file's checksum and the scoring spec, and the archive checks both again: a solution
replaced, or a metric or parameter changed, never reads an older form. Anything amiss (no archive, an
unreadable one, storage failing) falls back to parsing the file.
"""

import hashlib
import logging
import posixpath

from django.core.files.base import ContentFile

from datasets.storage import private_storage
from scoring import engine
from scoring.engine import compact

logger = logging.getLogger(__name__)


def compact_key(solution_key: str, sha256: str, spec: engine.ScoringSpec) -> str:
    """Where the compact form of the solution stored under `solution_key` and parsed under `spec` lives."""
    digest = hashlib.sha256(
        f"{compact.FORMAT}\n{sha256}\n{compact.spec_fingerprint(spec)}".encode()
    ).hexdigest()
    return posixpath.join(posixpath.dirname(solution_key), f"compact-{digest[:32]}.solution")


def store_compact(solution: engine.Solution, *, solution_key: str, sha256: str) -> None:
    """Store the parsed solution beside its file, unless it is there already; a failure only costs the
    next cold worker a parse, so it is logged, never raised."""
    key = compact_key(solution_key, sha256, solution.spec)
    storage = private_storage()
    try:
        if storage.exists(key):
            return
        saved = storage.save(key, ContentFile(compact.compact_bytes(solution, source_sha256=sha256)))
        if saved != key:  # another process stored it a moment before: keep one
            storage.delete(saved)
    except Exception:
        logger.warning("Could not store the compact form of solution %s", solution_key, exc_info=True)


def load_stored_compact(solution_key: str, sha256: str, spec: engine.ScoringSpec) -> engine.Solution | None:
    """The stored compact form of this solution under this spec, or None: then parse the file."""
    key = compact_key(solution_key, sha256, spec)
    storage = private_storage()
    try:
        if not storage.exists(key):
            return None
        with storage.open(key, "rb") as stream:
            return compact.load_compact(stream.read(), spec, source_sha256=sha256)
    except Exception:
        logger.warning("Could not use the compact form %s; parsing the solution instead", key, exc_info=True)
        return None
