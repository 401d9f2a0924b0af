"""Demo content for the community side: a finished competition kept open as a benchmark (teams, scored
submissions, write-ups with paper and code links, a few imported example results), a discussion on the
Diabetes competition, ratings of the demo dataset, and three papers with external implementations (one of
them rated) and results (the write-ups cite two, an imported row the third). Run after seed_demo; safe to run
again."""

import io
import json
from datetime import date, timedelta

import numpy as np
import pandas as pd
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from sklearn import datasets as sklearn_datasets

from accounts.models import User
from community.benchmarks import open_benchmark
from community.models import Benchmark, ImportedResult, Paper, WriteUp
from community.papers import add_implementation, create_paper, find_paper, link_writeup
from community.pwc import import_table
from community.queries import target_comments
from community.ratings import rate
from community.services import post_comment
from community.writeups import publish_writeup
from competitions import locks
from competitions.management.commands.seed_demo import DEMO_PASSWORD, DEMO_SPLIT_SEED, csv_bytes, ensure_user
from competitions.models import Competition
from competitions.services import CompetitionDraft, create_competition, join_competition, publish_competition
from datasets.models import Dataset
from datasets.services import NewFile
from leaderboards.private_board import build_private_leaderboard
from leaderboards.services import rebuild_public_entries
from scoring.services import score_submission
from submissions.models import Submission
from submissions.services import create_submission

SLUG = "wine-benchmark"
DEMO_DATASET = "iris"
DEMO_RATINGS = [("ada", 5), ("grace", 4), ("alan", 4)]
# A real paper and a real library that implements it (not the authors' own code), so the paper page has a row.
DEMO_PAPER_DOI = "10.1023/a:1010933404324"
DEMO_IMPLEMENTATION = "https://github.com/scikit-learn/scikit-learn"
DEMO_IMPLEMENTATION_RATINGS = [("ada", 5), ("grace", 5), ("alan", 4)]
# The papers the benchmark's write-ups cite, by author: (username, paper fields, repository, framework, official).
CITED_PAPERS = [
    (
        "ada",
        {
            "title": "LightGBM: A Highly Efficient Gradient Boosting Decision Tree",
            "authors": [
                "Guolin Ke",
                "Qi Meng",
                "Thomas Finley",
                "Taifeng Wang",
                "Wei Chen",
                "Weidong Ma",
                "Qiwei Ye",
                "Tie-Yan Liu",
            ],
            "venue": "NeurIPS 2017",
            "published_on": date(2017, 12, 4),
            "url": "https://papers.nips.cc/paper/6907-lightgbm-a-highly-efficient-gradient-boosting-decision-tree",
        },
        "https://github.com/microsoft/LightGBM",
        "lightgbm",
        True,
    ),
    (
        "grace",
        {
            "title": "Nearest neighbor pattern classification",
            "authors": ["Thomas M. Cover", "Peter E. Hart"],
            "venue": "IEEE Transactions on Information Theory 13",
            "published_on": date(1967, 1, 1),
            "doi": "10.1109/TIT.1967.1053964",
            "url": "https://doi.org/10.1109/TIT.1967.1053964",
        },
        DEMO_IMPLEMENTATION,
        "scikit-learn",
        False,
    ),
]
# (username, display name, share of test labels right, write-up or None)
TEAMS = [
    ("ada", "Ada", 1.0, ("Gradient boosting on all 13 measurements", "LightGBM, 200 trees", "lightgbm")),
    ("grace", "Grace", 0.91, ("Scaled k-NN", "k-NN (k=7) on standardised features", "scikit-learn")),
    ("alan", "Alan", 0.80, None),
]
# Illustrative rows in Papers With Code's format, to show how imported results look: their figures are made
# up; the second row is credited to the demo paper (Random Forests), so that paper's page has a result.
IMPORTED = [
    {
        "model_name": "Logistic regression (example import)",
        "metrics": {"Accuracy": "94.4%"},
        "paper_title": "An example published baseline",
        "paper_url": "",
        "paper_date": "2019-06-01",
        "code_links": [],
        "model_links": [],
        "uses_additional_data": False,
    },
    {
        "model_name": "Random forest (example import)",
        "metrics": {"Accuracy": 0.963},
        "paper_title": "Random Forests",
        "paper_url": "https://doi.org/10.1023/A:1010933404324",
        "paper_date": "2021-03-15",
        "code_links": [],
        "model_links": [],
        "uses_additional_data": False,
    },
]


