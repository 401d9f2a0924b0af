"""Co-hosts and reviewers: what each may do, how the host adds, re-roles and removes them (page and API), and
the refusals (an unknown user, a participant, a co-host managing co-hosts, a co-host joining)."""

import re
from html import escape

import pytest

from community.queries import discussion
from community.services import post_comment
from competitions.co_hosts import add_co_host, change_co_host_role, remove_co_host
from competitions.errors import CompetitionError
from competitions.models import Competition, CompetitionHost
from competitions.queries import can_manage, can_review, can_see_private_scores, competition_for, host_role
from competitions.services import join_competition, publish_competition, update_competition
from config.errors import NotAllowed, NotFound
from moderation.services import disqualify_submission
from organisations.services import add_member, create_organisation
from submissions.queries import visible_submissions
from tests.factories import UserFactory, joined, make_competition, make_submission

CO_HOST, REVIEWER = CompetitionHost.Role.CO_HOST, CompetitionHost.Role.REVIEWER


@pytest.fixture
def carol(db):
    return UserFactory(username="carol")


@pytest.fixture
def dave(db):
    return UserFactory(username="dave")


def test_a_co_host_changes_and_publishes_the_competition(host, carol):
    draft = make_competition(host=host, publish=False)
    add_co_host(competition=draft, actor=host, username="carol", role=CO_HOST)

    update_competition(competition=draft, user=carol, changes={"subtitle": "By two"})
    publish_competition(competition=draft, user=carol)

    draft.refresh_from_db()
    assert (draft.subtitle, draft.status) == ("By two", "published")
    assert competition_for(carol, "animals") == draft


def test_a_co_host_disqualifies_a_submission(competition, host, carol, participant):
    add_co_host(competition=competition, actor=host, username="carol", role=CO_HOST)
    submission = make_submission(joined(competition, participant), public_score=0.5)

    disqualify_submission(submission=submission, actor=carol, reason="Hand-labelled.")

    submission.refresh_from_db()
    assert submission.disqualified_at is not None


def test_a_reviewer_reads_every_submission_and_private_score_and_changes_nothing(
    competition, host, dave, participant
):
    add_co_host(competition=competition, actor=host, username="dave", role=REVIEWER)
    submission = make_submission(
        joined(competition, participant),
        public_score=0.5,
    )

    assert list(visible_submissions(dave, competition)) == [submission]
    assert can_see_private_scores(dave, competition)
    assert can_review(dave, competition)
    assert not can_manage(dave, competition)
    with pytest.raises(
        NotAllowed, match=re.escape("Only the competition's host or a co-host can change it.")
    ):
        update_competition(competition=competition, user=dave, changes={"subtitle": "Mine"})
    with pytest.raises(
        NotAllowed, match=re.escape("Only the competition's host or a co-host can disqualify.")
    ):
        disqualify_submission(submission=submission, actor=dave, reason="No.")


def test_only_the_host_manages_co_hosts(competition, host, carol, dave):
    add_co_host(competition=competition, actor=host, username="carol", role=CO_HOST)

    with pytest.raises(NotAllowed) as refusal:
        add_co_host(competition=competition, actor=carol, username="dave", role=REVIEWER)

    assert refusal.value.message == (
        "Only the competition's host can add, remove or change co-hosts and reviewers."
    )
    assert not CompetitionHost.objects.filter(user=dave).exists()


def test_the_host_changes_a_role_and_removes_a_co_host(competition, host, carol):
    add_co_host(competition=competition, actor=host, username="carol", role=CO_HOST)

    change_co_host_role(competition=competition, actor=host, username="carol", role=REVIEWER)
    assert host_role(carol, competition) == "reviewer"
    remove_co_host(competition=competition, actor=host, username="carol")

    assert host_role(carol, competition) is None
    assert not CompetitionHost.objects.exists()


def test_an_unknown_user_is_refused_by_name(competition, host):
    with pytest.raises(NotFound) as refusal:
        add_co_host(competition=competition, actor=host, username="nobody", role=CO_HOST)

    assert refusal.value.message == "No user 'nobody'."
    assert refusal.value.details == {"field": "username"}


def test_an_unknown_role_is_refused_naming_the_choices(competition, host, carol):
    with pytest.raises(CompetitionError) as refusal:
        add_co_host(competition=competition, actor=host, username="carol", role="boss")

    assert refusal.value.message == "Unknown role 'boss'. Choose one of: co_host, reviewer."
    assert refusal.value.details == {"field": "role"}


