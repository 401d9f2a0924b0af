"""Create the demo host, participant, co-host, reviewer, admin, three public competitions, a research
challenge (two phases, two tracks, three score columns, prizes, a co-host), a private one that admits the
demo participant, an organisation and a public dataset, from data that ships with scikit-learn."""

import io
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from sklearn import datasets as sklearn_datasets

from accounts.models import User
from competitions.demo_organisers import seed_organisers
from competitions.models import AllowListEntry, Competition, CompetitionHost
from competitions.phase_setup import (
    TrackPlan,
    development_then_final,
    set_pair_scoring,
    set_phases,
    set_tracks,
)
from competitions.phases import pairs_of
from competitions.prizes import PrizeDraft, set_prizes
from competitions.services import CompetitionDraft, create_competition, publish_competition
from datasets.demo import SLUG as DEMO_DATASET
from datasets.demo import ensure_demo_dataset
from datasets.services import NewFile

# The demo's published passwords (the README lists them and says to change them before going public).
DEMO_PASSWORD = "podium-demo"  # noqa: S105
ADMIN_PASSWORD = "podium-admin"  # noqa: S105
TEST_SHARE = 0.3
DEMO_SPLIT_SEED = 20261204  # the same public rows on every machine, so the demo boards (and tests) repeat


@dataclass(frozen=True)
class DemoCompetition:
    slug: str
    title: str
    subtitle: str
    loader: str
    metric: str
    overview: str
    visibility: str = Competition.Visibility.PUBLIC
    allow_list: tuple[str, ...] = ()  # who a private demo admits
    score_columns: tuple[dict, ...] = ()  # secondary score columns (competitions.score_columns)
    is_challenge: bool = False  # phases and tracks (competitions.phases): see seed_challenge


DEMOS = [
    DemoCompetition(
        "digits",
        "Handwritten digits",
        "Recognise 8x8 images of handwritten digits.",
        "load_digits",
        "accuracy",
        "Each row is an 8x8 grey-level image of a handwritten digit (64 pixel columns, values 0-16). "
        "Predict the digit (0-9) of every test image.",
    ),
    DemoCompetition(
        "breast-cancer",
        "Breast cancer diagnosis",
        "Tell benign from malignant tumours from 30 cell measurements.",
        "load_breast_cancer",
        "roc_auc",
        "Each row describes cell nuclei in a breast mass image with 30 measurements. Predict the probability "
        "that the tumour is benign (target 1) rather than malignant (target 0).",
    ),
    DemoCompetition(
        "diabetes",
        "Diabetes progression",
        "Predict disease progression one year after baseline.",
        "load_diabetes",
        "rmse",
        "Ten baseline variables (age, sex, body mass index, blood pressure and six blood serum measurements) "
        "were taken from 442 diabetes patients. Predict a quantitative measure of disease progression one year later.",
        score_columns=(
            {"label": "MAE", "metric": "mae", "precision": 2},
            {"label": "R²", "metric": "r2", "precision": 3},
        ),
    ),
    DemoCompetition(
        "wine-class",
        "Wine cultivars (class exercise)",
        "A private exercise: tell three wine cultivars apart from 13 chemical measurements.",
        "load_wine",
        "accuracy",
        "A private competition for one class: only the participants its host admitted see it (the demo "
        "participant is on its allow-list). Each row is a chemical analysis of a wine from one of three "
        "cultivars; predict the cultivar (0, 1 or 2) of every test wine.",
        visibility=Competition.Visibility.PRIVATE,
        allow_list=("demo@example.com",),
    ),
    DemoCompetition(
        "iris-challenge",
        "Iris species challenge",
        "A research challenge: a development phase, then a final one, on two tracks.",
        "load_iris",
        "accuracy",
        "A challenge in the shape research challenges take: a **Development** phase with a public board and "
        "many submissions, then a **Final** phase with few submissions whose board stays hidden until it ends "
        "(your final selections are carried over into it). Two tracks: *Accuracy* and *Balanced*, each with "
        "its own board. Each row measures the sepals and petals of an iris flower; predict its species "
        "(0, 1 or 2).",
        score_columns=(
            {"label": "Balanced accuracy", "metric": "balanced_accuracy", "precision": 3},
            {"label": "Macro F1", "metric": "macro_f1", "precision": 3},
        ),
        is_challenge=True,
    ),
]

# Prizes on two demos (competitions.prizes), in two currencies, so the list's "Total prize" sort and the
# overview show them; set once, and left alone if the host changed them.
DEMO_PRIZES = {
    "digits": [
        PrizeDraft(place=1, amount=Decimal("5000"), currency="USD"),
        PrizeDraft(place=2, amount=Decimal("2500"), currency="USD"),
        PrizeDraft(place=3, amount=Decimal("1000"), currency="USD", description="and a conference pass"),
        PrizeDraft(place=4, description="Podium T-shirt"),
    ],
    "breast-cancer": [PrizeDraft(place=1, amount=Decimal("3000"), currency="EUR")],
    "iris-challenge": [
        PrizeDraft(place=1, amount=Decimal("1000"), currency="USD"),
        PrizeDraft(place=2, description="A signed copy of the dataset's paper"),
    ],
}

DEMO_RULES = (
    "One account per person. Use only the data provided. You may submit up to the daily limit; "
    "files that fail validation do not count. Do not share code or predictions outside your team."
)


