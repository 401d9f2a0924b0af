"""Organisations: creating one (a duplicate slug refused), managing members (an unknown user, the last owner,
a non-owner refused) on the page and the API, the page itself, and an organisation hosting a competition and
owning a dataset, its owners acting as co-hosts and its members as reviewers."""

import io
import re
from html import escape

import pytest

from competitions.queries import host_role
from config.errors import NotAllowed, NotFound
from datasets.services import DatasetError, NewFile, create_dataset
from organisations.errors import OrganisationError
from organisations.models import Organisation, OrganisationMembership
from organisations.services import add_member, change_role, create_organisation, remove_member
from tests.factories import LABEL_SOLUTION, TEST_CSV, UserFactory, competition_form

OWNER, MEMBER = OrganisationMembership.Role.OWNER, OrganisationMembership.Role.MEMBER


@pytest.fixture
def lab(host):
    return create_organisation(user=host, name="Vision Lab", description="We **see** things.")


def roles(organisation) -> dict[str, str]:
    return dict(organisation.memberships.values_list("user__username", "role"))


def test_the_creator_is_the_first_owner_and_the_slug_comes_from_the_name(lab):
    assert lab.slug == "vision-lab"
    assert roles(lab) == {"host": OWNER}


def test_a_duplicate_slug_is_refused_naming_the_field(lab, participant):
    with pytest.raises(OrganisationError) as refusal:
        create_organisation(user=participant, name="Another", slug="vision-lab")

    assert refusal.value.code == "slug_taken"
    assert refusal.value.message == (
        "The slug 'vision-lab' is already taken by another organisation; choose another."
    )
    assert refusal.value.details == {"field": "slug"}


def test_a_slug_with_other_characters_is_refused_with_the_form_it_should_take(participant):
    with pytest.raises(OrganisationError) as refusal:
        create_organisation(user=participant, name="Lab", slug="My Lab!")

    assert refusal.value.message == "A slug holds only lower-case letters, digits and hyphens, like 'my-lab'."


def test_an_owner_adds_a_member_and_changes_their_role(lab, host, participant):
    add_member(organisation=lab, actor=host, username="alice", role=MEMBER)
    change_role(organisation=lab, actor=host, username="alice", role=OWNER)

    assert roles(lab) == {"host": OWNER, "alice": OWNER}


def test_an_unknown_user_is_refused_by_name(lab, host):
    with pytest.raises(NotFound) as refusal:
        add_member(organisation=lab, actor=host, username="nobody", role=MEMBER)

    assert refusal.value.message == "No user 'nobody'."
    assert refusal.value.details == {"field": "username"}


def test_a_member_cannot_manage_members(lab, host, participant, other_participant):
    add_member(organisation=lab, actor=host, username="alice", role=MEMBER)

    with pytest.raises(
        NotAllowed, match=re.escape("Only an owner of the organisation can manage its members.")
    ):
        add_member(organisation=lab, actor=participant, username="bob", role=MEMBER)


def test_the_last_owner_cannot_be_removed_or_demoted(lab, host, participant):
    add_member(organisation=lab, actor=host, username="alice", role=MEMBER)

    with pytest.raises(OrganisationError) as removed:
        remove_member(organisation=lab, actor=host, username="host")
    with pytest.raises(OrganisationError) as demoted:
        change_role(organisation=lab, actor=host, username="host", role=MEMBER)

    assert removed.value.code == demoted.value.code == "last_owner"
    assert removed.value.message == (
        "'host' is the last owner of Vision Lab: an organisation keeps at least one owner. Make someone else "
        "an owner before you remove them."
    )
    assert removed.value.details == {"field": "username"}
    assert roles(lab) == {"host": OWNER, "alice": MEMBER}


def test_an_owner_may_leave_once_another_owner_stays(lab, host, participant):
    add_member(organisation=lab, actor=host, username="alice", role=OWNER)

    remove_member(organisation=lab, actor=host, username="host")

    assert roles(lab) == {"alice": OWNER}


# The page.


