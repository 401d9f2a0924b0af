"""Phases in the system Chromium: the host turns a competition into Development-then-Final from the Host tab,
and a participant submits in Development, then, once the Final has begun, in the Final."""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot
from tests.browser.test_host_steps import fill_every_step

pytestmark = pytest.mark.browser

SOLUTION = "id,y,Usage\n" + "".join(
    f"{i},{i % 2},{'Public' if i <= 4 else 'Private'}\n" for i in range(1, 11)
)
PREDICTIONS = "id,y\n" + "".join(f"{i},{i % 2}\n" for i in range(1, 11))


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def set_phases(host, slug: str, development_ends: datetime) -> None:
    detail = host.get(f"/api/v1/competitions/{slug}/").json()
    start, end = detail["start_at"], detail["end_at"]
    body = {
        "phases": [
            {"name": "Development", "start_at": start, "end_at": iso(development_ends)},
            {
                "name": "Final",
                "start_at": iso(development_ends),
                "end_at": end,
                "has_own_quotas": True,
                "daily_submission_limit": 2,
            },
        ]
    }
    answer = host.session.put(f"{host.base_url}/api/v1/competitions/{slug}/phases/", json=body, timeout=30)
    assert answer.status_code == 200, answer.text


def test_the_host_sets_development_then_final_from_the_host_tab(page, site):
    host = site.client("demo-host")
    slug = host.create_competition("Phases from the host tab", SOLUTION, metric="accuracy")
    log_in(page, "demo-host")

    page.goto(f"/competitions/{slug}/host/")
    page.get_by_role("button", name="Use the template: Development, then Final").click()

    expect(page.locator(".flash-success")).to_contain_text("Two phases: Development, then a Final")
    expect(page.locator("#phase-row-1 input[name='phases-0-name']")).to_have_value("Development")
    expect(page.locator("#phase-row-2 input[name='phases-1-name']")).to_have_value("Final")
    screenshot(page, "host-phases")

    page.locator("#phase-row-2 input[name='phases-1-start_at']").fill("2000-01-01T00:00")
    page.get_by_role("button", name="Save phases").click()
    expect(page.locator("#phases-error")).to_contain_text("phases must not overlap")


def test_a_participant_moves_from_the_development_to_the_final_phase(page, site, tmp_path):
    host = site.client("demo-host")
    slug = host.create_competition("Development then final", SOLUTION, metric="accuracy")
    set_phases(host, slug, datetime.now(UTC) + timedelta(hours=12))
    dana = site.add_users("dana")["dana"]
    assert dana.post(f"/api/v1/competitions/{slug}/join/").status_code == 200
    log_in(page, "dana")
    predictions = tmp_path / "dana.csv"
    predictions.write_text(PREDICTIONS)

    page.goto(f"/competitions/{slug}/submissions/")
    expect(page.locator(".submit-box h2")).to_have_text("Submit predictions to Development")
    page.get_by_label("Prediction CSV").set_input_files(str(predictions))
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("#submissions-table tbody tr").first.locator(".status")).to_have_text(
        "scored", timeout=60_000
    )

    set_phases(host, slug, datetime.now(UTC))  # the Development phase ends now: the Final runs
    page.goto(f"/competitions/{slug}/submissions/")
    expect(page.locator(".submit-box h2")).to_have_text("Submit predictions to Final")
    expect(page.locator("#quota")).to_contain_text("of 2 submissions left today")
    page.get_by_label("Prediction CSV").set_input_files(str(predictions))
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("#submissions-table tbody tr").first.locator(".status")).to_have_text(
        "scored", timeout=60_000
    )
    screenshot(page, "final-phase-submissions")

    page.goto(f"/competitions/{slug}/leaderboard/")
    expect(page.locator(".board-choices strong[aria-current='page']")).to_have_text("Final (current)")
    expect(page.locator("#leaderboard tbody tr")).to_have_count(1)
    page.get_by_role("link", name="Development").click()
    expect(page.locator("#leaderboard tbody tr")).to_have_count(1)
    mine = host.get(f"/api/v1/competitions/{slug}/submissions/").json()["results"]
    assert sorted(row["phase"] for row in mine) == [1, 2]


def test_the_host_creates_a_development_then_final_competition_with_a_column_and_tracks_in_the_wizard(
    page, site, tmp_path
):
    log_in(page, "demo-host")
    page.goto("/competitions/new/")
    fill_every_step(page, tmp_path, title="Two rounds, three tracks", slug="two-rounds")
    page.locator("#step-rules [data-step-back]").click()
    page.get_by_label("Column 1 label").fill("Recall")
    page.get_by_label("Column 1 metric", exact=True).select_option("recall")
    page.get_by_label("Column 1 parameters").fill("average=binary")
    page.get_by_label("Column 1 decimals").fill("3")
    page.get_by_role("button", name="Next: Rules, dates and limits").click()
    page.get_by_label("Phases", exact=True).select_option(label="Development then Final")
    page.get_by_label("More tracks").fill("Small data, Hard cases")
    screenshot(page, "host-create-phases")
    page.get_by_role("button", name="Create draft").click()
    expect(page.get_by_text("Competition created as a draft.")).to_be_visible()

    page.goto("/competitions/two-rounds/")

    phases = page.locator("section.phases")
    expect(phases.locator(".phase-list > li")).to_have_count(2)
    expect(phases.locator(".phase-list > li").nth(0)).to_contain_text("Development")
    expect(phases.locator(".phase-list > li").nth(1)).to_contain_text("Final")
    expect(phases.locator(".phase-list > li").nth(1)).to_contain_text("decides")
    expect(phases.locator(".phase-list > li").nth(1)).to_contain_text("board hidden until the phase ends")
    expect(phases.locator("table.tracks tbody th")).to_have_text(
        ["Main track default", "Small data", "Hard cases"]
    )
    created = page.request.get("/api/v1/competitions/two-rounds/").json()
    assert [(c["label"], c["metric"], c["precision"]) for c in created["score_columns"]] == [
        ("Recall", "recall", 3)
    ]
    screenshot(page, "overview-created-phases")
