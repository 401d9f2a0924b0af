"""Each moderation action through the admin's changelist: the confirmation page with its reason, the change,
the audit log entry, and what the leaderboards show afterwards."""

import pytest
from django.contrib.auth.models import Permission

from competitions.models import Competition, Team
from leaderboards.queries import leaderboard_rows
from moderation.models import AuditLogEntry
from scoring.models import Rescore
from submissions.models import Submission
from tests.factories import UserFactory, make_competition
from tests.moderation.conftest import ALL_RIGHT, THREE_RIGHT, messages_of, run_action, scored, the_audit_entry

COMPETITIONS = "/admin/competitions/competition/"
TEAMS = "/admin/competitions/team/"
SUBMISSIONS = "/admin/submissions/submission/"
USERS = "/admin/accounts/user/"


def board(competition) -> list[tuple[str, float]]:
    return [(row.team_name, row.score) for row in leaderboard_rows(competition, "public")]


def test_the_action_first_asks_for_a_reason_and_changes_nothing_yet(admin_client, competition):
    asked = run_action(admin_client, COMPETITIONS, "suspend", [competition])

    page = asked.content.decode()
    assert asked.status_code == 200
    assert "Suspend the selected competitions?" in page
    assert "Animals" in page
    assert "hidden from visitors and the lists (its host, staff and participants still see it" in page
    competition.refresh_from_db()
    assert competition.suspended_at is None
    assert not AuditLogEntry.objects.exists()


def test_suspending_hides_the_competition_and_records_who_and_why(admin_client, competition, moderator):
    done = run_action(admin_client, COMPETITIONS, "suspend", [competition], reason="Leaked test labels.")

    competition.refresh_from_db()
    assert competition.suspended_at is not None
    assert competition.suspension_reason == "Leaked test labels."
    assert messages_of(done) == [
        "Suspended 1 competition: hidden from visitors and the lists, closed to submissions, "
        "joins and team changes."
    ]
    entry = the_audit_entry(
        actor=moderator, action="competition_suspended", target=competition, reason="Leaked test labels."
    )
    assert entry.target_repr == "Animals"


def test_restoring_lists_the_competition_again_and_records_it(admin_client, competition, moderator):
    run_action(admin_client, COMPETITIONS, "suspend", [competition], reason="Leaked test labels.")

    done = run_action(admin_client, COMPETITIONS, "restore", [competition], reason="")

    competition.refresh_from_db()
    assert competition.suspended_at is None
    assert competition.suspension_reason == ""
    assert messages_of(done) == ["Restored 1 competition: listed and open again."]
    entry = AuditLogEntry.objects.filter(action="competition_restored").get()
    assert (entry.actor, entry.target) == (moderator, competition)
    assert entry.details == {"suspension_reason": "Leaked test labels."}


def test_featuring_and_unfeaturing_are_stored_and_recorded(admin_client, competition, host):
    other = make_competition(host=host, title="Plants", slug="plants")

    featured = run_action(admin_client, COMPETITIONS, "feature", [competition, other], reason="Staff pick")
    unfeatured = run_action(admin_client, COMPETITIONS, "unfeature", [other], reason="")

    assert list(Competition.objects.filter(featured=True)) == [competition]
    assert messages_of(featured) == ["Featured 2 competitions."]
    assert messages_of(unfeatured) == ["Stopped featuring 1 competition."]
    actions = AuditLogEntry.objects.values_list("action", "target_repr", "reason")
    assert sorted(actions) == [
        ("competition_featured", "Animals", "Staff pick"),
        ("competition_featured", "Plants", "Staff pick"),
        ("competition_unfeatured", "Plants", ""),
    ]


def test_an_object_already_in_that_state_is_named_in_a_warning_and_the_others_go_through(
    admin_client, competition, host
):
    other = make_competition(host=host, title="Plants", slug="plants")
    run_action(admin_client, COMPETITIONS, "suspend", [competition], reason="Leaked test labels.")

    done = run_action(admin_client, COMPETITIONS, "suspend", [competition, other], reason="Spam.")

    assert set(messages_of(done)) == {
        "Suspended 1 competition: hidden from visitors and the lists, closed to submissions, "
        "joins and team changes.",
        "'Animals' is already suspended.",
    }
    competition.refresh_from_db()
    assert competition.suspension_reason == "Leaked test labels."
    assert AuditLogEntry.objects.filter(action="competition_suspended").count() == 2


