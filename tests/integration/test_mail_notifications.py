"""A scored submission reaches its submitter's mailbox: the real worker sends it through a real SMTP server
(aiosmtpd) that refuses it the first time, so the task's retry delivers it, once; its one-click unsubscribe
link then works against the live server, with no login."""

import pytest
import requests

from tests.integration.test_submission_flow import digit_guesses, join_and_read_test_ids
from tests.mail import smtp_server
from tests.services import require_postgres, require_redis
from tests.stack import Stack, serving, wait_for

pytestmark = pytest.mark.integration


@pytest.fixture(params=["sqlite+filesystem", "postgres+redis"])
def mailing_stack(request, tmp_path, stack_template):
    """A Podium with web and worker whose mail goes to an SMTP server that refuses the first message."""
    with smtp_server(refuse_first=1) as inbox:
        if request.param == "postgres+redis":
            require_postgres()
            stack = Stack(
                tmp_path, template=stack_template("postgres"), redis_url=require_redis(), env=inbox.env()
            )
        else:
            stack = Stack(tmp_path, template=stack_template("sqlite"), env=inbox.env())
        stack.env["PODIUM_SITE_URL"] = stack.url
        with serving(stack, worker=True):
            yield stack, inbox


def test_a_scored_submission_is_mailed_after_a_refusal_and_its_link_unsubscribes(mailing_stack):
    stack, inbox = mailing_stack
    client = stack.client("demo")
    turned_on = client.session.put(
        f"{stack.url}/api/v1/me/mail-preferences/", json={"submission_results": True}, timeout=30
    )
    assert turned_on.status_code == 200
    assert turned_on.json()["submission_results"] is True
    guesses = digit_guesses(join_and_read_test_ids(client, "digits"))

    submission = client.wait_until_finished(client.submit("digits", guesses).json()["id"])

    assert submission["status"] == "scored"
    [mail] = wait_for(lambda: inbox.to("demo@example.com"), 90, "the mail of the scored submission")
    assert inbox.refused == 1  # the first try got a 4xx, and the task's retry delivered it
    assert mail.message["Subject"].startswith("Podium: Submission #1 in ")
    assert mail.message["Subject"].endswith(" scored")
    assert f"Its public score is {submission['public_score']:g}." in mail.body
    link = mail.message["List-Unsubscribe"].strip().strip("<>")
    assert link.startswith(f"{stack.url}/mail/unsubscribe/")

    one_click = requests.post(
        link,
        data="List-Unsubscribe=One-Click",
        timeout=30,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert one_click.status_code == 200
    after = client.get("/api/v1/me/mail-preferences/").json()
    assert after["submission_results"] is False
    assert after["team_requests"] is True
    assert len(inbox.to("demo@example.com")) == 1
