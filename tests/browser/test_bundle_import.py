"""Importing a Codabench bundle in the system Chromium: the host checks it, reads the report, imports it and
finds the draft; a broken bundle shows every problem. The site's real worker reads and imports each upload:
the import's page shows "importing…" and refreshes itself until the report (or the problems) is there."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot
from tests.bundles.builders import bundle, result_only, several_tasks_two_phases

pytestmark = pytest.mark.browser


def overflow(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")


def upload(page, path, *, check_only: bool) -> None:
    form = page.locator("#bundle-import form")
    form.get_by_label("Codabench bundle").set_input_files(str(path))
    form.get_by_label("Only check it").set_checked(check_only)
    form.get_by_role("button", name="Upload").click()


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_a_host_checks_then_imports_a_bundle_and_finds_the_draft(browser, site, tmp_path, width):
    spec, files = several_tasks_two_phases()
    spec["title"] = f"Imported at {width}"
    path = tmp_path / "bundle.zip"
    path.write_bytes(bundle(spec, files))
    context = browser.new_context(
        base_url=site.url, viewport={"width": width, "height": 900}, is_mobile=width < 800
    )
    context.set_default_timeout(30_000)
    page = context.new_page()
    log_in(page, "demo-host")
    page.goto("/competitions/new/")
    page.locator("#import-bundle-link").click()
    expect(page.get_by_role("heading", name="Import a Codabench bundle")).to_be_visible()

    upload(page, path, check_only=True)
    expect(page.get_by_role("heading", name="Checked bundle.zip")).to_be_visible()
    expect(page.locator("#bundle-check")).to_contain_text("2 phases, 2 tracks, 2 columns")
    expect(page.locator("#bundle-report")).to_contain_text("the competition's logo (PNG, 3×2 pixels)")
    device = "phone" if width < 800 else "desktop"
    screenshot(page, f"bundle-check-{device}")

    page.locator("#bundle-import-it").click()
    upload(page, path, check_only=False)
    expect(page.get_by_role("heading", name="Imported bundle.zip")).to_be_visible()
    expect(page.locator("#bundle-report")).to_contain_text(
        "the scoring program is attached, scoring the columns"
    )
    screenshot(page, f"bundle-report-{device}")
    assert overflow(page) == 0, "the report is wider than the screen"
    page.locator("#bundle-competition").click()
    expect(page.get_by_role("heading", name=f"Imported at {width}")).to_be_visible()
    logo = page.locator("#competition-logo")
    expect(logo).to_be_visible()
    expect(logo).to_have_attribute("alt", f"Imported at {width}")
    # Drawn by the browser from Podium's own address, under the site's Content-Security-Policy.
    assert logo.evaluate("image => [image.complete, image.naturalWidth, image.naturalHeight]") == [True, 3, 2]
    context.close()


def test_a_broken_bundle_lists_every_problem(browser, site, tmp_path):
    spec = result_only()
    spec["phases"][0]["tasks"] = [4]
    spec["leaderboards"][0]["columns"][0]["sorting"] = "upward"
    path = tmp_path / "broken.zip"
    path.write_bytes(bundle(spec))
    context = browser.new_context(base_url=site.url)
    page = context.new_page()
    log_in(page, "demo-host")
    page.goto("/competitions/import/")
    upload(page, path, check_only=True)
    expect(page.get_by_role("heading", name="broken.zip cannot be imported")).to_be_visible()
    errors = page.locator("#bundle-errors li")
    expect(errors).to_have_text(
        [
            "competition.yaml: phases[0].tasks[0]: task 4 does not exist.",
            "competition.yaml: leaderboards[0].columns[0].sorting: must be asc (lower is better) or desc (higher "
            "is better), not 'upward'.",
        ]
    )
    context.close()
