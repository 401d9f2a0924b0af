from pathlib import Path

import pytest

from tests.services import require_chromium
from tests.stack import ROOT

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "var" / "screenshots"


class WatchedBrowser:
    """Chromium, with every context it opens watched for what the Content-Security-Policy refused: an
    inline script, an inline style or a resource from elsewhere would be a page that breaks in production."""

    def __init__(self, chromium):
        self.chromium = chromium
        self.csp_refusals: list[str] = []

    def new_context(self, **options):
        context = self.chromium.new_context(**options)
        context.on("console", self.note_csp_refusal)
        return context

    def note_csp_refusal(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.csp_refusals.append(f"{message.page.url if message.page else '?'}: {message.text}")

    def __getattr__(self, name):
        return getattr(self.chromium, name)


@pytest.fixture(scope="module")
def browser():
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield WatchedBrowser(chromium)
        chromium.close()


@pytest.fixture(autouse=True)
def no_page_breaks_the_content_security_policy(request):
    """After each browser test: nothing any of its pages loaded was refused by the policy."""
    yield
    if "browser" not in request.fixturenames:
        return
    watched = request.getfixturevalue("browser")
    refusals, watched.csp_refusals[:] = list(watched.csp_refusals), []
    assert not refusals, "Refused by the Content-Security-Policy:\n" + "\n".join(refusals)


@pytest.fixture
def page(browser, site):
    context = browser.new_context(
        base_url=site.url, accept_downloads=True, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page, username: str, password: str = "podium-demo") -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/competitions/")
