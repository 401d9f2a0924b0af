"""Who is running a sandbox run, and until when.

A sandbox worker takes a run with a lease: a compare-and-set that records the holder and an expiry, renewed
from a thread while the program runs. A second delivery of the task while the lease is alive does nothing; a
run whose lease expired lost its worker (killed, out of memory, its machine stopped), and the sweeper
(`services.sweep_lost_runs`) queues it again, up to PODIUM_SANDBOX_MAX_ATTEMPTS takes, then fails it. Only
the current holder may write the result, so a run that was taken over is never written twice.
"""

import logging
from contextlib import AbstractContextManager as ContextManager
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from config.leases import new_holder as new_holder  # re-exported: callers take holders from here
from config.leases import renewed_while_running
from execution.models import SandboxRun

logger = logging.getLogger(__name__)
Status = SandboxRun.Status


def lease_length() -> timedelta:
    return timedelta(seconds=settings.PODIUM_SANDBOX_LEASE)


def expired(now: datetime | None = None) -> Q:
    """Running under a lease that ran out: its worker is gone."""
    now = now or timezone.now()
    return Q(status=Status.RUNNING) & (Q(lease_expires_at__lt=now) | Q(lease_expires_at__isnull=True))


def take(run_id: int, holder: str) -> bool:
    """Take the run for `holder` if it is queued, or running under an expired lease with takes left
    (compare-and-set); each take counts one attempt."""
    claimable = Q(status=Status.QUEUED) | expired() & Q(attempts__lt=settings.PODIUM_SANDBOX_MAX_ATTEMPTS)
    taken = SandboxRun.objects.filter(claimable, pk=run_id).update(
        status=Status.RUNNING,
        lease_holder=holder,
        lease_expires_at=timezone.now() + lease_length(),
        attempts=F("attempts") + 1,
    )
    return taken == 1


def held_by(holder: str) -> Q:
    """The rows a result may be written to: still running, and still this holder's."""
    return Q(status=Status.RUNNING, lease_holder=holder)


def renew(run_id: int, holder: str) -> bool:
    """Push the expiry on while the holder still holds the run; False once it lost it."""
    renewed = SandboxRun.objects.filter(held_by(holder), pk=run_id).update(
        lease_expires_at=timezone.now() + lease_length()
    )
    return renewed == 1


def kept_alive(run_id: int, holder: str) -> ContextManager[None]:
    """Renew the lease from a background thread, a third of its length apart, for as long as the block runs
    (a run lasts up to PODIUM_SANDBOX_WALL_SECONDS, far longer than one lease)."""
    return renewed_while_running(
        lambda: renew(run_id, holder),
        interval=settings.PODIUM_SANDBOX_LEASE / 3,
        name=f"sandbox run {run_id}",
    )
