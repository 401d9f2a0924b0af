"""A code submission in the system Chromium: the demo participant joins the seeded code competition,
uploads a zip with a model.py, a real sandbox worker (`-Q sandbox`, as the Procfile's) runs it in
bubblewrap, and the row turns scored without a reload; the runs page shows the sample run's logs and
keeps the hidden run's. A zip without a model.py is refused in the page, in the API's words."""

import re
import zipfile

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot
from tests.services import require_bubblewrap

pytestmark = pytest.mark.browser

FOREST = """
from sklearn.ensemble import RandomForestClassifier


class Model:
    def fit(self, X, y):
        print("fitting on", len(X), "wines")
        self.forest = RandomForestClassifier(random_state=0).fit(X, y)

    def predict(self, X):
        print("predicting", len(X), "wines")
        return self.forest.predict(X)
"""


@pytest.fixture(scope="module")
def sandbox_worker(site):
    require_bubblewrap()
    site.start_worker(concurrency=1, name="sandbox", queue="sandbox")
    return site


def zipped(tmp_path, name: str, files: dict[str, str]):
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as archive:
        for member, text in files.items():
            archive.writestr(member, text)
    return path


def test_the_demo_participant_uploads_code_and_sees_it_scored(page, sandbox_worker, tmp_path):
    log_in(page, "demo")
    page.goto("/competitions/wine-code/rules/")
    page.get_by_role("button", name=re.compile("I accept the rules")).click()
    page.goto("/competitions/wine-code/submissions/")
    expect(page.get_by_role("heading", name="Submit code")).to_be_visible()

    page.get_by_label("Code zip").set_input_files(str(zipped(tmp_path, "nothing.zip", {"notes.txt": "hi"})))
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("#upload-status")).to_contain_text(
        "'nothing.zip' has no model.py, main.py or metadata file at its top level."
    )
    expect(page.locator("#submissions-table .empty-row")).to_be_visible()

    page.get_by_label("Code zip").set_input_files(str(zipped(tmp_path, "forest.zip", {"model.py": FOREST})))
    page.get_by_label("Description").fill("a random forest")
    page.get_by_role("button", name="Submit").click()
    row = page.locator("#submissions-table tbody tr").first
    expect(row.locator(".status")).to_have_text("scored", timeout=120_000)
    assert float(row.locator(".sub-score").inner_text()) > 0.8
    screenshot(page, "code-submission")

    row.get_by_role("link", name="Code runs").click()
    expect(page.locator("#run-sample-stdout")).to_contain_text("predicting 5 wines")
    expect(page.locator("#run-hidden")).to_contain_text(
        "The logs of the run on the hidden inputs are not shown"
    )
    expect(page.locator("#run-hidden-stdout")).to_have_count(0)
    screenshot(page, "code-runs")
