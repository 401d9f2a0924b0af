"""Markdown in the browser: the host's Preview shows what the page will, and tables written in Markdown are
styled on the competition's pages and in comments."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser
TABLE = "| model | accuracy |\n|---|---|\n| logistic | 0.93 |\n| forest | 0.95 |\n"


def test_the_hosts_preview_shows_the_text_as_the_page_will(page):
    log_in(page, "demo-host")
    page.goto("/competitions/digits/host/")
    overview = page.locator("textarea[name=overview]")
    overview.fill("There are **ten** classes.\n\n" + TABLE)

    page.locator("textarea[name=overview] + .markdown-preview-toggle").click()

    preview = page.locator("textarea[name=overview] ~ .markdown-preview").first
    expect(preview.locator("strong")).to_have_text("ten")
    expect(preview.locator("table td").first).to_have_text("logistic")
    assert preview.locator("th").first.evaluate("cell => getComputedStyle(cell).borderTopStyle") == "solid"
    screenshot(page, "markdown-preview-host-form")


def test_a_table_in_a_comment_is_styled(page, site):
    site.add_users("tabler")
    log_in(page, "tabler")
    page.goto("/competitions/digits/discussion/")
    page.locator("#new-comment-body").fill("Our results:\n\n" + TABLE)
    page.get_by_role("button", name="Post comment").click()

    cell = page.locator(".comment-body table td").first
    expect(cell).to_have_text("logistic")
    assert cell.evaluate("cell => getComputedStyle(cell).borderTopStyle") == "solid"
    screenshot(page, "markdown-table-in-comment")
