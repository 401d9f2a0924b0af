"""Who is scoring a submission, and until when.

A worker takes a submission with a lease: a compare-and-set that records the holder and an expiry, renewed
while it scores. A second delivery while the lease is alive does nothing; a delivery after it expired (its
holder died: a killed worker, a lost machine) takes the submission over; only the current holder may write
the result, so nothing is scored twice. A crash therefore costs a delay, never a valid submission. Only a
file whose scoring itself keeps killing its worker (PODIUM_SCORING_MAX_CRASHES takeovers in a row) fails,
with a message that says so.
"""

import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Case, F, Q, When
from django.utils import timezone

from submissions.models import Submission

logger = logging.getLogger(__name__)
Status = Submission.Status


def new_holder() -> str:
    """A name for one scoring attempt: the machine, the process and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def lease_length() -> timedelta:
    return timedelta(seconds=settings.PODIUM_SCORING_LEASE)


def claimable(holder: str) -> Q:
    """Queued; or scoring under a lease that expired (its holder is gone); or already this holder's (a retry
    of the same attempt after the database blinked)."""
    now = timezone.now()
    expired = Q(lease_expires_at__lt=now) | Q(lease_expires_at__isnull=True)
    return Q(status=Status.QUEUED) | Q(status=Status.SCORING) & (expired | Q(lease_holder=holder))


def take(submission_id: int, holder: str) -> bool:
    """Take the submission for `holder` if it is free to take (compare-and-set); a takeover from another
    holder counts one more attempt, a retry of the same holder does not."""
    now = timezone.now()
    taken = Submission.with_host_tests.filter(claimable(holder), pk=submission_id).update(
        status=Status.SCORING,
        lease_holder=holder,
        lease_expires_at=now + lease_length(),
        scoring_attempts=Case(
            When(lease_holder=holder, then=F("scoring_attempts")), default=F("scoring_attempts") + 1
        ),
        scoring_started_at=Case(When(lease_holder=holder, then=F("scoring_started_at")), default=now),
    )
    return taken == 1


def renew(submission_id: int, holder: str) -> bool:
    """Push the expiry on while the holder still holds it; False once it lost the lease."""
    renewed = Submission.with_host_tests.filter(
        pk=submission_id, status=Status.SCORING, lease_holder=holder
    ).update(lease_expires_at=timezone.now() + lease_length())
    return renewed == 1


@contextmanager
def kept_alive(submission_id: int, holder: str) -> Iterator[None]:
    """Renew the lease from a background thread, a third of its length apart, for as long as the block
    runs (scoring a large file takes longer than one lease)."""
    stop = threading.Event()
    interval = settings.PODIUM_SCORING_LEASE / 3

    def renew_until_stopped() -> None:
        try:
            while not stop.wait(interval):
                try:
                    if not renew(submission_id, holder):
                        return  # taken over: nothing more to renew
                except Exception:  # a database blink: try again at the next beat, with a fresh connection
                    logger.warning("Could not renew the lease on submission %s", submission_id, exc_info=True)
                    connection.close()
        finally:
            connection.close()  # this thread's own connection

    renewer = threading.Thread(target=renew_until_stopped, name=f"lease-{submission_id}", daemon=True)
    renewer.start()
    try:
        yield
    finally:
        stop.set()
        renewer.join()


def crashes_of(submission: Submission) -> int:
    """How many attempts before the current one took the submission and never finished (read after
    `take`)."""
    return max(submission.scoring_attempts - 1, 0)


def held_by(holder: str) -> Q:
    """The rows a result may be written to: still scoring, and still this holder's."""
    return Q(status=Status.SCORING, lease_holder=holder)
