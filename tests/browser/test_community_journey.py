"""Papers with code in Chromium: a team publishes a write-up with its paper and code, sees the links on its
leaderboard row and under "With code", and a reader's comment on it reaches the team as a notification."""

import io
import itertools
import re

import pandas as pd
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser
CODE = "https://github.com/demo/diabetes-ridge"


def predictions(client, value: float) -> str:
    test = pd.read_csv(io.BytesIO(client.get("/api/v1/competitions/diabetes/files/test.csv").content))
    return pd.DataFrame({"id": test["id"], "target": value}).to_csv(index=False)


@pytest.fixture(scope="module")
def scored_submission(site):
    """demo has one scored Diabetes submission; the host allows write-ups before the end; a second team
    without a write-up stands on the board too."""
    site.manage(
        "shell",
        "-c",
        "from accounts.models import User; from datetime import timedelta; from django.utils import timezone; "
        "User.objects.create_user('reader', password='podium-demo', date_joined=timezone.now() - timedelta(days=30)); "
        "from competitions.models import Competition; "
        "Competition.objects.filter(slug='diabetes').update(allows_writeups_while_running=True)",
    )
    ids = {}
    for username, value in (("demo", 152.0), ("reader", 300.0)):
        client = site.client(username)
        assert client.post("/api/v1/competitions/diabetes/join/").status_code == 200
        submitted = client.submit("diabetes", predictions(client, value), description=f"constant {value}")
        assert client.wait_until_finished(submitted.json()["id"])["status"] == "scored"
        ids[username] = submitted.json()["id"]
    return ids


def test_a_team_publishes_a_write_up_and_sees_paper_and_code_on_the_leaderboard(
    page, site, scored_submission
):
    log_in(page, "demo")
    page.goto("/competitions/diabetes/")
    page.get_by_role("link", name="Write-ups").click()
    page.get_by_role("link", name="Publish a write-up").click()

    page.get_by_label("The submission it describes").select_option(str(scored_submission["demo"]))
    page.get_by_label("Title", exact=True).fill("The mean is a strong baseline")
    page.get_by_label("Method name").fill("Training mean")
    page.get_by_label("Write-up").fill(
        "We predict the **training mean** for everyone.\n\n- no features\n- no tuning"
    )
    page.get_by_label("Code repository").fill(CODE)
    page.get_by_label("arXiv id").fill("arXiv:2106.01345")
    page.get_by_label("Paper title").fill("Baselines that are hard to beat")
    page.get_by_label("Framework").fill("pandas")
    page.get_by_role("button", name="Publish").click()

    expect(page.get_by_role("heading", name="The mean is a strong baseline")).to_be_visible()
    expect(page.locator(".writeup-body strong")).to_have_text("training mean")
    expect(page.locator("#writeup .pwc-link.pwc-paper")).to_have_attribute(
        "href", "https://arxiv.org/abs/2106.01345"
    )
    expect(page.locator("#writeup .pwc-link.pwc-code")).to_have_attribute("href", CODE)
    screenshot(page, "writeup")

    page.get_by_role("link", name="Leaderboard").click()
    demo_row = page.locator("#leaderboard tbody tr", has_text="demo")
    expect(demo_row.locator(".pwc-link.pwc-paper")).to_have_attribute(
        "href", "https://arxiv.org/abs/2106.01345"
    )
    expect(demo_row.locator(".pwc-link.pwc-code")).to_have_attribute("href", CODE)
    expect(page.locator("#leaderboard tbody tr", has_text="reader").locator(".pwc-link")).to_have_count(0)
    screenshot(page, "leaderboard-with-links")

    page.get_by_role("link", name="With code").click()
    expect(page.locator("#leaderboard tbody tr")).to_have_count(1)
    expect(page.locator("#leaderboard tbody tr").first).to_contain_text("demo")
    screenshot(page, "leaderboard-with-code")

    page.get_by_role("link", name="Write-ups").click()
    expect(page.locator("#writeups tbody tr")).to_have_count(1)
    expect(page.locator("#writeups")).to_contain_text("Training mean")


