"""The link in every mail turns off that one kind, with no login: a page to confirm on GET, done on POST, and
RFC 8058's one-click POST from a mail program. A changed or made-up link gets a page that says so."""

import pytest
from django.core import signing
from django.test import Client

from mail import kinds
from mail.services import UNSUBSCRIBE_SALT, mail_preferences, unsubscribe_token

DEFAULTS = {
    "submission_results": False,
    "team_requests": True,
    "join_requests": True,
    "deadline_reminders": True,
    "thread_replies": True,
    "private_board": True,
}


@pytest.fixture
def link(participant) -> str:
    return f"/mail/unsubscribe/{unsubscribe_token(participant, kinds.TEAM_REQUESTS)}/"


def test_the_link_asks_to_confirm_and_changes_nothing_yet(client, participant, link):
    page = client.get(link)

    assert page.status_code == 200
    text = page.content.decode()
    assert "Stop this kind of mail?" in text
    assert "Team invitations and merge requests, and their answers" in text
    assert mail_preferences(participant) == DEFAULTS


def test_confirming_turns_off_that_kind_only(participant, link):
    page = Client(enforce_csrf_checks=True).post(link)

    assert page.status_code == 200
    assert "Podium will no longer send <strong>alice@example.com</strong> mail about" in page.content.decode()
    assert mail_preferences(participant) == {**DEFAULTS, "team_requests": False}


def test_a_mail_programs_one_click_post_unsubscribes_without_a_page_or_a_login(participant, link):
    answer = Client(enforce_csrf_checks=True).post(
        link, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert answer.status_code == 200
    assert mail_preferences(participant) == {**DEFAULTS, "team_requests": False}


def test_a_changed_link_is_refused_with_a_page_that_says_so(client, participant, link):
    tampered = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]

    page = client.post(tampered)

    assert page.status_code == 400
    assert (
        "This unsubscribe link is not valid: it may have been cut short or changed." in page.content.decode()
    )
    assert mail_preferences(participant) == DEFAULTS


def test_a_link_signed_for_no_kind_or_with_another_key_is_refused(client, participant):
    unknown_kind = signing.dumps([participant.pk, "everything"], salt=UNSUBSCRIBE_SALT)
    other_key = signing.dumps([participant.pk, "team_requests"], salt=UNSUBSCRIBE_SALT, key="not-our-secret")

    for token in (unknown_kind, other_key, "nonsense"):
        page = client.get(f"/mail/unsubscribe/{token}/")
        assert page.status_code == 400
        assert "This link does not work" in page.content.decode()
    assert mail_preferences(participant) == DEFAULTS


def test_the_link_in_a_sent_mail_unsubscribes(inbox, participant, settings):
    from mail.models import OutgoingMail
    from mail.services import queue_mail, send_queued

    settings.PODIUM_SITE_URL = "http://testserver"
    queue_mail(recipients=[participant], kind=kinds.THREAD_REPLIES, event="t:1", subject="s", body="b")
    send_queued(OutgoingMail.objects.get().pk)
    [received] = inbox.received
    url = received.message["List-Unsubscribe"].strip().strip("<>").removeprefix("http://testserver")

    Client().post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")

    assert mail_preferences(participant) == {**DEFAULTS, "thread_replies": False}
