"""A team's whole competition in Chromium: an invitation, a merge, the final selection and the reveal of the
private leaderboard after the end."""

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
    rows = []
    for i in range(1, 31):
        truth = "yes" if i % 3 else "no"
        right = right_public if i <= 10 else right_private
        rows.append(f"{i},{truth if right else ('no' if truth == 'yes' else 'yes')}\n")
    return "id,y\n" + "".join(rows)


def add_user(site, username: str) -> None:
    site.manage(
        "shell",
        "-c",
        f"from accounts.models import User; User.objects.create_user('{username}', password='podium-demo')",
    )


def test_a_team_invites_merges_selects_its_finals_and_sees_the_reveal(browser, site, page):
    host = site.client("demo-host")
    slug = host.create_competition("Yes or no teams", SOLUTION, metric="accuracy", max_team_size="3")
    for username in ("dana", "erin"):
        add_user(site, username)
    clients = {name: site.client(name) for name in ("demo", "dana", "erin")}
    for client in clients.values():
        assert client.post(f"/api/v1/competitions/{slug}/join/").status_code == 200
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
    site.manage(
        "shell",
        "-c",
        "from datetime import timedelta; from django.utils import timezone; "
        "from competitions.models import Competition; "
        f"Competition.objects.filter(slug='{slug}').update(end_at=timezone.now() - timedelta(seconds=1))",
    )
    page.goto(f"/competitions/{slug}/leaderboard/")
    page.get_by_role("link", name="Private (final)").click()
    top = page.locator("#leaderboard tbody tr").first
    expect(top).to_contain_text("demo")
    expect(top.locator(".score")).to_have_text("1")
    expect(top).to_have_class("you")
    screenshot(page, "private-leaderboard")

    page.get_by_role("link", name="My submissions").click()
    expect(page.locator(f"#submissions-table tr[data-id='{private_hero}'] .sub-private")).to_have_text("1")
    expect(page.get_by_text(re.compile("late submissions are scored on both splits"))).to_be_visible()
