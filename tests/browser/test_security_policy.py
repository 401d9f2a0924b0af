"""The Content-Security-Policy in a real Chromium: it refuses an injected inline script, and the pages that
load the most scripts (the API docs, the host's steps) still work under it. Every other browser test is
also checked for refusals after it runs (tests/browser/conftest.py)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_an_injected_inline_script_is_refused_and_noticed(page, browser):
    page.goto("/competitions/")
    page.evaluate(
        """() => {
            const injected = document.createElement("script");
            injected.textContent = "document.body.dataset.injected = 'ran'";
            document.body.appendChild(injected);
        }"""
    )

    expect(page.locator("body")).not_to_have_attribute("data-injected", "ran")
    page.wait_for_function("() => true")  # let the console message arrive
    refused, browser.csp_refusals[:] = list(browser.csp_refusals), []
    assert any("inline script" in line for line in refused), refused


def test_the_api_docs_render_under_the_policy(page):
    # Swagger UI draws a long list of operations only as it scrolls into view: a deep link to a tag further
    # down draws that tag's operations.
    page.goto("/api/docs/#/submissions")

    expect(page.get_by_text("/api/v1/competitions/{slug}/submissions/").first).to_be_visible(timeout=30_000)


def test_a_confirmation_still_guards_deleting_a_submission(page, site, tmp_path):
    deleter = site.add_users("deleter")["deleter"]
    log_in(page, "deleter")
    page.goto("/competitions/diabetes/rules/")
    page.get_by_role("button", name=re.compile("I accept the rules")).click()
    page.goto("/competitions/diabetes/submissions/")
    header = page.locator("#submit-form .help code").inner_text()
    predictions = tmp_path / "predictions.csv"
    predictions.write_text(header + "\n1,0.5\n")
    page.get_by_label("Prediction CSV").set_input_files(str(predictions))
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("#submissions-table .status").first).to_have_text(
        re.compile("scored|failed"), timeout=60_000
    )
    page.reload()

    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Delete").first.click()
    expect(page.get_by_role("button", name="Delete")).to_have_count(1)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete").first.click()
    expect(page.get_by_role("button", name="Delete")).to_have_count(0)
    assert deleter.get("/api/v1/competitions/diabetes/submissions/").json()["results"][0]["deleted_at"]
