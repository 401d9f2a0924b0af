"""Invitations, merge requests and their answers notify the people concerned, with a link to the Team tab;
the top bar's count includes them, on the page and the API."""

import pytest

from community.models import Notification
from competitions import teams
from tests.competitions.test_teams import player, team_of
from tests.factories import PASSWORD, joined

TEAM_TAB = "/competitions/animals/team/"


@pytest.fixture
def players(competition, participant, other_participant):
    """alice and bob, each on a team of their own."""
    joined(competition, participant)
    joined(competition, other_participant)
    return participant, other_participant


def news(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("text", flat=True))


def test_an_invitation_and_each_answer_reach_the_other_side(competition, players):
    alice, bob = players

    first = teams.invite_member(competition=competition, user=alice, username="bob")
    teams.decline_invitation(invitation=first, user=bob)
    second = teams.invite_member(competition=competition, user=alice, username="bob")
    teams.withdraw_invitation(invitation=second, user=alice)
    third = teams.invite_member(competition=competition, user=alice, username="bob")
    teams.accept_invitation(invitation=third, user=bob)

    assert news(bob) == [
        "alice invited you to join team 'alice' in Animals.",
        "alice invited you to join team 'alice' in Animals.",
        "alice withdrew the invitation to join team 'alice' in Animals.",
        "alice invited you to join team 'alice' in Animals.",
    ]
    assert news(alice) == [
        "bob declined your invitation to team 'alice' in Animals.",
        "bob accepted your invitation and joined team 'alice' in Animals.",
    ]


def test_a_merge_request_and_its_answers_reach_the_leaders_and_the_merged_members(competition, players):
    alice, bob = players
    carol = player(competition, "carol")
    teams.accept_invitation(
        invitation=teams.invite_member(competition=competition, user=bob, username="carol"), user=carol
    )
    Notification.objects.all().delete()

    first = teams.request_merge(competition=competition, user=bob, target_name="alice")
    teams.withdraw_merge(merge_request=first, user=bob)
    second = teams.request_merge(competition=competition, user=bob, target_name="alice")
    teams.decline_merge(merge_request=second, user=alice)
    third = teams.request_merge(competition=competition, user=bob, target_name="alice")
    teams.accept_merge(merge_request=third, user=alice)

    asked = "bob asked for team 'bob' to merge into your team 'alice' in Animals."
    assert news(alice) == [
        asked,
        "bob withdrew the request for team 'bob' to merge into team 'alice' in Animals.",
        asked,
        asked,
    ]
    assert news(bob) == [
        "alice declined the merge of team 'bob' into team 'alice' in Animals.",
        "alice accepted the merge: team 'bob' is now part of team 'alice' in Animals.",
    ]
    assert news(carol) == ["alice accepted the merge: team 'bob' is now part of team 'alice' in Animals."]
    assert team_of(carol, competition).name == "alice"


def test_the_invitee_sees_it_in_the_api_and_on_the_page_with_the_count_in_the_top_bar(
    api_for, client, competition, players
):
    alice, bob = players
    teams.invite_member(competition=competition, user=alice, username="bob")

    listed = api_for(bob).get("/api/v1/me/notifications/").json()["results"]
    client.login(username="bob", password=PASSWORD)
    page = client.get("/notifications/").content.decode()

    assert listed[0]["kind"] == "team"
    assert listed[0]["comment"] is None
    assert listed[0]["text"] == "alice invited you to join team 'alice' in Animals."
    assert listed[0]["url"] == TEAM_TAB
    assert (
        f'<a href="{TEAM_TAB}" class="team-notification">alice invited you to join team &#x27;alice&#x27; in Animals.</a>'
        in page
    )
    assert 'id="unread-count">1<' in page


def test_nobody_is_told_of_their_own_act(competition, players):
    alice, _ = players
    teams.invite_member(competition=competition, user=alice, username="bob")

    assert news(alice) == []
