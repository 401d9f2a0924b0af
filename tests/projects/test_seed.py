"""`make run` seeds demo projects (a script and a tiny notebook implementing a demo paper, a script-only one in
the digits competition, a pickled model built on the demo dataset), rated by the demo users; running the seeds
again changes nothing."""

import pytest
from django.core.management import call_command

from community.models import Paper, PaperImplementation
from projects.models import Project

pytestmark = pytest.mark.django_db


def test_the_demo_project_and_paper_are_seeded_once_and_shown(client):
    call_command("seed_demo", verbosity=0)
    for _ in range(2):
        call_command("seed_community_demo", verbosity=0)
        call_command("seed_projects_demo", verbosity=0)

    assert sorted(Project.objects.values_list("slug", "owner__username", "rating_count", "rating_sum")) == [
        ("breast-cancer-random-forest", "ada", 2, 9),
        ("digits-nearest-neighbours", "grace", 2, 8),
        ("iris-logistic-model", "alan", 2, 7),
    ]
    project = Project.objects.get(slug="breast-cancer-random-forest")
    paper = Paper.objects.get(doi="10.1023/a:1010933404324")
    files = {f.name: f for f in project.versions.get().files.all()}
    assert (project.slug, project.owner.username, project.visibility) == (
        "breast-cancer-random-forest",
        "ada",
        "public",
    )
    assert sorted(files) == ["explore.ipynb", "train.py"]
    assert (files["explore.ipynb"].kind, files["explore.ipynb"].render_note) == ("notebook", "")
    assert [c.slug for c in project.competitions.all()] == ["breast-cancer"]
    assert list(project.papers.all()) == [paper]
    assert paper.implementations.get().repository_url == "https://github.com/scikit-learn/scikit-learn"
    assert PaperImplementation.objects.count() == 3

    digits = Project.objects.get(slug="digits-nearest-neighbours")
    assert [f.name for f in digits.versions.get().files.all()] == ["knn.py"]
    assert [c.slug for c in digits.competitions.all()] == ["digits"]
    model = Project.objects.get(slug="iris-logistic-model")
    model_file = model.versions.get().files.get(name="iris_model.joblib")
    assert (model_file.kind, model_file.framework) == ("model", "scikit-learn")
    assert model_file.size > 0
    assert [d.slug for d in model.datasets.all()] == ["iris"]

    project_page = client.get("/projects/breast-cancer-random-forest/").content.decode()
    paper_page = client.get(f"/papers/{paper.pk}/").content.decode()
    code_tab = client.get("/competitions/breast-cancer/code/").content.decode()
    assert "array([212, 357])" in project_page
    assert 'href="https://github.com/scikit-learn/scikit-learn"' in paper_page
    assert 'href="/projects/breast-cancer-random-forest/"' in paper_page
    assert "Breast cancer: a random forest" in code_tab
    digits_tab = client.get("/competitions/digits/code/").content.decode()
    assert "Digits: three nearest neighbours" in digits_tab
    model_page = client.get("/projects/iris-logistic-model/").content.decode()
    assert "iris_model.joblib" in model_page
    assert "scikit-learn" in model_page
