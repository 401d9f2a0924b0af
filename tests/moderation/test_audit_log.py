"""The audit log in the admin: staff read, filter and search it, follow links to the targets, and nobody
adds, changes or deletes an entry."""

from datetime import timedelta

import pytest
from django.utils import timezone

from competitions.models import Team
from moderation.models import AuditLogEntry
from moderation.services import (
    disqualify_submission,
    disqualify_team,
    feature_competition,
    record,
    suspend_competition,
)
from submissions.models import Submission
from tests.factories import UserFactory, make_competition
from tests.moderation.conftest import ALL_RIGHT, THREE_RIGHT, scored

AUDIT_LOG = "/admin/moderation/auditlogentry/"


@pytest.fixture
def entries(competition, alice, bob, moderator):
    """Three moderators' actions on a competition, a team and a submission."""
    other_moderator = UserFactory(username="second-moderator", is_staff=True, is_superuser=True)
    submission = scored(competition, alice, ALL_RIGHT)
    scored(competition, bob, THREE_RIGHT)
    disqualify_submission(submission=submission, actor=moderator, reason="Hand-labelled rows.")
    disqualify_team(team=Team.objects.get(name="bob"), actor=other_moderator, reason="Multiple accounts.")
    feature_competition(competition=competition, actor=moderator)
    return AuditLogEntry.objects.all()


def listed(response) -> list[str]:
    return sorted(entry.action for entry in response.context["cl"].result_list)


def test_the_audit_log_lists_when_who_what_target_and_why(admin_client, entries):
    response = admin_client.get(AUDIT_LOG)

    page = response.content.decode()
    assert response.status_code == 200
    assert listed(response) == ["competition_featured", "submission_disqualified", "team_disqualified"]
    for text in (
        "second-moderator",
        "Team disqualified",
        "Team &#x27;bob&#x27; in animals",
        "Multiple accounts.",
    ):
        assert text in page


def test_the_audit_log_filters_by_action(admin_client, entries):
    response = admin_client.get(AUDIT_LOG, {"action": "team_disqualified"})

    assert listed(response) == ["team_disqualified"]


def test_the_audit_log_filters_by_actor(admin_client, entries, moderator):
    response = admin_client.get(AUDIT_LOG, {"actor__id__exact": moderator.pk})

    assert listed(response) == ["competition_featured", "submission_disqualified"]


def test_the_audit_log_filters_by_date(admin_client, entries):
    old = entries.get(action="competition_featured")
    AuditLogEntry.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=400))
    today = timezone.now()

    this_year = admin_client.get(AUDIT_LOG, {"created_at__year": today.year})
    last_week = admin_client.get(AUDIT_LOG, {"created_at__gte": (today - timedelta(days=7)).isoformat()})

    assert listed(this_year) == ["submission_disqualified", "team_disqualified"]
    assert listed(last_week) == ["submission_disqualified", "team_disqualified"]


def test_the_audit_log_filters_by_kind_of_target(admin_client, entries):
    team_type = entries.get(action="team_disqualified").content_type

    response = admin_client.get(AUDIT_LOG, {"content_type__id__exact": team_type.pk})

    assert listed(response) == ["team_disqualified"]


def test_the_audit_log_searches_the_target_the_reason_and_the_actor(admin_client, entries):
    by_reason = admin_client.get(AUDIT_LOG, {"q": "hand-labelled"})
    by_target = admin_client.get(AUDIT_LOG, {"q": "team 'bob'"})
    by_actor = admin_client.get(AUDIT_LOG, {"q": "second-moderator"})

    assert listed(by_reason) == ["submission_disqualified"]
    assert listed(by_target) == ["team_disqualified"]
    assert listed(by_actor) == ["team_disqualified"]


def test_the_target_links_to_its_admin_page_while_it_exists(admin_client, entries):
    team = Team.objects.get(name="bob")
    link = f'<a href="/admin/competitions/team/{team.pk}/change/">Team &#x27;bob&#x27; in animals</a>'

    before = admin_client.get(AUDIT_LOG).content.decode()
    team.delete()
    after = admin_client.get(AUDIT_LOG).content.decode()

    assert link in before
    assert link not in after
    assert "Team &#x27;bob&#x27; in animals (deleted)" in after


def test_the_audit_log_reads_each_kind_of_target_once_per_page(
    admin_client, competition, host, moderator, django_assert_max_num_queries
):
    for number in range(10):
        other = make_competition(host=host, title=f"Contest {number}", slug=f"contest-{number}")
        suspend_competition(competition=other, actor=moderator, reason="Spam.")
    admin_client.get(AUDIT_LOG)

    with django_assert_max_num_queries(10):
        response = admin_client.get(AUDIT_LOG)

    assert len(response.context["cl"].result_list) == 10


