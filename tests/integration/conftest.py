import pytest

from tests.services import require_postgres, require_redis
from tests.stack import Stack


@pytest.fixture(params=["sqlite+filesystem", "postgres+redis"])
def stack(request, tmp_path):
    """A running Podium (web + worker) on the embedded defaults, then again on PostgreSQL and Redis."""
    if request.param == "postgres+redis":
        running = Stack(tmp_path, postgres_admin_url=require_postgres(), redis_url=require_redis())
    else:
        running = Stack(tmp_path)
    try:
        running.prepare()
        running.start_web()
        yield running
    finally:
        running.close()


@pytest.fixture
def postgres_stack(tmp_path):
    running = Stack(tmp_path, postgres_admin_url=require_postgres(), redis_url=require_redis())
    try:
        running.prepare()
        running.start_web()
        yield running
    finally:
        running.close()
