"""A project published by an organisation: shown as its owner, its members add versions, its owners change
its details, its private projects are visible to its members only, and its page lists its projects."""

import pytest

from community.models import Notification, Rating
from organisations.models import Organisation, OrganisationMembership
from projects.models import Project
from projects.services import NewFile, create_project
from tests.community.conftest import old_account
from tests.factories import UserFactory
from tests.projects.conftest import SCRIPT, named

pytestmark = pytest.mark.django_db

OWNER = OrganisationMembership.Role.OWNER
MEMBER = OrganisationMembership.Role.MEMBER


@pytest.fixture
def lab(participant):
    """Alice owns the Vision Lab; carol is a plain member."""
    lab = Organisation.objects.create(name="Vision Lab", slug="vision-lab")
    OrganisationMembership.objects.create(organisation=lab, user=participant, role=OWNER)
    return lab


@pytest.fixture
def carol(lab):
    carol = UserFactory(username="carol")
    OrganisationMembership.objects.create(organisation=lab, user=carol, role=MEMBER)
    return carol


def lab_project(owner, **options):
    return create_project(
        owner=owner,
        title="Segmenter",
        organisation="vision-lab",
        files=[NewFile("train.py", named("train.py", SCRIPT))],
        **options,
    )


def test_a_member_publishes_for_the_organisation_through_the_api(api_for, participant, lab, client):
    response = api_for(participant).post(
        "/api/v1/projects/",
        {"title": "Segmenter", "organisation": "vision-lab", "files": [named("a.py", "1")]},
        format="multipart",
    )
    page = client.get("/projects/segmenter/").content.decode()

    assert response.status_code == 201, response.json()
    assert (response.json()["organisation"], response.json()["owner"]) == ("vision-lab", "alice")
    assert 'class="owner-organisation">Vision Lab</a>' in page
    assert "published by alice" in page


