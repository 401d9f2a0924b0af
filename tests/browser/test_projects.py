"""A project published from the form in Chromium: its notebook rendered with its outputs and its script
highlighted, under the site's Content-Security-Policy; then forked by another user."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot
from tests.projects.conftest import SCRIPT, notebook_text

pytestmark = pytest.mark.browser


def test_a_project_is_published_with_a_notebook_and_a_script_then_forked(browser, site, tmp_path):
    (tmp_path / "eda.ipynb").write_text(notebook_text())
    (tmp_path / "train.py").write_text(SCRIPT)
    contexts = []

    def page_of(username):
        context = browser.new_context(base_url=site.url, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(20_000)
        contexts.append(context)
        page = context.new_page()
        log_in(page, username)
        return page

    try:
        page = page_of("demo")
        page.goto("/projects/")
        page.locator("#new-project").click()
        page.get_by_label("Title", exact=True).fill("Browser baseline")
        page.get_by_label("Tags").fill("tabular")
        page.get_by_label("Files", exact=True).set_input_files(
            [tmp_path / "eda.ipynb", tmp_path / "train.py"]
        )
        page.get_by_role("button", name="Publish project").click()

        page.wait_for_url("**/projects/browser-baseline/")
        expect(page.locator("#project-title")).to_have_text("Browser baseline")
        notebook = page.locator(".notebook")
        expect(notebook.locator("h1")).to_contain_text("Baseline")
        expect(notebook).to_contain_text("42")
        expect(notebook.locator("img")).to_have_count(1)
        expect(page.locator(".source-code .highlight .kn").first).to_have_text("import")
        colour = page.locator(".source-code .highlight .kn").first.evaluate("e => getComputedStyle(e).color")
        assert colour != "rgb(0, 0, 0)", "pygments.css did not colour the keyword"
        screenshot(page, "project-published")

        forker = page_of("demo-host")
        forker.goto("/projects/browser-baseline/")
        forker.locator("#fork-button").click()
        forker.wait_for_url("**/projects/browser-baseline-2/")
        expect(forker.locator("#forked-from")).to_contain_text("Browser baseline")
        expect(forker.locator(".notebook")).to_contain_text("42")

        page.reload()
        expect(page.locator("#fork-count")).to_have_text("1")
        expect(page.locator("#project-forks")).to_contain_text("demo-host")
    finally:
        for context in contexts:
            context.close()


def test_a_project_published_for_an_organisation_is_versioned_by_its_members(browser, site, tmp_path):
    """demo-host owns the Podium Demo Lab and publishes for it; demo-cohost, a plain member, may add a version
    but not edit the details; the lab's page lists the project."""
    (tmp_path / "train.py").write_text(SCRIPT)
    contexts = []

    def page_of(username):
        context = browser.new_context(base_url=site.url, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(20_000)
        contexts.append(context)
        page = context.new_page()
        log_in(page, username)
        return page

    try:
        owner = page_of("demo-host")
        owner.goto("/projects/new/")
        owner.get_by_label("Title", exact=True).fill("Lab baseline")
        owner.get_by_label("Publish on behalf of").select_option("demo-lab")
        owner.get_by_label("Files", exact=True).set_input_files([tmp_path / "train.py"])
        owner.get_by_role("button", name="Publish project").click()
        owner.wait_for_url("**/projects/lab-baseline/")
        expect(owner.locator("#project-owner")).to_contain_text("Podium Demo Lab")
        expect(owner.locator("#edit-project")).to_be_visible()

        member = page_of("demo-cohost")
        member.goto("/projects/lab-baseline/")
        expect(member.locator("#edit-project")).to_have_count(0)
        member.locator("#new-version").click()
        member.get_by_label("What changed").fill("Faster loader")
        member.get_by_label("Files", exact=True).set_input_files([tmp_path / "train.py"])
        member.get_by_role("button", name="Save version").click()
        member.wait_for_url("**/projects/lab-baseline/")
        expect(member.locator(".version-notes")).to_have_text("Faster loader")

        member.goto("/orgs/demo-lab/")
        expect(member.locator("#organisation-projects")).to_contain_text("Lab baseline")
        screenshot(member, "organisation-projects")
    finally:
        for context in contexts:
            context.close()
