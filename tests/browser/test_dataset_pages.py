"""The seeded dataset a visitor of `make run` finds, and a dataset's owner's pages, in Chromium at a desktop
and a phone width: choosing a licence (its URL asked only for "other"), editing, a new version, deleting."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot
from tests.browser.test_participant_pages import fits_the_width

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture(params=list(WIDTHS))
def device(request):
    return request.param


@pytest.fixture
def sized_page(browser, site, device):
    context = browser.new_context(base_url=site.url, viewport={"width": WIDTHS[device], "height": 900})
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()


def test_a_visitor_finds_the_seeded_dataset_with_its_preview_versions_and_licence(sized_page, device):
    page = sized_page
    page.goto("/datasets/")
    page.get_by_role("link", name="Iris flowers").click()

    expect(page.locator("h1")).to_have_text("Iris flowers")
    expect(page.locator("#subtitle")).to_have_text("Sepal and petal measurements of three iris species")
    expect(page.locator("#description table")).to_be_visible()
    licence = page.locator("#licence a")
    expect(licence).to_have_text("Creative Commons Attribution 4.0 International (CC-BY-4.0)")
    expect(licence).to_have_attribute("href", "https://spdx.org/licenses/CC-BY-4.0.html")
    expect(page.locator("ul.versions > li")).to_have_count(2)
    expect(page.locator("details.preview[open] .preview-table")).to_contain_text("setosa")
    expect(page.locator("#owner-actions")).to_have_count(0)
    screenshot(page, f"dataset-iris-{device}")
    assert fits_the_width(page), "The seeded dataset's page scrolls sideways"

    page.locator("#version-select").select_option("1")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#files-heading")).to_contain_text("v1")

    log_in(page, "demo-host")
    page.goto("/datasets/iris/")
    expect(page.locator("#owner-actions")).to_be_visible()


def test_the_owner_creates_edits_versions_and_deletes_a_dataset(sized_page, device, tmp_path):
    page = sized_page
    title = f"Tide gauges {device}"
    gauges = tmp_path / "gauges.csv"
    gauges.write_text("id,port,level\n1,Brest,2.5\n2,Cadiz,1.1\n")
    log_in(page, "demo")

    page.goto("/datasets/new/")
    url_field = page.get_by_label("Licence URL")
    expect(url_field).to_be_hidden()  # only "other" needs it
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Licence", exact=True).select_option("other")
    expect(url_field).to_be_visible()
    page.get_by_label("Files").set_input_files(str(gauges))
    page.get_by_role("button", name="Create dataset").click()
    expect(page.locator(".field.has-error .field-error")).to_have_text(
        "With the licence 'other', give the address (URL) of the licence's terms."
    )
    expect(url_field).to_be_visible()  # the form came back with "other" still chosen
    screenshot(page, f"dataset-new-licence-error-{device}")
    assert fits_the_width(page), "The new dataset form scrolls sideways"

    url_field.fill("https://tides.example/terms")
    page.get_by_label("Licence name").fill("Harbour terms")
    page.get_by_label("Files").set_input_files(str(gauges))
    page.get_by_role("button", name="Create dataset").click()
    expect(page.locator("#licence a")).to_have_text("Harbour terms")
    expect(page.locator("#licence a")).to_have_attribute("href", "https://tides.example/terms")

    page.locator("#owner-actions").get_by_role("link", name="Edit").click()
    page.get_by_label("Subtitle").fill("Sea level at two ports")
    page.get_by_label("Licence", exact=True).select_option("CC0-1.0")
    expect(page.get_by_label("Licence URL")).to_be_hidden()
    screenshot(page, f"dataset-edit-{device}")
    assert fits_the_width(page), "The edit form scrolls sideways"
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash")).to_have_text("The dataset's details are saved.")
    expect(page.locator("#subtitle")).to_have_text("Sea level at two ports")
    expect(page.locator("#licence a")).to_have_text("Creative Commons Zero v1.0 Universal (CC0-1.0)")

    page.locator("#owner-actions").get_by_role("link", name="New version").click()
    expect(page.get_by_label("gauges.csv")).to_be_checked()
    readme = tmp_path / "README.txt"
    readme.write_text("Levels in metres.\n")
    page.get_by_label("New or replaced files").set_input_files(str(readme))
    page.get_by_label("Notes").fill("Adds a README.")
    screenshot(page, f"dataset-new-version-{device}")
    assert fits_the_width(page), "The new version form scrolls sideways"
    page.get_by_role("button", name="Publish the version").click()
    expect(page.locator(".flash")).to_have_text("Version 2 is published.")
    expect(page.locator("ul.versions > li")).to_have_count(2)
    expect(page.locator("#data-files")).to_contain_text("README.txt")
    expect(page.locator("#data-files")).to_contain_text("gauges.csv")
    screenshot(page, f"dataset-owner-{device}")
    assert fits_the_width(page), "The owner's dataset page scrolls sideways"

    page.locator("#owner-actions").get_by_role("link", name="Delete").click()
    expect(page.locator("h1")).to_have_text(f"Delete “{title}”?")
    expect(page.locator("main")).to_contain_text("This deletes its 2 versions and 2 files")
    screenshot(page, f"dataset-delete-{device}")
    assert fits_the_width(page), "The delete page scrolls sideways"
    page.get_by_role("button", name="Delete the dataset").click()
    expect(page.locator(".flash")).to_have_text(f"The dataset '{title}' is deleted.")
    expect(page).to_have_url(re.compile(r"/datasets/$"))
    expect(page.get_by_role("link", name=title)).to_have_count(0)
