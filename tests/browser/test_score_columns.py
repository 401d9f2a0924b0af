"""Secondary score columns on the board, in the system Chromium on a desktop and a phone: the shown columns
appear beside the score, a click on a column's heading sorts by it while each team keeps its rank by score,
and a hidden column reaches the host's board only."""

import json

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser

SOLUTION = "id,y,Usage\n" + "".join(
    f"{i},{i - 1},{'Public' if i <= 4 else 'Private'}\n" for i in range(1, 11)
)
COLUMNS = [
    {"label": "MAE", "metric": "mae", "precision": 3},
    {"label": "Median error", "metric": "median_absolute_error", "shown": False},
]
# Public errors per team: RMSE ranks (alice 1 and bob 1, bob first on his better MAE; carol 1.5, third),
# while by MAE carol (0.75) comes before alice (1.0).
ERRORS = {"bob": [2, 0, 0, 0], "alice": [1, 1, 1, 1], "carol": [3, 0, 0, 0]}


def predictions(errors: list[float]) -> str:
    return "id,y\n" + "".join(f"{i},{i - 1 + (errors[i - 1] if i <= 4 else 0)}\n" for i in range(1, 11))


@pytest.fixture(scope="module")
def columned(site):
    host = site.client("demo-host")
    slug = host.create_competition(
        "Columns on the board", SOLUTION, metric="rmse", score_columns=json.dumps(COLUMNS)
    )
    clients = site.add_users(*ERRORS)
    for name, errors in ERRORS.items():
        assert clients[name].post(f"/api/v1/competitions/{slug}/join/").status_code == 200
        submitted = clients[name].submit(slug, predictions(errors))
        assert submitted.status_code == 202, submitted.text
        assert clients[name].wait_until_finished(submitted.json()["id"])["status"] == "scored"
    return slug


def open_page(browser, site, width: int):
    context = browser.new_context(
        base_url=site.url, viewport={"width": width, "height": 900}, is_mobile=width < 800
    )
    context.set_default_timeout(30_000)
    return context, context.new_page()


def board_rows(page) -> list[tuple[str, str]]:
    """(rank, team) of each row as the board shows them."""
    rows = page.locator("#leaderboard tbody tr")
    return [
        (
            rows.nth(n).locator("td").first.inner_text().strip(),
            rows.nth(n).locator(".team-cell").inner_text().split()[0],
        )
        for n in range(rows.count())
    ]


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_a_participant_sorts_the_board_by_a_shown_column_and_never_sees_a_hidden_one(
    browser, site, columned, width
):
    device = "phone" if width < 800 else "desktop"
    context, page = open_page(browser, site, width)
    log_in(page, "alice")
    page.goto(f"/competitions/{columned}/leaderboard/")

    headers = page.locator("#leaderboard thead th")
    expect(headers.filter(has_text="MAE")).to_have_count(1)
    expect(page.locator("#leaderboard")).not_to_contain_text("Median error")
    assert board_rows(page) == [("1", "bob"), ("2", "alice"), ("3", "carol")]
    expect(page.locator("#leaderboard tbody tr").nth(1).locator("td.score-column")).to_have_text("1.000")
    screenshot(page, f"score-columns-board-{device}")

    page.locator("#leaderboard thead").get_by_role("link", name="MAE").click()

    expect(page.locator("#sorted-by")).to_contain_text("Sorted by MAE")
    assert "sort=MAE" in page.url
    assert board_rows(page) == [("1", "bob"), ("3", "carol"), ("2", "alice")]
    expect(headers.filter(has_text="MAE")).to_have_attribute("aria-sort", "ascending")
    assert page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth") == 0
    screenshot(page, f"score-columns-sorted-{device}")
    assert "Median error" not in page.content()
    context.close()


def test_the_host_sees_the_hidden_column_marked_hidden(browser, site, columned):
    context, page = open_page(browser, site, 1280)
    log_in(page, "demo-host")
    page.goto(f"/competitions/{columned}/leaderboard/")

    hidden = page.locator("#leaderboard thead th").filter(has_text="Median error")
    expect(hidden).to_contain_text("hidden")
    expect(page.locator("#leaderboard tbody tr").first.locator("td.score-column")).to_have_text(
        ["0.500", "0.0000"]
    )
    screenshot(page, "score-columns-host-desktop")
    context.close()


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_the_create_wizard_offers_score_column_rows_that_fit_the_screen(browser, site, tmp_path, width):
    device = "phone" if width < 800 else "desktop"
    solution = tmp_path / "solution.csv"
    solution.write_text(SOLUTION)
    context, page = open_page(browser, site, width)
    log_in(page, "demo-host")
    page.goto("/competitions/new/")
    page.locator("#id_title").fill("Wizard columns")
    page.locator("#step-basics [data-step-next]").click()
    page.locator("#id_solution").set_input_files(str(solution))
    page.locator("#id_target_columns").fill("y")
    page.locator("#step-data [data-step-next]").click()

    expect(page.locator("#score-columns")).to_be_visible()
    rows = page.locator(".score-column-row")
    expect(rows).to_have_count(2)
    expect(page.get_by_label("Column 1 metric", exact=True)).to_be_visible()
    expect(page.get_by_label("Column 2 hidden from participants")).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth") == 0
    page.locator("#score-columns").scroll_into_view_if_needed()
    screenshot(page, f"score-columns-wizard-{device}")
    context.close()
