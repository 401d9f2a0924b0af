"""Organisers in Chromium at a desktop and a phone width, on the seeded site: demo-cohost co-hosts digits
(the Host tab, its settings saved, no co-host management), demo-reviewer reviews it (every submission with
its private score, the Host tab without a form), and demo-host manages the Podium Demo Lab's members (an
unknown user refused on the page). Screenshots go to var/screenshots/ for a person to look at."""

import pandas as pd
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": 1280, "phone": 390}


def overflow(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")


@pytest.fixture(scope="module")
def scored(site):
    """A participant's perfect digits file, scored by the real worker: its private score is 1."""
    player = site.add_users("player")["player"]
    assert player.post("/api/v1/competitions/digits/join/").status_code == 200
    solution = pd.read_csv(site.solution_path("digits"), dtype=str)
    csv = "id,target\n" + "".join(f"{row.id},{row.target}\n" for row in solution.itertuples())
    submitted = player.submit("digits", csv, description="perfect")
    assert player.wait_until_finished(submitted.json()["id"])["status"] == "scored"


@pytest.fixture(params=list(WIDTHS), ids=list(WIDTHS))
def device(request, browser, site):
    width = WIDTHS[request.param]
    context = browser.new_context(
        base_url=site.url, viewport={"width": width, "height": 900}, is_mobile=width < 800
    )
    context.set_default_timeout(30_000)
    yield request.param, context.new_page()
    context.close()


def test_a_co_host_changes_the_settings_but_not_the_co_hosts(device, scored):
    name, page = device
    log_in(page, "demo-cohost")
    page.goto("/competitions/digits/")
    page.get_by_role("navigation", name="Competition").get_by_role("link", name="Host").click()

    subtitle = page.locator("#host-settings-form").get_by_label("Subtitle")
    subtitle.fill(f"Recognise handwritten digits (edited by the co-host, {name})")
    page.locator("#host-settings-form").get_by_role("button", name="Save changes").click()

    expect(page.locator(".flash").filter(has_text="Saved.")).to_be_visible()
    table = page.locator("#co-host-table")
    expect(table.locator("tr[data-co-host='demo-cohost']")).to_contain_text("Co-host")
    expect(table.locator("tr[data-co-host='demo-reviewer']")).to_contain_text("Reviewer")
    expect(page.locator("#co-host-form")).to_have_count(0)
    expect(table.get_by_role("button")).to_have_count(0)
    expect(page.get_by_role("button", name="Delete")).to_have_count(0)
    expect(page.locator("#rescore-form")).to_be_visible()
    table.scroll_into_view_if_needed()
    screenshot(page, f"co-host-host-tab-{name}")
    assert overflow(page) == 0, "the Host tab is wider than the screen"

    page.goto("/competitions/digits/submissions/")
    row = page.locator("tr[data-status='scored']").filter(has_text="perfect")
    expect(row.locator(".sub-private")).to_have_text("1.000000")
    expect(row.get_by_text("Disqualify…")).to_be_visible()


def test_a_reviewer_reads_private_scores_and_sees_no_change_button(device, scored):
    name, page = device
    log_in(page, "demo-reviewer")
    page.goto("/competitions/digits/submissions/")

    expect(page.get_by_role("heading", name="All submissions")).to_be_visible()
    row = page.locator("tr[data-status='scored']").filter(has_text="perfect")
    expect(row.locator(".sub-private")).to_have_text("1.000000")
    expect(row.get_by_text("Disqualify…")).to_have_count(0)
    screenshot(page, f"reviewer-submissions-{name}")
    assert overflow(page) == 0, "the submissions page is wider than the screen"

    page.goto("/competitions/digits/host/")
    expect(page.locator("#reviewer-notice")).to_be_visible()
    expect(page.locator(".tab-body form")).to_have_count(0)
    expect(page.get_by_role("button", name="Save changes")).to_have_count(0)
    screenshot(page, f"reviewer-host-tab-{name}")
    assert overflow(page) == 0, "the Host tab is wider than the screen"

    page.goto("/competitions/digits/rules/")
    expect(page.locator("#host-cannot-join")).to_contain_text("You are a reviewer of this competition")


def test_an_owner_manages_the_organisation_page(device):
    name, page = device
    log_in(page, "demo-host")
    page.goto("/orgs/demo-lab/")

    expect(page.get_by_role("heading", name="Podium Demo Lab")).to_be_visible()
    expect(page.locator("#organisation-members tr[data-member='demo-cohost']")).to_be_visible()
    expect(page.locator("#organisation-competitions")).to_contain_text("Diabetes progression")
    form = page.locator("#member-form")
    form.get_by_label("Username").fill("nobody-at-all")
    form.get_by_role("button", name="Add member").click()

    expect(page.locator(".flash").filter(has_text="No user 'nobody-at-all'.")).to_be_visible()
    screenshot(page, f"organisation-page-{name}")
    assert overflow(page) == 0, "the organisation page is wider than the screen"

    page.goto("/competitions/diabetes/")
    expect(page.locator(".host-organisation")).to_have_text("Podium Demo Lab")
