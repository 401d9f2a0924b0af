import pytest

from competitions import teams
from competitions.models import Team, TeamInvitation, TeamMembership, TeamMergeRequest
from tests.factories import UserFactory, joined, make_submission

TEAM = "/api/v1/competitions/animals/team/"


@pytest.fixture
def players(competition, participant, other_participant):
    joined(competition, participant)
    joined(competition, other_participant)
    return participant, other_participant


def team_of(user, competition) -> Team:
    return TeamMembership.objects.get(user=user, competition=competition).team


def test_my_team_lists_members_and_pending_invitations(api_for, competition, players):
    alice, _ = players
    teams.invite_member(competition=competition, user=alice, username="bob")

    response = api_for(alice).get(TEAM)

    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["is_leader"], body["max_team_size"]) == ("alice", True, 5)
    assert [(m["username"], m["is_leader"], m["has_submitted"]) for m in body["members"]] == [
        ("alice", True, False)
    ]
    assert [i["invitee"] for i in body["invitations_sent"]] == ["bob"]
    assert body["merge_requests_sent"] == body["merge_requests_received"] == []


def test_invitee_sees_the_invitation_received(api_for, competition, players):
    alice, bob = players
    invitation = teams.invite_member(competition=competition, user=alice, username="bob")

    body = api_for(bob).get(TEAM).json()

    assert body["invitations_received"] == [
        {
            "id": invitation.pk,
            "team": "alice",
            "invitee": "bob",
            "status": "pending",
            "created_at": body["invitations_received"][0]["created_at"],
            "answered_at": None,
        }
    ]


def test_my_team_needs_joining_first(api_for, competition, participant):
    response = api_for(participant).get(TEAM)

    assert response.status_code == 403
    assert response.json()["code"] == "rules_not_accepted"
    assert response.json()["message"] == "Join the competition by accepting its rules to have a team."


def test_team_api_needs_authentication(api_for, competition):
    response = api_for().get(TEAM)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_leader_renames_the_team(api_for, competition, players):
    response = api_for(players[0]).patch(TEAM, {"name": " Owls "}, format="json")

    assert response.status_code == 200
    assert response.json()["name"] == "Owls"


