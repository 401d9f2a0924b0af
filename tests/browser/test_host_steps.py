"""Creating a competition in steps, in the system Chromium: server errors reopen their step, a phone fits
every step, and without scripts the steps are one page that still creates the draft."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser
SOLUTION = "id,label\n" + "".join(f"{i},{'yes' if i % 3 else 'no'}\n" for i in range(1, 31))
REPEATED_IDS = SOLUTION.replace("\n2,", "\n1,", 1)


def overflow(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")


def fill_every_step(page, tmp_path, *, title: str, slug: str = "", solution: str = SOLUTION) -> list[int]:
    """Fill the four steps with Next, as a host would; returns how far each step overflows the screen."""
    solution_file = tmp_path / "solution.csv"
    solution_file.write_text(solution)
    start = datetime.now(UTC).replace(second=0, microsecond=0)
    overflows = []
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Slug").fill(slug)
    overflows.append(overflow(page))
    page.get_by_role("button", name="Next: Data and solution").click()
    page.get_by_label("Solution CSV (hidden)").set_input_files(str(solution_file))
    page.get_by_label("Target columns").fill("label")
    overflows.append(overflow(page))
    page.get_by_role("button", name="Next: Evaluation").click()
    page.get_by_label("Metric", exact=True).select_option("f1")
    page.locator("#metric-f1").get_by_label("positive_label").fill("yes")
    overflows.append(overflow(page))
    page.get_by_role("button", name="Next: Rules, dates and limits").click()
    page.get_by_label("Start (UTC)").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("End (UTC)").fill((start + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"))
    overflows.append(overflow(page))
    return overflows


@pytest.mark.parametrize(
    ("slug", "solution", "step", "field", "message"),
    [
        ("digits", SOLUTION, "Basics", "Slug", "The slug 'digits' is already taken."),
        (
            "",
            REPEATED_IDS,
            "Data and solution",
            "Solution CSV (hidden)",
            "The solution file cannot be used",
        ),
    ],
    ids=["slug-taken", "repeated-ids"],
)
def test_a_server_error_reopens_its_step_with_the_field_focused(
    page, site, tmp_path, slug, solution, step, field, message
):
    log_in(page, "demo-host")
    page.goto("/competitions/new/")
    fill_every_step(page, tmp_path, title="Digits again", slug=slug, solution=solution)

    page.get_by_role("button", name="Create draft").click()

    expect(page.locator("#error-summary")).to_contain_text(message)
    expect(page.locator("[data-step-indicator] [aria-current=step]")).to_have_text(re.compile(step))
    expect(page.locator(".step:not([hidden]) .field-error")).to_contain_text(message)
    expect(page.get_by_label(field, exact=True)).to_be_focused()
    expect(page.locator("fieldset.step:visible")).to_have_count(1)
    screenshot(page, f"host-create-error-{step.split()[0].lower()}")
    page.locator("[data-step-indicator]").get_by_role("link", name="Basics").click()
    page.locator("#error-summary").get_by_role("link").click()  # the summary leads back to the step
    expect(page.locator("[data-step-indicator] [aria-current=step]")).to_have_text(re.compile(step))
    expect(page.get_by_label(field, exact=True)).to_be_focused()


def test_every_step_fits_a_phone_screen(browser, site, tmp_path):
    context = browser.new_context(base_url=site.url, viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    log_in(page, "demo-host")
    page.goto("/competitions/new/")

    overflows = fill_every_step(page, tmp_path, title="Phone made")
    screenshot(page, "phone-host-create-4-rules")
    page.get_by_role("button", name="Back").click()
    screenshot(page, "phone-host-create-3-evaluation")
    page.get_by_role("button", name="Create draft").first.wait_for(state="hidden")
    page.locator("[data-step-indicator] a").first.click()
    screenshot(page, "phone-host-create-1-basics")
    context.close()

    assert overflows == [0, 0, 0, 0], f"steps wider than the phone screen by {overflows} px"


def test_without_scripts_the_steps_are_one_page_that_creates_the_draft(browser, site, tmp_path):
    context = browser.new_context(
        base_url=site.url, java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    log_in(page, "demo-host")
    page.goto("/competitions/new/")
    solution_file = tmp_path / "solution.csv"
    solution_file.write_text(SOLUTION)
    start = datetime.now(UTC).replace(second=0, microsecond=0)

    expect(page.locator("fieldset.step:visible")).to_have_count(4)
    expect(page.get_by_role("button", name=re.compile("^Next"))).to_have_count(0)
    expect(page.locator("#metric-map_at_k")).to_be_visible()
    expect(page.locator("#metric-accuracy")).to_be_visible()
    page.get_by_label("Title", exact=True).fill("Scriptless")
    page.get_by_label("Solution CSV (hidden)").set_input_files(str(solution_file))
    page.get_by_label("Target columns").fill("label")
    page.get_by_label("Metric", exact=True).select_option("f1")
    page.locator("#metric-f1").get_by_label("positive_label").fill("yes")
    page.locator("#metric-map_at_k").get_by_label("k").fill("3")  # another metric's: ignored
    page.get_by_label("Start (UTC)").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("End (UTC)").fill((start + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"))
    screenshot(page, "host-create-no-script")
    page.get_by_role("button", name="Create draft").click()

    expect(page.get_by_text("Competition created as a draft.")).to_be_visible()
    expect(page.locator("#solution-check")).to_contain_text("positive_label=yes")
    expect(page.locator("#solution-check")).not_to_contain_text("k=3")
    context.close()


def test_the_host_page_groups_the_settings_and_shows_the_chosen_metrics_parameters(page, site):
    log_in(page, "demo-host")
    page.goto("/competitions/digits/host/")
    settings = page.locator("#host-settings-form")
    rescore = page.locator("#rescore-form")

    for heading in ("Basics", "Evaluation", "Rules, dates and limits"):
        expect(settings.get_by_role("group", name=heading)).to_be_visible()
    expect(rescore.get_by_role("heading", name=re.compile("^Accuracy"))).to_be_visible()
    expect(rescore.locator("[data-metric]:visible")).to_have_count(1)
    rescore.get_by_label("Metric after the rescore").select_option("top_k_accuracy")

    expect(rescore.locator("#metric-top_k_accuracy").get_by_label("k")).to_have_value("3")
    expect(rescore.locator("#metric-accuracy")).to_be_hidden()
    screenshot(page, "host-settings")