def test_nobody_adds_changes_or_deletes_an_entry(admin_client, entries):
    entry = entries.get(action="team_disqualified")
    change_url = f"{AUDIT_LOG}{entry.pk}/change/"

    add = admin_client.get(f"{AUDIT_LOG}add/")
    view = admin_client.get(change_url)
    change = admin_client.post(change_url, {"reason": "Rewritten."})
    delete = admin_client.post(f"{AUDIT_LOG}{entry.pk}/delete/", {"post": "yes"})
    bulk_delete = admin_client.post(AUDIT_LOG, {"action": "delete_selected", "_selected_action": [entry.pk]})

    assert add.status_code == 403
    assert view.status_code == 200
    assert 'name="_save"' not in view.content.decode()
    assert change.status_code == 403
    assert delete.status_code == 403
    assert "delete_selected" not in admin_client.get(AUDIT_LOG).content.decode()
    assert bulk_delete.status_code in (200, 302)
    entry.refresh_from_db()
    assert entry.reason == "Multiple accounts."
    assert AuditLogEntry.objects.count() == 3


def test_staff_read_the_audit_log_without_any_permission_but_others_cannot(client, entries):
    staff = UserFactory(username="helper", is_staff=True)
    participant = UserFactory(username="carol")

    client.force_login(participant)
    refused = client.get(AUDIT_LOG)
    client.force_login(staff)
    allowed = client.get(AUDIT_LOG)
    index = client.get("/admin/").content.decode()

    assert refused.status_code == 302
    assert allowed.status_code == 200
    assert "Audit log" in index


def test_an_action_podium_takes_by_itself_has_no_actor(competition):
    entry = record(actor=None, action=AuditLogEntry.Action.COMPETITION_SUSPENDED, target=competition)

    assert entry.actor is None
    assert entry.target_repr == "Animals"


def test_an_entry_is_written_in_the_same_transaction_as_the_change(competition, moderator, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the audit log is down")

    monkeypatch.setattr(AuditLogEntry.objects, "create", broken)

    with pytest.raises(RuntimeError):
        suspend_competition(competition=competition, actor=moderator, reason="Spam.")

    competition.refresh_from_db()
    assert competition.suspended_at is None


def test_disqualifications_through_the_api_are_audited_with_who_did_them(
    api_for, competition, host, moderator
):
    from tests.factories import UserFactory, joined
    from tests.moderation.conftest import ALL_RIGHT, scored

    alice = UserFactory(username="alice-api")
    joined(competition, alice)
    submission = scored(competition, alice, ALL_RIGHT)

    by_host = api_for(host).post(
        f"/api/v1/submissions/{submission.pk}/disqualify/", {"reason": "Leaked labels."}, format="json"
    )
    by_staff = api_for(moderator).post(
        f"/api/v1/competitions/{competition.slug}/teams/{submission.team_id}/disqualify/",
        {"reason": "Multiple accounts."},
        format="json",
    )

    assert by_host.status_code == 200
    assert by_staff.status_code == 200
    entries = list(AuditLogEntry.objects.order_by("created_at", "pk"))
    assert [(e.action, e.actor, e.reason, e.details["by"]) for e in entries] == [
        ("submission_disqualified", host, "Leaked labels.", "host"),
        ("team_disqualified", moderator, "Multiple accounts.", "staff"),
    ]
    assert entries[0].target == submission


def test_a_co_hosts_disqualification_is_audited_as_the_co_hosts(api_for, competition, host):
    from competitions.co_hosts import add_co_host
    from tests.factories import joined

    co_host = UserFactory(username="cohost")
    add_co_host(competition=competition, actor=host, username="cohost", role="co_host")
    alice = UserFactory(username="alice-co")
    joined(competition, alice)
    submission = scored(competition, alice, ALL_RIGHT)

    answer = api_for(co_host).post(
        f"/api/v1/submissions/{submission.pk}/disqualify/", {"reason": "Leaked labels."}, format="json"
    )

    assert answer.status_code == 200
    entry = AuditLogEntry.objects.get()
    assert (entry.actor, entry.details["by"]) == (co_host, "co-host")


def test_disqualifying_a_submission_read_before_its_team_merged_reaches_the_merged_team(
    competition, host, alice, bob
):
    """The submission was read while its team still existed; a merge then moved it. The disqualification
    follows it to the team it is in now instead of failing on the deleted one."""
    from competitions.teams import accept_merge, request_merge
    from leaderboards.queries import leaderboard_rows

    stale = Submission.objects.get(pk=scored(competition, alice, ALL_RIGHT).pk)
    accept_merge(
        merge_request=request_merge(competition=competition, user=alice, target_name="bob"), user=bob
    )

    disqualified = disqualify_submission(submission=stale, actor=host, reason="Hand-labelled rows.")

    assert disqualified.team.name == "bob"
    assert disqualified.disqualified_at is not None
    assert [row.team_name for row in leaderboard_rows(competition, "public")] == []
