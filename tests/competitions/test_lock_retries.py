"""A service whose transaction PostgreSQL rolled back for a deadlock or a serialization failure runs again
(competitions.locks.retried_on_conflict); a real deadlock on PostgreSQL is in
tests/integration/test_concurrent_writers.py."""

import psycopg.errors
import pytest
from django.db import OperationalError, transaction

from competitions import locks


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
