"""The Host tab's test submission, in the system Chromium on a desktop and a phone: the host uploads a file,
the real worker scores it, both scores (or the reason it was refused) appear without a reload, and the
leaderboard never shows it."""

import re

import pandas as pd
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, log_in, screenshot

pytestmark = pytest.mark.browser


def overflow(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")


def perfect_file(site, tmp_path):
    solution = pd.read_csv(site.solution_path("digits"), dtype=str)
    path = tmp_path / "perfect.csv"
    path.write_text("id,target\n" + "".join(f"{row.id},{row.target}\n" for row in solution.itertuples()))
    return path


def upload_test(page, path):
    form = page.locator("#host-test-form")
    form.get_by_label("Prediction CSV").set_input_files(str(path))
    form.get_by_role("button", name="Score this test file").click()


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_the_host_scores_a_test_file_from_the_host_tab_and_it_stays_off_the_board(
    browser, site, tmp_path, width
):
    context = browser.new_context(
        base_url=site.url, viewport={"width": width, "height": 900}, is_mobile=width < 800
    )
    context.set_default_timeout(30_000)
    page = context.new_page()
    log_in(page, "demo-host")
    page.goto("/competitions/digits/host/dashboard/")
    figures_before = page.locator("#dashboard-figures").inner_text()
    page.goto("/competitions/digits/host/")
    expect(page.get_by_role("heading", name="Test submission")).to_be_visible()

    upload_test(page, perfect_file(site, tmp_path))

    expect(page.locator(".flash").filter(has_text="Test file 'perfect.csv' is being scored")).to_be_visible()
    row = page.locator("#host-tests-table tbody tr").first
    expect(row.locator(".status")).to_have_text("scored", timeout=60_000)  # the page reloads itself
    expect(row.get_by_text("perfect.csv")).to_be_visible()
    expect(row.locator("td.num")).to_have_text(["1.000000", "1.000000"])
    expect(row).to_contain_text("demo-host")
    row.scroll_into_view_if_needed()
    screenshot(page, f"host-test-submission-{'phone' if width < 800 else 'desktop'}")
    assert overflow(page) == 0, "the Host tab is wider than the screen"

    bad = tmp_path / "bad.csv"
    bad.write_text("id,label\n1,3\n")
    upload_test(page, bad)
    failed = page.locator("#host-tests-table tbody tr").first
    expect(failed.locator(".status")).to_have_text("failed", timeout=60_000)
    expect(failed.locator(".sub-error")).to_contain_text(re.compile("target"))
    failed.scroll_into_view_if_needed()
    device = "phone" if width < 800 else "desktop"
    screenshot(page, f"host-test-submission-refused-{device}")
    page.locator("#test-submission ~ .table-wrap").screenshot(
        path=SCREENSHOTS / f"host-test-table-{device}.png"
    )

    page.goto("/competitions/digits/leaderboard/")
    expect(page.locator("#leaderboard")).not_to_contain_text("demo-host")
    expect(page.locator("#leaderboard")).not_to_contain_text("Demo Host")
    page.goto("/competitions/digits/host/dashboard/")
    assert page.locator("#dashboard-figures").inner_text() == figures_before
    context.close()
