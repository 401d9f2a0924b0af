"""A team's whole competition in Chromium: an invitation, a merge, the final selection and the reveal of the
private leaderboard after the end, with its shake-up and medals, and the medal on the members' profiles."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser

SOLUTION = "id,y,Usage\n" + "".join(
    f"{i},{'yes' if i % 3 else 'no'},{'Public' if i <= 10 else 'Private'}\n" for i in range(1, 31)
)


def answers(right_public: bool, right_private: bool) -> str:
    """A prediction file, right or wrong on each split."""
    return graded(public_wrong=0 if right_public else 10, private_wrong=0 if right_private else 20)


def graded(*, public_wrong: int, private_wrong: int) -> str:
    """A prediction file wrong on the first rows of each split: its accuracy is (10 - public_wrong) / 10 on the
    10 public rows and (20 - private_wrong) / 20 on the 20 private ones."""
    rows = []
    for i in range(1, 31):
        truth = "yes" if i % 3 else "no"
        wrong = i <= public_wrong if i <= 10 else i - 10 <= private_wrong
        rows.append(f"{i},{('no' if truth == 'yes' else 'yes') if wrong else truth}\n")
    return "id,y\n" + "".join(rows)


# Nine more teams of one, so that ten teams reach the private board: by Kaggle's thresholds for under 100
# teams, gold goes to the top 10% (rank 1), silver to the top 20% (rank 2) and bronze to the top 40% (ranks 3
# and 4). They submit before demo's team, so alder's public 1.0 ties demo's and ranks first (earlier).
#   team: (public rows wrong, private rows wrong)  ->  public rank, private rank
RIVALS = {
    "alder": (0, 2),  # 1.0 public (1st), 0.9 private (3rd): down 2, bronze
    "birch": (1, 3),  # 0.9 (3rd), 0.85 (4th): down 1, bronze
    "cedar": (2, 1),  # 0.8 (4th), 0.95 (2nd): up 2, silver
    "dogwood": (3, 4),  # 0.7 (5th), 0.8 (5th): no change, no medal
    "elm": (4, 5),  # 6th, 6th
    "fir": (5, 6),  # 7th, 7th
    "gum": (6, 8),  # 8th, 0.6 (9th): down 1
    "hazel": (7, 9),  # 9th, 0.55 (10th): down 1
    "ivy": (8, 7),  # 10th, 0.65 (8th): up 2
}
# demo's merged team: 1.0 public (2nd, after alder's earlier 1.0), 1.0 private with erin's file: up 1, gold.
PRIVATE_BOARD = [
    # rank, team, what a sighted reader sees in the shake-up column, what a screen reader hears, medal
    (1, "demo", "▲ 1", "up 1 place from public rank 2", "Gold"),
    (2, "cedar", "▲ 2", "up 2 places from public rank 4", "Silver"),
    (3, "alder", "▼ 2", "down 2 places from public rank 1", "Bronze"),
    (4, "birch", "▼ 1", "down 1 place from public rank 3", "Bronze"),
    (5, "dogwood", "–", "no change from public rank 5", None),
    (6, "elm", "–", "no change from public rank 6", None),
    (7, "fir", "–", "no change from public rank 7", None),
    (8, "ivy", "▲ 2", "up 2 places from public rank 10", None),
    (9, "gum", "▼ 1", "down 1 place from public rank 8", None),
    (10, "hazel", "▼ 1", "down 1 place from public rank 9", None),
]


def test_a_team_invites_merges_selects_its_finals_and_sees_the_reveal(browser, site, page):
    host = site.client("demo-host")
    slug = host.create_competition("Yes or no teams", SOLUTION, metric="accuracy", max_team_size="3")
    clients = {"demo": site.client("demo"), **site.add_users("dana", "erin")}
    rivals = site.add_users(*RIVALS)
    for client in [*clients.values(), *rivals.values()]:
        assert client.post(f"/api/v1/competitions/{slug}/join/").status_code == 200
    # The rival teams first, so that alder's public 1.0 is earlier than demo's.
    submitted = {}
    for name, (public_wrong, private_wrong) in RIVALS.items():
        submitted[name] = rivals[name].submit(
            slug, graded(public_wrong=public_wrong, private_wrong=private_wrong)
        )
    for name, response in submitted.items():
        assert rivals[name].wait_until_finished(response.json()["id"])["status"] == "scored"
    # demo's team: one submission right on public only; erin's: one right on private only.
    public_hero = clients["demo"].submit(slug, answers(True, False)).json()["id"]
    clients["demo"].wait_until_finished(public_hero)
    private_hero = clients["erin"].submit(slug, answers(False, True)).json()["id"]
    clients["erin"].wait_until_finished(private_hero)

    # demo invites dana, who accepts.
    log_in(page, "demo")
    page.goto(f"/competitions/{slug}/team/")
    page.get_by_label("Invite by username").fill("dana")
    page.get_by_role("button", name="Invite").click()
    expect(page.locator("#invitations-sent")).to_contain_text("dana")

    dana = browser.new_context(base_url=site.url).new_page()
    log_in(dana, "dana")
    dana.goto(f"/competitions/{slug}/team/")
    dana.locator("#invitations-received").get_by_role("button", name="Accept").click()
    expect(dana.locator("#team-members")).to_contain_text("demo")

    # erin's team (with its submission) asks to merge into demo's; demo accepts.
    erin = browser.new_context(base_url=site.url).new_page()
    log_in(erin, "erin")
    erin.goto(f"/competitions/{slug}/team/")
    erin.get_by_label("Name of the team to merge into").fill("demo")
    erin.get_by_role("button", name="Ask to merge").click()
    expect(erin.locator("#merge-requests-sent")).to_contain_text("demo")

    page.goto(f"/competitions/{slug}/team/")
    page.locator("#merge-requests-received").get_by_role("button", name="Accept").click()
    members = page.locator("#team-members tbody tr")
    expect(members).to_have_count(3)
    screenshot(page, "team-after-merge")

    # The merged team keeps both submissions and selects erin's as its final one.
    page.get_by_role("link", name="My submissions").click()
    rows = page.locator("#submissions-table tbody tr")
    expect(rows).to_have_count(2)
    row = page.locator(f"#submissions-table tr[data-id='{private_hero}']")
    row.get_by_role("button", name="Select as final").click()
    expect(page.locator(f"#submissions-table tr[data-id='{private_hero}'] .tag-final")).to_be_visible()
    expect(page.locator("#submissions-table .sub-private")).to_have_count(0)  # hidden until the end

    # The end comes; the private leaderboard is revealed with the selected submission's score.
    site.end_competition(slug)
    page.goto(f"/competitions/{slug}/leaderboard/")
    page.get_by_role("link", name="Private (final)").click()
    top = page.locator("#leaderboard tbody tr").first
    expect(top).to_contain_text("demo")
    expect(top.locator(".score")).to_have_text("1.000000")
    expect(top).to_have_class("you")
    expect(top.locator(".tag-you")).to_have_text("your team")  # not by its colour alone either

    # The shake-up and the medals: an arrow and a word to see, a sentence a screen reader reads out (the
    # arrow glyphs are hidden from it), in the columns their headers name.
    board = page.locator("#leaderboard")
    headers = board.locator("thead th")
    expect(headers.nth(1)).to_have_text("Shake-up")
    expect(headers.nth(2)).to_have_text("Medal")
    rows = board.locator("tbody tr")
    expect(rows).to_have_count(len(PRIVATE_BOARD))
    for index, (rank, team_name, arrow, heard, medal) in enumerate(PRIVATE_BOARD):
        row = rows.nth(index)
        cells = row.get_by_role("cell")
        expect(cells.nth(0)).to_have_text(str(rank))
        expect(cells.nth(3)).to_contain_text(team_name)
        expect(row.locator(".shake [aria-hidden=true]")).to_have_text(arrow)
        expect(row.get_by_role("cell", name=heard, exact=True)).to_have_count(1)
        if medal:
            expect(row.locator(".medal")).to_have_text(f"{medal} medal")
            expect(row.locator(".medal")).to_be_visible()
            expect(row.get_by_role("cell", name=f"{medal} medal", exact=True)).to_have_count(1)
        else:
            expect(row.locator(".medal")).to_have_count(0)
            expect(row.get_by_role("cell", name="no medal", exact=True)).to_have_count(1)
    expect(rows.nth(1).locator(".shake .up")).to_be_visible()
    expect(rows.nth(2).locator(".shake .down")).to_be_visible()
    screenshot(page, "private-leaderboard-desktop")

    phone = browser.new_context(base_url=site.url, viewport={"width": 390, "height": 844})
    phone_page = phone.new_page()
    log_in(phone_page, "demo")
    phone_page.goto(f"/competitions/{slug}/leaderboard/?split=private")
    phone_rows = phone_page.locator("#leaderboard tbody tr")
    expect(phone_rows).to_have_count(len(PRIVATE_BOARD))
    # The whole board fits the phone: neither the page nor the table scrolls sideways to show a column.
    assert phone_page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    wrap = phone_page.locator(".table-wrap:has(#leaderboard)")
    assert wrap.evaluate("(element) => element.scrollWidth <= element.clientWidth"), (
        "the board scrolls sideways"
    )
    for column in (".shake", ".medal", ".score"):
        expect(phone_rows.first.locator(column)).to_be_visible()
    screenshot(phone_page, "private-leaderboard-phone")
    phone.close()

    page.get_by_role("link", name="My submissions").click()
    expect(page.locator(f"#submissions-table tr[data-id='{private_hero}'] .sub-private")).to_have_text(
        "1.000000"
    )
    expect(page.get_by_text(re.compile("late submissions are scored on both splits"))).to_be_visible()

    # Every member's profile shows the team's final rank and medal, demo's and dana's (who never submitted).
    for member in (page, dana):
        member.goto("/accounts/profile/")
        joined = member.locator("#joined-competitions tbody tr", has_text="Yes or no teams")
        expect(joined.locator("td[data-label='Final rank']")).to_have_text("1 of 10")
        expect(joined.locator(".medal")).to_have_text("Gold medal")
        expect(joined.get_by_role("cell", name="Gold medal", exact=True)).to_have_count(1)
    screenshot(page, "profile-with-medal")
