"""The owner edits a project's details and links after creation: on the Edit page and with PATCH; bad input
is refused as at creation, and only the owner may."""

import pytest

from community.models import Paper
from projects.models import Project
from projects.services import NewFile, create_project
from tests.factories import make_competition
from tests.projects.conftest import SCRIPT, named

pytestmark = pytest.mark.django_db

URL = "/api/v1/projects/baseline/"


@pytest.fixture
def baseline(participant):
    return create_project(
        owner=participant, title="Baseline", tags=["tabular"], files=[NewFile("a.py", named("a.py", "1"))]
    )


@pytest.fixture
def paper(db):
    return Paper.objects.create(title="XGBoost", authors=["T. Chen"], arxiv_id="1603.02754")


def test_patch_changes_only_the_fields_sent(api_for, participant, other_participant, baseline, paper, host):
    competition = make_competition(host=host)
    response = api_for(participant).patch(
        URL,
        {
            "title": "Better baseline",
            "license": "MIT",
            "tags": ["boosting", "tabular"],
            "visibility": "private",
            "shared_with": [other_participant.username],
            "competitions": [competition.slug],
            "papers": [paper.pk],
        },
        format="json",
    )
    body = response.json()

    assert response.status_code == 200, body
    assert (body["slug"], body["title"], body["license"], body["visibility"]) == (
        "baseline",
        "Better baseline",
        "MIT",
        "private",
    )
    assert (body["tags"], body["competitions"], body["papers"]) == (
        ["boosting", "tabular"],
        [competition.slug],
        [paper.pk],
    )
    baseline.refresh_from_db()
    assert list(baseline.shared_with.all()) == [other_participant]
    assert baseline.versions.count() == 1
    assert api_for(other_participant).get(URL).status_code == 200

    again = api_for(participant).patch(URL, {"subtitle": "Gradient boosting"}, format="json").json()
    assert (again["title"], again["subtitle"], again["papers"]) == (
        "Better baseline",
        "Gradient boosting",
        [paper.pk],
    )


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"title": "Tab\x01"}, "title", "title"),
        ({"license": "WTFPL-9"}, "license", "'WTFPL-9' is not one of the licences offered"),
        ({"license": "other"}, "license_url", "With the licence 'other', give the address"),
        ({"tags": ["Not OK!"]}, "tags", "Tag 'Not OK!' is not allowed"),
        ({"datasets": ["no-such-data"]}, "datasets", "No dataset 'no-such-data' exists"),
        ({"competitions": ["no-such-race"]}, "competitions", "No competition 'no-such-race' exists"),
        ({"papers": [987654]}, "papers", "No paper 987654 exists"),
        ({"shared_with": ["nobody-here"]}, "shared_with", "No user 'nobody-here'"),
        ({"subtitle": "bell\x07"}, "subtitle", "subtitle"),
    ],
)
def test_bad_input_is_a_400_on_its_field_and_changes_nothing(
    api_for, participant, baseline, body, field, message
):
    response = api_for(participant).patch(URL, body, format="json")

    assert response.status_code == 400
    assert response.json()["details"]["field"] == field
    assert message in response.json()["message"]
    baseline.refresh_from_db()
    assert (baseline.title, baseline.license, baseline.tags) == ("Baseline", "CC-BY-4.0", ["tabular"])


@pytest.mark.parametrize(
    ("body", "field"),
    [({"title": "   "}, "title"), ({"visibility": "secret"}, "visibility"), ({"papers": ["x"]}, "papers")],
)
def test_a_malformed_value_is_a_400_naming_the_field(api_for, participant, baseline, body, field):
    response = api_for(participant).patch(URL, body, format="json")

    assert response.status_code == 400
    assert field in response.json()["details"]["fields"]


def test_only_the_owner_may_edit(api_for, other_participant, baseline, client):
    refused = api_for(other_participant).patch(URL, {"title": "Mine"}, format="json")
    anonymous = client.patch(URL, {"title": "Mine"}, content_type="application/json")

    assert refused.status_code == 403
    assert refused.json()["message"] == "Only the owner of 'baseline' can edit it."
    assert anonymous.status_code in (401, 403)
    assert Project.objects.get().title == "Baseline"


def test_the_edit_page_shows_the_details_and_saves_them(client, participant, baseline, paper):
    client.force_login(participant)
    form = client.get("/projects/baseline/edit/").content.decode()
    response = client.post(
        "/projects/baseline/edit/",
        {
            "title": "Edited",
            "subtitle": "Now with a paper",
            "license": "MIT",
            "visibility": "public",
            "tags": "tabular boosting",
            "papers": str(paper.pk),
        },
    )

    assert 'value="Baseline"' in form
    assert 'value="tabular"' in form
    assert response.status_code == 302
    assert response["Location"] == "/projects/baseline/"
    baseline.refresh_from_db()
    assert (baseline.title, baseline.license, baseline.tags) == ("Edited", "MIT", ["tabular", "boosting"])
    assert list(baseline.papers.all()) == [paper]
    assert 'href="/projects/baseline/edit/"' in client.get("/projects/baseline/").content.decode()


def test_the_edit_page_shows_a_bad_link_on_its_field(client, participant, baseline):
    client.force_login(participant)
    response = client.post(
        "/projects/baseline/edit/",
        {"title": "Edited", "license": "MIT", "visibility": "public", "datasets": "nope"},
    )

    assert response.status_code == 200
    assert "No dataset &#x27;nope&#x27; exists, or you may not see it" in response.content.decode()
    assert Project.objects.get().title == "Baseline"


def test_someone_else_is_sent_back_from_the_edit_page(client, other_participant, baseline):
    client.force_login(other_participant)
    response = client.post(
        "/projects/baseline/edit/", {"title": "Mine", "license": "MIT", "visibility": "public"}
    )

    assert response["Location"] == "/projects/baseline/"
    assert Project.objects.get().title == "Baseline"
    assert 'id="edit-project"' not in client.get("/projects/baseline/").content.decode()


def test_a_number_where_a_list_wants_slugs_is_refused_by_name(api_for, participant):
    create_project(owner=participant, title="Numbers", files=[NewFile("a.py", named("a.py", SCRIPT))])

    answer = api_for(participant).patch("/api/v1/projects/numbers/", {"datasets": [0]}, format="json")

    assert answer.status_code == 400
    assert answer.json()["details"]["fields"] == {"datasets": ["Must be text, not a number or true/false."]}
