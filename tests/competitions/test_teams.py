from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from competitions import teams
from competitions.models import Team, TeamInvitation, TeamMembership, TeamMergeRequest
from config.errors import DomainError
from leaderboards.models import LeaderboardEntry
from leaderboards.services import recompute_public_entry
from submissions.models import Submission
from tests.factories import PASSWORD, UserFactory, joined, make_competition, make_submission


@pytest.fixture
def players(competition, participant, other_participant):
    """alice and bob joined the competition, each on their own team of one."""
    joined(competition, participant)
    joined(competition, other_participant)
    return participant, other_participant


def player(competition, username):
    user = UserFactory(username=username)
    joined(competition, user)
    return user


def team_of(user, competition) -> Team:
    return TeamMembership.objects.get(user=user, competition=competition).team


def invite_and_accept(competition, leader, username):
    invitation = teams.invite_member(competition=competition, user=leader, username=username)
    return teams.accept_invitation(invitation=invitation, user=invitation.invitee)


def refusal(action, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        action(**kwargs)
    return caught.value


def pass_merger_deadline(competition):
    competition.merger_deadline_at = timezone.now() - timedelta(minutes=1)
    competition.save(update_fields=["merger_deadline_at"])
    return competition.merger_deadline_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


# Rename


def test_leader_renames_the_team_with_the_name_stripped(competition, players):
    alice, _ = players

    team = teams.rename_team(competition=competition, user=alice, name="  Gradient Descenders ")

    assert team.name == "Gradient Descenders"
    assert team_of(alice, competition).name == "Gradient Descenders"


def test_rename_is_refused_when_another_team_has_the_name(competition, players):
    alice, _ = players

    error = refusal(teams.rename_team, competition=competition, user=alice, name="BOB")

    assert error.message == "A team called 'BOB' already exists in this competition; choose another name."
    assert error.details == {"field": "name"}


@pytest.mark.parametrize("name", ["   ", "x" * 101])
def test_rename_is_refused_for_an_empty_or_too_long_name(competition, players, name):
    error = refusal(teams.rename_team, competition=competition, user=players[0], name=name)

    assert error.message == "A team name needs 1 to 100 characters."


def test_only_the_leader_renames(competition, players):
    alice, bob = players
    invite_and_accept(competition, alice, "bob")

    error = refusal(teams.rename_team, competition=competition, user=bob, name="Mine now")

    assert error.message == "Only your team's leader can rename the team."


# Invitations


def test_leader_invites_a_participant(competition, players):
    alice, bob = players

    invitation = teams.invite_member(competition=competition, user=alice, username="bob")

    assert (invitation.team, invitation.invitee, invitation.status) == (
        team_of(alice, competition),
        bob,
        "pending",
    )


def test_invite_is_refused_for_an_unknown_user(competition, players):
    error = refusal(teams.invite_member, competition=competition, user=players[0], username="nobody")

    assert error.message == "No user 'nobody'."


def test_invite_is_refused_for_someone_who_has_not_joined(competition, players):
    UserFactory(username="carol")

    error = refusal(teams.invite_member, competition=competition, user=players[0], username="carol")

    assert error.message == (
        "'carol' has not joined this competition; they must join it (accept its rules) before you can invite them."
    )


def test_invite_is_refused_for_a_member_of_the_team(competition, players):
    alice, _ = players
    invite_and_accept(competition, alice, "bob")

    error = refusal(teams.invite_member, competition=competition, user=alice, username="bob")

    assert error.message == "'bob' is already on your team."


def test_invite_is_refused_when_members_and_pending_invitations_fill_the_team(competition, players):
    alice, _ = players
    competition.max_team_size = 2
    competition.save(update_fields=["max_team_size"])
    player(competition, "carol")
    teams.invite_member(competition=competition, user=alice, username="bob")

    error = refusal(teams.invite_member, competition=competition, user=alice, username="carol")

    assert error.message == (
        "Your team is full: 1 member and 1 pending invitation already reach the maximum team size of 2."
    )


def test_invite_is_refused_after_the_merger_deadline(competition, players):
    deadline = pass_merger_deadline(competition)

    error = refusal(teams.invite_member, competition=competition, user=players[0], username="bob")

    assert error.message == (
        f"The team merger deadline passed on {deadline}; teams can no longer take new members."
    )


def test_only_the_leader_invites(competition, players):
    alice, bob = players
    invite_and_accept(competition, alice, "bob")
    player(competition, "carol")

    error = refusal(teams.invite_member, competition=competition, user=bob, username="carol")

    assert error.message == "Only your team's leader can invite members."


def test_leader_withdraws_a_pending_invitation(competition, players):
    alice, _ = players
    invitation = teams.invite_member(competition=competition, user=alice, username="bob")

    teams.withdraw_invitation(invitation=invitation, user=alice)

    invitation.refresh_from_db()
    assert invitation.status == "withdrawn"
    assert invitation.answered_at is not None


def test_accepting_moves_the_invitee_and_deletes_their_solo_team(competition, players):
    alice, bob = players
    solo = team_of(bob, competition)
    invitation = teams.invite_member(competition=competition, user=alice, username="bob")

    team = teams.accept_invitation(invitation=invitation, user=bob)

    assert team == team_of(alice, competition) == team_of(bob, competition)
    assert not TeamMembership.objects.get(user=bob, competition=competition).is_leader
    assert not Team.objects.filter(pk=solo.pk).exists()
    invitation.refresh_from_db()
    assert invitation.status == "accepted"


def test_only_the_invitee_answers_an_invitation(competition, players):
    alice, _ = players
    carol = player(competition, "carol")
    invitation = teams.invite_member(competition=competition, user=alice, username="bob")

    error = refusal(teams.accept_invitation, invitation=invitation, user=carol)

    assert error.message == "This invitation is for 'bob'; only they can answer it."


def test_an_answered_invitation_cannot_be_accepted(competition, players):
    alice, bob = players
    invitation = teams.invite_member(competition=competition, user=alice, username="bob")
    teams.decline_invitation(invitation=invitation, user=bob)

    error = refusal(teams.accept_invitation, invitation=invitation, user=bob)

    assert error.message == "This invitation was already declined."


def test_accept_is_refused_when_the_team_filled_up_meanwhile(competition, players):
    alice, bob = players
    invitation = teams.invite_member(competition=competition, user=alice, username="bob")
    competition.max_team_size = 1
    competition.save(update_fields=["max_team_size"])

    error = refusal(teams.accept_invitation, invitation=invitation, user=bob)

    assert error.message == "Team 'alice' is full: it already has 1 member and the maximum team size is 1."


def test_accept_is_refused_after_the_merger_deadline(competition, players):
    alice, bob = players
    invitation = teams.invite_member(competition=competition, user=alice, username="bob")
    deadline = pass_merger_deadline(competition)

    error = refusal(teams.accept_invitation, invitation=invitation, user=bob)

    assert (
        error.message
        == f"The team merger deadline passed on {deadline}; teams can no longer take new members."
    )


def test_accept_is_refused_when_the_invitees_team_has_submitted_since_the_invitation(competition, players):
    alice, bob = players
    invitation = teams.invite_member(competition=competition, user=alice, username="bob")
    make_submission(team_of(bob, competition), public_score=0.5)

    error = refusal(teams.accept_invitation, invitation=invitation, user=bob)

    assert error.message == (
        "Your team 'bob' has made 1 submission, so you cannot simply join 'alice': ask for a team merge instead, "
        "so your submissions are kept."
    )
    assert team_of(bob, competition).name == "bob"


def test_accept_is_refused_when_the_invitee_is_on_a_bigger_team_since_the_invitation(competition, players):
    alice, bob = players
    player(competition, "carol")
    invitation = teams.invite_member(competition=competition, user=alice, username="bob")
    invite_and_accept(competition, bob, "carol")

    error = refusal(teams.accept_invitation, invitation=invitation, user=bob)

    assert error.message.startswith("Your team 'bob' has 2 members, so you cannot simply join 'alice'")


def test_an_invitation_that_could_never_be_accepted_is_refused_when_sent(competition, players):
    alice, bob = players
    make_submission(team_of(bob, competition), public_score=0.5)

    error = refusal(teams.invite_member, competition=competition, user=alice, username="bob")

    assert error.code == "invitee_must_merge"
    assert error.message == (
        "'bob' has already submitted (1 submission), so they could not accept an invitation; ask them to "
        "request a merge with your team instead, so their submissions are kept."
    )
    assert not TeamInvitation.objects.exists()


def test_inviting_someone_on_a_team_of_several_is_refused_when_sent(competition, players):
    alice, bob = players
    player(competition, "carol")
    invite_and_accept(competition, bob, "carol")

    error = refusal(teams.invite_member, competition=competition, user=alice, username="carol")

    assert error.message.startswith("'carol' is on team 'bob' with 1 other member, so they could not accept")


def test_invitee_declines(competition, players):
    alice, bob = players
    invitation = teams.invite_member(competition=competition, user=alice, username="bob")

    teams.decline_invitation(invitation=invitation, user=bob)

    invitation.refresh_from_db()
    assert invitation.status == "declined"
    assert team_of(bob, competition).name == "bob"


# Leaving, removing, disbanding


def test_member_leaves_and_gets_a_fresh_team_of_one(competition, players):
    alice, bob = players
    team = invite_and_accept(competition, alice, "bob")

    fresh = teams.leave_team(competition=competition, user=bob)

    assert fresh != team
    assert fresh.name == "bob"
    assert list(fresh.memberships.values_list("user__username", "is_leader")) == [("bob", True)]
    assert list(team.memberships.values_list("user__username", flat=True)) == ["alice"]


def test_when_the_leader_leaves_the_earliest_member_leads(competition, players):
    alice, _bob = players
    player(competition, "carol")
    team = invite_and_accept(competition, alice, "bob")
    invite_and_accept(competition, alice, "carol")

    fresh = teams.leave_team(competition=competition, user=alice)

    assert fresh.name == "alice (2)"
    leaders = team.memberships.filter(is_leader=True).values_list("user__username", flat=True)
    assert list(leaders) == ["bob"]


def test_a_member_who_submitted_cannot_leave(competition, players):
    alice, bob = players
    team = invite_and_accept(competition, alice, "bob")
    make_submission(team, user=bob, public_score=0.5)

    error = refusal(teams.leave_team, competition=competition, user=bob)

    assert error.message == (
        "You have made submissions with team 'alice', so you cannot leave it: leaving would let you take a fresh "
        "submission quota on another team."
    )


def test_the_only_member_cannot_leave(competition, players):
    error = refusal(teams.leave_team, competition=competition, user=players[0])

    assert (
        error.message
        == "You are the only member of team 'alice', so you cannot leave it; disband the team instead."
    )


def test_leader_removes_a_member_who_gets_a_fresh_team(competition, players):
    alice, bob = players
    team = invite_and_accept(competition, alice, "bob")

    fresh = teams.remove_member(competition=competition, user=alice, username="bob")

    assert team_of(bob, competition) == fresh != team
    assert team.memberships.count() == 1


def test_a_member_who_submitted_cannot_be_removed(competition, players):
    alice, bob = players
    team = invite_and_accept(competition, alice, "bob")
    make_submission(team, user=bob, public_score=0.5)

    error = refusal(teams.remove_member, competition=competition, user=alice, username="bob")

    assert error.message == (
        "'bob' has made submissions with team 'alice', so they cannot be removed: leaving would let them take a "
        "fresh submission quota on another team."
    )


def test_only_the_leader_removes_members(competition, players):
    alice, bob = players
    invite_and_accept(competition, alice, "bob")

    error = refusal(teams.remove_member, competition=competition, user=bob, username="alice")

    assert error.message == "Only your team's leader can remove members."


def test_leader_disbands_a_team_without_submissions(competition, players):
    alice, bob = players
    team = invite_and_accept(competition, alice, "bob")

    fresh = teams.disband_team(competition=competition, user=alice)

    assert not Team.objects.filter(pk=team.pk).exists()
    assert sorted(t.name for t in fresh) == ["alice", "bob"]
    assert team_of(alice, competition) != team_of(bob, competition)


def test_disband_is_refused_once_the_team_has_submissions(competition, players):
    alice, _ = players
    team = invite_and_accept(competition, alice, "bob")
    make_submission(team, public_score=0.5)
    make_submission(team, status="failed", counts_against_quota=False)

    error = refusal(teams.disband_team, competition=competition, user=alice)

    assert error.message == (
        "Team 'alice' has made 2 submissions, so it cannot be disbanded: submissions must stay with the team "
        "that made them."
    )


def test_a_disqualified_team_makes_no_team_changes(competition, players):
    alice, _ = players
    Team.objects.filter(pk=team_of(alice, competition).pk).update(disqualified_at=timezone.now())

    error = refusal(teams.rename_team, competition=competition, user=alice, name="Comeback")

    assert error.message == "Your team was disqualified, so it can make no team changes."


# Merging


def test_merge_keeps_every_submission_and_the_best_public_entry(competition, players):
    alice, bob = players
    requester, target = team_of(alice, competition), team_of(bob, competition)
    best = make_submission(requester, public_score=0.9, is_final=True)
    make_submission(requester, public_score=0.4)
    kept_final = make_submission(target, public_score=0.7, is_final=True)
    for team in (requester, target):
        recompute_public_entry(team)
    merge_request = teams.request_merge(competition=competition, user=alice, target_name="bob")

    merged = teams.accept_merge(merge_request=merge_request, user=bob)

    assert merged == target
    assert not Team.objects.filter(pk=requester.pk).exists()
    assert set(Submission.objects.filter(team=target).values_list("public_score", flat=True)) == {
        0.9,
        0.4,
        0.7,
    }
    assert list(Submission.objects.filter(is_final=True)) == [kept_final]
    entry = LeaderboardEntry.objects.get(competition=competition, split="public")
    assert (entry.team, entry.score, entry.best_submission, entry.entries) == (target, 0.9, best, 3)
    memberships = target.memberships.order_by("user__username").values_list("user__username", "is_leader")
    assert list(memberships) == [("alice", False), ("bob", True)]


def test_merge_request_is_refused_when_the_merged_team_would_be_too_big(competition, players):
    alice, bob = players
    competition.max_team_size = 2
    competition.save(update_fields=["max_team_size"])
    player(competition, "carol")
    invite_and_accept(competition, bob, "carol")

    error = refusal(teams.request_merge, competition=competition, user=alice, target_name="bob")

    assert error.message == (
        "The merge is refused by the team size rule: 'alice' has 1 member and 'bob' has 2, 3 together, more "
        "than the maximum team size of 2."
    )


def test_merge_is_refused_when_together_the_teams_submitted_more_than_one_team_could(
    host, participant, other_participant
):
    # Started yesterday (UTC): one team could have made 2 a day x 2 days = 4 submissions by today.
    competition = make_competition(host=host, daily_limit=2, starts_in=timedelta(days=-1))
    joined(competition, participant)
    joined(competition, other_participant)
    requester, target = team_of(participant, competition), team_of(other_participant, competition)
    for _ in range(3):
        make_submission(requester, public_score=0.5)
    make_submission(requester, status="failed", counts_against_quota=False)
    make_submission(target, public_score=0.5)
    merge_request = teams.request_merge(competition=competition, user=participant, target_name="bob")
    make_submission(target, public_score=0.6)

    error = refusal(teams.accept_merge, merge_request=merge_request, user=other_participant)

    assert error.message == (
        "The merge is refused by the submission rule: together the teams have made 5 submissions, more than "
        "the 4 one team could have made by today (2 a day for 2 days since the start)."
    )
    assert Team.objects.filter(pk=requester.pk).exists()


def test_merge_is_refused_once_the_merger_deadline_passed(competition, players):
    alice, bob = players
    merge_request = teams.request_merge(competition=competition, user=alice, target_name="bob")
    deadline = pass_merger_deadline(competition)

    error = refusal(teams.accept_merge, merge_request=merge_request, user=bob)

    assert error.message == f"The team merger deadline passed on {deadline}; teams can no longer merge."


def test_merge_is_refused_with_a_disqualified_team(competition, players):
    alice, bob = players
    merge_request = teams.request_merge(competition=competition, user=alice, target_name="bob")
    Team.objects.filter(pk=merge_request.target_id).update(disqualified_at=timezone.now())

    error = refusal(teams.accept_merge, merge_request=merge_request, user=bob)

    assert error.message == "Team 'bob' was disqualified, so it can make no team changes."


def test_only_the_target_leader_accepts_a_merge(competition, players):
    alice, _ = players
    merge_request = teams.request_merge(competition=competition, user=alice, target_name="bob")

    error = refusal(teams.accept_merge, merge_request=merge_request, user=alice)

    assert error.message == "Only the leader of team 'bob' can answer this merge request."


def test_merge_request_names_an_existing_other_team(competition, players):
    alice, _ = players

    unknown = refusal(teams.request_merge, competition=competition, user=alice, target_name="nobody")
    itself = refusal(teams.request_merge, competition=competition, user=alice, target_name="alice")

    assert unknown.message == "No team 'nobody' in this competition."
    assert itself.message == "Your team cannot merge with itself."


def test_requester_withdraws_and_target_declines_merge_requests(competition, players):
    alice, bob = players
    first = teams.request_merge(competition=competition, user=alice, target_name="bob")
    teams.withdraw_merge(merge_request=first, user=alice)
    second = teams.request_merge(competition=competition, user=alice, target_name="bob")

    teams.decline_merge(merge_request=second, user=bob)

    assert list(TeamMergeRequest.objects.order_by("pk").values_list("status", flat=True)) == [
        "withdrawn",
        "declined",
    ]


def test_merging_drops_the_requesters_other_pending_requests_and_invitations(competition, players):
    alice, bob = players
    player(competition, "carol")
    player(competition, "dave")
    teams.invite_member(competition=competition, user=alice, username="dave")
    teams.request_merge(competition=competition, user=alice, target_name="carol")
    merge_request = teams.request_merge(competition=competition, user=alice, target_name="bob")

    teams.accept_merge(merge_request=merge_request, user=bob)

    assert not TeamMergeRequest.objects.filter(status="pending").exists()
    assert not TeamInvitation.objects.filter(status="pending").exists()


def test_days_since_start_counts_utc_calendar_days_inclusively(competition):
    competition.start_at = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)

    assert teams.days_since_start(competition, datetime(2026, 3, 1, 23, 45, tzinfo=UTC)) == 1
    assert teams.days_since_start(competition, datetime(2026, 3, 2, 0, 5, tzinfo=UTC)) == 2
    assert teams.days_since_start(competition, datetime(2026, 2, 28, tzinfo=UTC)) == 0