def csv_bytes(frame: pd.DataFrame) -> io.BytesIO:
    return io.BytesIO(frame.to_csv(index=False).encode())


def demo_files(loader: str) -> tuple[list[NewFile], io.BytesIO]:
    """Split the bundled data into train and test files plus the hidden solution."""
    bunch = getattr(sklearn_datasets, loader)(as_frame=True)
    frame = bunch.frame.rename(columns={bunch.target.name: "target"})
    frame.insert(0, "id", np.arange(1, len(frame) + 1))
    rng = np.random.default_rng(20261123)
    is_test = rng.random(len(frame)) < TEST_SHARE
    train, test = frame[~is_test], frame[is_test]
    files = [
        NewFile("train.csv", csv_bytes(train)),
        NewFile("test.csv", csv_bytes(test.drop(columns=["target"]))),
    ]
    return files, csv_bytes(test[["id", "target"]])


def ensure_user(username: str, password: str, **extra) -> User:
    """A demo account, its address confirmed so the demo's allow-lists admit it (docs/accounts.md). Its
    address is at example.com, which nobody can hold, so marking it confirmed admits no one real; an account
    whose address was changed keeps its own state."""
    address = f"{username}@example.com"
    user, created = User.objects.get_or_create(username=username, defaults={"email": address, **extra})
    if created:
        user.set_password(password)
    if user.email == address and not user.has_confirmed_email:
        user.confirmed_email, user.email_confirmed_at = address, timezone.now()
    user.save()
    return user


def seed_challenge(competition: Competition, host: User, co_host: User) -> None:
    """Development then Final, two tracks (the second ranks by balanced accuracy) and a co-host."""
    set_phases(
        competition=competition,
        user=host,
        plans=development_then_final(competition.start_at, competition.end_at),
    )
    set_tracks(
        competition=competition,
        user=host,
        plans=[
            TrackPlan(slug="accuracy", name="Accuracy", is_default=True),
            TrackPlan(slug="balanced", name="Balanced", description="Ranked by balanced accuracy."),
        ],
    )
    for pair in pairs_of(competition):
        if pair.track.slug == "balanced":
            set_pair_scoring(competition=competition, user=host, pair=pair, metric="balanced_accuracy")
    CompetitionHost.objects.get_or_create(
        competition=competition, user=co_host, defaults={"role": CompetitionHost.Role.CO_HOST}
    )


def admit_allow_list(competition: Competition, demo: DemoCompetition) -> None:
    for entry in demo.allow_list:
        AllowListEntry.objects.get_or_create(competition=competition, entry=entry)


class Command(BaseCommand):
    help = (
        "Create demo users, three public demo competitions, a private one the demo participant is admitted to "
        "and a demo dataset (safe to run again)."
    )

    def handle(self, *args, **options):
        host = ensure_user("demo-host", DEMO_PASSWORD, display_name="Demo Host")
        ensure_user("demo", DEMO_PASSWORD, display_name="Demo Participant")
        co_host = ensure_user("demo-cohost", DEMO_PASSWORD, display_name="Demo Co-host")
        reviewer = ensure_user("demo-reviewer", DEMO_PASSWORD, display_name="Demo Reviewer")
        ensure_user("admin", ADMIN_PASSWORD, is_staff=True, is_superuser=True)
        now = timezone.now().replace(microsecond=0)
        for demo in DEMOS:
            existing = Competition.objects.filter(slug=demo.slug).first()
            if existing is not None:
                admit_allow_list(existing, demo)
                self.stdout.write(f"exists: {demo.slug}")
                continue
            data_files, solution = demo_files(demo.loader)
            draft = CompetitionDraft(
                title=demo.title,
                slug=demo.slug,
                subtitle=demo.subtitle,
                overview=demo.overview,
                rules=DEMO_RULES,
                start_at=now - timedelta(days=1),
                end_at=now + timedelta(days=90),
                metric=demo.metric,
                id_column="id",
                target_columns=["target"],
                daily_submission_limit=20,
                split_seed=DEMO_SPLIT_SEED,
                visibility=demo.visibility,
                score_columns=list(demo.score_columns),
            )
            with transaction.atomic():
                competition = create_competition(
                    host=host, draft=draft, solution=solution, data_files=data_files
                )
                publish_competition(competition=competition, user=host)
                admit_allow_list(competition, demo)
                if demo.is_challenge:
                    seed_challenge(competition, host, co_host)
            self.stdout.write(self.style.SUCCESS(f"created: {demo.slug}"))
        for slug, prizes in DEMO_PRIZES.items():
            competition = Competition.objects.filter(slug=slug).first()
            if (
                competition
                and not competition.prizes.exists()
                and competition.phase != Competition.Phase.FINISHED
            ):
                set_prizes(competition=competition, user=competition.host, prizes=prizes)
                self.stdout.write(self.style.SUCCESS(f"prizes: {slug}"))
        if ensure_demo_dataset(host):
            self.stdout.write(self.style.SUCCESS(f"created: dataset {DEMO_DATASET}"))
        else:
            self.stdout.write(f"exists: dataset {DEMO_DATASET}")
        for made in seed_organisers(host=host, co_host=co_host, reviewer=reviewer, dataset_slug=DEMO_DATASET):
            self.stdout.write(self.style.SUCCESS(f"created: {made}"))
