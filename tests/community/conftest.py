from datetime import timedelta

import pytest
from django.utils import timezone

from datasets.models import Dataset
from tests.factories import UserFactory


def old_account(username: str, **extra):
    """An account past the new-account brake on comments."""
    return UserFactory(username=username, date_joined=timezone.now() - timedelta(days=30), **extra)


@pytest.fixture
def carol(db):
    return old_account("carol")


@pytest.fixture
def dave(db):
    return old_account("dave")


@pytest.fixture
def dataset(host):
    return Dataset.objects.create(owner=host, title="Coastal weather", slug="coastal-weather")


def discussion_url(kind: str, key: str) -> str:
    return f"/api/v1/discussions/{kind}/{key}/"