# The Team tab


def test_team_tab_shows_members_and_the_leaders_forms(client, competition, players):
    alice, _ = players
    invite_and_accept(competition, alice, "bob")
    client.login(username="alice", password=PASSWORD)

    page = client.get("/competitions/animals/team/").content.decode()

    assert 'aria-current="page">Team</a>' in page
    assert '<span class="badge team-leader">Leader</span>' in page
    assert "bob" in page
    for label in [
        '<label for="team-name">Team name</label>',
        '<label for="invitee-username">Invite by username</label>',
        '<label for="merge-team">Name of the team to merge into</label>',
    ]:
        assert label in page
    assert "/competitions/animals/team/members/bob/remove/" in page
    assert "csrfmiddlewaretoken" in page


def test_team_tab_link_shows_only_for_someone_with_a_team(client, competition, players):
    anonymous = client.get("/competitions/animals/").content.decode()
    client.login(username="alice", password=PASSWORD)
    member = client.get("/competitions/animals/").content.decode()

    assert "/competitions/animals/team/" not in anonymous
    assert 'href="/competitions/animals/team/"' in member


def test_invitee_sees_and_accepts_an_invitation_on_the_team_tab(client, competition, players):
    alice, _ = players
    invitation = teams.invite_member(competition=competition, user=alice, username="bob")
    client.login(username="bob", password=PASSWORD)

    page = client.get("/competitions/animals/team/").content.decode()
    response = client.post(f"/competitions/animals/team/invitations/{invitation.pk}/accept/", follow=True)

    assert f"/competitions/animals/team/invitations/{invitation.pk}/decline/" in page
    assert response.redirect_chain == [("/competitions/animals/team/", 302)]
    assert "You joined team &#x27;alice&#x27;." in response.content.decode()


