"""A participant's and a host's whole journeys, in the system Chromium."""

import re
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot
from tests.lossy_proxy import AnswerLosingProxy, idempotency_key

pytestmark = pytest.mark.browser


def test_participant_joins_downloads_uploads_and_sees_the_score(page, site, tmp_path):
    log_in(page, "demo")
    screenshot(page, "competitions")
    page.get_by_role("link", name=re.compile("Breast cancer diagnosis")).click()
    page.get_by_role("link", name="Data", exact=True).click()
    expect(page.locator("#join-required")).to_be_visible()
    page.get_by_role("button", name=re.compile("I accept the rules")).click()
    expect(page.get_by_text("You accepted the rules and joined as team 'demo'.")).to_be_visible()
    screenshot(page, "data-tab")

    with page.expect_download() as download_info:
        page.locator("a[href$='/data/test.csv']").click()
    test_file = tmp_path / "test.csv"
    download_info.value.save_as(test_file)
    test = pd.read_csv(test_file)
    predictions = tmp_path / "predictions.csv"
    pd.DataFrame({"id": test["id"], "target": (test["mean radius"] < 15).astype(float)}).to_csv(
        predictions, index=False
    )

    page.get_by_role("link", name="My submissions").click()
    page.get_by_label("Prediction CSV").set_input_files(str(predictions))
    page.get_by_label("Description").fill("radius threshold")
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("#upload-progress")).to_be_visible()
    row = page.locator("#submissions-table tbody tr").first
    expect(row.locator(".status")).to_have_text("scored", timeout=60_000)
    score = float(row.locator(".sub-score").inner_text())
    assert 0.5 < score <= 1.0
    expect(page.locator("#quota-remaining")).to_have_text("19")
    screenshot(page, "my-submissions")

    page.get_by_role("link", name="Leaderboard").click()
    leader = page.locator("#leaderboard tbody tr").first
    expect(leader).to_contain_text("demo")
    expect(leader.locator(".score")).to_have_text(re.compile(str(score)[:6]))
    expect(leader).to_have_class("you")
    screenshot(page, "leaderboard")


def test_a_bad_header_is_caught_in_the_browser_before_upload(page, site, tmp_path):
    log_in(page, "demo")
    page.goto("/competitions/diabetes/rules/")
    page.get_by_role("button", name=re.compile("I accept the rules")).click()
    bad = tmp_path / "bad.csv"
    bad.write_text("id,prediction\n1,2\n")

    page.goto("/competitions/diabetes/submissions/")
    page.get_by_label("Prediction CSV").set_input_files(str(bad))
    page.get_by_role("button", name="Submit").click()

    expect(page.locator("#upload-status")).to_have_text(
        "Your file has no target column 'target'. The header must have the columns 'id' and 'target', in any "
        "order."
    )
    expect(page.locator("#submissions-table .empty-row")).to_be_visible()


def test_host_creates_and_publishes_a_competition(page, site, tmp_path):
    solution = tmp_path / "solution.csv"
    solution.write_text("id,label\n" + "".join(f"{i},{'yes' if i % 3 else 'no'}\n" for i in range(1, 31)))
    test_file = tmp_path / "test.csv"
    test_file.write_text("id,x\n" + "".join(f"{i},{i}\n" for i in range(1, 31)))
    start = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=1)
    current_step = page.locator("[data-step-indicator] [aria-current=step]")

    log_in(page, "demo-host")
    page.get_by_role("link", name="Host a competition").first.click()
    expect(current_step).to_have_text(re.compile("Basics"))
    expect(page.locator("#step-data")).to_be_hidden()
    page.get_by_role("button", name="Next: Data and solution").click()
    expect(current_step).to_have_text(re.compile("Basics"))  # the title is required
    expect(page.get_by_label("Title", exact=True)).to_be_focused()
    page.get_by_label("Title", exact=True).fill("Yes or no")
    page.get_by_label("Subtitle").fill("A tiny binary task")
    page.get_by_label("Overview").fill("Guess yes or no for each id.")
    screenshot(page, "host-create-1-basics")
    page.get_by_role("button", name="Next: Data and solution").click()

    expect(current_step).to_have_text(re.compile("Data and solution"))
    expect(page.locator("#step-basics")).to_be_hidden()
    page.get_by_label("Public data files").set_input_files(str(test_file))
    page.get_by_label("Solution CSV (hidden)").set_input_files(str(solution))
    page.get_by_label("Target columns").fill("label")
    screenshot(page, "host-create-2-data")
    page.get_by_label("Target columns").press("Enter")  # Enter is Next, not a half-filled submission

    expect(current_step).to_have_text(re.compile("Evaluation"))
    page.get_by_label("Metric", exact=True).select_option("map_at_k")
    expect(page.locator("#metric-map_at_k").get_by_label("k")).to_have_value("5")
    page.get_by_label("Metric", exact=True).select_option("f1")
    expect(page.locator("#metric-map_at_k")).to_be_hidden()
    f1 = page.locator("#metric-f1")
    expect(f1.get_by_role("heading", name="F1")).to_be_visible()
    f1.get_by_label("average").select_option("binary")
    f1.get_by_label("positive_label").fill("yes")
    screenshot(page, "host-create-3-evaluation")
    page.get_by_role("button", name="Next: Rules, dates and limits").click()

    expect(current_step).to_have_text(re.compile("Rules, dates and limits"))
    page.get_by_label("Rules", exact=True).fill("Be kind.")
    page.get_by_label("Start (UTC)").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("End (UTC)").fill((start + timedelta(days=14)).strftime("%Y-%m-%dT%H:%M"))
    page.locator("[data-step-indicator]").get_by_role(
        "link", name="Basics"
    ).click()  # back, and forward again
    expect(page.get_by_label("Title", exact=True)).to_have_value("Yes or no")
    page.locator("[data-step-indicator]").get_by_role("link", name="Rules, dates and limits").click()
    expect(current_step).to_have_text(re.compile("Rules, dates and limits"))
    screenshot(page, "host-create-4-rules")
    page.get_by_role("button", name="Create draft").click()

    expect(page.get_by_text("Competition created as a draft.")).to_be_visible()
    expect(page.locator(".badge.phase-draft")).to_be_visible()
    expect(current_step).to_have_text(re.compile("Check and publish"))
    expect(page.get_by_role("heading", name="Check before publishing")).to_be_visible()
    figures = page.locator("#solution-check")
    expect(figures.locator("div", has_text="Test ids")).to_contain_text("30")
    expect(figures.locator("div", has_text="Public rows")).to_contain_text(
        "9"
    )  # 30% of 30, fixed by the seed
    expect(figures.locator("div", has_text="Private rows")).to_contain_text("21")
    expect(page.locator("#sample-preview")).to_contain_text("id,label")
    screenshot(page, "host-create-5-check")
    page.get_by_role("button", name="Publish “Yes or no”").click()
    expect(page.get_by_text("'Yes or no' is published.")).to_be_visible()
    expect(page.locator(".badge.phase-running")).to_be_visible()
    page.get_by_role("link", name="Data", exact=True).click()
    expect(page.get_by_role("link", name="sample_submission.csv", exact=True)).to_be_visible()
    page.get_by_role("link", name="Evaluation").click()
    expect(page.locator("pre.code")).to_have_text("id,label")
    screenshot(page, "host-published")


