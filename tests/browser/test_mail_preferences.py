"""The profile's Mail section and the unsubscribe pages in Chromium, at a desktop and a phone width;
screenshots go to var/screenshots/ for a person to look at."""

import pytest

from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": 1280, "phone": 390}


def unsubscribe_path(site, username: str, kind: str) -> str:
    printed = site.manage(
        "shell",
        "-c",
        "from django.urls import reverse; from accounts.models import User; "
        "from mail.services import unsubscribe_token; "
        f"print(reverse('mail:unsubscribe', args=[unsubscribe_token(User.objects.get(username='{username}'), "
        f"'{kind}')]))",
    )
    return printed.strip().splitlines()[-1]


@pytest.mark.parametrize("device", list(WIDTHS))
def test_choosing_mail_on_the_profile_and_unsubscribing_by_link(browser, site, device):
    context = browser.new_context(base_url=site.url, viewport={"width": WIDTHS[device], "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    username = f"mailer_{device}"
    site.add_users(username)
    log_in(page, username)

    page.goto("/accounts/profile/")
    section = page.locator("#mail")
    results = section.get_by_label("A submission of mine was scored or failed")
    replies = section.get_by_label("Replies in discussion threads I follow")
    assert not results.is_checked()  # the defaults
    assert replies.is_checked()
    results.check()
    replies.uncheck()
    section.get_by_role("button", name="Save mail preferences").click()

    page.wait_for_url("**/accounts/profile/#mail")
    assert page.get_by_role("status").filter(has_text="Mail preferences saved.").is_visible()
    assert results.is_checked()
    assert not replies.is_checked()
    section.scroll_into_view_if_needed()
    screenshot(page, f"mail-preferences-{device}")

    context.clear_cookies()  # the link needs no login
    page.goto(unsubscribe_path(site, username, "submission_results"))
    assert page.get_by_role("heading", name="Stop this kind of mail?").is_visible()
    screenshot(page, f"mail-unsubscribe-{device}")
    page.get_by_role("button", name="Unsubscribe").click()
    page.locator("#unsubscribed").wait_for()  # the answer to the POST, at the same address
    assert "A submission of mine was scored or failed" in page.locator("#unsubscribed").inner_text()
    screenshot(page, f"mail-unsubscribed-{device}")

    page.goto("/mail/unsubscribe/not-a-real-link/")
    assert page.get_by_text("This unsubscribe link is not valid").is_visible()
    screenshot(page, f"mail-unsubscribe-invalid-{device}")

    log_in(page, username)
    page.goto("/accounts/profile/")
    assert not results.is_checked()  # turned off by the link
    assert not replies.is_checked()
    assert (
        page.locator("#mail")
        .get_by_label("Team invitations and merge requests, and their answers")
        .is_checked()
    )
    context.close()
