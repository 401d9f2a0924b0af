"""Password reset and change in Chromium, at desktop and phone widths, against a real Podium whose mail goes
through a real SMTP server (aiosmtpd, started here): the journey reads the link from the mail it received."""

import re

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot
from tests.mail import smtp_server
from tests.stack import Stack, serving

pytestmark = pytest.mark.browser

VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True},
}
NEW_PASSWORD = "a-Brand-new-passw0rd"


@pytest.fixture(scope="module")
def inbox():
    with smtp_server() as running:
        yield running


@pytest.fixture(scope="module")
def site(stack_template, tmp_path_factory, inbox):
    """This module's Podium, told by its environment to send mail through the test's SMTP server."""
    stack = Stack(tmp_path_factory.mktemp("site"), template=stack_template("sqlite"), env=inbox.env())
    with serving(stack, worker=False) as running:
        yield running


@pytest.fixture(params=sorted(VIEWPORTS))
def width(request):
    return request.param


@pytest.fixture
def tab(browser, site, width):
    context = browser.new_context(base_url=site.url, **VIEWPORTS[width])
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()


def add_user(site, username: str) -> str:
    """An account with an email address (and an API token made before any password change)."""
    site.manage(
        "shell",
        "-c",
        "from accounts.models import User; "
        f"User.objects.create_user({username!r}, email={username + '@example.com'!r}, password='podium-demo')",
    )
    return site.token(username)


def me(site, token: str) -> requests.Response:
    return requests.get(site.url + "/api/v1/me/", headers={"Authorization": f"Bearer {token}"}, timeout=30)


def fits_the_screen(tab) -> None:
    assert tab.evaluate("document.scrollingElement.scrollWidth - window.innerWidth") <= 0


def test_a_forgotten_password_is_reset_with_the_link_from_the_mail(tab, site, inbox, width):
    username = f"forgetful-{width}"
    token = add_user(site, username)

    tab.goto("/accounts/login/")
    screenshot(tab, f"password-login-page-{width}")
    tab.get_by_role("link", name="Forgot your password?").click()
    expect(tab.get_by_role("heading", name="Reset your password")).to_be_visible()
    tab.get_by_label("Email").fill("not-an-address")
    tab.get_by_role("button", name="Send the link").click()
    expect(tab.get_by_role("alert").first).to_contain_text("Enter a valid email address.")
    tab.get_by_label("Email").fill(f"{username}@example.com")
    tab.get_by_role("button", name="Send the link").click()
    expect(tab.get_by_role("heading", name="Check your email")).to_be_visible()
    fits_the_screen(tab)
    screenshot(tab, f"password-reset-sent-{width}")

    (mail,) = inbox.to(f"{username}@example.com")
    assert mail.message["Subject"] == "Podium: Reset your password"
    link = mail.reset_link()
    assert link.startswith(site.url + "/accounts/password/reset/key/")
    tab.goto(link)
    expect(tab.get_by_role("heading", name="Choose a new password")).to_be_visible()
    assert "set-password" in tab.url  # the key left the address bar
    tab.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    tab.get_by_label("New password again").fill("not-the-same-one")
    tab.get_by_role("button", name="Save the new password").click()
    expect(tab.locator("#error-summary")).to_contain_text("You must type the same password each time.")
    fits_the_screen(tab)
    screenshot(tab, f"password-reset-form-error-{width}")
    tab.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    tab.get_by_label("New password again").fill(NEW_PASSWORD)
    tab.get_by_role("button", name="Save the new password").click()
    expect(tab.get_by_role("heading", name="Password changed")).to_be_visible()
    screenshot(tab, f"password-reset-done-{width}")

    tab.get_by_role("link", name="Log in").last.click()
    tab.get_by_label("Username").fill(username)
    tab.get_by_label("Password").fill("podium-demo")
    tab.get_by_role("button", name="Log in").click()
    expect(tab.locator("#error-summary")).to_be_visible()
    log_in(tab, username, NEW_PASSWORD)
    assert me(site, token).json()["username"] == username

    tab.goto(link)
    expect(tab.get_by_role("heading", name="This link no longer works")).to_be_visible()
    expect(tab.get_by_role("link", name="Send a new link")).to_be_visible()
    fits_the_screen(tab)
    screenshot(tab, f"password-reset-link-used-{width}")


def test_the_password_is_changed_from_the_profile(tab, site, width):
    username = f"changer-{width}"
    token = add_user(site, username)
    log_in(tab, username)

    tab.goto("/accounts/profile/")
    screenshot(tab, f"password-change-profile-{width}")
    tab.get_by_role("link", name="Change password").click()
    expect(tab.get_by_role("heading", name="Change your password")).to_be_visible()
    tab.get_by_label("Current password").fill("not-my-password")
    tab.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    tab.get_by_label("New password again").fill(NEW_PASSWORD)
    tab.get_by_role("button", name="Change password").click()
    expect(tab.locator("#error-summary")).to_contain_text("This is not your current password.")
    fits_the_screen(tab)
    screenshot(tab, f"password-change-error-{width}")

    tab.get_by_label("Current password").fill("podium-demo")
    tab.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    tab.get_by_label("New password again").fill(NEW_PASSWORD)
    tab.get_by_role("button", name="Change password").click()
    expect(tab).to_have_url(re.compile(r"/accounts/profile/$"))
    expect(tab.get_by_role("status").first).to_contain_text("Your password is changed.")
    screenshot(tab, f"password-change-done-{width}")

    tab.goto("/competitions/")  # still logged in here
    expect(tab.get_by_role("link", name=username)).to_be_visible()
    assert me(site, token).json()["username"] == username
