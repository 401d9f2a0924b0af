"""Demo content for projects: ada's script and tiny notebook in the Breast cancer competition implementing the
demo paper (Random Forests), grace's script-only project in the Handwritten digits competition and alan's
pickled scikit-learn model built on the demo dataset (iris), each rated by the two other demo users. Run after
seed_demo and seed_community_demo (`make run` does); safe to run again."""

import io

import joblib
import nbformat
from django.core.management.base import BaseCommand
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

from community.management.commands.seed_community_demo import DEMO_PAPER_DOI, seasoned_user
from community.papers import find_paper
from community.ratings import rate
from competitions.management.commands.seed_demo import DEMO_PASSWORD, ensure_user
from competitions.models import Competition
from datasets.demo import SLUG as DEMO_DATASET
from datasets.models import Dataset
from projects.models import Project
from projects.services import NewFile, create_project

SLUG = "breast-cancer-random-forest"
COMPETITION = "breast-cancer"
SCRIPT = '''"""A random forest for the Breast cancer competition: writes submission.csv."""

import pandas as pd
from sklearn.ensemble import RandomForestClassifier

train = pd.read_csv("train.csv")
test = pd.read_csv("test.csv")
features = [column for column in train.columns if column not in ("id", "target")]
model = RandomForestClassifier(n_estimators=300, random_state=0).fit(train[features], train["target"])
pd.DataFrame({"id": test["id"], "target": model.predict_proba(test[features])[:, 1]}).to_csv(
    "submission.csv", index=False
)
'''


DIGITS_SLUG = "digits-nearest-neighbours"
DIGITS_SCRIPT = '''"""Three nearest neighbours on the 64 pixels, for the Handwritten digits competition."""

import pandas as pd
from sklearn.neighbors import KNeighborsClassifier

train = pd.read_csv("train.csv")
test = pd.read_csv("test.csv")
pixels = [column for column in train.columns if column not in ("id", "target")]
model = KNeighborsClassifier(n_neighbors=3).fit(train[pixels], train["target"])
pd.DataFrame({"id": test["id"], "target": model.predict(test[pixels])}).to_csv("submission.csv", index=False)
'''
MODEL_SLUG = "iris-logistic-model"
MODEL_SCRIPT = '''"""How iris_model.joblib was made: a logistic regression on the iris measurements."""

import joblib
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

data = load_iris()
joblib.dump(LogisticRegression(max_iter=1000).fit(data.data, data.target), "iris_model.joblib")
'''
# (project, [(rater, stars)]): each demo user rates the two projects that are not theirs.
RATINGS = {
    SLUG: [("grace", 5), ("alan", 4)],
    DIGITS_SLUG: [("ada", 4), ("alan", 4)],
    MODEL_SLUG: [("ada", 3), ("grace", 4)],
}


def model_bytes() -> bytes:
    """A small fitted scikit-learn model, pickled with joblib from the iris data bundled with scikit-learn."""
    data = load_iris()
    model = LogisticRegression(max_iter=1000).fit(data.data, data.target)
    buffer = io.BytesIO()
    joblib.dump(model, buffer)
    return buffer.getvalue()


def notebook_text() -> str:
    """A first look at the data, with the output it printed stored in it (nothing runs on the server)."""
    notebook = new_notebook(
        cells=[
            new_markdown_cell(
                "# A first look\nHow many tumours of each kind (0 malignant, 1 benign) are there?"
            ),
            new_code_cell(
                "import numpy as np\nfrom sklearn.datasets import load_breast_cancer\n\n"
                "np.bincount(load_breast_cancer().target)",
                execution_count=1,
                outputs=[
                    new_output("execute_result", data={"text/plain": "array([212, 357])"}, execution_count=1)
                ],
            ),
        ]
    )
    return nbformat.writes(notebook)


class Command(BaseCommand):
    help = (
        "Publish the demo project (after seed_demo and seed_community_demo); changes nothing when it exists."
    )

    def handle(self, *args, **options):
        self.seed_breast_cancer_project()
        self.seed_digits_project()
        self.seed_model_project()
        for slug, ratings in RATINGS.items():
            project = Project.objects.filter(slug=slug).first()
            if project is None or project.rating_count:
                continue
            for username, stars in ratings:
                rate(user=seasoned_user(username), target=project, stars=stars)

    def exists(self, slug: str) -> bool:
        if Project.objects.filter(slug=slug).exists():
            self.stdout.write(f"exists: project {slug}")
            return True
        return False

    def seed_breast_cancer_project(self) -> None:
        if self.exists(SLUG):
            return
        owner = ensure_user("ada", DEMO_PASSWORD, display_name="Ada")
        paper = find_paper(doi=DEMO_PAPER_DOI)
        linked = Competition.objects.filter(slug=COMPETITION).exists()
        create_project(
            owner=owner,
            title="Breast cancer: a random forest",
            slug=SLUG,
            subtitle="A 300-tree random forest and a first look at the data.",
            description="Trains a **random forest** on the 30 measurements and writes `submission.csv` with the "
            "probability that each tumour is benign. `explore.ipynb` counts the two classes first.",
            license="MIT",
            tags=["tabular", "random-forest", "scikit-learn"],
            competitions=[COMPETITION] if linked else [],
            papers=[paper.pk] if paper else [],
            files=[
                NewFile("train.py", io.BytesIO(SCRIPT.encode())),
                NewFile("explore.ipynb", io.BytesIO(notebook_text().encode())),
            ],
            notes="First version.",
        )
        self.stdout.write(self.style.SUCCESS(f"created: project {SLUG}"))

    def seed_digits_project(self) -> None:
        if self.exists(DIGITS_SLUG):
            return
        create_project(
            owner=ensure_user("grace", DEMO_PASSWORD, display_name="Grace"),
            title="Digits: three nearest neighbours",
            slug=DIGITS_SLUG,
            subtitle="A k-NN baseline in ten lines.",
            description="Classifies each test image by its **3 nearest neighbours** among the training images "
            "and writes `submission.csv`.",
            license="Apache-2.0",
            tags=["images", "k-nn", "scikit-learn"],
            competitions=["digits"] if Competition.objects.filter(slug="digits").exists() else [],
            files=[NewFile("knn.py", io.BytesIO(DIGITS_SCRIPT.encode()))],
            notes="First version.",
        )
        self.stdout.write(self.style.SUCCESS(f"created: project {DIGITS_SLUG}"))

    def seed_model_project(self) -> None:
        if self.exists(MODEL_SLUG):
            return
        create_project(
            owner=ensure_user("alan", DEMO_PASSWORD, display_name="Alan"),
            title="Iris: a logistic regression model",
            slug=MODEL_SLUG,
            subtitle="A fitted scikit-learn model, ready to load with joblib.",
            description="`iris_model.joblib` is a logistic regression fitted on the iris measurements; "
            "`make_model.py` is how it was made. Load it with `joblib.load` (only from a source you trust).",
            license="MIT",
            tags=["tabular", "model", "scikit-learn"],
            datasets=[DEMO_DATASET] if Dataset.objects.filter(slug=DEMO_DATASET).exists() else [],
            files=[
                NewFile("iris_model.joblib", io.BytesIO(model_bytes())),
                NewFile("make_model.py", io.BytesIO(MODEL_SCRIPT.encode())),
            ],
            notes="First version.",
        )
        self.stdout.write(self.style.SUCCESS(f"created: project {MODEL_SLUG}"))
