import pytest
from rest_framework.test import APIClient

from accounts.services import create_api_token
from config.celery import app as celery_app
from tests.factories import UserFactory, make_competition

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
def competition(host):
    return make_competition(host=host)
