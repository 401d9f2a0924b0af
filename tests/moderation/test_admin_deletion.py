"""Deleting in the admin: no plain "Delete selected" or Delete button on competitions and users; superusers
delete with a reason that the audit log keeps, and an account others' records need is refused."""

from django.contrib.auth.models import Permission

from accounts.models import User
from competitions.models import Competition
from moderation.models import AuditLogEntry
from tests.factories import UserFactory
from tests.moderation.conftest import ALL_RIGHT, messages_of, run_action, scored

COMPETITIONS = "/admin/competitions/competition/"
USERS = "/admin/accounts/user/"


def test_the_plain_delete_is_gone_from_competitions_and_users(admin_client, competition, participant):
    for changelist, obj in ((COMPETITIONS, competition), (USERS, participant)):
        page = admin_client.get(changelist).content.decode()
        assert 'value="delete_selected"' not in page
        assert 'value="delete_with_reason"' in page
        assert admin_client.get(f"{changelist}{obj.pk}/delete/").status_code == 403


def test_a_superuser_deletes_a_competition_with_a_reason_in_the_audit_log(
    admin_client, competition, moderator
):
    done = run_action(admin_client, COMPETITIONS, "delete_with_reason", [competition], reason="Duplicate.")

    assert not Competition.objects.exists()
    assert messages_of(done) == ["Deleted Competition 'Animals' (animals). The audit log keeps the reason."]
    entry = AuditLogEntry.objects.get()
    assert (entry.actor, entry.action, entry.reason) == (moderator, "competition_deleted", "Duplicate.")
    assert entry.target_repr == "Competition 'Animals' (animals)"


def test_an_account_whose_submissions_must_stay_is_refused_and_nothing_is_recorded(
    admin_client, competition, alice
):
    scored(competition, alice, ALL_RIGHT)

    done = run_action(admin_client, USERS, "delete_with_reason", [alice], reason="Asked to leave.")

    assert User.objects.filter(pk=alice.pk).exists()
    assert (
        "cannot be deleted: submissions or competitions that must be kept refer to it" in messages_of(done)[0]
    )
    assert not AuditLogEntry.objects.exists()


def test_staff_who_are_not_superusers_cannot_delete(client, competition):
    staff = UserFactory(username="helper", is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_competition", "view_competition"])
    )
    client.force_login(staff)

    done = run_action(client, COMPETITIONS, "delete_with_reason", [competition], reason="Duplicate.")

    assert Competition.objects.exists()
    assert "Only superusers delete competitions and accounts" in messages_of(done)[0]


def test_the_audit_logs_plural_reads_entries():
    assert str(AuditLogEntry._meta.verbose_name_plural) == "audit log entries"