def wine_files() -> tuple[list[NewFile], io.BytesIO, pd.DataFrame]:
    bunch = sklearn_datasets.load_wine(as_frame=True)
    frame = bunch.frame.rename(columns={bunch.target.name: "target"})
    frame.insert(0, "id", np.arange(1, len(frame) + 1))
    is_test = np.random.default_rng(20261124).random(len(frame)) < 0.4
    train, test = frame[~is_test], frame[is_test]
    files = [
        NewFile("train.csv", csv_bytes(train)),
        NewFile("test.csv", csv_bytes(test.drop(columns=["target"]))),
    ]
    return files, csv_bytes(test[["id", "target"]]), test[["id", "target"]]


def predictions(truth: pd.DataFrame, share_right: float, seed: int) -> bytes:
    """The true cultivar for about `share_right` of the rows, another one for the rest."""
    rng = np.random.default_rng(seed)
    wrong = rng.random(len(truth)) > share_right
    guesses = truth["target"].where(~wrong, (truth["target"] + 1) % 3)
    return pd.DataFrame({"id": truth["id"], "target": guesses}).to_csv(index=False).encode()


def seasoned_user(username: str) -> User:
    """A demo user whose account is a month old, so the brake on new accounts lets the seeds rate."""
    user = ensure_user(username, DEMO_PASSWORD, display_name=username.title())
    month_ago = timezone.now() - timedelta(days=30)
    if user.date_joined > month_ago:
        User.objects.filter(pk=user.pk).update(date_joined=month_ago)
        user.refresh_from_db()
    return user