@pytest.mark.parametrize(
    "path",
    [
        "/competitions/",
        "/competitions/digits/data/",
        "/competitions/digits/submissions/",
        "/competitions/digits/leaderboard/",
    ],
)
def test_pages_fit_a_phone_screen(browser, site, path):
    context = browser.new_context(base_url=site.url, viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    log_in(page, "demo")
    page.goto("/competitions/digits/rules/")
    if page.get_by_role("button", name=re.compile("I accept the rules")).count():
        page.get_by_role("button", name=re.compile("I accept the rules")).click()

    page.goto(path)

    overflow = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
    screenshot(page, "phone" + path.rstrip("/").replace("/", "-"))
    context.close()
    assert overflow <= 0, f"{path} is {overflow}px wider than the phone screen"


def test_a_new_participant_signs_up_submits_follows_the_chart_and_selects_a_final(page, site, tmp_path):
    page.goto("/accounts/signup/")
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label("Email").fill("newcomer@example.com")
    page.get_by_label("Password", exact=True).fill("a-Long-new-passw0rd")
    page.get_by_label("Password confirmation").fill("a-Long-new-passw0rd")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_text("Welcome to Podium, newcomer.")).to_be_visible()

    page.get_by_role("link", name=re.compile("Breast cancer diagnosis")).first.click()
    page.get_by_role("link", name="Rules", exact=True).click()
    page.get_by_role("button", name=re.compile("I accept the rules")).click()
    with page.expect_download() as download_info:
        page.locator("a[href$='/data/test.csv']").click()
    test = pd.read_csv(download_info.value.path())
    predictions = tmp_path / "predictions.csv"
    pd.DataFrame({"id": test["id"], "target": (test["mean radius"] < 14).astype(float)}).to_csv(
        predictions, index=False
    )

    page.get_by_role("link", name="My submissions").click()
    expect(page.locator("#progress-empty")).to_be_visible()
    page.get_by_label("Prediction CSV").set_input_files(str(predictions))
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("#upload-progress")).to_be_visible()
    row = page.locator("#submissions-table tbody tr").first
    expect(row.locator(".status")).to_have_text("scored", timeout=60_000)

    page.reload()
    expect(page.locator("#progress-chart svg")).to_be_visible()
    expect(page.locator("#progress-chart")).to_contain_text("Your best")
    page.get_by_role("button", name="Select as final").first.click()
    expect(page.locator("#submissions-table tbody tr").first.locator(".tag-final")).to_have_text("final")
    screenshot(page, "newcomer-submissions")


def test_an_upload_whose_answer_is_lost_is_sent_again_and_charged_once(browser, site, tmp_path):
    retrier = site.add_users("retrier")["retrier"]
    lossy = AnswerLosingProxy(site.url, path="/submissions/", answers_to_lose=1)
    context = browser.new_context(base_url=lossy.url)
    context.set_default_timeout(20_000)
    page = context.new_page()
    try:
        log_in(page, "retrier")
        page.goto("/competitions/diabetes/rules/")
        page.get_by_role("button", name=re.compile("I accept the rules")).click()
        page.goto("/competitions/diabetes/submissions/")
        predictions = tmp_path / "predictions.csv"
        predictions.write_text(page.locator("#submit-form .help code").inner_text() + "\n1,0.5\n")
        page.get_by_label("Prediction CSV").set_input_files(str(predictions))
        page.get_by_role("button", name="Submit").click()
        expect(page.locator("#upload-status")).to_contain_text(
            "Network error: the upload may not have arrived"
        )
        page.get_by_role("button", name="Submit").click()

        expect(page.locator("#upload-status")).to_contain_text(re.compile("Uploaded|Scored|Failed"))
        expect(page.locator("#submissions-table tbody tr[data-id]")).to_have_count(1)
    finally:
        context.close()
        lossy.close()
    assert len(lossy.uploads) == 2
    assert idempotency_key(lossy.uploads[0]) == idempotency_key(lossy.uploads[1])
    assert retrier.get("/api/v1/competitions/diabetes/submissions/").json()["count"] == 1
