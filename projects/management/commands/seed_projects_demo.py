"""Demo content for projects: a small script and a tiny notebook published as a project of the demo user
'ada', in the Breast cancer competition and implementing the demo paper (Random Forests). Run after seed_demo
and seed_community_demo (`make run` does); safe to run again."""

import io

import nbformat
from django.core.management.base import BaseCommand
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from community.management.commands.seed_community_demo import DEMO_PAPER_DOI
from community.papers import find_paper
from competitions.management.commands.seed_demo import DEMO_PASSWORD, ensure_user
from competitions.models import Competition
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
        if Project.objects.filter(slug=SLUG).exists():
            self.stdout.write(f"exists: project {SLUG}")
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
