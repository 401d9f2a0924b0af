import pytest

from tests.services import require_postgres, require_redis
from tests.stack import Stack, serving


@pytest.fixture(params=["sqlite+filesystem", "postgres+redis"])
def stack(request, tmp_path, stack_template):
    """A running Podium web server on the embedded defaults, then again on PostgreSQL and Redis; each test
    starts the worker when it wants it."""
    if request.param == "postgres+redis":
        require_postgres()
        running = Stack(tmp_path, template=stack_template("postgres"), redis_url=require_redis())
    else:
        running = Stack(tmp_path, template=stack_template("sqlite"))
    with serving(running, worker=False):
        yield running


@pytest.fixture
def postgres_stack(tmp_path, stack_template):
    require_postgres()
    running = Stack(tmp_path, template=stack_template("postgres"), redis_url=require_redis())
    with serving(running, worker=False):
        yield running
