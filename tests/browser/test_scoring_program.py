"""A host's scoring program in the system Chromium: uploaded on the Host tab with its columns, its dry run
watched until it passes (the page reloads itself), then published; a sandbox worker (`-Q sandbox`) runs it."""

import io
import zipfile

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot
from tests.services import require_bubblewrap

pytestmark = pytest.mark.browser

SOLUTION = "id,y,Usage\n" + "".join(
    f"{i},{i % 2},{'Public' if i <= 4 else 'Private'}\n" for i in range(1, 11)
)
SCORER = """
import csv, json
rows = list(csv.DictReader(open("/app/input/ref/solution.csv")))
print("read", len(rows), "reference rows")
json.dump({"rows": len(rows), "seconds": 0.5}, open("/app/output/scores.json", "w"))
"""


def program_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("metadata.yaml", "command: python3 $program/score.py\n")
        archive.writestr("score.py", SCORER)
    return buffer.getvalue()


def test_the_host_uploads_a_program_and_publishes_once_its_dry_run_passes(page, site):
    require_bubblewrap()
    site.start_worker(name="sandbox", queue="sandbox", concurrency=1)
    host = site.client("demo-host")
    slug = host.create_competition("Scored by a program", SOLUTION, metric="accuracy", publish=False)
    log_in(page, "demo-host")

    page.goto(f"/competitions/{slug}/host/")
    page.locator("#host-program-link").click()
    page.get_by_label("Program").set_input_files(
        {"name": "scorer.zip", "mimeType": "application/zip", "buffer": program_zip()}
    )
    page.get_by_label("Key 1").fill("rows")
    page.get_by_label("Label 1").fill("Rows")
    page.get_by_label("Key 2").fill("seconds")
    page.get_by_label("Direction 2").select_option("lower")
    page.get_by_role("button", name="Save and run it on the sample submission").click()

    expect(page.locator(".flash-success")).to_contain_text("its dry run on the sample submission is queued")
    expect(page.locator("#dry-run-status")).to_have_text("Succeeded", timeout=60_000)
    expect(page.locator("#dry-run-scores")).to_contain_text("Rows (primary)")
    expect(page.locator("#dry-run-result pre").first).to_contain_text("read 10 reference rows")
    screenshot(page, "host-scoring-program")
    first_run = page.locator("#dry-run-result p").first.inner_text().split(":")[0]

    page.get_by_role("button", name="Run the dry run again").click()

    expect(page.locator(".flash-success")).to_contain_text("is queued.")
    expect(page.locator("#dry-run-status")).to_have_text("Succeeded", timeout=60_000)
    assert page.locator("#dry-run-result p").first.inner_text().split(":")[0] != first_run

    assert host.post(f"/api/v1/competitions/{slug}/publish/").status_code == 200
