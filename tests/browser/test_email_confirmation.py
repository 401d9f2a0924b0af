"""Address confirmation in Chromium, against a real Podium whose worker sends its outbox through a real SMTP
server (aiosmtpd, started here): a student signs up with an @example.edu address, is told to confirm it before
the private competition whose allow-list names @example.edu lets them in, opens the link from the mail, and is
admitted."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot
from tests.mail import smtp_server
from tests.stack import Stack, serving, wait_for

pytestmark = pytest.mark.browser

SLUG = "wine-class"  # the seeded private demo
TITLE = "Wine cultivars (class exercise)"
PASSWORD = "a-Long-new-passw0rd"
CONFIRM_LINK = re.compile(r"https?://\S+?(/accounts/confirm-email/\S+/)")


@pytest.fixture(scope="module")
def inbox():
    with smtp_server() as running:
        yield running


@pytest.fixture(scope="module")
def site(stack_template, tmp_path_factory, inbox):
    """This module's Podium with a worker, sending mail through the test's SMTP server."""
    stack = Stack(tmp_path_factory.mktemp("site"), template=stack_template("sqlite"), env=inbox.env())
    with serving(stack, worker=True) as running:
        yield running


def test_a_student_confirms_their_address_from_the_mail_and_the_allow_list_admits_them(page, site, inbox):
    host = page.context.new_page()
    log_in(host, "demo-host")
    host.goto(f"/competitions/{SLUG}/host/#access")
    host.get_by_label("Addresses and domains").fill("@example.edu")
    host.get_by_role("button", name="Add to the allow-list").click()
    expect(host.locator("#allow-list")).to_contain_text("@example.edu")
    host.context.clear_cookies()
    host.close()

    page.goto("/accounts/signup/")
    page.get_by_label("Username").fill("student")
    page.get_by_label("Email").fill("student@example.edu")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_text("We sent a link to student@example.edu")).to_be_visible()

    answer = page.goto(f"/competitions/{SLUG}/")
    assert answer is not None
    assert answer.status == 403
    expect(page.locator(".error-message")).to_contain_text(
        "allow-list admits your address student@example.edu, but you have not confirmed it yet"
    )
    expect(page.get_by_role("button", name="Send a new confirmation link")).to_be_visible()
    expect(page.get_by_text(TITLE)).to_have_count(0)
    screenshot(page, "confirmation-refused")

    mails = wait_for(lambda: inbox.to("student@example.edu"), timeout=60, what="the confirmation mail")
    (path,) = CONFIRM_LINK.findall(mails[0].body.replace("\r\n", "\n"))
    page.goto(path)
    expect(page.get_by_role("heading", name="Confirm your address")).to_be_visible()
    screenshot(page, "confirmation-page")
    page.get_by_role("button", name="Confirm my address").click()
    expect(page.locator(".flash").first).to_contain_text("Your address student@example.edu is confirmed.")
    expect(page.locator("#email-confirmed")).to_be_visible()

    page.goto(f"/competitions/{SLUG}/")
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    page.goto(f"/competitions/{SLUG}/rules/")
    page.get_by_role("button", name="I accept the rules — join the competition").click()
    expect(page.locator(".team-chip")).to_contain_text("student")
    screenshot(page, "confirmation-admitted")
