"""A moderator sees a competition's logo in the admin and takes an inappropriate one down, with a reason kept
in the audit log."""

from competitions.logos import set_competition_logo
from competitions.models import Competition
from datasets.storage import public_storage
from tests.images import png
from tests.moderation.conftest import messages_of, run_action, the_audit_entry

COMPETITIONS = "/admin/competitions/competition/"


def test_the_admin_shows_the_logo(admin_client, competition, host):
    competition = set_competition_logo(competition=competition, user=host, content=png())

    page = admin_client.get(f"{COMPETITIONS}{competition.pk}/change/").content.decode()

    assert f'<img src="{competition.logo_url}" alt="Animals" width="160">' in page


def test_a_moderator_removes_a_logo_and_the_audit_log_says_why(
    admin_client, competition, host, moderator, django_capture_on_commit_callbacks
):
    key = set_competition_logo(competition=competition, user=host, content=png()).logo_key

    with django_capture_on_commit_callbacks(execute=True):
        done = run_action(admin_client, COMPETITIONS, "remove_logo", [competition], reason="Offensive image.")

    assert messages_of(done) == ["Removed the logo of 1 competition."]
    assert Competition.objects.get(pk=competition.pk).logo_key == ""
    assert not public_storage().exists(key)
    entry = the_audit_entry(
        actor=moderator, action="competition_logo_removed", target=competition, reason="Offensive image."
    )
    assert entry.details == {"logo_key": key}
    page = admin_client.get("/").content.decode()
    assert "competition-logo" not in page


def test_a_competition_without_a_logo_is_named_in_a_warning(admin_client, competition):
    done = run_action(admin_client, COMPETITIONS, "remove_logo", [competition], reason="Offensive image.")

    assert messages_of(done) == ["'Animals' has no logo."]
