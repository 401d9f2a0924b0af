"""The participant's pages in Chromium at a desktop and a phone width: the progress chart on My submissions,
the data tab's previews, a dataset page and the profile. Nothing may make the page scroll sideways on a
390px-wide phone; screenshots go to var/screenshots/ for a person to look at."""

import io
import re

import pandas as pd
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": 1280, "phone": 390}
DESCRIPTION = (
    "Hourly readings from twelve weather stations along the coast, 2019-2023.\n\n"
    "Temperatures are in degrees Celsius; missing readings are empty. Station ids match stations.csv."
)


def predictions(client, shift: float) -> str:
    """Diabetes predictions: the training mean, shifted; a smaller shift scores a lower (better) RMSE."""
    test = pd.read_csv(io.BytesIO(client.get("/api/v1/competitions/diabetes/files/test.csv").content))
    return pd.DataFrame({"id": test["id"], "target": 152.0 + shift}).to_csv(index=False)


@pytest.fixture(scope="module")
def prepared(site):
    """demo: three scored submissions on Diabetes; rival leads; a public dataset with two versions.

    The demo's public rows are fixed by its split seed; their mean strays from the training mean by a few
    points, and demo's shifts are far enough off that the rival's plain mean wins whatever the split."""
    demo, rival = site.client("demo"), site.add_users("rival")["rival"]
    for client in (demo, rival):
        assert client.post("/api/v1/competitions/diabetes/join/").status_code == 200
    for shift, description in (
        (160.0, "a rough start"),
        (100.0, "closer to the mean"),
        (130.0, "worse again"),
    ):
        submitted = demo.submit("diabetes", predictions(demo, shift), description=description)
        assert demo.wait_until_finished(submitted.json()["id"])["status"] == "scored"
    leader = rival.submit("diabetes", predictions(rival, 0.0))
    assert rival.wait_until_finished(leader.json()["id"])["status"] == "scored"

    readings = "station,time,temperature,humidity,wind_speed,wind_direction,pressure,notes\n" + "".join(
        f"S{n % 12:02},2023-01-{1 + n // 24:02}T{n % 24:02}:00,{4 + n % 7}.{n % 10},{60 + n % 30},"
        f"{n % 15}.5,{(n * 37) % 360},{1000 + n % 25},"
        f"{'a long note about the sensor being recalibrated by the field team' if n % 5 == 0 else ''}\n"
        for n in range(400)
    )
    stations = "id,name,latitude,longitude\n" + "".join(
        f"S{n:02},Station {n},{50 + n / 10},{n / 7:.3f}\n" for n in range(12)
    )
    created = demo.post(
        "/api/v1/datasets/",
        data={"title": "Coastal weather stations", "description": DESCRIPTION, "license": "CC BY 4.0"},
        files=[
            ("files", ("readings.csv", readings.encode())),
            ("files", ("stations.csv", stations.encode())),
        ],
    )
    assert created.status_code == 201, created.text
    slug = created.json()["slug"]
    version = demo.post(
        f"/api/v1/datasets/{slug}/versions/",
        data={"notes": "Adds a README and fixes station S03's coordinates."},
        files=[
            ("files", ("readings.csv", readings.encode())),
            ("files", ("stations.csv", stations.encode())),
            ("files", ("README.txt", b"Weather readings.\n")),
        ],
    )
    assert version.status_code == 201, version.text
    return {"dataset": slug}


OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll("body *")]
    .filter((element) => element.getBoundingClientRect().right > width + 0.5)
    .map((element) => element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
      + (element.className && typeof element.className === "string" ? "." + element.className.split(" ").join(".") : ""))
    .slice(0, 10);
}"""


def fits_the_width(page) -> bool:
    """Nothing makes the page scroll sideways (a table may scroll inside its own box)."""
    fits = page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    if not fits:
        print("wider than the viewport:", page.evaluate(OVERFLOWING))
    return fits


@pytest.mark.parametrize("device", list(WIDTHS))
def test_participant_pages_look_right_at_desktop_and_phone_widths(browser, site, prepared, device):
    width = WIDTHS[device]
    context = browser.new_context(base_url=site.url, viewport={"width": width, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    try:
        log_in(page, "demo")
        # the three public demos, the iris challenge, the code competition (seed_code_demo) and the private one
        # demo is admitted to (wine-class)
        expect(page.locator(".competition-card")).to_have_count(6)
        screenshot(page, f"pages-competitions-{device}")
        assert fits_the_width(page), "The competitions list scrolls sideways"

        page.goto("/competitions/diabetes/submissions/")
        chart = page.locator("#progress-chart svg")
        expect(chart).to_be_visible()
        expect(chart).to_have_attribute("aria-label", "Your best public score against the leader")
        expect(page.locator(".progress-summary")).to_contain_text("leader: rival")
        expect(page.locator(".progress-summary")).to_contain_text("lower is better")
        expect(page.locator("#submissions-table tbody tr")).to_have_count(3)
        expect(page.locator("#quota-remaining")).to_have_text("17")
        page.locator("#progress-chart summary").click()
        expect(page.locator("#progress-chart .chart-table")).to_be_visible()
        screenshot(page, f"pages-submissions-{device}")
        assert fits_the_width(page), "My submissions scrolls sideways"

        page.goto("/competitions/diabetes/data/")
        expect(page.locator("#data-files")).to_contain_text("train.csv")
        expect(page.locator("details.preview[open] .preview-table")).to_be_visible()
        expect(page.locator("details.preview[open] caption").first).to_contain_text("First 10 rows")
        expect(page.locator("#download-all")).to_be_visible()
        page.locator("details.preview").nth(1).locator("summary").click()
        screenshot(page, f"pages-data-{device}")
        assert fits_the_width(page), "The data tab scrolls sideways"

        page.goto("/datasets/")
        page.get_by_role("searchbox", name="Search", exact=True).fill("coastal")
        page.get_by_role("button", name="Apply").click()
        expect(page.locator("#dataset-count")).to_contain_text("1 dataset matches")
        screenshot(page, f"pages-datasets-{device}")
        assert fits_the_width(page), "The dataset list scrolls sideways"
        page.get_by_role("link", name="Coastal weather stations").click()
        expect(page.locator("#description")).to_contain_text("missing readings are empty")
        expect(page.locator("#croissant")).to_contain_text(
            f"/api/v1/datasets/{prepared['dataset']}/croissant/"
        )
        expect(page.get_by_text("Adds a README and fixes station S03's coordinates.").first).to_be_visible()
        expect(page.locator("details.preview[open] caption")).to_contain_text("readings.csv")
        page.get_by_label("Version", exact=True).select_option("1")
        page.get_by_role("button", name="Show").click()
        expect(page).to_have_url(re.compile(r"\?version=1$"))
        expect(page.locator(".facts-row")).to_contain_text("v1 of 2")
        page.go_back()
        screenshot(page, f"pages-dataset-{device}")
        assert fits_the_width(page), "The dataset page scrolls sideways"

        page.goto("/accounts/profile/")
        expect(page.locator("#profile-name")).to_have_text("Demo Participant")
        row = page.locator("#joined-competitions tbody tr", has_text="Diabetes progression")
        expect(row).to_contain_text("2 of 2")
        expect(row).to_contain_text("after the end")
        page.get_by_text("Change your display name").click()
        expect(page.get_by_label("Display name")).to_be_visible()
        screenshot(page, f"pages-profile-{device}")
        assert fits_the_width(page), "The profile scrolls sideways"
    finally:
        context.close()


@pytest.mark.parametrize(("zone", "shown"), [("America/New_York", True), ("UTC", False)])
def test_times_are_also_shown_in_the_readers_zone_unless_it_is_utc(browser, site, zone, shown):
    context = browser.new_context(base_url=site.url, timezone_id=zone)
    page = context.new_page()
    try:
        page.goto("/competitions/diabetes/")
        end = page.locator(".deadlines div", has_text=re.compile("^End"))
        expect(end.locator("time")).to_have_text(re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d UTC$"))
        if shown:
            expect(end.locator(".local-time")).to_have_text(re.compile(r"^ \(.+ your time\)$"))
        else:
            expect(end.locator("time")).to_have_attribute("title", re.compile("GMT"))  # the script ran
            expect(end.locator(".local-time")).to_have_count(0)
    finally:
        context.close()


def test_the_progress_chart_follows_a_new_score_without_a_reload(page, site, prepared, tmp_path):
    log_in(page, "demo")
    page.goto("/competitions/diabetes/submissions/")
    points = page.locator("#progress-chart .chart-table tbody tr")
    expect(points).to_have_count(4)  # three submissions and "now"
    upload = tmp_path / "closer.csv"
    upload.write_text(predictions(site.client("demo"), 50.0))

    page.get_by_label("Prediction CSV").set_input_files(str(upload))
    page.get_by_role("button", name="Submit").click()

    expect(page.locator("#submissions-table tbody tr").first.locator(".status")).to_have_text(
        "scored", timeout=60_000
    )
    expect(points).to_have_count(5)
    expect(page.locator("#progress-chart svg")).to_be_visible()


@pytest.mark.parametrize("device", list(WIDTHS))
def test_a_row_added_live_is_the_row_a_reload_shows(browser, site, prepared, device, tmp_path):
    """The row an upload adds comes from the server's template: numbered in the team, with who submitted
    it, "Select as final" and "Delete", before any reload."""
    context = browser.new_context(base_url=site.url, viewport={"width": WIDTHS[device], "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    try:
        log_in(page, "demo")
        page.goto("/competitions/diabetes/submissions/")
        before = page.locator("#submissions-table tbody tr").count()
        upload = tmp_path / "again.csv"
        upload.write_text(predictions(site.client("demo"), 70.0))
        page.get_by_label("Prediction CSV").set_input_files(str(upload))
        page.get_by_role("button", name="Submit").click()

        live = page.locator("#submissions-table tbody tr").first
        expect(live.locator(".status")).to_have_text("scored", timeout=60_000)
        expect(page.locator("#upload-status")).to_contain_text("Scored: ")
        expect(live.locator(".sub-id")).to_have_text(str(before + 1))
        expect(live.locator(".sub-by")).to_have_text("by demo")
        expect(live.get_by_role("button", name="Select as final")).to_be_visible()
        expect(live.get_by_role("button", name="Delete")).to_be_visible()
        screenshot(page, f"pages-live-row-{device}")
        shown_live, live_id = live.inner_text(), live.get_attribute("data-id")

        page.reload()
        reloaded = page.locator("#submissions-table tbody tr").first
        expect(reloaded).to_have_attribute("data-id", live_id)
        assert reloaded.inner_text() == shown_live
        assert fits_the_width(page), "My submissions scrolls sideways"
    finally:
        context.close()
