"""Seed the demo's code competition: Wine cultivars (code), whose one track takes code that Podium's default
ingestion runs on hidden wines (docs/code-submissions.md). It lives here, not in seed_demo, because setting
a track's inputs is this app's service and competitions sits below it."""

import io
from datetime import timedelta

import pandas as pd
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from competitions.management.commands.seed_demo import (
    DEMO_PASSWORD,
    DEMO_RULES,
    DEMO_SPLIT_SEED,
    csv_bytes,
    demo_files,
    ensure_user,
)
from competitions.models import Competition, PhaseTrack
from competitions.phases import pairs_of
from competitions.services import CompetitionDraft, create_competition, publish_competition
from datasets.services import NewFile
from submissions.code import set_code_inputs

SLUG = "wine-code"
OVERVIEW = (
    "Submit **code**, not predictions: a zip holding a `model.py` with a class `Model` whose `fit(X, y)` "
    "gets `train.csv` (13 chemical measurements and the cultivar, 0, 1 or 2) and whose `predict(X)` returns "
    "one cultivar per row of the inputs; or a function `predict(X)`. Podium runs it first on `sample.csv` "
    "(its logs are yours to read), then on the hidden test wines, and scores its predictions. For example:"
    "\n\n```python\nfrom sklearn.ensemble import RandomForestClassifier\n\n\nclass Model:\n"
    "    def fit(self, X, y):\n        self.forest = RandomForestClassifier(random_state=0).fit(X, y)\n\n"
    "    def predict(self, X):\n        return self.forest.predict(X)\n```"
)


def code_demo_files() -> tuple[list[NewFile], io.BytesIO, io.BytesIO, io.BytesIO]:
    """train.csv and a public sample of inputs to download; the hidden inputs the code runs on (test.csv's
    features, never published); the solution."""
    files, solution = demo_files("load_wine")
    train, test = (pd.read_csv(io.BytesIO(item.stream.getvalue())) for item in files)
    sample = train.drop(columns=["target"]).head(5)
    public = [files[0], NewFile("sample.csv", csv_bytes(sample))]
    return public, csv_bytes(sample), csv_bytes(test), solution


def seed_code_competition(host: User) -> Competition:
    public, sample, hidden, solution = code_demo_files()
    now = timezone.now().replace(microsecond=0)
    draft = CompetitionDraft(
        title="Wine cultivars (code)",
        slug=SLUG,
        subtitle="A code competition: upload a model, Podium runs it on wine samples you never see.",
        overview=OVERVIEW,
        rules=DEMO_RULES,
        start_at=now - timedelta(days=1),
        end_at=now + timedelta(days=90),
        metric="accuracy",
        id_column="id",
        target_columns=["target"],
        daily_submission_limit=20,
        split_seed=DEMO_SPLIT_SEED,
    )
    with transaction.atomic():
        competition = create_competition(host=host, draft=draft, solution=solution, data_files=public)
        [pair] = pairs_of(competition)
        set_code_inputs(
            competition=competition,
            user=host,
            pair=pair,
            accepts=PhaseTrack.Accepts.CODE,
            hidden_inputs=("test.csv", hidden),
            sample_inputs=("sample.csv", sample),
        )
        publish_competition(competition=competition, user=host)
    return competition


class Command(BaseCommand):
    help = "Create the demo code competition, Wine cultivars (code), after seed_demo (safe to run again)."

    def handle(self, *args, **options):
        if Competition.objects.filter(slug=SLUG).exists():
            self.stdout.write(f"exists: {SLUG}")
            return
        host = ensure_user("demo-host", DEMO_PASSWORD, display_name="Demo Host")
        seed_code_competition(host)
        self.stdout.write(self.style.SUCCESS(f"created: {SLUG}"))
