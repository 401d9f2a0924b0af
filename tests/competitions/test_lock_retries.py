"""A service whose transaction PostgreSQL rolled back for a deadlock or a serialization failure runs again
(competitions.locks.retried_on_conflict); a real deadlock on PostgreSQL is in
tests/integration/test_concurrent_writers.py."""

import psycopg.errors
import pytest
from django.db import OperationalError, transaction

from competitions import locks
from leaderboards import standing
from leaderboards.private_board import finalize_if_due, rebuild_if_built
from leaderboards.queries import leaderboard_rows
from moderation import services as moderation
from moderation.models import AuditLogEntry
from submissions.models import Submission
from submissions.services import select_final
from tests.factories import end_now, joined


def database_error(cause: Exception) -> OperationalError:
    """What Django raises for a psycopg error: its own class, with psycopg's as the cause."""
    try:
        raise OperationalError(str(cause)) from cause
    except OperationalError as error:
        return error


def failing(*errors: Exception):
    """A service that raises these errors on its first calls, then answers 'done'; it counts its calls."""
    calls = []

    @locks.retried_on_conflict
    def service() -> str:
        calls.append(len(calls))
        if len(calls) <= len(errors):
            raise errors[len(calls) - 1]
        return "done"

    return service, calls


@pytest.fixture(autouse=True)
def no_pause(monkeypatch):
    monkeypatch.setattr(locks, "CONFLICT_PAUSE", 0)


def test_a_service_rolled_back_for_a_deadlock_runs_again_and_succeeds():
    service, calls = failing(database_error(psycopg.errors.DeadlockDetected("deadlock detected")))

    assert service() == "done"
    assert len(calls) == 2


def test_a_serialization_failure_is_run_again_too():
    service, calls = failing(database_error(psycopg.errors.SerializationFailure("could not serialize")))

    assert service() == "done"
    assert len(calls) == 2


def test_the_service_gives_up_after_a_bounded_number_of_attempts():
    deadlock = database_error(psycopg.errors.DeadlockDetected("deadlock detected"))
    service, calls = failing(*[deadlock] * locks.CONFLICT_ATTEMPTS)

    with pytest.raises(OperationalError, match="deadlock detected"):
        service()
    assert len(calls) == locks.CONFLICT_ATTEMPTS


def test_other_database_errors_are_not_run_again():
    service, calls = failing(database_error(psycopg.errors.AdminShutdown("terminating connection")))

    with pytest.raises(OperationalError, match="terminating connection"):
        service()
    assert len(calls) == 1


@pytest.mark.django_db
def test_inside_another_transaction_the_error_goes_up_to_it():
    service, calls = failing(database_error(psycopg.errors.DeadlockDetected("deadlock detected")))

    with pytest.raises(OperationalError), transaction.atomic():
        service()
    assert len(calls) == 1


# The services that write under these locks and had no retry: final selection, a team deleting a submission,
# the disqualifications and bans (through moderation, the one way in to leaderboards.standing's writes) and the
# private board's builds. Each meets one injected deadlock at its first lock and must succeed on its second
# run, its effect written once. They need transactional tests: inside pytest's own transaction a service is not
# the outermost one, and the error would go up (as the test above shows).


def deadlock_once(monkeypatch, lock_name: str) -> list[str]:
    """The lock function `locks.<lock_name>` raises a deadlock the first time it is called (inside the
    service's transaction, as PostgreSQL would), then locks as usual; returns the list of its calls."""
    real = getattr(locks, lock_name)
    calls = []

    def lock(*args, **kwargs):
        calls.append(lock_name)
        if len(calls) == 1:
            raise database_error(psycopg.errors.DeadlockDetected("deadlock detected"))
        return real(*args, **kwargs)

    monkeypatch.setattr(locks, lock_name, lock)
    return calls


@pytest.fixture
def scored_run(competition, participant, other_participant):
    """Alice and Bob in the competition, each with a scored submission made through the real services."""
    from tests.moderation.conftest import ALL_RIGHT, TWO_RIGHT, scored

    joined(competition, participant)
    joined(competition, other_participant)
    return scored(competition, participant, ALL_RIGHT), scored(competition, other_participant, TWO_RIGHT)


@pytest.mark.django_db(transaction=True)
def test_selecting_a_final_submission_runs_again_after_a_deadlock(monkeypatch, scored_run, participant):
    mine, _ = scored_run
    calls = deadlock_once(monkeypatch, "lock_team")

    select_final(submission=mine, user=participant, selected=True)

    assert calls == ["lock_team", "lock_team"]
    assert Submission.objects.filter(is_final=True).get() == mine


@pytest.mark.django_db(transaction=True)
def test_deleting_a_submission_runs_again_after_a_deadlock(monkeypatch, competition, scored_run, participant):
    mine, _ = scored_run
    calls = deadlock_once(monkeypatch, "lock_team")

    standing.delete_submission(submission=mine, user=participant)

    assert calls == ["lock_team", "lock_team"]
    mine.refresh_from_db()
    assert mine.deleted_at is not None
    assert [row.team_name for row in leaderboard_rows(competition, "public")] == ["bob"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("target", ["submission", "team"])
def test_a_disqualification_runs_again_after_a_deadlock(
    monkeypatch, competition, scored_run, moderator, target
):
    mine, _ = scored_run
    calls = deadlock_once(monkeypatch, "lock_competition")

    if target == "submission":
        moderation.disqualify_submission(submission=mine, actor=moderator, reason="Leaked labels.")
    else:
        moderation.disqualify_team(team=mine.team, actor=moderator, reason="Leaked labels.")

    assert calls[:2] == [
        "lock_competition",
        "lock_competition",
    ]  # then the built board's check locks it again
    assert AuditLogEntry.objects.count() == 1  # the first run's entry was rolled back with it
    assert [row.team_name for row in leaderboard_rows(competition, "public")] == ["bob"]


@pytest.mark.django_db(transaction=True)
def test_a_ban_runs_again_after_a_deadlock(monkeypatch, competition, scored_run, participant, moderator):
    calls = deadlock_once(monkeypatch, "lock_user")

    assert moderation.ban_user(user=participant, actor=moderator, reason="Ran five accounts.") == 1

    assert calls == ["lock_user", "lock_user"]
    assert AuditLogEntry.objects.count() == 1
    assert [row.team_name for row in leaderboard_rows(competition, "public")] == ["bob"]


@pytest.mark.django_db(transaction=True)
def test_building_and_rebuilding_the_private_board_run_again_after_a_deadlock(
    monkeypatch, competition, scored_run
):
    competition = end_now(competition, sweep=False)
    calls = deadlock_once(monkeypatch, "lock_competition")

    assert finalize_if_due(competition) is True

    assert calls == ["lock_competition", "lock_competition"]
    assert [row.team_name for row in leaderboard_rows(competition, "private")] == ["alice", "bob"]
    calls = deadlock_once(monkeypatch, "lock_competition")
    rebuild_if_built(competition)
    assert calls == ["lock_competition", "lock_competition"]
    assert [row.team_name for row in leaderboard_rows(competition, "private")] == ["alice", "bob"]