def test_a_participant_cannot_become_a_co_host(competition, host, participant):
    joined(competition, participant)

    with pytest.raises(CompetitionError) as refusal:
        add_co_host(competition=competition, actor=host, username="alice", role=REVIEWER)

    assert refusal.value.code == "participant_cannot_host"
    assert refusal.value.message == (
        "'alice' has joined this competition as a participant: a participant cannot be a co-host or "
        "reviewer, who see the private scores and the solution check."
    )
    assert not CompetitionHost.objects.exists()


@pytest.mark.parametrize(("role", "title"), [(CO_HOST, "a co-host"), (REVIEWER, "a reviewer")])
def test_a_co_host_or_reviewer_cannot_join(competition, host, carol, role, title):
    add_co_host(competition=competition, actor=host, username="carol", role=role)

    with pytest.raises(CompetitionError) as refusal:
        join_competition(competition=competition, user=carol)

    assert refusal.value.code == "host_cannot_join"
    assert refusal.value.message.startswith(f"You are {title} of this competition")


def test_a_co_hosts_comment_carries_the_host_badge_and_a_reviewers_does_not(competition, host, carol, dave):
    add_co_host(competition=competition, actor=host, username="carol", role=CO_HOST)
    add_co_host(competition=competition, actor=host, username="dave", role=REVIEWER)
    post_comment(author=carol, target=competition, body="Welcome!")
    post_comment(author=dave, target=competition, body="Reading along.")

    badges = {node.comment.author.username: node.by_host for node in discussion(carol, competition)}

    assert badges == {"carol": True, "dave": False}


# The Host tab.


def test_the_host_adds_a_co_host_on_the_host_tab(client, competition, host, carol):
    client.force_login(host)

    answer = client.post(
        "/competitions/animals/host/co-hosts/", {"username": "carol", "role": "co_host"}, follow=True
    )

    page = answer.content.decode()
    assert "&#x27;carol&#x27; is now a co-host." in page
    assert 'data-co-host="carol"' in page
    assert 'id="co-host-form"' in page


def test_the_host_tab_refuses_a_participant_with_the_rule(client, competition, host, participant):
    joined(competition, participant)
    client.force_login(host)

    page = client.post(
        "/competitions/animals/host/co-hosts/", {"username": "alice", "role": "reviewer"}, follow=True
    ).content.decode()

    assert escape("'alice' has joined this competition as a participant: a participant cannot be") in page


def test_the_host_tab_refuses_an_unknown_user(client, competition, host):
    client.force_login(host)

    page = client.post(
        "/competitions/animals/host/co-hosts/", {"username": "ghost", "role": "co_host"}, follow=True
    ).content.decode()

    assert escape("No user 'ghost'.") in page


def test_a_co_host_sees_the_settings_but_not_the_co_host_form(client, competition, host, carol):
    add_co_host(competition=competition, actor=host, username="carol", role=CO_HOST)
    client.force_login(carol)

    page = client.get("/competitions/animals/host/").content.decode()

    assert 'id="host-settings-form"' in page
    assert 'id="rescore-form"' in page
    assert 'id="co-host-form"' not in page
    assert ">Host</a>" in page


def test_a_reviewer_reads_the_host_tab_without_its_forms_and_cannot_post(client, competition, host, dave):
    add_co_host(competition=competition, actor=host, username="dave", role=REVIEWER)
    client.force_login(dave)

    page = client.get("/competitions/animals/host/").content.decode()
    posted = client.post("/competitions/animals/host/", {"title": "Mine"})

    assert 'id="reviewer-notice"' in page
    assert 'id="host-settings-form"' not in page
    assert 'id="host-test-form"' not in page
    assert posted.status_code == 403


MANAGERS_ONLY = {
    "form",
    "prizes_form",
    "eligibility_form",
    "phase_rows",
    "track_rows",
    "rescore_form",
    "access",
}


def test_the_host_tabs_forms_are_built_for_managers_only(client, competition, host, carol, dave):
    add_co_host(competition=competition, actor=host, username="carol", role=CO_HOST)
    add_co_host(competition=competition, actor=host, username="dave", role=REVIEWER)

    client.force_login(carol)
    for_co_host = client.get("/competitions/animals/host/")
    client.force_login(dave)
    for_reviewer = client.get("/competitions/animals/host/")

    assert set(for_co_host.context.keys()) >= MANAGERS_ONLY
    assert set(for_reviewer.context.keys()) & MANAGERS_ONLY == set()
    assert [co_host.user.username for co_host in for_reviewer.context["co_hosts"]] == ["carol", "dave"]


