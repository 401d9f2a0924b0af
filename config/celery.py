"""The Celery application: settings come from Django's, under the CELERY_ prefix."""

import os

from celery import Celery
from celery.signals import task_prerun

from config.broker import use_atomic_filesystem_transport

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
use_atomic_filesystem_transport()

app = Celery("podium")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
def reuse_database_connections(**kwargs: object) -> None:
    """Before each task, what Django does before each request: a connection that broke or outlived
    DATABASE_CONN_MAX_AGE is closed, any other is kept (and checked before its first query, since
    conn_health_checks is on). Celery would otherwise open a new one for every task (CELERY_DB_REUSE_MAX):
    a PostgreSQL connection and backend process per score, about a quarter of a scoring task's time in
    bench/rush.py's profile (docs/performance.md)."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.close_if_unusable_or_obsolete()
