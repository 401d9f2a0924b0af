"""Projects rated in Chromium: a reader rates a project on its page (change, remove) while its owner gets no
stars; a competition's Code tab lists its projects best rated first."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser

# Projects published and rated in the site's own shell: (slug, title, competition, stars from the raters).
PROJECTS = [
    ("well-rated-digits", "Well rated digits", "digits", (5, 5)),
    ("middling-digits", "Middling digits", "digits", (3,)),
    ("unrated-digits", "Unrated digits", "digits", ()),
    ("reader-rates-this", "Reader rates this", "", ()),
]


@pytest.fixture(scope="module")
def projects(site):
    """project-owner's projects, published oldest first in PROJECTS' order, rated by month-old raters."""
    site.add_users("project-owner", "project-reader", "rater-1", "rater-2")
    site.manage(
        "shell",
        "-c",
        "import io; from datetime import timedelta; from django.utils import timezone; "
        "from accounts.models import User; from community.ratings import rate; "
        "from projects.services import NewFile, create_project; "
        "User.objects.filter(username__startswith='rater-').update(date_joined=timezone.now() - timedelta(days=30)); "
        "owner = User.objects.get(username='project-owner'); "
        f"plans = {PROJECTS!r}\n"
        "for slug, title, competition, stars in plans:\n"
        "    project = create_project(owner=owner, title=title, slug=slug, license='MIT', "
        "competitions=[competition] if competition else [], "
        "files=[NewFile('main.py', io.BytesIO(b'print(1)'))])\n"
        "    for n, given in enumerate(stars, start=1):\n"
        "        rate(user=User.objects.get(username=f'rater-{n}'), target=project, stars=given)\n",
    )
    return PROJECTS


def test_a_reader_rates_a_project_changes_and_removes_it_and_the_owner_gets_no_stars(page, projects):
    log_in(page, "project-reader")
    page.goto("/projects/reader-rates-this/")
    summary = page.locator("#rating-summary")
    expect(summary).to_contain_text("No ratings yet")

    page.get_by_role("button", name="5 stars").click()
    expect(page.locator(".flash")).to_contain_text("You rated this 5 stars.")
    expect(summary).to_contain_text("5.0 out of 5 from 1 rating")
    expect(page.get_by_role("button", name="5 stars")).to_have_attribute("aria-pressed", "true")
    screenshot(page, "project-rated")

    page.get_by_role("button", name="3 stars").click()
    expect(summary).to_contain_text("3.0 out of 5 from 1 rating")
    expect(page.locator("#rating-form legend")).to_have_text("Your rating: 3 stars. Change it:")
    expect(page.get_by_role("button", name="3 stars")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("button", name="5 stars")).to_have_attribute("aria-pressed", "false")

    page.get_by_role("button", name="Remove my rating").click()
    expect(page.locator(".flash")).to_contain_text("Your rating is removed.")
    expect(summary).to_contain_text("No ratings yet")
    expect(page.locator("#rating-remove")).to_have_count(0)

    page.context.clear_cookies()
    log_in(page, "project-owner")
    page.goto("/projects/reader-rates-this/")
    expect(page.locator("#rating-own")).to_contain_text("you cannot rate your own work")
    expect(page.locator("#rating-form")).to_have_count(0)
    expect(page.get_by_role("button", name="5 stars")).to_have_count(0)


def test_the_code_tab_lists_a_competitions_projects_best_rated_first(page, projects):
    page.goto("/competitions/digits/code/")
    cards = page.locator(".project-card h2 a")
    # The damped average (config/ratings.py) puts an unrated project at the site's mean (13/3 stars), so one
    # 3-star rating ranks below it and two 5-star ones above it.
    expect(cards).to_have_text(["Well rated digits", "Unrated digits", "Middling digits"])
    expect(page.locator(".project-card .project-rating")).to_have_text(
        ["★ 5.0 (2)", "★ no ratings", "★ 3.0 (1)"]
    )
    screenshot(page, "competition-code-best-rated")

    page.locator(".project-ordering").get_by_role("link", name="newest").click()
    expect(cards).to_have_text(["Unrated digits", "Middling digits", "Well rated digits"])
