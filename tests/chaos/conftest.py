import pytest

from tests.chaos.harness import Chaos, ChaosTemplate


@pytest.fixture(scope="session")
def chaos_template(tmp_path_factory):
    """A PostgreSQL cluster migrated once per run, then stopped: each scenario starts a copy of
    its folder on a port of its own."""
    template = ChaosTemplate(tmp_path_factory.mktemp("chaos-template"))
    yield template
    template.remove()


@pytest.fixture
def chaos(chaos_template, tmp_path):
    """A Podium of the scenario's own (PostgreSQL, a broker Redis and a cache Redis it may kill; web, worker
    and beat on short timings) with a competition whose scoring is slow enough to be interrupted."""
    running = Chaos(chaos_template, tmp_path)
    try:
        running.start()
        yield running
    finally:
        running.close()
