import os
import secrets

import pytest
from django.core.cache import cache
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient

import config.settings
from accounts.services import create_api_token
from config.celery import app as celery_app
from tests import api_coverage
from tests.factories import UserFactory, make_competition
from tests.s3 import s3_server
from tests.services import require_postgres
from tests.stack import Stack, StackTemplate, serving

# Hypothesis draws the same examples on every run (a test that can fail by chance is a defect) and keeps no
# example database in the repository. HYPOTHESIS_PROFILE=explore draws fresh examples, to hunt for new cases.
hypothesis_settings.register_profile("repeatable", derandomize=True, database=None)
hypothesis_settings.register_profile("explore", database=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


def pytest_configure(config):
    api_coverage.start_recording()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Which tests pytest-xdist keeps together on one worker (`make test`: `-n 2 --dist loadgroup`; a group
    runs in order on one worker, every other test goes to whichever worker is free):

    - `services`: the integration and chaos tests, one after another. Several of them empty the test
      Redis database (tests/services.py) that a running Podium of another would be using.
    - each browser and cli test module: its module-scoped Podium, Chromium or Celery worker starts once.
    """
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        if item.get_closest_marker("integration") or item.get_closest_marker("chaos"):
            group = "services"
        elif item.get_closest_marker("browser") or item.nodeid.startswith("tests/cli/"):
            group = item.module.__name__
        else:
            continue
        item.add_marker(pytest.mark.xdist_group(group))


def ran_whole_suite(session) -> bool:
    config = session.config
    default_paths = config.getini("testpaths")
    chosen = [str(arg) for arg in config.args]
    return (
        chosen in ([], default_paths, [str(config.rootpath / p) for p in default_paths])
        and not config.getoption("keyword")
        and not config.getoption("markexpr")
    )


def pytest_sessionfinish(session, exitstatus):
    """After a whole, passing run: every operation in the OpenAPI schema must have been called.

    Under pytest-xdist (`make test` runs the suite in two worker processes) each worker records only the
    requests of its own tests: it hands them to the controlling process (xdist's workeroutput), which adds
    up every worker's in pytest_testnodedown and makes the check on the union."""
    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["api_calls"] = sorted(api_coverage.CALLED)
        return
    if exitstatus != 0 or not ran_whole_suite(session):
        return
    missing = api_coverage.uncovered_operations()
    if missing:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        reporter.write_line(f"FAILED: {len(missing)} API operations are called by no test:", red=True)
        for operation in missing:
            reporter.write_line(f"  {operation}", red=True)
        session.exitstatus = 1


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """A pytest-xdist worker has finished: its tests' API calls count for the whole run."""
    api_coverage.CALLED.update(tuple(call) for call in getattr(node, "workeroutput", {}).get("api_calls", []))


# Unit tests never reach a worker (integration tests start real ones), so messages go nowhere.
celery_app.conf.broker_url = "memory://"


@pytest.fixture(autouse=True)
def isolated_storage(settings, tmp_path):
    """Each test writes its files under its own temporary folder."""

    def local(name):
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "files" / name), "base_url": None},
        }

    settings.STORAGES = {
        "default": local("private"),
        "private": local("private"),
        "public_data": local("public"),
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session")
def s3(tmp_path_factory):
    """moto's S3 server (tests/s3.py), started the first time a test asks for it."""
    with s3_server(tmp_path_factory.mktemp("moto")) as server:
        yield server


@pytest.fixture
def on_s3(s3, settings, monkeypatch):
    """Both storages on a bucket of the test's own, configured by config/settings.py from the variables an
    operator sets (PODIUM_S3_BUCKET, PODIUM_S3_ENDPOINT_URL, ...)."""
    s3 = s3.new_bucket(f"test-{secrets.token_hex(6)}")
    for name, value in s3.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(config.settings, "S3_BUCKET", s3.bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": config.settings.file_storage("private"),
        "private": config.settings.file_storage("private"),
        "public_data": config.settings.file_storage("public"),
    }
    return s3


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """API burst counts live in the cache; each test starts with none used."""
    cache.clear()


@pytest.fixture
def host(db):
    return UserFactory(username="host")


@pytest.fixture
def participant(db):
    return UserFactory(username="alice")


@pytest.fixture
def other_participant(db):
    return UserFactory(username="bob")


def api_client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        _, raw = create_api_token(user=user, name="tests")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def api_for():
    return api_client_for


@pytest.fixture
def moderator(db):
    return UserFactory(username="moderator", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, moderator):
    """A moderator logged in to the admin (this replaces pytest-django's fixture of the same name)."""
    client.force_login(moderator)
    return client


@pytest.fixture
def competition(host):
    return make_competition(host=host)


@pytest.fixture(scope="session")
def stack_template(tmp_path_factory):
    """stack_template(kind) -> this run's migrated and seeded template of a Podium, 'sqlite' (the embedded
    defaults) or 'postgres', built the first time a test asks for it."""
    built: dict[str, StackTemplate] = {}

    def template(kind: str) -> StackTemplate:
        if kind not in built:
            postgres = require_postgres() if kind == "postgres" else None
            folder = tmp_path_factory.mktemp(f"template-{kind}")
            built[kind] = StackTemplate(folder, postgres_admin_url=postgres)
        return built[kind]

    yield template
    for made in built.values():
        made.close()


@pytest.fixture(scope="module")
def site(stack_template, tmp_path_factory):
    """A seeded Podium on the embedded defaults, with web and a real worker, shared by one test module."""
    with serving(
        Stack(tmp_path_factory.mktemp("site"), template=stack_template("sqlite")), worker=True
    ) as running:
        yield running
