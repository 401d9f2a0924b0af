"""The competition header in Chromium: the tab bar fits or wraps at every width from 320px up, with every tab
a viewer can have (Benchmark and Team together), on a phone the header is compact enough that the tab's
content starts on the first screen, and the notifications link has one name at every width."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser

# (width, height) of the window: desktops, a tablet, and two phones (an iPhone 12-14 and a small Android).
SCREENS = [(1280, 800), (1024, 768), (768, 1024), (390, 844), (320, 640)]

TAB_BAR = """() => {
  const bar = document.querySelector("nav.tabs");
  const box = bar.getBoundingClientRect();
  const tabs = [...bar.querySelectorAll("a")].map((tab) => {
    const rect = tab.getBoundingClientRect();
    return { text: tab.textContent.trim(), left: rect.left, right: rect.right, top: Math.round(rect.top) };
  });
  return { scrollWidth: bar.scrollWidth, clientWidth: bar.clientWidth, left: box.left, right: box.right, tabs,
           pageFits: document.documentElement.scrollWidth <= document.documentElement.clientWidth,
           contentTop: document.querySelector(".tab-body").getBoundingClientRect().top };
}"""


@pytest.fixture(scope="module")
def benchmark_team_member(site):
    """ada is in a team on the demo benchmark, so she sees both its Benchmark and its Team tabs."""
    site.manage("seed_community_demo")
    return "ada"


@pytest.mark.parametrize(("width", "height"), SCREENS)
def test_the_tab_bar_fits_or_wraps_and_the_content_starts_on_the_first_screen(
    browser, site, benchmark_team_member, width, height
):
    context = browser.new_context(base_url=site.url, viewport={"width": width, "height": height})
    context.set_default_timeout(20_000)
    page = context.new_page()
    try:
        log_in(page, benchmark_team_member)
        page.goto("/competitions/wine-benchmark/")
        expect(page.get_by_role("link", name="Benchmark", exact=True)).to_be_visible()
        expect(page.locator("nav.tabs").get_by_role("link", name="Team", exact=True)).to_be_visible()
        expect(page.locator("#notifications-link")).to_contain_text(
            "Notifications"
        )  # one name at every width
        expect(page.get_by_text("Inbox")).to_have_count(0)
        screenshot(page, f"competition-header-{width}")

        bar = page.evaluate(TAB_BAR)
        assert bar["scrollWidth"] <= bar["clientWidth"], "The tab bar scrolls sideways"
        assert all(bar["left"] <= tab["left"] and tab["right"] <= bar["right"] + 0.5 for tab in bar["tabs"])
        assert len(bar["tabs"]) == 11
        assert bar["pageFits"], "The page scrolls sideways"
        if width >= 1280:
            assert len({tab["top"] for tab in bar["tabs"]}) == 1, "The tabs wrap on a desktop"
        assert bar["contentTop"] <= height - 80, "The tab's content does not start on the first screen"
    finally:
        context.close()
