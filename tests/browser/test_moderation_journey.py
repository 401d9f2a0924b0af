"""A moderator in Chromium: logs into the admin, disqualifies a submission with a reason through the action's
confirmation page, and finds the entry in the audit log."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

SOLUTION = "id,y,Usage\n" + "".join(
    f"{i},{'yes' if i % 3 else 'no'},{'Public' if i <= 10 else 'Private'}\n" for i in range(1, 31)
)
RIGHT = "id,y\n" + "".join(f"{i},{'yes' if i % 3 else 'no'}\n" for i in range(1, 31))


def test_a_moderator_disqualifies_a_submission_and_finds_it_in_the_audit_log(site, page):
    slug = site.client("demo-host").create_competition("Moderated yes or no", SOLUTION, metric="accuracy")
    demo = site.client("demo")
    assert demo.post(f"/api/v1/competitions/{slug}/join/").status_code == 200
    submission_id = demo.submit(slug, RIGHT).json()["id"]
    assert demo.wait_until_finished(submission_id)["status"] == "scored"
    assert demo.get(f"/api/v1/competitions/{slug}/leaderboard/").json()["count"] == 1

    page.goto("/admin/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("podium-admin")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    page.goto("/admin/submissions/submission/")
    page.locator(f"input[name='_selected_action'][value='{submission_id}']").check()
    page.locator("select[name='action']").select_option("disqualify_submissions")
    page.get_by_role("button", name="Go").click()

    expect(page.get_by_role("heading", name="Disqualify the selected submissions?")).to_be_visible()
    page.get_by_label("Reason").fill("Predictions copied from a leaked answer key.")
    screenshot(page, "admin-disqualify-confirm")
    page.get_by_role("button", name="Disqualify the selected submissions").click()

    expect(page.get_by_text("Disqualified 1 submission; the leaderboards are updated.")).to_be_visible()
    assert demo.get(f"/api/v1/competitions/{slug}/leaderboard/").json()["count"] == 0

    page.goto("/admin/")
    page.get_by_role("link", name="Audit log").click()
    row = page.locator("#result_list tbody tr").first
    expect(row).to_contain_text("Submission disqualified")
    expect(row).to_contain_text("admin")
    expect(row).to_contain_text("Predictions copied from a leaked answer key.")
    expect(
        row.get_by_role("link", name=f"Submission {submission_id} of team 'demo' in {slug}")
    ).to_be_visible()
    screenshot(page, "admin-audit-log")
