"""Banning an account: no login, no API token, and its submissions leave every leaderboard; unbanning lets it in
again but keeps the disqualifications."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from competitions.models import Competition, TeamInvitation
from competitions.teams import accept_invitation, invite_member
from config.errors import NotAllowed
from leaderboards import standing
from leaderboards.private_board import build_private_leaderboard, finalize_if_due
from leaderboards.queries import leaderboard_rows
from moderation.models import AuditLogEntry
from moderation.services import ModerationRefused, ban_user
from submissions.models import Submission
from tests.factories import PASSWORD, joined, make_competition
from tests.moderation.conftest import (
    ALL_RIGHT,
    THREE_RIGHT,
    TWO_RIGHT,
    messages_of,
    run_action,
    scored,
    the_audit_entry,
)

USERS = "/admin/accounts/user/"


def board(competition, split: str = "public") -> list[tuple[str, float]]:
    return [(row.team_name, row.score) for row in leaderboard_rows(competition, split)]


def test_banning_deactivates_the_account_and_its_submissions_leave_the_board(
    admin_client, competition, alice, bob, moderator
):
    scored(competition, alice, ALL_RIGHT)
    scored(competition, alice, THREE_RIGHT)
    scored(competition, bob, TWO_RIGHT)

    done = run_action(admin_client, USERS, "ban", [alice], reason="Ran five accounts.")

    alice.refresh_from_db()
    assert not alice.is_active
    assert alice.ban_reason == "Ran five accounts."
    assert alice.banned_at is not None
    assert board(competition) == [("bob", 0.5)]
    reasons = set(
        Submission.objects.filter(submitted_by=alice).values_list("disqualification_reason", flat=True)
    )
    assert reasons == {"Account banned: Ran five accounts."}
    assert messages_of(done) == [
        "Banned 1 user: they can no longer log in or use their API tokens, and 2 submissions they made were "
        "disqualified and left the leaderboards."
    ]
    entry = the_audit_entry(actor=moderator, action="user_banned", target=alice, reason="Ran five accounts.")
    assert entry.details == {"submissions_disqualified": 2}


def test_a_banned_members_submissions_leave_while_the_team_keeps_the_others(
    competition, alice, bob, moderator
):
    invitation = invite_member(competition=competition, user=alice, username="bob")
    accept_invitation(invitation=TeamInvitation.objects.get(pk=invitation.pk), user=bob)
    scored(competition, bob, ALL_RIGHT)
    scored(competition, alice, TWO_RIGHT)
    assert board(competition) == [("alice", 1.0)]

    ban_user(user=bob, actor=moderator, reason="Shared a key.")

    assert board(competition) == [("alice", 0.5)]
    assert competition.teams.get(name="alice").disqualified_at is None


def test_a_ban_reaches_every_competition_and_rebuilds_a_built_private_board_once(
    competition, host, alice, bob, moderator, monkeypatch
):
    other = make_competition(host=host, title="Plants", slug="plants")
    joined(other, alice)
    scored(competition, alice, ALL_RIGHT)
    scored(competition, bob, TWO_RIGHT)
    scored(other, alice, ALL_RIGHT)
    Competition.objects.filter(pk=competition.pk).update(end_at=timezone.now() - timedelta(seconds=1))
    competition.refresh_from_db()
    assert finalize_if_due(competition)
    assert {team for team, _ in board(competition, "private")} == {"alice", "bob"}

    builds = []
    monkeypatch.setattr(
        standing, "build_private_leaderboard", lambda c: builds.append(c.slug) or build_private_leaderboard(c)
    )

    disqualified = ban_user(user=alice, actor=moderator, reason="Ran five accounts.")

    assert disqualified == 2
    assert builds == ["animals"]
    assert [team for team, _ in board(competition, "private")] == ["bob"]
    assert board(other) == []


def test_a_banned_users_token_gets_401_this_account_has_been_suspended(api_for, alice, moderator):
    client = api_for(alice)
    ban_user(user=alice, actor=moderator, reason="Ran five accounts.")

    response = client.get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json()["message"] == "This account has been suspended."


def test_a_banned_user_cannot_log_in_and_is_told_why(client, alice, moderator):
    ban_user(user=alice, actor=moderator, reason="Ran five accounts.")

    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})

    assert response.status_code == 200
    assert "This account has been suspended." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_for_a_banned_account_says_nothing_about_the_ban(client, alice, moderator):
    ban_user(user=alice, actor=moderator, reason="Ran five accounts.")

    response = client.post("/accounts/login/", {"username": "alice", "password": "wrong"})

    assert "suspended" not in response.content.decode()


def test_a_banned_users_open_session_ends(client, alice, moderator):
    client.force_login(alice)
    ban_user(user=alice, actor=moderator, reason="Ran five accounts.")

    response = client.get("/accounts/profile/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_unbanning_restores_the_account_but_not_the_disqualifications(
    admin_client, api_for, competition, alice, moderator
):
    submission = scored(competition, alice, ALL_RIGHT)
    run_action(admin_client, USERS, "ban", [alice], reason="Ran five accounts.")

    done = run_action(admin_client, USERS, "unban", [alice], reason="Appeal accepted.")

    alice.refresh_from_db()
    submission.refresh_from_db()
    assert alice.is_active
    assert alice.banned_at is None
    assert alice.ban_reason == ""
    assert submission.disqualified_at is not None
    assert board(competition) == []
    assert api_for(alice).get("/api/v1/me/").status_code == 200
    assert messages_of(done) == [
        "Unbanned 1 user: they can log in again. The submissions disqualified by the ban stay disqualified."
    ]
    entry = AuditLogEntry.objects.get(action="user_unbanned")
    assert (entry.actor, entry.target, entry.reason) == (moderator, alice, "Appeal accepted.")
    assert entry.details == {"ban_reason": "Ran five accounts."}


def test_a_moderator_cannot_ban_themselves(admin_client, moderator):
    done = run_action(admin_client, USERS, "ban", [moderator], reason="Oops.")

    moderator.refresh_from_db()
    assert moderator.is_active
    assert messages_of(done) == ["You cannot ban yourself."]
    assert not AuditLogEntry.objects.exists()


def test_a_ban_that_fails_midway_changes_nothing(alice, moderator, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the audit log is down")

    monkeypatch.setattr(AuditLogEntry.objects, "create", broken)

    with pytest.raises(RuntimeError):
        ban_user(user=alice, actor=moderator, reason="Ran five accounts.")

    assert User.objects.get(pk=alice.pk).is_active


def test_banning_twice_is_refused(alice, moderator):
    ban_user(user=alice, actor=moderator, reason="Ran five accounts.")

    with pytest.raises(ModerationRefused, match=re.escape("'alice' is already banned.")):
        ban_user(user=User.objects.get(pk=alice.pk), actor=moderator, reason="Again.")


def test_only_staff_can_ban(alice, bob):
    with pytest.raises(NotAllowed):
        ban_user(user=alice, actor=bob, reason="I do not like them.")

    assert User.objects.get(pk=alice.pk).is_active
