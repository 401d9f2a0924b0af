"""The first pages of each public board, kept a moment in the cache every web process shares: during a rush
most reads are of the same first page, and each would otherwise count the board and scan its top rows.

A page is kept for PODIUM_BOARD_CACHE_SECONDS at most, and is forgotten as soon as the board changes: each
competition has a version in the cache, a page is stored under the version read before the page was
computed, and every change to the entries gives the competition a new version. A read after a change never
sees the board as it was before it; a team renamed shows its new name within those seconds.
"""

import logging
import secrets
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")
logger = logging.getLogger(__name__)

FIRST_ROWS = 500  # pages that start deeper are read too rarely to keep
VERSION_SECONDS = 24 * 3600
MISSING = object()


def version_key(competition_id: int) -> str:
    return f"board:{competition_id}:version"


def board_changed(competition_id: int) -> None:
    """Forget the competition's cached public pages, now and again when the transaction that changed the
    entries commits: a read between the two would have cached the board as it was before the commit."""

    def forget() -> None:
        try:
            cache.set(version_key(competition_id), secrets.token_hex(8), timeout=VERSION_SECONDS)
        except Exception:  # the cache is down: nothing is read from it either, so nothing stale is served
            logger.warning("The board cache cannot be reached to forget competition %s", competition_id)

    forget()
    transaction.on_commit(forget)


def remembered(competition_id: int, part: str, compute: Callable[[], T]) -> T:
    """`compute()`, or what it answered for this part of the competition's public board since its last
    change and within the last PODIUM_BOARD_CACHE_SECONDS. With the cache down, `compute()`: boards are
    read from the database, as with the cache off."""
    seconds = settings.PODIUM_BOARD_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    try:
        key = page_key(competition_id, part)
        found = cache.get(key, MISSING)
    except Exception:
        logger.warning("The board cache cannot be reached: boards are read from the database")
        return compute()
    if found is MISSING:
        found = compute()
        try:
            cache.set(key, found, timeout=seconds)
        except Exception:
            logger.warning("The board cache cannot be reached: the page was not kept")
    return found  # type: ignore[return-value]


def page_key(competition_id: int, part: str) -> str:
    """The page's key under the competition's current version. The version is read before the page is
    computed: a change committed in between gives a new version, so the page computed from the older
    entries is stored where no later read looks."""
    version = cache.get(version_key(competition_id))
    if version is None:
        cache.add(version_key(competition_id), secrets.token_hex(8), timeout=VERSION_SECONDS)
        version = cache.get(version_key(competition_id))
    return f"board:{competition_id}:{version}:{part}"


def is_cached_page(split: str, offset: int) -> bool:
    return split == "public" and offset < FIRST_ROWS
