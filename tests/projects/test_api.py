"""/api/v1/projects/: list, detail, versions, files (Range and checksums), publishing and forking."""

import hashlib

import pytest

from competitions.models import Competition
from competitions.services import update_competition
from tests.factories import make_competition
from tests.projects.conftest import SCRIPT, as_json, named

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(api_for, participant):
    return api_for(participant)


@pytest.fixture
def baseline(alice, notebook):
    response = alice.post(
        "/api/v1/projects/",
        {
            "title": "Baseline",
            "tags": ["tabular"],
            "license": "MIT",
            "files": [named("train.py", SCRIPT), named("eda.ipynb", notebook)],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_project_is_created_listed_and_read(alice, baseline, client):
    listed = client.get("/api/v1/projects/").json()
    detail = client.get("/api/v1/projects/baseline/").json()

    assert [row["slug"] for row in listed["results"]] == ["baseline"]
    assert detail["license"] == "MIT"
    assert detail["tags"] == ["tabular"]
    assert sorted(f["name"] for f in detail["latest_version"]["files"]) == ["eda.ipynb", "train.py"]
    assert {f["kind"] for f in detail["latest_version"]["files"]} == {"notebook", "code"}


def test_a_file_downloads_with_its_checksum_and_resumes_from_a_range(baseline, client):
    url = "/api/v1/projects/baseline/versions/1/files/train.py"
    whole = client.get(url)
    part = client.get(url, HTTP_RANGE="bytes=7-")

    assert b"".join(whole.streaming_content) == SCRIPT.encode()
    assert whole["X-Checksum-SHA256"] == hashlib.sha256(SCRIPT.encode()).hexdigest()
    assert part.status_code == 206
    assert b"".join(part.streaming_content) == SCRIPT.encode()[7:]


def test_the_owner_saves_a_version_and_every_version_stays_readable(alice, baseline, client):
    response = alice.post(
        "/api/v1/projects/baseline/versions/",
        {"notes": "Faster.", "files": [named("train.py", "print('v2')\n")]},
        format="multipart",
    )
    versions = client.get("/api/v1/projects/baseline/versions/").json()
    first = client.get("/api/v1/projects/baseline/versions/1/").json()

    assert response.status_code == 201
    assert response.json()["number"] == 2
    assert [v["number"] for v in versions] == [2, 1]
    assert len(first["files"]) == 2


def test_someone_else_cannot_save_a_version(bob_api, baseline):
    response = bob_api.post(
        "/api/v1/projects/baseline/versions/",
        {"notes": "Mine now", "files": [named("x.py", "1")]},
        format="multipart",
    )
    assert response.status_code == 403
    assert response.json()["message"] == "Only the owner of 'baseline' can add versions to it."


def test_a_fork_is_a_new_project_of_the_forker(bob_api, baseline, client):
    response = bob_api.post("/api/v1/projects/baseline/fork/")

    assert response.status_code == 201
    assert (response.json()["owner"], response.json()["forked_from"]) == ("bob", "baseline")
    assert client.get("/api/v1/projects/baseline/").json()["fork_count"] == 1


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"license": "WTFPL-9"}, "license", "'WTFPL-9' is not one of the licences offered"),
        ({"datasets": ["no-such-data"]}, "datasets", "No dataset 'no-such-data' exists"),
        ({"competitions": ["no-such-race"]}, "competitions", "No competition 'no-such-race' exists"),
    ],
)
def test_bad_input_is_a_400_on_its_field(alice, fields, field, message):
    body = {"title": "Try", "files": [named("a.py", "1")], **fields}
    response = alice.post("/api/v1/projects/", body, format="multipart")

    assert response.status_code == 400
    assert response.json()["details"]["field"] == field
    assert response.json()["message"].startswith(message)


def test_an_empty_upload_is_refused_on_the_files_field(alice):
    response = alice.post(
        "/api/v1/projects/", {"title": "Try", "files": [named("empty.py", "")]}, format="multipart"
    )

    assert response.status_code == 400
    assert "The submitted file is empty." in str(response.json()["details"]["fields"]["files"])


def test_a_taken_slug_is_a_400_on_the_slug(alice, baseline):
    response = alice.post(
        "/api/v1/projects/",
        {"title": "Again", "slug": "baseline", "files": [named("a.py", "1")]},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "slug_taken",
        "message": "The slug 'baseline' is already taken.",
        "details": {"field": "slug"},
    }


def test_a_private_project_is_a_404_to_others_on_every_route(alice, baseline, bob_api, client):
    alice.post(
        "/api/v1/projects/",
        {"title": "Secret", "visibility": "private", "files": [named("a.py", "1")]},
        format="multipart",
    )
    routes = [
        "/api/v1/projects/secret/",
        "/api/v1/projects/secret/versions/",
        "/api/v1/projects/secret/versions/1/",
        "/api/v1/projects/secret/versions/1/files/a.py",
        "/projects/secret/",
        "/projects/secret/v1/",
        "/projects/secret/v1/files/a.py",
    ]
    for api in (bob_api, client):
        for route in routes:
            assert api.get(route).status_code == 404, route
        assert api.post("/api/v1/projects/secret/fork/").status_code in (401, 404)
    assert [row["slug"] for row in bob_api.get("/api/v1/projects/").json()["results"]] == ["baseline"]
    assert alice.get("/api/v1/projects/secret/versions/1/files/a.py").status_code == 200


def test_a_project_of_a_private_competition_is_a_404_to_outsiders(alice, bob_api, host, participant):
    competition = make_competition(host=host)
    alice.post(
        "/api/v1/projects/",
        {"title": "Entry", "competitions": [competition.slug], "files": [named("a.py", "1")]},
        format="multipart",
    )
    assert bob_api.get("/api/v1/projects/entry/").status_code == 200
    assert "Entry" in bob_api.get(f"/competitions/{competition.slug}/code/").content.decode()

    update_competition(
        competition=competition, user=host, changes={"visibility": Competition.Visibility.PRIVATE}
    )

    assert bob_api.get("/api/v1/projects/entry/").status_code == 404
    assert as_json(alice.get("/api/v1/projects/entry/"))["competitions"] == [competition.slug]


def test_the_list_costs_the_same_few_queries_for_many_projects(alice, client, django_assert_max_num_queries):
    for n in range(12):
        alice.post("/api/v1/projects/", {"title": f"P{n}", "files": [named("a.py", "1")]}, format="multipart")

    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/projects/?ordering=forks")

    assert response.json()["count"] == 12


def test_the_best_rated_list_costs_the_same_few_queries_for_many_projects(
    alice, client, django_assert_max_num_queries
):
    for n in range(12):
        alice.post("/api/v1/projects/", {"title": f"P{n}", "files": [named("a.py", "1")]}, format="multipart")

    with django_assert_max_num_queries(
        7
    ):  # the site's mean, the count, the page, its owners, organisations, forks
        api = client.get("/api/v1/projects/?ordering=rating")
    with django_assert_max_num_queries(8):
        page = client.get("/projects/?ordering=rating")

    assert api.json()["count"] == 12
    assert page.content.decode().count('class="card project-card"') == 12