def test_the_page_shows_the_description_members_and_the_forms_to_an_owner(client, lab, host):
    client.force_login(host)

    page = client.get("/orgs/vision-lab/").content.decode()

    assert "<strong>see</strong>" in page
    assert 'data-member="host"' in page
    assert 'id="member-form"' in page


def test_a_visitor_sees_the_page_without_the_forms(client, lab):
    page = client.get("/orgs/vision-lab/").content.decode()

    assert 'data-member="host"' in page
    assert 'id="member-form"' not in page


def test_the_page_creates_an_organisation_and_refuses_a_duplicate_slug(client, lab, participant):
    client.force_login(participant)

    refused = client.post("/orgs/new/", {"name": "Copy", "slug": "vision-lab"}).content.decode()
    created = client.post("/orgs/new/", {"name": "Sound Lab"}, follow=True)

    assert (
        escape("The slug 'vision-lab' is already taken by another organisation; choose another.") in refused
    )
    assert created.redirect_chain[-1][0] == "/orgs/sound-lab/"
    assert roles(Organisation.objects.get(slug="sound-lab")) == {"alice": OWNER}


def test_the_page_refuses_an_unknown_user_and_removing_the_last_owner(client, lab, host):
    client.force_login(host)

    unknown = client.post("/orgs/vision-lab/members/", {"username": "ghost", "role": "member"}, follow=True)
    last = client.post("/orgs/vision-lab/members/host/remove/", follow=True)

    assert escape("No user 'ghost'.") in unknown.content.decode()
    assert escape("'host' is the last owner of Vision Lab") in last.content.decode()
    assert roles(lab) == {"host": OWNER}


def test_the_page_adds_and_removes_a_member(client, lab, host, participant):
    client.force_login(host)

    added = client.post("/orgs/vision-lab/members/", {"username": "alice", "role": "member"}, follow=True)
    assert escape("'alice' joined Vision Lab as member.") in added.content.decode()
    client.post("/orgs/vision-lab/members/alice/remove/")

    assert roles(lab) == {"host": OWNER}


# The API.


def test_anyone_lists_the_organisations_a_page_at_a_time(api_for, lab, participant):
    api_for(participant).post("/api/v1/orgs/", {"name": "Acoustics Lab"}, format="json")

    first = api_for().get("/api/v1/orgs/?limit=1")
    second = api_for().get(first.json()["next"])

    assert first.status_code == 200
    assert first.json()["count"] == 2
    assert [(org["slug"], org["name"]) for org in first.json()["results"]] == [
        ("acoustics-lab", "Acoustics Lab")
    ]
    assert [(org["slug"], org["description"]) for org in second.json()["results"]] == [
        ("vision-lab", "We **see** things.")
    ]
    assert second.json()["next"] is None


def test_a_bad_page_of_organisations_is_a_400(api_for, lab):
    refused = api_for().get("/api/v1/orgs/?limit=many")

    assert refused.status_code == 400


def test_the_api_creates_an_organisation_and_refuses_a_duplicate_slug(api_for, lab, participant):
    api = api_for(participant)

    created = api.post("/api/v1/orgs/", {"name": "Sound Lab", "description": "Ears."}, format="json")
    duplicate = api.post("/api/v1/orgs/", {"name": "Again", "slug": "sound-lab"}, format="json")

    assert created.status_code == 201
    assert created.json()["members"] == [
        {"username": "alice", "role": "owner", "joined_at": created.json()["members"][0]["joined_at"]}
    ]
    assert duplicate.status_code == 400
    assert duplicate.json()["code"] == "slug_taken"
    assert duplicate.json()["details"] == {"field": "slug"}


