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


def fill_every_step(
    page,
    tmp_path,
    *,
    title: str,
    slug: str = "",
    solution: str = SOLUTION,
    target: str = "label",
    train: str = "",
) -> list[int]:
    """Fill the four steps with Next, as a host would; returns how far each step overflows the screen."""
    solution_file = tmp_path / "solution.csv"
    solution_file.write_text(solution)
    start = datetime.now(UTC).replace(second=0, microsecond=0)
    overflows = []
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Slug").fill(slug)
    overflows.append(overflow(page))
    page.get_by_role("button", name="Next: Data and solution").click()
    if train:
        (tmp_path / "train.csv").write_text(train)
        page.get_by_label("Public data files").set_input_files(str(tmp_path / "train.csv"))
    page.get_by_label("Solution CSV (hidden)").set_input_files(str(solution_file))
    page.get_by_label("Target columns").fill(target)
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


DEVICES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
TRAIN = "id,feature\n" + "".join(f"{i},{i * 2}\n" for i in range(40, 60))


@pytest.fixture(params=list(DEVICES))
def device_page(request, browser, site):
    context = browser.new_context(
        base_url=site.url, viewport=DEVICES[request.param], is_mobile=request.param == "phone"
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.device = request.param
    yield page
    context.close()


def test_dates_that_break_the_rules_are_caught_on_next_in_the_servers_words(device_page, tmp_path):
    page = device_page
    log_in(page, "demo-host")
    page.goto("/competitions/new/")
    fill_every_step(page, tmp_path, title="Backwards")
    start = page.get_by_label("Start (UTC)").input_value()
    page.get_by_label("End (UTC)").fill(start)
    page.get_by_label("Entry deadline (UTC)").fill("2001-01-01T00:00")

    page.get_by_role("button", name="Create draft").click()

    end_field = page.locator(".field", has=page.get_by_label("End (UTC)"))
    expect(end_field.locator(".field-error")).to_have_text("The end must come after the start.")
    expect(page.get_by_label("End (UTC)")).to_be_focused()
    expect(page.locator("#error-summary")).to_have_count(0)  # nothing was sent
    screenshot(page, f"{page.device}-host-create-dates-caught")
    page.get_by_label("End (UTC)").fill("2099-01-01T00:00")
    page.get_by_role("button", name="Create draft").click()
    entry_field = page.locator(".field", has=page.get_by_label("Entry deadline (UTC)"))
    expect(entry_field.locator(".field-error")).to_have_text(
        "The entry deadline must fall between the start and the end."
    )
    expect(end_field.locator(".field-error")).to_have_count(0)
    expect(page).to_have_url(re.compile("/competitions/new/$"))


def test_a_server_refusal_keeps_both_files_and_marks_the_step_holding_the_error(device_page, tmp_path):
    page = device_page
    log_in(page, "demo-host")
    page.goto("/competitions/new/")
    fill_every_step(page, tmp_path, title=f"Kept files {page.device}", slug="digits", train=TRAIN)

    page.get_by_role("button", name="Create draft").click()

    steps = page.locator("[data-step-indicator] li")
    expect(steps.nth(0)).to_have_class(re.compile("has-error"))
    expect(steps.nth(0)).to_have_attribute("class", re.compile("current"))
    expect(steps.nth(1)).not_to_have_class(re.compile("has-error"))
    expect(page.get_by_label("Slug")).to_be_focused()
    screenshot(page, f"{page.device}-host-create-refused-basics")
    page.get_by_label("Slug").fill(f"kept-files-{page.device}")
    page.get_by_role("button", name="Next: Data and solution").click()
    data = page.locator("#step-data")
    expect(data.locator("#id_data_files_kept")).to_have_text(
        f"Kept: train.csv ({len(TRAIN)}\xa0bytes) — replace"
    )
    expect(data.locator("#id_solution_kept")).to_have_text(
        f"Kept: solution.csv ({len(SOLUTION)}\xa0bytes) — replace"
    )
    assert overflow(page) == 0
    screenshot(page, f"{page.device}-host-create-kept-files")

    page.locator("[data-step-indicator]").get_by_role("link", name=re.compile("Rules")).click()
    page.get_by_role("button", name="Create draft").click()

    expect(page.get_by_text("Competition created as a draft.")).to_be_visible()
    page.goto(f"/competitions/kept-files-{page.device}/data/")
    expect(page.locator("a[href$='/data/train.csv']").first).to_be_visible()


def test_a_target_typed_in_another_case_is_refused_on_the_target_field(device_page, tmp_path):
    page = device_page
    log_in(page, "demo-host")
    page.goto("/competitions/new/")
    fill_every_step(page, tmp_path, title=f"Case {page.device}", target="Label")

    page.get_by_role("button", name="Create draft").click()

    target = page.get_by_label("Target columns")
    expect(target).to_be_focused()
    field = page.locator(".field", has=target)
    expect(field.locator(".field-error")).to_contain_text(
        "The solution file has no target column 'Label'. The file has 'label', and 'Label' was typed"
    )
    expect(page.locator("#step-data .field-error")).to_have_count(1)
    expect(page.locator("#id_solution_kept")).to_contain_text("Kept: solution.csv")
    screenshot(page, f"{page.device}-host-create-target-case")
    target.fill("label")
    page.locator("[data-step-indicator]").get_by_role("link", name=re.compile("Rules")).click()
    page.get_by_role("button", name="Create draft").click()
    expect(page.get_by_text("Competition created as a draft.")).to_be_visible()
