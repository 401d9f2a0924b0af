"""A crash costs a delay, never a valid submission: scoring holds a lease, a delivery after it expired takes
the submission over, only the current holder writes the result, and only a file that keeps killing its
worker fails, saying so. A database that cannot be reached is retried, never turned into a failure."""

import io
import threading
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from leaderboards.models import LeaderboardEntry
from scoring import engine, leases, services, tasks
from submissions.models import Submission
from submissions.services import create_submission
from tests.factories import joined, predictions

PERFECT_PUBLIC = predictions({1: "cat", 2: "dog", 3: "cat", 4: "bird"})


@pytest.fixture
def alice(competition, participant):
    joined(competition, participant)
    return participant


@pytest.fixture
def submission(competition, alice):
    made, _ = create_submission(
        competition=competition, user=alice, file_name="p.csv", stream=io.BytesIO(PERFECT_PUBLIC.encode())
    )
    return made


def expire(submission) -> None:
    """The holder is gone: its lease ran out just now (after the submission was sent, as a real lease would)."""
    Submission.objects.filter(pk=submission.pk).update(
        lease_expires_at=timezone.now() - timedelta(microseconds=1)
    )


def test_a_delivery_while_the_lease_is_alive_does_nothing(submission):
    assert leases.take(submission.pk, "worker-1")

    assert services.score_submission(submission.pk, "worker-2") == "skipped"

    submission.refresh_from_db()
    assert (submission.status, submission.lease_holder) == ("scoring", "worker-1")


def test_a_delivery_after_the_holder_died_takes_over_and_scores(submission):
    assert leases.take(submission.pk, "dead-worker")
    expire(submission)

    assert services.score_submission(submission.pk, "worker-2") == "scored"

    submission.refresh_from_db()
    assert (submission.status, submission.public_score, submission.scoring_attempts) == ("scored", 1.0, 2)
    assert LeaderboardEntry.objects.get(split="public").entries == 1


def test_only_the_current_holder_writes_the_result(submission, competition):
    assert leases.take(submission.pk, "slow-worker")
    expire(submission)
    assert leases.take(submission.pk, "worker-2")
    late = engine.Scores(public=0.0, private=0.0)

    outcome = services.record_scores(
        submission, "slow-worker", late, services.setup_of(submission).fingerprint
    )
    failed = services.record_failure(submission, "slow-worker", "internal_error", "x", "y", counts=False)

    submission.refresh_from_db()
    assert (outcome, failed) == ("skipped", "skipped")
    assert (submission.status, submission.public_score, submission.lease_holder) == (
        "scoring",
        None,
        "worker-2",
    )
    assert not LeaderboardEntry.objects.exists()


def test_a_file_that_keeps_killing_its_worker_fails_and_says_so(submission, settings):
    settings.PODIUM_SCORING_MAX_CRASHES = 3
    for crashed in ("worker-1", "worker-2", "worker-3"):
        assert leases.take(submission.pk, crashed)
        expire(submission)

    assert services.score_submission(submission.pk, "worker-4") == "failed"

    submission.refresh_from_db()
    assert submission.error_code == "crashed"
    assert submission.error_message.startswith("Scoring this file stopped the worker 3 times in a row")
    assert submission.host_error_detail == "Worker lost 3 times."
    assert not submission.counts_against_quota


def test_two_crashes_are_still_only_a_delay(submission, settings):
    settings.PODIUM_SCORING_MAX_CRASHES = 3
    for crashed in ("worker-1", "worker-2"):
        assert leases.take(submission.pk, crashed)
        expire(submission)

    assert services.score_submission(submission.pk, "worker-3") == "scored"


def test_a_retry_of_the_same_attempt_keeps_its_lease_and_is_not_a_crash(submission, settings):
    settings.PODIUM_SCORING_MAX_CRASHES = 1
    assert leases.take(submission.pk, "worker-1")

    assert services.score_submission(submission.pk, "worker-1") == "scored"

    submission.refresh_from_db()
    assert submission.scoring_attempts == 1


