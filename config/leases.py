"""What every lease in Podium shares (scoring.leases for submissions, execution.leases for sandbox runs,
bundles.importing for bundle imports): a holder's name, a thread that renews the lease while the work runs,
and, for a queued job's rows, the compare-and-set that takes one and the filters on who holds it."""

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager as ContextManager
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import F, Q
from django.utils import timezone

logger = logging.getLogger(__name__)


def new_holder() -> str:
    """A name for one attempt: the machine, the process and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


@contextmanager
def renewed_while_running(renew: Callable[[], bool], *, interval: float, name: str) -> Iterator[None]:
    """Call `renew` from a background thread every `interval` seconds for as long as the block runs, until
    it returns False (the lease was taken over). A database error skips one beat and opens a fresh
    connection; the thread closes its own connection when it ends."""
    stop = threading.Event()

    def renew_until_stopped() -> None:
        try:
            while not stop.wait(interval):
                try:
                    if not renew():
                        return  # taken over: nothing more to renew
                except Exception:  # a database blink: try again at the next beat, with a fresh connection
                    logger.warning("Could not renew the lease on %s", name, exc_info=True)
                    connection.close()
        finally:
            connection.close()  # this thread's own connection

    renewer = threading.Thread(target=renew_until_stopped, name=f"lease-{name}", daemon=True)
    renewer.start()
    try:
        yield
    finally:
        stop.set()
        renewer.join()


@dataclass(frozen=True)
class JobLeases:
    """Leases on the rows of a queued job (`status` queued -> working; `lease_holder`, `lease_expires_at`,
    `attempts`): a worker takes a row by compare-and-set, renews its lease while it works, and only the
    holder writes the outcome; a row whose lease ran out lost its worker, and the job's sweeper queues it
    again. The lease's length and the takes allowed are read when used, so settings may change them."""

    rows: Any  # the job's manager
    queued: str
    working: str
    lease_seconds: Callable[[], float]
    max_attempts: Callable[[], int]
    name: str

    def lease_length(self) -> timedelta:
        return timedelta(seconds=self.lease_seconds())

    def expired(self, now: datetime | None = None) -> Q:
        """Working under a lease that ran out: its worker is gone."""
        now = now or timezone.now()
        return Q(status=self.working) & (Q(lease_expires_at__lt=now) | Q(lease_expires_at__isnull=True))

    def take(self, pk: int, holder: str) -> bool:
        """Take the row for `holder` if it is queued, or working under an expired lease with takes left
        (compare-and-set); each take counts one attempt."""
        claimable = Q(status=self.queued) | self.expired() & Q(attempts__lt=self.max_attempts())
        taken = self.rows.filter(claimable, pk=pk).update(
            status=self.working,
            lease_holder=holder,
            lease_expires_at=timezone.now() + self.lease_length(),
            attempts=F("attempts") + 1,
        )
        return taken == 1

    def held_by(self, holder: str) -> Q:
        """The rows an outcome may be written to: still working, and still this holder's."""
        return Q(status=self.working, lease_holder=holder)

    def renew(self, pk: int, holder: str) -> bool:
        """Push the expiry on while the holder still holds the row; False once it lost it."""
        renewed = self.rows.filter(self.held_by(holder), pk=pk).update(
            lease_expires_at=timezone.now() + self.lease_length()
        )
        return renewed == 1

    def kept_alive(self, pk: int, holder: str) -> ContextManager[None]:
        """Renew the lease from a background thread, a third of its length apart, while the block runs."""
        return renewed_while_running(
            lambda: self.renew(pk, holder), interval=self.lease_seconds() / 3, name=f"{self.name} {pk}"
        )
