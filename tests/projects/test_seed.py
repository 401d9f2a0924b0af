"""`make run` seeds a demo project (a script and a tiny notebook, in a demo competition) implementing a demo
paper that has an external implementation; running the seeds again changes nothing."""

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

    project = Project.objects.get()
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
    assert list(PaperImplementation.objects.values_list("repository_url", flat=True)) == [
        "https://github.com/scikit-learn/scikit-learn"
    ]

    project_page = client.get("/projects/breast-cancer-random-forest/").content.decode()
    paper_page = client.get(f"/papers/{paper.pk}/").content.decode()
    code_tab = client.get("/competitions/breast-cancer/code/").content.decode()
    assert "array([212, 357])" in project_page
    assert 'href="https://github.com/scikit-learn/scikit-learn"' in paper_page
    assert 'href="/projects/breast-cancer-random-forest/"' in paper_page
    assert "Breast cancer: a random forest" in code_tab