# The API.


def test_the_api_adds_lists_re_roles_and_removes_co_hosts(api_for, competition, host, carol):
    api = api_for(host)

    added = api.post("/api/v1/competitions/animals/co-hosts/", {"username": "carol"}, format="json")
    changed = api.patch("/api/v1/competitions/animals/co-hosts/carol/", {"role": "reviewer"}, format="json")
    listed = api_for(carol).get("/api/v1/competitions/animals/co-hosts/")
    you = api_for(carol).get("/api/v1/competitions/animals/").json()["you"]
    removed = api.delete("/api/v1/competitions/animals/co-hosts/carol/")

    assert added.status_code == 201
    assert added.json()["role"] == "co_host"
    assert changed.json()["role"] == "reviewer"
    assert [row["username"] for row in listed.json()] == ["carol"]
    assert (you["host_role"], you["may_manage"], you["is_host"], you["may_join"]) == (
        "reviewer",
        False,
        True,
        False,
    )
    assert removed.status_code == 204
    assert not CompetitionHost.objects.exists()


def test_the_api_refuses_an_unknown_user_and_a_participant(api_for, competition, host, participant):
    joined(competition, participant)
    api = api_for(host)

    unknown = api.post("/api/v1/competitions/animals/co-hosts/", {"username": "nobody"}, format="json")
    taken = api.post("/api/v1/competitions/animals/co-hosts/", {"username": "alice"}, format="json")

    assert unknown.status_code == 404
    assert unknown.json()["message"] == "No user 'nobody'."
    assert unknown.json()["details"] == {"field": "username"}
    assert taken.status_code == 400
    assert taken.json()["code"] == "participant_cannot_host"
    assert taken.json()["details"] == {"field": "username"}


def test_a_co_host_cannot_add_co_hosts_on_the_api(api_for, competition, host, carol, dave):
    add_co_host(competition=competition, actor=host, username="carol", role=CO_HOST)

    answer = api_for(carol).post(
        "/api/v1/competitions/animals/co-hosts/", {"username": "dave"}, format="json"
    )

    assert answer.status_code == 403
    assert answer.json()["code"] == "not_owner"


def test_a_participant_cannot_list_co_hosts(api_for, competition, participant):
    joined(competition, participant)

    answer = api_for(participant).get("/api/v1/competitions/animals/co-hosts/")

    assert answer.status_code == 403


def test_a_competition_read_for_a_viewer_knows_their_role_without_another_query(
    competition, host, carol, django_assert_num_queries
):
    add_co_host(competition=competition, actor=host, username="carol", role=REVIEWER)
    read = competition_for(carol, "animals")

    with django_assert_num_queries(0):
        assert host_role(carol, read) == "reviewer"


@pytest.mark.parametrize("organisation_role", ["owner", "member"])
def test_a_participant_added_to_the_hosting_organisation_stays_a_participant(
    competition, host, participant, organisation_role
):
    lab = create_organisation(user=host, name="Vision Lab")
    competition.organisation = lab
    competition.save(update_fields=["organisation"])
    joined(competition, participant)

    add_member(organisation=lab, actor=host, username=participant.username, role=organisation_role)

    fresh = Competition.objects.get(pk=competition.pk)
    assert host_role(participant, fresh) is None
    assert host_role(participant, competition_for(participant, "animals")) is None
    assert not can_see_private_scores(participant, fresh)


def test_a_name_in_another_case_finds_the_user_only_when_it_names_no_one_else(competition, host):
    UserFactory(username="Erin")
    UserFactory(username="Frank")
    UserFactory(username="frank")

    add_co_host(competition=competition, actor=host, username="ERIN", role=REVIEWER)
    with pytest.raises(NotFound):
        add_co_host(competition=competition, actor=host, username="FRANK", role=REVIEWER)
    add_co_host(competition=competition, actor=host, username="frank", role=CO_HOST)

    assert dict(competition.co_hosts.values_list("user__username", "role")) == {
        "Erin": REVIEWER,
        "frank": CO_HOST,
    }
