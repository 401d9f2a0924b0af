"""Who is scoring a submission, and until when.

A worker takes a submission with a lease: a compare-and-set that records the holder and an expiry, renewed
while it scores. A second delivery while the lease is alive does nothing; a delivery after it expired (its
holder died: a killed worker, a lost machine) takes the submission over; only the current holder may write
the result, so nothing is scored twice. A crash therefore costs a delay, never a valid submission. Only a
file whose scoring itself keeps killing its worker (PODIUM_SCORING_MAX_CRASHES takeovers in a row) fails,
with a message that says so.
"""

import logging
from contextlib import AbstractContextManager as ContextManager
from datetime import timedelta

from django.conf import settings
from django.db.models import Case, F, Q, When
from django.utils import timezone

from config.leases import new_holder as new_holder  # re-exported: callers take holders from here
from config.leases import renewed_while_running
from submissions.models import Submission

logger = logging.getLogger(__name__)
Status = Submission.Status


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


def kept_alive(submission_id: int, holder: str) -> ContextManager[None]:
    """Renew the lease from a background thread, a third of its length apart, for as long as the block
    runs (scoring a large file takes longer than one lease)."""
    return renewed_while_running(
        lambda: renew(submission_id, holder),
        interval=settings.PODIUM_SCORING_LEASE / 3,
        name=f"submission {submission_id}",
    )


def crashes_of(submission: Submission) -> int:
    """How many attempts before the current one took the submission and never finished (read after
    `take`)."""
    return max(submission.scoring_attempts - 1, 0)


def held_by(holder: str) -> Q:
    """The rows a result may be written to: still scoring, and still this holder's."""
    return Q(status=Status.SCORING, lease_holder=holder)