def test_rename_without_a_name_names_the_field(api_for, competition, players):
    response = api_for(players[0]).patch(TEAM, {}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["message"] == "The field 'name' is required."


def test_rename_to_a_taken_name_is_refused(api_for, competition, players):
    response = api_for(players[0]).patch(TEAM, {"name": "bob"}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "code": "name_taken",
        "message": "A team called 'bob' already exists in this competition; choose another name.",
        "details": {"field": "name"},
    }


def test_invite_and_accept_through_the_api(api_for, competition, players):
    alice, bob = players

    invited = api_for(alice).post(f"{TEAM}invitations/", {"username": "bob"}, format="json")
    accepted = api_for(bob).post(f"/api/v1/competitions/animals/invitations/{invited.json()['id']}/accept/")

    assert invited.status_code == 201
    assert invited.json()["status"] == "pending"
    assert accepted.status_code == 200
    assert [m["username"] for m in accepted.json()["members"]] == ["alice", "bob"]
    assert accepted.json()["name"] == "alice"


def test_invite_an_unknown_user_is_a_404_naming_the_field(api_for, competition, players):
    response = api_for(players[0]).post(f"{TEAM}invitations/", {"username": "nobody"}, format="json")

    assert response.status_code == 404
    assert response.json() == {
        "code": "user_not_found",
        "message": "No user 'nobody'.",
        "details": {"field": "username"},
    }


def test_invite_refused_when_the_team_is_full(api_for, competition, players):
    alice, _ = players
    competition.max_team_size = 1
    competition.save(update_fields=["max_team_size"])

    response = api_for(alice).post(f"{TEAM}invitations/", {"username": "bob"}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "team_full"
    assert response.json()["message"] == (
        "Your team is full: 1 member and 0 pending invitations already reach the maximum team size of 1."
    )


def test_someone_else_cannot_accept_an_invitation(api_for, competition, players):
    alice, _ = players
    carol = UserFactory(username="carol")
    joined(competition, carol)
    invitation = teams.invite_member(competition=competition, user=alice, username="bob")

    response = api_for(carol).post(f"/api/v1/competitions/animals/invitations/{invitation.pk}/accept/")

    assert response.status_code == 403
    assert response.json()["message"] == "This invitation is for 'bob'; only they can answer it."


def test_decline_and_withdraw_invitations(api_for, competition, players):
    alice, bob = players
    first = teams.invite_member(competition=competition, user=alice, username="bob")
    declined = api_for(bob).post(f"/api/v1/competitions/animals/invitations/{first.pk}/decline/")
    second = teams.invite_member(competition=competition, user=alice, username="bob")

    withdrawn = api_for(alice).post(f"/api/v1/competitions/animals/invitations/{second.pk}/withdraw/")

    assert declined.json()["status"] == "declined"
    assert withdrawn.json()["status"] == "withdrawn"


def test_unknown_invitation_is_a_404(api_for, competition, players):
    response = api_for(players[0]).post("/api/v1/competitions/animals/invitations/999/accept/")

    assert response.status_code == 404
    assert response.json()["message"] == "No invitation 999 in this competition."


def test_member_leaves_and_is_alone_again(api_for, competition, players):
    alice, bob = players
    teams.accept_invitation(
        invitation=teams.invite_member(competition=competition, user=alice, username="bob"), user=bob
    )

    response = api_for(bob).post(f"{TEAM}leave/")

    assert response.status_code == 200
    assert (response.json()["name"], [m["username"] for m in response.json()["members"]]) == ("bob", ["bob"])


def test_leave_is_refused_after_submitting(api_for, competition, players):
    alice, bob = players
    team = teams.accept_invitation(
        invitation=teams.invite_member(competition=competition, user=alice, username="bob"), user=bob
    )
    make_submission(team, user=bob, public_score=0.5)

    response = api_for(bob).post(f"{TEAM}leave/")

    assert response.status_code == 400
    assert response.json()["code"] == "member_has_submitted"
    assert "leaving would let you take a fresh submission quota" in response.json()["message"]


def test_leader_removes_a_member(api_for, competition, players):
    alice, bob = players
    teams.accept_invitation(
        invitation=teams.invite_member(competition=competition, user=alice, username="bob"), user=bob
    )

    response = api_for(alice).post(f"{TEAM}members/bob/remove/")

    assert response.status_code == 200
    assert [m["username"] for m in response.json()["members"]] == ["alice"]
    assert team_of(bob, competition).name == "bob"


def test_disband_is_refused_with_submissions(api_for, competition, players):
    alice, _ = players
    make_submission(team_of(alice, competition), public_score=0.5)

    response = api_for(alice).post(f"{TEAM}disband/")

    assert response.status_code == 400
    assert response.json()["code"] == "team_has_submissions"
    assert response.json()["message"].startswith(
        "Team 'alice' has made 1 submission, so it cannot be disbanded"
    )


def test_merge_request_and_accept_through_the_api(api_for, competition, players):
    alice, bob = players
    make_submission(team_of(alice, competition), public_score=0.8)

    requested = api_for(alice).post(f"{TEAM}merge-requests/", {"team": "bob"}, format="json")
    accepted = api_for(bob).post(
        f"/api/v1/competitions/animals/merge-requests/{requested.json()['id']}/accept/"
    )

    assert requested.status_code == 201
    assert requested.json()["target"] == "bob"
    assert accepted.status_code == 200
    body = accepted.json()
    assert (body["name"], body["submissions"]) == ("bob", 1)
    assert sorted(m["username"] for m in body["members"]) == ["alice", "bob"]


def test_merge_request_without_a_team_names_the_field(api_for, competition, players):
    response = api_for(players[0]).post(f"{TEAM}merge-requests/", {}, format="json")

    assert response.status_code == 400
    assert response.json()["message"] == "The field 'team' is required."


def test_merge_refused_by_size_says_which_rule(api_for, competition, players):
    alice, _ = players
    competition.max_team_size = 1
    competition.save(update_fields=["max_team_size"])

    response = api_for(alice).post(f"{TEAM}merge-requests/", {"team": "bob"}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "merge_too_big"
    assert response.json()["message"] == (
        "The merge is refused by the team size rule: 'alice' has 1 member and 'bob' has 1, 2 together, more "
        "than the maximum team size of 1."
    )


def test_decline_and_withdraw_merge_requests(api_for, competition, players):
    alice, bob = players
    first = teams.request_merge(competition=competition, user=alice, target_name="bob")
    declined = api_for(bob).post(f"/api/v1/competitions/animals/merge-requests/{first.pk}/decline/")
    second = teams.request_merge(competition=competition, user=alice, target_name="bob")

    withdrawn = api_for(alice).post(f"/api/v1/competitions/animals/merge-requests/{second.pk}/withdraw/")
    not_theirs = api_for(bob).post(f"/api/v1/competitions/animals/merge-requests/{second.pk}/withdraw/")

    assert declined.json()["status"] == "declined"
    assert withdrawn.json()["status"] == "withdrawn"
    assert not_theirs.status_code == 403
    assert not_theirs.json()["message"] == "Only the leader of team 'alice' can withdraw this merge request."
    assert TeamMergeRequest.objects.filter(status="pending").count() == 0
    assert TeamInvitation.objects.count() == 0


def test_inviting_someone_who_has_submitted_is_refused_when_sent_naming_the_rule(
    api_for, competition, players
):
    alice, bob = players
    make_submission(team_of(bob, competition), public_score=0.5)

    response = api_for(alice).post(f"{TEAM}invitations/", {"username": "bob"}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invitee_must_merge"
    assert response.json()["details"] == {"field": "username"}
    assert "ask them to request a merge with your team instead" in response.json()["message"]
