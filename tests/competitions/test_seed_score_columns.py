"""The demo seed gives the diabetes competition two secondary score columns, once however often it runs."""

import pytest
from django.core.management import call_command

from competitions.models import Competition

pytestmark = pytest.mark.django_db


def test_the_demo_diabetes_competition_has_two_shown_columns_once():
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)

    diabetes = Competition.objects.get(slug="diabetes")
    assert [(c["label"], c["metric"], c["precision"], c["shown"]) for c in diabetes.score_columns] == [
        ("MAE", "mae", 2, True),
        ("R²", "r2", 3, True),
    ]
    assert Competition.objects.filter(slug="diabetes").count() == 1
    assert Competition.objects.get(slug="digits").score_columns == []