def test_the_lease_is_renewed_while_a_block_runs_and_stops_with_it(settings, monkeypatch):
    settings.PODIUM_SCORING_LEASE = 0.3  # renewed every 0.1 s
    renewals = []
    three_renewals = threading.Event()

    def counting_renew(submission_id, holder):
        renewals.append((submission_id, holder))
        if len(renewals) >= 3:
            three_renewals.set()
        return True

    monkeypatch.setattr(leases, "renew", counting_renew)

    with leases.kept_alive(7, "worker-1"):
        assert three_renewals.wait(timeout=10), "the lease was not renewed while the block ran"

    assert set(renewals) == {(7, "worker-1")}
    assert not [thread for thread in threading.enumerate() if thread.name == "lease-7"]  # stopped with it


def test_renewing_pushes_the_expiry_and_fails_once_the_lease_is_lost(submission):
    assert leases.take(submission.pk, "worker-1")
    expire(submission)

    assert leases.renew(submission.pk, "worker-1")
    submission.refresh_from_db()
    assert submission.lease_expires_at > timezone.now()
    assert leases.take(submission.pk, "worker-1")  # its own retry may take it again
    expire(submission)
    assert leases.take(submission.pk, "worker-2")
    assert not leases.renew(submission.pk, "worker-1")


def test_a_database_error_is_left_to_the_task_to_retry(submission, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "record_scores", unreachable)

    with pytest.raises(OperationalError):
        services.score_submission(submission.pk, "worker-1")

    submission.refresh_from_db()
    assert (submission.status, submission.lease_holder) == ("scoring", "worker-1")  # not failed, still held


def test_the_task_retries_a_database_error_later_under_the_same_holder(submission, monkeypatch):
    retried = {}

    def unreachable(submission_id, holder):
        raise OperationalError("could not connect to server")

    def fake_retry(*, exc, countdown, args, kwargs):
        retried.update(countdown=countdown, args=args, kwargs=kwargs, exc=exc)
        return RuntimeError("retry scheduled")

    monkeypatch.setattr(tasks.services, "score_and_settle", unreachable)
    monkeypatch.setattr(tasks.score_submission, "retry", fake_retry)

    with pytest.raises(RuntimeError, match="retry scheduled"):
        tasks.score_submission.run(submission.pk, holder="worker-1")

    assert retried["args"] == [submission.pk]
    assert retried["kwargs"] == {"holder": "worker-1"}
    assert retried["countdown"] == tasks.DATABASE_RETRY_DELAYS[0]
    assert sum(tasks.DATABASE_RETRY_DELAYS) >= 300  # outlasts a restart of PostgreSQL


def test_the_sweeper_sends_an_abandoned_submission_once_then_backs_off(submission, settings):
    assert leases.take(submission.pk, "dead-worker")
    expire(submission)

    first = services.sweep_stuck_submissions()
    second = services.sweep_stuck_submissions()

    submission.refresh_from_db()
    assert (first["abandoned"], second["abandoned"]) == (1, 0)
    assert submission.enqueue_count == 2


def test_a_failed_renewal_is_retried_at_the_next_beat(settings, monkeypatch):
    """A database blink while renewing must not end the renewals, or a valid long file would be taken over."""
    settings.PODIUM_SCORING_LEASE = 0.3
    calls = []
    renewed_after_the_error = threading.Event()

    def flaky_renew(submission_id, holder):
        calls.append(holder)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        if len(calls) >= 3:
            renewed_after_the_error.set()
        return True

    monkeypatch.setattr(leases, "renew", flaky_renew)

    with leases.kept_alive(7, "worker-1"):
        assert renewed_after_the_error.wait(timeout=10), "the renewals stopped after one error"


def test_a_retry_after_the_result_committed_still_settles_the_private_board(submission):
    """The database failed between writing the score and settling: the task's retry, under the same holder,
    finds the submission scored and must still tell the boards."""
    settled = []

    def note(sender, *, submission, **kwargs):
        settled.append(submission.pk)

    services.signals.submission_settled.connect(note, dispatch_uid="test-settled")
    try:
        assert services.score_submission(submission.pk, "attempt-1") == "scored"
        assert services.score_and_settle(submission.pk, "attempt-1") == "skipped"
        assert services.score_and_settle(submission.pk, "another-delivery") == "skipped"
    finally:
        services.signals.submission_settled.disconnect(dispatch_uid="test-settled")

    assert settled == [submission.pk]