def test_rename_form_redirects_with_a_success_message(client, competition, players):
    client.login(username="alice", password=PASSWORD)

    response = client.post("/competitions/animals/team/rename/", {"name": "Owls"}, follow=True)

    assert response.redirect_chain == [("/competitions/animals/team/", 302)]
    assert "Your team is now called &#x27;Owls&#x27;." in response.content.decode()


def test_a_refused_action_comes_back_with_its_message(client, competition, players):
    client.login(username="alice", password=PASSWORD)

    response = client.post("/competitions/animals/team/invite/", {"username": "nobody"}, follow=True)

    assert response.redirect_chain == [("/competitions/animals/team/", 302)]
    page = response.content.decode()
    assert '<div class="flash flash-error" role="status">No user &#x27;nobody&#x27;.</div>' in page


def test_merge_request_form_and_accept_button(client, competition, players):
    alice, bob = players
    client.login(username="alice", password=PASSWORD)
    client.post("/competitions/animals/team/merge/", {"team": "bob"})
    merge_request = TeamMergeRequest.objects.get()
    client.login(username="bob", password=PASSWORD)

    page = client.get("/competitions/animals/team/").content.decode()
    response = client.post(
        f"/competitions/animals/team/merge-requests/{merge_request.pk}/accept/", follow=True
    )

    assert f"/competitions/animals/team/merge-requests/{merge_request.pk}/accept/" in page
    assert "Team &#x27;alice&#x27; merged into &#x27;bob&#x27;." in response.content.decode()
    assert team_of(alice, competition) == team_of(bob, competition)


def test_team_page_needs_a_login(client, competition):
    response = client.get("/competitions/animals/team/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_invite_form_says_why_an_invitation_could_never_be_accepted(client, competition, players):
    _, bob = players
    make_submission(team_of(bob, competition), public_score=0.5)
    client.login(username="alice", password=PASSWORD)

    page = client.post(
        "/competitions/animals/team/invite/", {"username": "bob"}, follow=True
    ).content.decode()

    assert (
        "&#x27;bob&#x27; has already submitted (1 submission), so they could not accept an invitation" in page
    )
    assert not TeamInvitation.objects.exists()
