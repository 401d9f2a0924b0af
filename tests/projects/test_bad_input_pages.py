"""The issue's bad input, each on the page and the API: a notebook that is not one (listed with the reason), a
file over the size limit, a licence not in the list, a fork of a private project by an outsider."""

import pytest
from django.utils.html import escape

from projects.models import Project
from projects.services import NewFile, create_project
from tests.projects.conftest import named

pytestmark = pytest.mark.django_db

NOT_NOTEBOOKS = [
    (b"{not json", "Not shown: this .ipynb file is not valid JSON, so it is not a notebook."),
    (b'{"cells": 3}', "is not a Jupyter notebook"),
]


def form(**fields):
    return {"title": "Try", "license": "MIT", "visibility": "public", **fields}


@pytest.mark.parametrize(("content", "reason"), NOT_NOTEBOOKS)
def test_a_file_that_is_not_a_notebook_is_listed_with_the_reason_on_the_api(
    api_for, participant, content, reason
):
    response = api_for(participant).post(
        "/api/v1/projects/", {"title": "Try", "files": [named("broken.ipynb", content)]}, format="multipart"
    )

    assert response.status_code == 201, response.json()
    shown = response.json()["latest_version"]["files"][0]
    assert shown["name"] == "broken.ipynb"
    assert reason in shown["render_note"]


@pytest.mark.parametrize(("content", "reason"), NOT_NOTEBOOKS)
def test_a_file_that_is_not_a_notebook_is_listed_with_the_reason_on_the_page(
    client, participant, content, reason
):
    create_project(
        owner=participant, title="Try", files=[NewFile("broken.ipynb", named("broken.ipynb", content))]
    )

    page = client.get("/projects/try/")

    assert page.status_code == 200
    assert reason in page.content.decode()


def test_a_file_over_the_limit_is_a_400_on_files_in_the_api(api_for, participant, settings):
    settings.PODIUM_MAX_DATASET_FILE_MB = 1
    big = named("model.pt", b"0" * (1024 * 1024 + 1))

    response = api_for(participant).post(
        "/api/v1/projects/", {"title": "Try", "files": [big]}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json() == {
        "code": "file_too_large",
        "message": "'model.pt' is larger than the 1 MB limit for a project file.",
        "details": {"field": "files"},
    }
    assert not Project.objects.exists()


def test_a_file_over_the_limit_is_shown_on_the_form_which_keeps_what_was_typed(client, participant, settings):
    settings.PODIUM_MAX_DATASET_FILE_MB = 1
    client.force_login(participant)

    page = client.post(
        "/projects/new/", form(title="Kept title", files=[named("model.pt", b"0" * (1024 * 1024 + 1))])
    )

    assert page.status_code == 200
    body = page.content.decode()
    assert "&#x27;model.pt&#x27; is larger than the 1 MB limit for a project file." in body
    assert 'value="Kept title"' in body
    assert not Project.objects.exists()


def test_a_licence_not_in_the_list_is_refused_on_the_form_and_the_api_in_the_same_words(
    api_for, client, participant
):
    client.force_login(participant)

    page = client.post("/projects/new/", form(license="WTFPL-9", files=[named("a.py", "1")]))

    api = api_for(participant).post(
        "/api/v1/projects/",
        {"title": "Try", "license": "WTFPL-9", "files": [named("a.py", "1")]},
        format="multipart",
    )

    assert page.status_code == 200
    assert api.status_code == 400
    assert (api.json()["code"], api.json()["details"]) == ("unknown_license", {"field": "license"})
    assert escape(api.json()["message"]) in page.content.decode()
    assert not Project.objects.exists()


def test_an_outsider_forking_a_private_project_from_the_page_gets_a_404(
    client, participant, other_participant
):
    create_project(
        owner=participant, title="Secret", visibility="private", files=[NewFile("a.py", named("a.py", "1"))]
    )
    client.force_login(other_participant)

    answer = client.post("/projects/secret/fork/")

    assert answer.status_code == 404
    assert Project.objects.count() == 1


def test_an_outsider_forking_a_private_project_through_the_api_gets_a_404(
    api_for, participant, other_participant
):
    create_project(
        owner=participant, title="Secret", visibility="private", files=[NewFile("a.py", named("a.py", "1"))]
    )

    answer = api_for(other_participant).post("/api/v1/projects/secret/fork/")

    assert answer.status_code == 404
    assert answer.json()["message"] == "No project 'secret' exists, or you may not see it."
    assert Project.objects.count() == 1
