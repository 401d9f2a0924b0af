"""The worker keeps its database connection from one task to the next, as the web keeps it from one request
to the next (config/celery.py): Celery's Django fixup would close it around every task, and each score would
open a new PostgreSQL connection and backend."""

import time

import pytest
from celery.fixups.django import DjangoWorkerFixup
from django.db import connection

from config.celery import app, reuse_database_connections
from scoring.tasks import score_submission


@pytest.fixture
def closes(monkeypatch) -> list[str]:
    """Every close of the default connection, counted (the tests' in-memory SQLite never really closes, so
    the closes are what can be seen)."""
    counted: list[str] = []
    close = connection.close

    def counting_close():
        counted.append("close")
        close()

    monkeypatch.setattr(connection, "close", counting_close)
    return counted


def run_a_task_as_the_worker_does() -> None:
    """What Celery's worker does for Django around a task, and what Podium adds before it."""
    fixup = DjangoWorkerFixup(app)
    fixup.on_task_prerun(sender=score_submission)
    reuse_database_connections()
    connection.ensure_connection()
    fixup.on_task_postrun(sender=score_submission)


@pytest.mark.django_db(transaction=True)
def test_the_connection_outlives_a_task(closes):
    connection.ensure_connection()
    connection.close_at = time.monotonic() + 600  # well within its age, whatever earlier tests left here
    connection.errors_occurred = False

    for _ in range(3):
        run_a_task_as_the_worker_does()

    assert closes == []


@pytest.mark.django_db(transaction=True)
def test_a_connection_past_its_age_is_closed_before_the_next_task(closes):
    connection.ensure_connection()
    connection.close_at = 0  # it outlived DATABASE_CONN_MAX_AGE

    run_a_task_as_the_worker_does()

    assert closes == ["close"]
