"""A sandbox run is held under a lease: a second delivery while it is alive does nothing, a run whose worker
was lost (its lease ran out) is queued again by the sweeper and run, and one lost too often fails with a
message saying so."""

from datetime import timedelta

import pytest
from django.utils import timezone

from execution import leases
from execution.models import SandboxRun
from execution.services import create_run, execute_run, sweep_lost_runs
from tests.execution.test_services import zipped
from tests.services import require_bubblewrap
from tests.stack import wait_for

pytestmark = pytest.mark.django_db


def queued_run() -> SandboxRun:
    return create_run(program_zip=zipped({"main.py": "print('ran')"}), command=["python3", "main.py"])


def taken_by_a_worker_that_died(run: SandboxRun) -> None:
    """A worker took the run and stopped renewing its lease (killed): the lease ran out a second ago."""
    assert leases.take(run.pk, "lost-machine:4242:dead")
    SandboxRun.objects.filter(pk=run.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))


def test_a_second_delivery_of_a_run_held_under_a_live_lease_does_nothing():
    require_bubblewrap()
    run = queued_run()
    assert leases.take(run.pk, "other-worker:1:alive")

    execute_run(run.pk)

    run.refresh_from_db()
    assert (run.status, run.lease_holder, run.attempts) == (
        SandboxRun.Status.RUNNING,
        "other-worker:1:alive",
        1,
    )
    assert run.stdout == ""


def test_a_run_whose_worker_was_lost_is_queued_again_by_the_sweeper_and_runs(
    django_capture_on_commit_callbacks,
):
    require_bubblewrap()
    run = queued_run()
    taken_by_a_worker_that_died(run)

    with django_capture_on_commit_callbacks() as sent:
        swept = sweep_lost_runs()
    run.refresh_from_db()
    status_after_sweep = run.status
    execute_run(run.pk)

    run.refresh_from_db()
    assert (swept["requeued"], swept["failed"], len(sent)) == (1, 0, 1)
    assert status_after_sweep == SandboxRun.Status.QUEUED
    assert (run.status, run.stdout, run.attempts) == (SandboxRun.Status.FINISHED, "ran\n", 2)


def test_the_sweeper_leaves_a_run_with_a_live_lease_alone(django_capture_on_commit_callbacks):
    run = queued_run()
    assert leases.take(run.pk, "busy-worker:1:alive")

    with django_capture_on_commit_callbacks() as sent:
        swept = sweep_lost_runs()

    run.refresh_from_db()
    assert (swept["requeued"], swept["failed"], len(sent)) == (0, 0, 0)
    assert run.status == SandboxRun.Status.RUNNING


def test_a_run_whose_worker_was_lost_max_attempts_times_fails_saying_so(
    settings, django_capture_on_commit_callbacks
):
    settings.PODIUM_SANDBOX_MAX_ATTEMPTS = 2
    run = queued_run()
    for _ in range(2):
        taken_by_a_worker_that_died(run)
        with django_capture_on_commit_callbacks():
            sweep_lost_runs()

    run.refresh_from_db()
    assert (run.status, run.attempts) == (SandboxRun.Status.ERROR, 2)
    assert run.error == (
        "The sandbox worker running this program was lost 2 times (killed, out of memory, or its machine "
        "stopped), so Podium does not try it again. Check the sandbox workers' logs."
    )
    assert run.finished_at is not None


def test_a_late_delivery_cannot_take_a_run_past_its_attempts(settings):
    settings.PODIUM_SANDBOX_MAX_ATTEMPTS = 1
    run = queued_run()
    taken_by_a_worker_that_died(run)

    assert not leases.take(run.pk, "late-worker:1:new")


@pytest.mark.django_db(transaction=True)  # the renewing thread has a connection of its own
def test_the_lease_is_renewed_while_the_run_goes_on(settings):
    settings.PODIUM_SANDBOX_LEASE = 1
    run = queued_run()
    assert leases.take(run.pk, "this-worker:1:alive")
    first_expiry = SandboxRun.objects.get(pk=run.pk).lease_expires_at

    with leases.kept_alive(run.pk, "this-worker:1:alive"):
        wait_for(
            lambda: SandboxRun.objects.get(pk=run.pk).lease_expires_at > first_expiry,
            30,
            "the lease to be renewed",
            interval=0.1,
        )