def test_a_comment_on_the_write_up_reaches_its_team(browser, site, scored_submission):
    reader = browser.new_context(base_url=site.url, viewport={"width": 1280, "height": 900})
    team = browser.new_context(base_url=site.url, viewport={"width": 390, "height": 844})
    try:
        page = reader.new_page()
        log_in(page, "reader")
        page.goto("/competitions/diabetes/writeups/")
        page.get_by_role("link", name="Training mean", exact=True).click()
        page.get_by_label("New comment on this write-up").fill(
            "Did you try the **median**? See [this](https://example.org)."
        )
        page.get_by_role("button", name="Post comment").click()
        comment = page.locator(".comment").first
        expect(comment.locator(".comment-body strong")).to_have_text("median")
        expect(comment.locator(".comment-body a")).to_have_attribute("rel", "nofollow ugc noopener")
        expect(comment.get_by_role("button", name=re.compile("Up-vote|votes"))).to_have_count(0)
        expect(comment.locator(".vote.static")).to_have_attribute("title", "Votes for your own work")

        phone = team.new_page()
        log_in(phone, "demo")
        expect(phone.locator("#unread-count")).to_contain_text("1")
        phone.locator("#notifications-link").click()
        expect(phone.get_by_text("reader commented on something of yours")).to_be_visible()
        screenshot(phone, "notifications-phone")
        phone.get_by_role("link", name=re.compile("reader commented")).click()
        expect(phone.locator(".comment-body").first).to_contain_text("Did you try the median?")
        phone.locator(".comment details.reply summary").first.click()
        phone.get_by_label("Reply to reader").fill("Yes: slightly worse on the public rows.")
        phone.get_by_role("button", name="Post reply").click()
        expect(phone.locator(".comments.replies .comment-body")).to_contain_text("slightly worse")
        assert phone.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        screenshot(phone, "writeup-discussion-phone")
    finally:
        reader.close()
        team.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_demo_benchmark_reads_like_a_results_table(browser, site, width):
    site.manage("seed_community_demo")
    context = browser.new_context(
        base_url=site.url, viewport={"width": width, "height": 900}, accept_downloads=True
    )
    try:
        page = context.new_page()
        page.goto("/competitions/wine-benchmark/")
        expect(page.locator(".comp-head")).to_contain_text("open as a benchmark")
        page.get_by_role("link", name="Benchmark", exact=True).click()
        expect(
            page.get_by_role("heading", name="Benchmark: Tabular Classification on Wine cultivars")
        ).to_be_visible()
        rows = page.locator("#benchmark-table tbody tr")
        expect(rows).to_have_count(5)
        expect(rows.first).to_contain_text("LightGBM, 200 trees")
        expect(page.locator("#benchmark-table .badge.imported")).to_have_count(2)
        expect(page.locator("#sota-chart svg")).to_have_attribute("aria-label", "Best Accuracy over time")
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        screenshot(page, f"benchmark-{width}")
        with page.expect_download() as download:
            page.get_by_role("link", name="Export JSON").click()
        assert download.value.suggested_filename == "wine-benchmark-evaluation-tables.json"
    finally:
        context.close()


DATE_LABELS = """() => {
  const svg = document.querySelector("#sota-chart svg");
  const box = svg.getBoundingClientRect();
  const labels = [...svg.querySelectorAll("text.date")].map((text) => {
    const rect = text.getBoundingClientRect();
    return { text: text.textContent, left: rect.left, right: rect.right, height: rect.height,
             fontPx: parseFloat(getComputedStyle(text).fontSize) * box.width / svg.viewBox.baseVal.width };
  });
  return { left: box.left, right: box.right, labels };
}"""


@pytest.mark.parametrize("width", [1280, 390, 320])
def test_the_benchmark_chart_has_a_time_axis_whose_labels_never_collide(browser, site, width):
    """The x axis is time (the demo's 2019 and 2021 papers and its 2026 entries are spaced as far apart as
    their dates), labelled at round years; at phone widths the labels stay apart, inside the chart and
    large enough to read."""
    site.manage("seed_community_demo")
    context = browser.new_context(base_url=site.url, viewport={"width": width, "height": 844})
    try:
        page = context.new_page()
        page.goto("/competitions/wine-benchmark/benchmark/")
        expect(page.locator("#sota-chart svg")).to_be_visible()
        page.locator("#sota-chart").scroll_into_view_if_needed()
        screenshot(page, f"benchmark-chart-{width}")
        drawn = page.evaluate(DATE_LABELS)
        labels = drawn["labels"]
        years = [int(label["text"]) for label in labels]
        step = years[1] - years[0]
        assert years == list(range(years[0], years[-1] + 1, step)), years  # round years, evenly spaced
        assert all(year % step == 0 for year in years)
        assert years[0] >= 2020  # the first entry is from 2019-06-01: no label before it
        assert len(years) >= 3
        for earlier, later in itertools.pairwise(labels):
            assert earlier["right"] <= later["left"], (earlier, later)
        assert all(drawn["left"] <= label["left"] and label["right"] <= drawn["right"] for label in labels)
        assert all(label["fontPx"] >= 9 for label in labels), labels
    finally:
        context.close()
