"""Readers comment on projects and papers as on datasets: the owner of a project hears of it, a private
project's discussion is as hidden as the project, and neither takes votes."""

import pytest

from community.models import Notification
from community.papers import create_paper
from projects.models import Project
from projects.services import NewFile, create_project
from tests.community.conftest import old_account
from tests.projects.conftest import SCRIPT, named

pytestmark = pytest.mark.django_db


def project(owner, **options):
    return create_project(
        owner=owner, title="Baseline", files=[NewFile("train.py", named("train.py", SCRIPT))], **options
    )


def test_a_reader_comments_on_a_project_its_owner_is_told_and_the_page_shows_the_thread(
    api_for, client, participant
):
    baseline = project(participant)
    reader = old_account("reader")

    posted = api_for(reader).post(
        f"/api/v1/discussions/project/{baseline.slug}/", {"body": "Which seed did you use?"}, format="json"
    )
    page = client.get(f"/projects/{baseline.slug}/").content.decode()

    assert posted.status_code == 201, posted.json()
    assert Notification.objects.filter(recipient=participant, comment_id=posted.json()["id"]).exists()
    assert "Which seed did you use?" in page


def test_a_private_projects_discussion_is_a_404_to_others(api_for, participant):
    hidden = project(participant, visibility=Project.Visibility.PRIVATE)
    reader = old_account("reader")

    answer = api_for(reader).post(
        f"/api/v1/discussions/project/{hidden.slug}/", {"body": "Hi"}, format="json"
    )

    assert answer.status_code == 404


def test_a_paper_takes_comments_but_neither_kind_takes_votes(api_for, client, participant):
    paper = create_paper(title="Attention Is All You Need", authors=["A. Vaswani"], arxiv_id="1706.03762")
    baseline = project(participant)
    reader = old_account("reader")

    posted = api_for(reader).post(
        f"/api/v1/discussions/paper/{paper.pk}/", {"body": "A classic."}, format="json"
    )
    vote_on_paper = api_for(reader).post(f"/api/v1/votes/paper/{paper.pk}/")
    vote_on_project = api_for(reader).post(f"/api/v1/votes/project/{baseline.slug}/")

    assert posted.status_code == 201, posted.json()
    assert "A classic." in client.get(f"/papers/{paper.pk}/").content.decode()
    assert (vote_on_paper.status_code, vote_on_project.status_code) == (404, 404)


def test_site_search_finds_a_public_project_and_never_a_private_one(api_for, participant):
    project(participant, slug="gradient-boosting", description="A gradient boosting baseline.")
    project(participant, slug="secret-gradient", visibility=Project.Visibility.PRIVATE)

    groups = api_for(old_account("reader")).get("/api/v1/search/?q=gradient").json()
    owners = api_for(participant).get("/api/v1/search/?q=gradient").json()

    def project_titles(answer):
        return [
            hit["url"] for group in answer["groups"] if group["kind"] == "projects" for hit in group["hits"]
        ]

    assert project_titles(groups) == ["/projects/gradient-boosting/"]
    assert sorted(project_titles(owners)) == ["/projects/gradient-boosting/", "/projects/secret-gradient/"]