@pytest.mark.parametrize(
    ("organisation", "code", "message"),
    [
        ("nowhere", "unknown_organisation", "Organisation: no organisation 'nowhere' exists"),
        ("vision-lab", "not_organisation_member", "on behalf of Vision Lab only as one of its members"),
    ],
)
def test_publishing_for_an_unknown_organisation_or_one_you_are_not_in_is_refused(
    api_for, other_participant, lab, organisation, code, message
):
    response = api_for(other_participant).post(
        "/api/v1/projects/",
        {"title": "Segmenter", "organisation": organisation, "files": [named("a.py", "1")]},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["details"] == {"field": "organisation"}
    assert message in response.json()["message"]
    assert not Project.objects.exists()


def test_a_plain_member_adds_versions_but_cannot_change_the_details(api_for, participant, carol):
    lab_project(participant)
    member = api_for(carol)

    version = member.post(
        "/api/v1/projects/segmenter/versions/",
        {"notes": "Faster", "files": [named("train.py", "2")]},
        format="multipart",
    )
    edit = member.patch("/api/v1/projects/segmenter/", {"title": "Mine now"}, format="json")

    assert version.status_code == 201, version.json()
    assert version.json()["created_by"] == "carol"
    assert edit.status_code == 403
    assert edit.json()["message"] == (
        "Only the owners of Vision Lab, which publishes 'segmenter', can edit it."
    )
    assert Project.objects.get().title == "Segmenter"


def test_an_owner_of_the_organisation_edits_a_project_another_member_published(
    api_for, participant, lab, carol
):
    lab_project(carol)

    response = api_for(participant).patch(
        "/api/v1/projects/segmenter/", {"subtitle": "U-Net on cells"}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert Project.objects.get().subtitle == "U-Net on cells"


def test_an_outsider_can_neither_add_versions_nor_edit(api_for, participant, lab, other_participant):
    lab_project(participant)
    outsider = api_for(other_participant)

    version = outsider.post(
        "/api/v1/projects/segmenter/versions/",
        {"notes": "Hi", "files": [named("train.py", "2")]},
        format="multipart",
    )

    assert version.status_code == 403
    assert version.json()["message"] == (
        "Only the members of Vision Lab, which publishes 'segmenter', can add versions to it."
    )
    assert Project.objects.get().versions.count() == 1


def test_a_private_organisation_project_is_visible_to_its_members_only(
    api_for, participant, carol, other_participant, client
):
    lab_project(participant, visibility=Project.Visibility.PRIVATE)

    assert api_for(carol).get("/api/v1/projects/segmenter/").status_code == 200
    assert api_for(other_participant).get("/api/v1/projects/segmenter/").status_code == 404
    assert [p["slug"] for p in api_for(carol).get("/api/v1/projects/").json()["results"]] == ["segmenter"]
    assert api_for(other_participant).get("/api/v1/projects/").json()["results"] == []
    client.force_login(carol)
    assert "Segmenter" in client.get("/orgs/vision-lab/").content.decode()
    client.force_login(other_participant)
    assert "Segmenter" not in client.get("/orgs/vision-lab/").content.decode()


def test_the_organisation_page_lists_its_public_projects(client, participant, lab):
    lab_project(participant)
    create_project(owner=participant, title="Personal", files=[NewFile("a.py", named("a.py", "1"))])

    page = client.get("/orgs/vision-lab/").content.decode()

    assert 'id="organisation-projects"' in page
    assert "Segmenter" in page
    assert "Personal" not in page


def test_an_organisation_without_projects_says_so(client, lab):
    assert "Vision Lab publishes no project yet." in client.get("/orgs/vision-lab/").content.decode()


def test_the_new_project_page_offers_the_users_organisations(client, participant, lab):
    client.force_login(participant)
    form = client.get("/projects/new/").content.decode()
    created = client.post(
        "/projects/new/",
        {
            "title": "Segmenter",
            "license": "MIT",
            "visibility": "public",
            "organisation": "vision-lab",
            "files": [named("a.py", "1")],
        },
    )

    assert 'value="vision-lab"' in form
    assert created.status_code == 302
    assert Project.objects.get().organisation == lab


def test_the_new_project_page_has_no_organisation_choice_for_someone_in_none(client, other_participant):
    client.force_login(other_participant)
    assert 'name="organisation"' not in client.get("/projects/new/").content.decode()


def test_the_edit_page_moves_a_project_to_the_organisation_and_back(client, participant, lab):
    create_project(owner=participant, title="Segmenter", files=[NewFile("a.py", named("a.py", "1"))])
    client.force_login(participant)
    details = {"title": "Segmenter", "license": "MIT", "visibility": "public"}

    client.post("/projects/segmenter/edit/", {**details, "organisation": "vision-lab"})
    moved = Project.objects.get().organisation
    client.post("/projects/segmenter/edit/", {**details, "organisation": ""})

    assert moved == lab
    assert Project.objects.get().organisation is None


def test_moving_a_project_to_an_organisation_you_are_not_in_is_refused_on_the_api(
    api_for, other_participant, lab
):
    create_project(owner=other_participant, title="Mine", files=[NewFile("a.py", named("a.py", "1"))])

    response = api_for(other_participant).patch(
        "/api/v1/projects/mine/", {"organisation": "vision-lab"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "not_organisation_member"
    assert Project.objects.get().organisation is None


def test_members_of_the_organisation_cannot_rate_its_project(api_for, participant, carol):
    lab_project(participant)
    reader = old_account("reader")

    refused = api_for(carol).put("/api/v1/ratings/project/segmenter/", {"stars": 5}, format="json")
    accepted = api_for(reader).put("/api/v1/ratings/project/segmenter/", {"stars": 4}, format="json")

    assert refused.status_code == 403
    assert refused.json()["code"] == "own_work"
    assert accepted.status_code == 200
    assert Rating.objects.count() == 1


def test_a_comment_on_an_organisation_project_tells_its_publisher_and_the_organisations_owners(
    api_for, participant, carol
):
    lab_project(carol)
    reader = old_account("reader")

    posted = api_for(reader).post(
        "/api/v1/discussions/project/segmenter/", {"body": "Which loss?"}, format="json"
    )

    assert posted.status_code == 201, posted.json()
    told = Notification.objects.filter(comment_id=posted.json()["id"]).values_list(
        "recipient__username", flat=True
    )
    assert sorted(told) == ["alice", "carol"]
