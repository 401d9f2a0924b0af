"""Rating a dataset in Chromium with the plain star form: rate, change, remove; the owner gets no stars."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser


def test_a_reader_rates_changes_and_removes_a_rating_and_the_owner_gets_no_stars(page, site):
    site.add_users("star-reader")
    log_in(page, "star-reader")
    page.goto("/datasets/iris/")
    summary = page.locator("#rating-summary")
    expect(summary).to_contain_text("No ratings yet")

    page.get_by_role("button", name="4 stars").click()
    expect(page.locator(".flash")).to_contain_text("You rated this 4 stars.")
    expect(summary).to_contain_text("4.0 out of 5 from 1 rating")
    expect(page.locator("#rating-form legend")).to_have_text("Your rating: 4 stars. Change it:")
    expect(page.get_by_role("button", name="4 stars")).to_have_attribute("aria-pressed", "true")
    screenshot(page, "dataset-rated")

    page.get_by_role("button", name="2 stars").click()
    expect(summary).to_contain_text("2.0 out of 5 from 1 rating")
    expect(page.locator("#rating-form legend")).to_have_text("Your rating: 2 stars. Change it:")

    page.get_by_role("button", name="Remove my rating").click()
    expect(page.locator(".flash")).to_contain_text("Your rating is removed.")
    expect(summary).to_contain_text("No ratings yet")
    expect(page.locator("#rating-remove")).to_have_count(0)

    page.get_by_role("link", name="how ratings and “Best rated” work").click()
    expect(page.locator("#ratings-help")).to_contain_text("(C × m + sum of stars) ÷ (C + number of ratings)")

    page.context.clear_cookies()
    log_in(page, "demo-host")
    page.goto("/datasets/iris/")
    expect(page.locator("#rating-own")).to_contain_text("you cannot rate your own work")
    expect(page.locator("#rating-form")).to_have_count(0)