class Command(BaseCommand):
    help = "Create a demo benchmark with write-ups and imported results, and a demo discussion (safe to run again)."

    def handle(self, *args, **options):
        host = ensure_user("demo-host", DEMO_PASSWORD, display_name="Demo Host")
        if Benchmark.objects.filter(competition__slug=SLUG).exists():
            self.stdout.write(f"exists: {SLUG}")
        else:
            self.seed_benchmark(host)
            self.stdout.write(self.style.SUCCESS(f"created: {SLUG} (a benchmark)"))
        self.seed_discussion(host)
        self.seed_ratings()
        paper = self.seed_paper()
        self.seed_cited_papers()
        self.credit_imported_row(paper)
        self.seed_implementation_ratings(paper)

    def seed_benchmark(self, host: User) -> None:
        files, solution, truth = wine_files()
        now = timezone.now().replace(microsecond=0)
        draft = CompetitionDraft(
            title="Wine cultivars",
            slug=SLUG,
            subtitle="Tell three cultivars apart from 13 chemical measurements. Now a benchmark.",
            overview="Each row is a wine from one of three cultivars grown in the same region of Italy, with 13 "
            "measurements from a chemical analysis. Predict the cultivar (0, 1 or 2). The competition has ended "
            "and stays open as a benchmark: submit, then publish a write-up to name your method in the table.",
            rules="One account per person. Use only the data provided.",
            start_at=now - timedelta(days=1),
            end_at=now + timedelta(days=1),
            metric="accuracy",
            id_column="id",
            target_columns=["target"],
            daily_submission_limit=20,
            split_seed=DEMO_SPLIT_SEED,
        )
        with transaction.atomic():
            competition = create_competition(host=host, draft=draft, solution=solution, data_files=files)
            publish_competition(competition=competition, user=host)
        submissions = {}
        for seed, (username, name, share, _) in enumerate(TEAMS):
            user = ensure_user(username, DEMO_PASSWORD, display_name=name)
            join_competition(competition=competition, user=user)
            submission, _ = create_submission(
                competition=competition,
                user=user,
                file_name="predictions.csv",
                stream=io.BytesIO(predictions(truth, share, seed)),
                description="demo",
            )
            score_submission(submission.pk)
            # The story: the competition ran from 120 to 30 days ago and each team submitted during it, so
            # the boards, the "Last" column and the chart all say weeks ago, never "just now".
            made_at = now - timedelta(days=100 - 20 * seed)
            Submission.objects.filter(pk=submission.pk).update(
                created_at=made_at,
                enqueued_at=made_at,
                scoring_started_at=made_at + timedelta(seconds=1),
                scored_at=made_at + timedelta(seconds=2),
            )
            submission.refresh_from_db()
            submissions[username] = submission
        Competition.objects.filter(pk=competition.pk).update(
            start_at=now - timedelta(days=120), end_at=now - timedelta(days=30)
        )
        competition.refresh_from_db()
        with transaction.atomic():
            locks.lock_competition(competition.pk)
            rebuild_public_entries(competition)  # scored "now" above: their times move to the story's
            build_private_leaderboard(competition)
        benchmark = open_benchmark(host=host, competition=competition, task="Tabular Classification")
        for username, _, _, writeup in TEAMS:
            if writeup is None:
                continue
            title, method, framework = writeup
            publish_writeup(
                author=User.objects.get(username=username),
                submission=submissions[username],
                title=title,
                method_name=method,
                body=f"How we got there: **{method}**, tuned with 5-fold cross-validation on train.csv.",
                code_url=f"https://github.com/podium-demo/wine-{username}",
                framework=framework,
            )
        document = [
            {
                "task": "Tabular Classification",
                "datasets": [
                    {"dataset": "Wine cultivars", "sota": {"metrics": ["Accuracy"], "rows": IMPORTED}}
                ],
            }
        ]
        import_table(
            host=host,
            benchmark=benchmark,
            content=json.dumps(document).encode(),
            source_name="example-results.json",
        )

    def seed_discussion(self, host: User) -> None:
        diabetes = Competition.objects.filter(slug="diabetes").first()
        if diabetes is None or diabetes.writeups.exists() or self.has_comments(diabetes):
            return
        asker = ensure_user("ada", DEMO_PASSWORD, display_name="Ada")
        User.objects.filter(pk=asker.pk, date_joined__gt=timezone.now() - timedelta(days=30)).update(
            date_joined=timezone.now() - timedelta(days=30)
        )
        question = post_comment(
            author=asker,
            target=diabetes,
            body="Are the 10 features already scaled? The values in `train.csv` look centred.",
        )
        post_comment(
            author=host,
            target=diabetes,
            parent=question,
            body="Yes: each feature is mean-centred and scaled as in scikit-learn's `load_diabetes`.",
        )

    def seed_ratings(self) -> None:
        """The demo dataset rated by the benchmark's teams, so its page and "Best rated" show ratings."""
        iris = Dataset.objects.filter(slug=DEMO_DATASET).first()
        if iris is None or iris.rating_count:
            return
        for username, stars in DEMO_RATINGS:
            rate(user=seasoned_user(username), target=iris, stars=stars)

    def seed_paper(self) -> Paper:
        """Breiman's Random Forests with scikit-learn as an implementation; the demo project links to it."""
        paper = find_paper(doi=DEMO_PAPER_DOI)
        if paper is None:
            paper = create_paper(
                title="Random Forests",
                authors=["Leo Breiman"],
                published_on=date(2001, 10, 1),
                venue="Machine Learning 45",
                doi=DEMO_PAPER_DOI,
            )
            self.stdout.write(self.style.SUCCESS(f"created: paper {paper.pk} (Random Forests)"))
        add_implementation(paper=paper, repository_url=DEMO_IMPLEMENTATION, framework="scikit-learn")
        return paper

    def seed_cited_papers(self) -> None:
        """The papers the benchmark's write-ups cite, each with its repository; a write-up citing none yet is
        pointed at its paper (through the citation fields a writer fills in, so an edit keeps the link)."""
        for username, fields, repository, framework, official in CITED_PAPERS:
            paper = find_paper(doi=fields.get("doi", ""), url=fields["url"])
            if paper is None:
                paper = create_paper(**fields)
                self.stdout.write(self.style.SUCCESS(f"created: paper {paper.pk} ({paper.title})"))
            add_implementation(
                paper=paper, repository_url=repository, framework=framework, is_official=official
            )
            for writeup in WriteUp.objects.filter(
                competition__slug=SLUG, author__username=username, paper__isnull=True
            ):
                writeup.paper_url = fields["url"]
                writeup.paper_title = fields["title"]
                writeup.paper_authors = ", ".join(fields["authors"])
                writeup.venue = fields["venue"]
                writeup.year = fields["published_on"].year
                writeup.save(update_fields=["paper_url", "paper_title", "paper_authors", "venue", "year"])
                link_writeup(writeup)

    @staticmethod
    def credit_imported_row(paper: Paper) -> None:
        """The example random forest row names Breiman's paper (rows imported before it did are credited too)."""
        ImportedResult.objects.filter(
            benchmark__competition__slug=SLUG, method_name=IMPORTED[1]["model_name"], paper__isnull=True
        ).update(paper=paper, paper_title=IMPORTED[1]["paper_title"], paper_url=IMPORTED[1]["paper_url"])

    @staticmethod
    def seed_implementation_ratings(paper: Paper) -> None:
        """The demo users rate the paper's scikit-learn implementation, once."""
        implementation = paper.implementations.filter(repository_url=DEMO_IMPLEMENTATION).first()
        if implementation is None or implementation.rating_count:
            return
        for username, stars in DEMO_IMPLEMENTATION_RATINGS:
            rate(user=seasoned_user(username), target=implementation, stars=stars)

    @staticmethod
    def has_comments(competition: Competition) -> bool:
        return target_comments(competition).exists()
