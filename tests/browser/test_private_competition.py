"""A private competition in Chromium, on a desktop and a phone: a student joins it with an invitation link the
host made on the Host tab; an outsider who types its address gets "not found"."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser

SLUG = "wine-class"  # the seeded private demo
DEVICES = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True},
}


@pytest.fixture(params=list(DEVICES))
def device(request, browser, site):
    context = browser.new_context(base_url=site.url, **DEVICES[request.param])
    context.set_default_timeout(20_000)
    yield request.param, context
    context.close()


def test_a_student_joins_with_an_invitation_link_and_an_outsider_gets_not_found(site, device):
    name, context = device
    student, outsider = f"student-{name}", f"outsider-{name}"
    site.add_users(student, outsider)

    host = context.new_page()
    log_in(host, "demo-host")
    host.goto(f"/competitions/{SLUG}/host/#access")
    host.get_by_label("Link label").fill(f"Class ({name})")
    host.get_by_label("Use limit").fill("30")
    host.get_by_role("button", name="Make an invitation link").click()
    expect(host.locator(".flash").first).to_contain_text("New invitation link made")
    link = host.get_by_label(f"Invitation link for Class ({name})").input_value()
    host.locator("#access").scroll_into_view_if_needed()
    screenshot(host, f"private-host-access-{name}")
    host.context.clear_cookies()

    page = context.new_page()
    log_in(page, student)
    page.goto(link)
    expect(page.get_by_role("heading", name="Wine cultivars (class exercise)")).to_be_visible()
    screenshot(page, f"private-invitation-{name}")
    page.get_by_role("button", name="Accept the invitation").click()
    expect(page.locator(".flash").first).to_contain_text(
        "You are admitted to 'Wine cultivars (class exercise)'"
    )
    page.get_by_role("button", name="I accept the rules — join the competition").click()
    expect(page.locator(".team-chip")).to_contain_text(student)
    screenshot(page, f"private-joined-{name}")
    page.context.clear_cookies()

    log_in(page, outsider)
    answer = page.goto(f"/competitions/{SLUG}/")
    assert answer is not None
    assert answer.status == 404
    expect(page.get_by_text(f"No competition '{SLUG}' exists, or it is not published yet.")).to_be_visible()
    screenshot(page, f"private-outsider-404-{name}")
    page.goto("/competitions/")
    expect(page.locator(f'a[href="/competitions/{SLUG}/"]')).to_have_count(0)
