"""Who is running a sandbox run, and until when.

A sandbox worker takes a run with a lease: a compare-and-set that records the holder and an expiry, renewed
from a thread while the program runs. A second delivery of the task while the lease is alive does nothing; a
run whose lease expired lost its worker (killed, out of memory, its machine stopped), and the sweeper
(`services.sweep_lost_runs`) queues it again, up to PODIUM_SANDBOX_MAX_ATTEMPTS takes, then fails it. Only
the current holder may write the result, so a run that was taken over is never written twice.
"""

from django.conf import settings

from config.leases import JobLeases
from config.leases import new_holder as new_holder  # re-exported: callers take holders from here
from execution.models import SandboxRun

# A run lasts up to PODIUM_SANDBOX_WALL_SECONDS, far longer than one lease: kept_alive renews it.
run_leases = JobLeases(
    SandboxRun.objects,
    queued=SandboxRun.Status.QUEUED,
    working=SandboxRun.Status.RUNNING,
    lease_seconds=lambda: settings.PODIUM_SANDBOX_LEASE,
    max_attempts=lambda: settings.PODIUM_SANDBOX_MAX_ATTEMPTS,
    name="sandbox run",
)
lease_length = run_leases.lease_length
expired = run_leases.expired
take = run_leases.take
held_by = run_leases.held_by
renew = run_leases.renew
kept_alive = run_leases.kept_alive
