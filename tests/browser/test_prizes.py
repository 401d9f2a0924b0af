"""Prizes in Chromium, at desktop and phone widths: the host sets them and marks a team not eligible on the
Host tab, the overview lists them, and after the end the final board's prize column skips that team (which
keeps its rank) while the team itself is told, politely, why."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot
from tests.browser.test_team_journey import SOLUTION, graded

pytestmark = pytest.mark.browser

# team: private rows wrong (of 20) -> private rank: alder 1st, birch 2nd, cedar 3rd, dogwood 4th.
TEAMS = {"alder": 0, "birch": 1, "cedar": 2, "dogwood": 3}
PHONE = {"width": 390, "height": 844}


def test_the_host_sets_prizes_and_the_final_board_skips_the_team_not_eligible(browser, site, page):
    host = site.client("demo-host")
    slug = host.create_competition("Prize money", SOLUTION, metric="accuracy")
    teams = site.add_users(*TEAMS)
    submitted = {}
    for name, wrong in TEAMS.items():
        assert teams[name].post(f"/api/v1/competitions/{slug}/join/").status_code == 200
        submitted[name] = (
            teams[name].submit(slug, graded(public_wrong=wrong, private_wrong=wrong)).json()["id"]
        )
    for name, submission_id in submitted.items():
        assert teams[name].wait_until_finished(submission_id)["status"] == "scored"

    log_in(page, "demo-host")
    page.goto(f"/competitions/{slug}/host/")
    page.get_by_label("Amount of prize row 1").fill("10000")
    page.get_by_label("Currency of prize row 1").fill("usd")
    page.get_by_label("Amount of prize row 2").fill("5000")
    page.get_by_label("Currency of prize row 2").fill("XYZ")
    page.get_by_role("button", name="Save prizes").click()
    expect(page.locator("#error-summary")).to_contain_text(
        "The prize for place 2: 'XYZ' is not an ISO 4217 currency code in use"
    )
    page.get_by_label("Currency of prize row 2").fill("USD")
    page.get_by_label("Description of prize row 3").fill("A Podium T-shirt")
    page.get_by_role("button", name="Save prizes").click()
    expect(page.locator(".flash")).to_contain_text("Saved 3 prizes.")

    page.get_by_label("Team name").fill("alder")
    page.get_by_label("Reason (the team sees it)").fill("A member works for the sponsor.")
    page.get_by_role("button", name="Mark not eligible for prizes").click()
    expect(page.locator("#ineligible-teams")).to_contain_text("alder: A member works for the sponsor.")
    screenshot(page, "prizes-host-tab")

    page.goto(f"/competitions/{slug}/")
    prizes = page.locator("#prizes")
    expect(prizes).to_contain_text("15,000 USD in total")
    expect(prizes.locator("li")).to_have_text(
        ["1st place 10,000 USD", "2nd place 5,000 USD", "3rd place A Podium T-shirt"]
    )
    screenshot(page, "prizes-overview")

    site.end_competition(slug)
    page.goto(f"/competitions/{slug}/leaderboard/?split=private")
    rows = page.locator("#leaderboard tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.nth(0)).to_contain_text("alder")
    expect(rows.nth(0)).to_contain_text("not eligible for prizes")
    expect(rows.nth(0).locator("td.prize")).to_have_text("–no prize")
    expect(rows.nth(1).locator("td.prize")).to_have_text("10,000 USD")
    expect(rows.nth(2).locator("td.prize")).to_have_text("5,000 USD")
    expect(rows.nth(3).locator("td.prize")).to_have_text("A Podium T-shirt")
    expect(page.locator("#prize-awards li").nth(0)).to_contain_text("1st place 10,000 USD · birch (rank 2)")
    screenshot(page, "prizes-final-board-host")

    alder = browser.new_context(base_url=site.url, viewport=PHONE).new_page()
    log_in(alder, "alder")
    alder.goto(f"/competitions/{slug}/leaderboard/?split=private")
    expect(alder.locator("#leaderboard tbody tr").nth(0)).to_contain_text("your team not eligible for prizes")
    screenshot(alder, "prizes-final-board-phone-team")
    alder.goto(f"/competitions/{slug}/team/")
    expect(alder.locator("#team-prize-ineligible")).to_have_text(
        "Your team is not eligible for prizes: A member works for the sponsor. It still ranks on the "
        "leaderboards as usual; please contact the host if you think this is a mistake."
    )
    alder.context.close()

    anonymous = browser.new_context(base_url=site.url, viewport=PHONE).new_page()
    anonymous.goto(f"/competitions/{slug}/leaderboard/?split=private")
    expect(anonymous.locator("#leaderboard tbody tr").nth(1).locator("td.prize")).to_have_text("10,000 USD")
    expect(anonymous.locator("#leaderboard")).not_to_contain_text("not eligible")
    assert anonymous.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(anonymous, "prizes-final-board-phone")
    anonymous.goto(f"/competitions/{slug}/")
    expect(anonymous.locator("#prizes")).to_contain_text("10,000 USD")
    screenshot(anonymous, "prizes-overview-phone")
    anonymous.goto("/competitions/?ordering=prize")
    expect(anonymous.locator(".competition-card").first).to_contain_text("Prize money")
    expect(anonymous.locator(".competition-card").first).to_contain_text("15,000 USD in prizes")
    screenshot(anonymous, "prizes-list-phone")
    anonymous.context.close()
