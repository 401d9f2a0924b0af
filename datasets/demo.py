"""The demo's public dataset, built from the Iris data that ships with scikit-learn: a description, two
versions and CSV files to preview, so a visitor of `make run` sees what a dataset page is."""

import io
from datetime import timedelta

import pandas as pd
from django.db import transaction
from django.utils import timezone
from sklearn.datasets import load_iris

from accounts.models import User
from datasets.models import Dataset, DatasetVersion
from datasets.services import NewFile, add_version, create_dataset

SLUG = "iris"
DESCRIPTION = """\
Fisher's Iris data (1936): four measurements of 150 flowers, 50 of each of three species.

| column | unit |
|---|---|
| sepal length, sepal width | cm |
| petal length, petal width | cm |
| species | setosa, versicolor or virginica |

It is small enough to read by eye and still a fair test of a classifier: *setosa* separates cleanly, the
other two overlap. From the [UCI Machine Learning Repository](https://archive.ics.uci.edu/dataset/53/iris),
as scikit-learn ships it (`sklearn.datasets.load_iris`).
"""
SPECIES_NOTES = "Species names instead of codes 0-2, an id column, and species.csv to map the old codes."
# The story of the demo: published six weeks ago, improved two weeks later.
FIRST_AGE, SECOND_AGE = timedelta(days=42), timedelta(days=28)


def csv_stream(frame: pd.DataFrame) -> io.BytesIO:
    return io.BytesIO(frame.to_csv(index=False).encode())


def iris_versions() -> tuple[list[NewFile], list[NewFile]]:
    """The files of version 1 (as scikit-learn gives them) and version 2 (named species, an id column)."""
    bunch = load_iris(as_frame=True)
    frame = bunch.frame.rename(columns=lambda name: name.replace(" (cm)", "").replace(" ", "_"))
    first = [NewFile("iris.csv", csv_stream(frame))]
    named = frame.assign(species=bunch.target_names[frame["target"]]).drop(columns=["target"])
    named.insert(0, "id", range(1, len(named) + 1))
    codes = {"code": range(len(bunch.target_names)), "species": bunch.target_names}
    second = [
        NewFile("iris.csv", csv_stream(named)),
        NewFile("species.csv", csv_stream(pd.DataFrame(codes))),
    ]
    return first, second


def ensure_demo_dataset(owner: User) -> bool:
    """Create the demo dataset unless it exists (the seed runs again on every `make run`); True if created."""
    if Dataset.objects.filter(slug=SLUG).exists():
        return False
    first, second = iris_versions()
    now = timezone.now().replace(microsecond=0)
    with transaction.atomic():
        dataset = create_dataset(
            owner=owner,
            title="Iris flowers",
            slug=SLUG,
            subtitle="Sepal and petal measurements of three iris species",
            description=DESCRIPTION,
            license="CC-BY-4.0",
            files=first,
        )
        add_version(dataset=dataset, files=second, notes=SPECIES_NOTES)
        Dataset.objects.filter(pk=dataset.pk).update(created_at=now - FIRST_AGE)
        DatasetVersion.objects.filter(dataset=dataset, number=1).update(created_at=now - FIRST_AGE)
        DatasetVersion.objects.filter(dataset=dataset, number=2).update(created_at=now - SECOND_AGE)
    return True
