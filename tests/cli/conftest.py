"""The `podium` command run for real, as a subprocess, against pytest-django's live server.

Database visibility across threads. The live server answers in its own threads and the Celery worker of
`submit --wait` runs in another, while the test arranges data in the main thread. On SQLite the session's
test database lives in memory, and pytest-django hands the live server the main thread's connection
object; a third thread (the worker) would then either open a second connection to the shared in-memory
cache, which refuses concurrent writers with "database table is locked" instead of waiting, or share
that one connection object and interleave its transactions with the server's. So for tests/cli only,
`cli_database` copies the migrated in-memory test database into a file under the temporary folder
(SQLite's backup API, no second migrate) and points the default alias at it: every thread then opens its
own connection, with WAL and the busy timeout from settings, as the real web and worker processes do.
`live_server` and `transactional_db` are overridden here so that the switch happens before the server
starts and before the first flush; everything is put back when tests/cli end. On PostgreSQL the test
database is already shared by all connections and nothing is switched.
"""

import os
import sqlite3
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, connections

from accounts.services import create_api_token
from tests.cli.podium_runner import Podium, base_env, require_podium
from tests.factories import UserFactory, joined, make_competition
from tests.services import missing


@pytest.fixture(scope="package")
def cli_database(django_db_setup, django_db_blocker, tmp_path_factory):
    in_memory = connections[DEFAULT_DB_ALIAS]
    if not (in_memory.vendor == "sqlite" and in_memory.is_in_memory_db()):
        yield
        return
    settings_dict = in_memory.settings_dict  # shared by every thread's connection to this alias
    saved_name = settings_dict["NAME"]
    path = tmp_path_factory.mktemp("cli-database") / "podium-test.sqlite3"
    with django_db_blocker.unblock():
        in_memory.ensure_connection()
        target = sqlite3.connect(path)
        in_memory.connection.backup(target)
        target.close()
        settings_dict["NAME"] = str(path)
        file_connection = connections.create_connection(DEFAULT_DB_ALIAS)
        connections[DEFAULT_DB_ALIAS] = file_connection
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            file_connection.close()
            settings_dict["NAME"] = saved_name
            connections[DEFAULT_DB_ALIAS] = in_memory


@pytest.fixture
def transactional_db(cli_database, transactional_db):
    """pytest-django's, once the database is one every thread can open."""
    return transactional_db


@pytest.fixture(scope="package")
def live_server(cli_database):
    """pytest-django's live server, started after the switch so that it opens connections of its own."""
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer(os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS", "localhost"))
    yield server
    server.stop()


@pytest.fixture
def home(tmp_path) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    return folder


@pytest.fixture
def workdir(tmp_path) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


@pytest.fixture
def podium_for(live_server, home, workdir):
    """podium_for(user) -> a Podium runner with PODIUM_URL and a fresh token of that user."""
    require_podium()

    def runner(user) -> Podium:
        _, raw = create_api_token(user=user, name="cli tests")
        env = {**base_env(home), "PODIUM_URL": live_server.url, "PODIUM_TOKEN": raw}
        return Podium(env=env, cwd=workdir)

    return runner


@pytest.fixture
def host(transactional_db):
    return UserFactory(username="host")


@pytest.fixture
def alice(transactional_db):
    return UserFactory(username="alice")


@pytest.fixture
def competition(host):
    return make_competition(host=host)


@pytest.fixture
def podium(podium_for, alice):
    """alice's podium command, for a competition she has not joined yet."""
    return podium_for(alice)


@pytest.fixture
def member(competition, alice):
    joined(competition, alice)
    return alice


@pytest.fixture(scope="module")
def celery_worker(cli_database):
    """A real Celery worker in this process, consuming the in-memory broker the unit tests use.

    Module-scoped: stopping one takes a few seconds (its loop waits up to 2 s for messages), so the tests
    that need it share one, in a module of their own."""
    try:
        from celery.contrib.testing.worker import start_worker
    except ImportError as error:  # pragma: no cover - celery ships it
        missing(f"celery.contrib.testing is not importable: {error}")
    from config.celery import app

    # Messages the unit tests sent with no worker running are still in the in-memory queue: drop them.
    with app.connection_for_write() as connection:
        channel = connection.default_channel
        channel.queue_declare(app.conf.task_default_queue, passive=False)
        channel.queue_purge(app.conf.task_default_queue)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker:
        yield worker
