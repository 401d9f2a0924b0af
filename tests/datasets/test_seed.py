"""`make run` seeds a public dataset with a description, two versions and a preview; running it again
changes nothing."""

import pytest
from django.core.management import call_command

from datasets.models import Dataset, DatasetFile, DatasetVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)


def test_the_seed_makes_one_public_dataset_with_two_versions_once(seeded):
    dataset = Dataset.objects.get(visibility=Dataset.Visibility.PUBLIC)

    assert (dataset.slug, dataset.title, dataset.license) == ("iris", "Iris flowers", "CC-BY-4.0")
    assert dataset.owner.username == "demo-host"
    assert [v.number for v in dataset.versions.order_by("number")] == [1, 2]
    assert DatasetVersion.objects.filter(dataset=dataset).count() == 2
    files = {f.name: f for f in DatasetFile.objects.filter(version__dataset=dataset, version__number=2)}
    assert sorted(files) == ["iris.csv", "species.csv"]
    assert [c["name"] for c in files["iris.csv"].columns] == [
        "id",
        "sepal_length",
        "sepal_width",
        "petal_length",
        "petal_width",
        "species",
    ]


def test_the_seeded_dataset_is_listed_and_its_page_has_description_versions_licence_and_preview(
    client, seeded
):
    listing = client.get("/datasets/").content.decode()
    page = client.get("/datasets/iris/").content.decode()

    assert 'href="/datasets/iris/"' in listing
    assert "1 dataset" in listing
    assert "<h1>Iris flowers</h1>" in page
    assert "<th>column</th>" in page  # the description's Markdown table
    assert "Creative Commons Attribution 4.0 International (CC-BY-4.0)</a>" in page
    assert "v2 (latest) of 2" in page
    assert "Species names instead of codes 0-2" in page
    assert "setosa" in page  # a row of the preview


def test_the_seeded_versions_are_dated_as_the_story_says(seeded):
    first, second = Dataset.objects.get(slug="iris").versions.order_by("number")

    assert (second.created_at - first.created_at).days == 14