def test_the_api_manages_members_with_the_same_refusals(api_for, lab, host, participant):
    api = api_for(host)

    added = api.post("/api/v1/orgs/vision-lab/members/", {"username": "alice"}, format="json")
    unknown = api.post("/api/v1/orgs/vision-lab/members/", {"username": "ghost"}, format="json")
    promoted = api.patch("/api/v1/orgs/vision-lab/members/alice/", {"role": "owner"}, format="json")
    bad_role = api.patch("/api/v1/orgs/vision-lab/members/alice/", {"role": "boss"}, format="json")
    api.patch("/api/v1/orgs/vision-lab/members/alice/", {"role": "member"}, format="json")
    last = api.delete("/api/v1/orgs/vision-lab/members/host/")
    by_member = api_for(participant).delete("/api/v1/orgs/vision-lab/members/host/")

    assert (added.status_code, added.json()["role"]) == (201, "member")
    assert (unknown.status_code, unknown.json()["details"]) == (404, {"field": "username"})
    assert promoted.json()["role"] == "owner"
    assert bad_role.json()["message"] == "Unknown role 'boss'. Choose one of: owner, member."
    assert (last.status_code, last.json()["code"]) == (400, "last_owner")
    assert (by_member.status_code, by_member.json()["code"]) == (403, "not_owner")
    detail = api_for().get("/api/v1/orgs/vision-lab/").json()
    assert [(m["username"], m["role"]) for m in detail["members"]] == [("host", "owner"), ("alice", "member")]


# Hosting and owning.


def hosted_for(api, organisation: str):
    form = competition_form(organisation=organisation)
    return api.post("/api/v1/competitions/", form, format="multipart")


def test_an_organisation_that_does_not_exist_is_a_mistake_in_the_field_not_a_missing_page(api_for, host):
    competition = hosted_for(api_for(host), "no-such-lab")
    dataset = api_for(host).post(
        "/api/v1/datasets/",
        {"title": "Numbers", "organisation": "no-such-lab", "files": io.BytesIO(b"a,b\n1,2\n")},
        format="multipart",
    )

    for answer in (competition, dataset):
        assert answer.status_code == 400
        assert answer.json()["code"] == "unknown_organisation"
        assert answer.json()["details"] == {"field": "organisation"}
        assert "no organisation 'no-such-lab' exists" in answer.json()["message"]


def test_a_member_hosts_a_competition_for_the_organisation(
    api_for, client, lab, host, participant, other_participant
):
    add_member(organisation=lab, actor=host, username="alice", role=OWNER)
    add_member(organisation=lab, actor=host, username="bob", role=MEMBER)
    outsider = UserFactory(username="eve")

    created = hosted_for(api_for(host), "vision-lab")
    refused = hosted_for(api_for(outsider), "vision-lab")

    assert created.status_code == 201, created.json()
    assert created.json()["organisation"] == "vision-lab"
    assert refused.status_code == 400
    assert refused.json()["message"] == "You can host on behalf of Vision Lab only as one of its members."
    assert refused.json()["details"] == {"field": "organisation"}
    competition = lab.competitions.get()
    assert (host_role(participant, competition), host_role(other_participant, competition)) == (
        "co_host",
        "reviewer",
    )
    client.force_login(participant)
    assert (
        'class="host-organisation">Vision Lab</a>'
        in client.get(f"/competitions/{competition.slug}/").content.decode()
    )
    assert competition.title in client.get("/orgs/vision-lab/").content.decode()


def test_a_dataset_published_for_the_organisation_shows_it_as_owner(client, lab, host, participant):
    dataset = create_dataset(
        owner=host,
        title="Faces",
        files=[NewFile("test.csv", io.BytesIO(TEST_CSV.encode()))],
        organisation=lab,
    )

    detail = client.get(f"/datasets/{dataset.slug}/").content.decode()
    org_page = client.get("/orgs/vision-lab/").content.decode()

    assert 'class="owner-organisation">Vision Lab</a>' in detail
    assert f'href="/datasets/{dataset.slug}/"' in org_page
    with pytest.raises(DatasetError) as refusal:
        create_dataset(
            owner=participant,
            title="Not mine",
            files=[NewFile("test.csv", io.BytesIO(LABEL_SOLUTION.encode()))],
            organisation=lab,
        )
    assert refusal.value.details == {"field": "organisation"}
