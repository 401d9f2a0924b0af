"""The demo seed's code competition: its one track takes code on hidden wine samples that are never
published, and the model its overview shows is scored end to end in bubblewrap."""

import io

import pandas as pd
import pytest
from django.core.management import call_command

from accounts.models import User
from competitions.models import Competition
from competitions.phases import pairs_of
from competitions.services import join_competition
from datasets.storage import private_storage
from scoring import services
from submissions.services import create_submission
from tests.code.conftest import code_zip
from tests.services import require_bubblewrap

pytestmark = pytest.mark.django_db

FOREST = """
from sklearn.ensemble import RandomForestClassifier


class Model:
    def fit(self, X, y):
        self.forest = RandomForestClassifier(random_state=0).fit(X, y)

    def predict(self, X):
        return self.forest.predict(X)
"""


@pytest.fixture
def seeded():
    call_command("seed_demo", verbosity=0)
    call_command("seed_code_demo", verbosity=0)
    call_command("seed_code_demo", verbosity=0)  # again: nothing changes
    return Competition.objects.get(slug="wine-code")


def test_the_code_demo_takes_code_on_inputs_it_never_publishes(seeded):
    [pair] = pairs_of(seeded)
    assert pair.accepts == "code"
    with private_storage().open(pair.code_inputs_key, "rb") as stream:
        hidden = pd.read_csv(stream)
    assert "target" not in hidden.columns
    published = {item.name for item in seeded.data_version.files.all()}
    assert {"train.csv", "sample.csv"} <= published
    assert "test.csv" not in published
    assert "class Model" in seeded.overview


def test_the_overview_model_is_scored_in_the_sandbox(seeded):
    require_bubblewrap()
    demo = User.objects.get(username="demo")
    join_competition(competition=seeded, user=demo)
    submission, _ = create_submission(
        competition=seeded,
        user=demo,
        file_name="model.zip",
        stream=io.BytesIO(code_zip({"model.py": FOREST})),
    )

    assert services.score_submission(submission.pk) == "scored"

    submission.refresh_from_db()
    assert submission.public_score > 0.8