def test_rescoring_starts_a_rescore_with_the_current_solution_and_metric(
    admin_client, competition, alice, moderator
):
    scored(competition, alice, ALL_RIGHT)

    done = run_action(admin_client, COMPETITIONS, "rescore", [competition], reason="Metric bug fixed.")

    rescore = Rescore.objects.get()
    assert (rescore.status, rescore.metric, rescore.requested_by, rescore.reason, rescore.total) == (
        "running",
        competition.metric,
        moderator,
        "Metric bug fixed.",
        1,
    )
    assert rescore.solution_sha256 == competition.solution_sha256
    assert messages_of(done) == [
        "Started a rescore of 1 competition (1 submission to score again) with the current solution and "
        "metric; the leaderboards switch when every submission has its new score."
    ]
    entry = the_audit_entry(
        actor=moderator, action="rescore_started", target=competition, reason="Metric bug fixed."
    )
    assert entry.details == {"rescore": rescore.pk, "metric": "accuracy", "submissions": 1}


def test_a_rescore_refused_by_scoring_is_a_warning_and_leaves_no_audit_entry(admin_client, competition):
    run_action(admin_client, COMPETITIONS, "rescore", [competition], reason="First.")

    again = run_action(admin_client, COMPETITIONS, "rescore", [competition], reason="Second.")

    assert messages_of(again) == [
        "A rescore is already running (0 of 0 done); wait for it to finish.",
    ]
    assert Rescore.objects.count() == 1
    assert AuditLogEntry.objects.count() == 1


def test_disqualifying_a_team_takes_it_off_the_leaderboard(admin_client, competition, alice, bob, moderator):
    scored(competition, alice, ALL_RIGHT)
    scored(competition, bob, THREE_RIGHT)
    team = Team.objects.get(name="alice")

    done = run_action(admin_client, TEAMS, "disqualify_teams", [team], reason="Multiple accounts.")

    team.refresh_from_db()
    assert team.disqualified_at is not None
    assert team.disqualification_reason == "Multiple accounts."
    assert board(competition) == [("bob", 0.75)]
    assert messages_of(done) == ["Disqualified 1 team; they left the leaderboards."]
    entry = the_audit_entry(
        actor=moderator, action="team_disqualified", target=team, reason="Multiple accounts."
    )
    assert entry.target_repr == "Team 'alice' in animals"


def test_disqualifying_a_submission_falls_back_to_the_teams_next_best(
    admin_client, competition, alice, bob, moderator
):
    best = scored(competition, alice, ALL_RIGHT)
    scored(competition, alice, THREE_RIGHT)
    scored(competition, bob, THREE_RIGHT)
    assert board(competition) == [("alice", 1.0), ("bob", 0.75)]

    done = run_action(admin_client, SUBMISSIONS, "disqualify_submissions", [best], reason="Hand-labelled.")

    best.refresh_from_db()
    assert best.disqualification_reason == "Hand-labelled."
    assert board(competition) == [("alice", 0.75), ("bob", 0.75)]
    assert messages_of(done) == ["Disqualified 1 submission; the leaderboards are updated."]
    entry = the_audit_entry(
        actor=moderator, action="submission_disqualified", target=best, reason="Hand-labelled."
    )
    assert entry.target_repr == f"Submission {best.pk} of team 'alice' in animals"


@pytest.mark.parametrize(
    ("changelist", "action", "target"),
    [
        (COMPETITIONS, "suspend", "competition"),
        (COMPETITIONS, "rescore", "competition"),
        (TEAMS, "disqualify_teams", "team"),
        (SUBMISSIONS, "disqualify_submissions", "submission"),
        (USERS, "ban", "user"),
    ],
)
def test_a_missing_reason_is_refused_with_the_form_error_and_changes_nothing(
    admin_client, competition, alice, changelist, action, target
):
    submission = scored(competition, alice, ALL_RIGHT)
    objects = {"competition": competition, "team": submission.team, "submission": submission, "user": alice}

    refused = run_action(admin_client, changelist, action, [objects[target]], reason="   ")

    assert refused.status_code == 200
    assert "Give a reason: it is kept in the audit log." in refused.content.decode()
    assert refused.redirect_chain == []
    competition.refresh_from_db()
    alice.refresh_from_db()
    assert competition.suspended_at is None
    assert not Rescore.objects.exists()
    assert not Team.objects.filter(disqualified_at__isnull=False).exists()
    assert not Submission.objects.filter(disqualified_at__isnull=False).exists()
    assert alice.is_active
    assert alice.banned_at is None
    assert not AuditLogEntry.objects.exists()
    assert board(competition) == [("alice", 1.0)]


def test_staff_without_change_permission_are_not_offered_the_actions(client, competition):
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_competition"))
    client.force_login(viewer)

    page = client.get(COMPETITIONS).content.decode()

    assert 'value="suspend"' not in page
