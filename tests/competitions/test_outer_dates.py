"""A competition's start and end, changed by the host, against its phases: the first phase starts and the
last ends with the competition, and neither date may pass the other end of those phases."""

from datetime import timedelta

import pytest
from django.utils import timezone

from competitions.errors import CompetitionError
from competitions.models import Phase
from competitions.phase_setup import PhasePlan, set_phases
from competitions.services import update_competition
from tests.factories import make_competition


@pytest.fixture
def upcoming(host):
    """Starts in 2 days, lasts 10: Development over its first 4 days, then Final."""
    competition = make_competition(host=host, starts_in=timedelta(days=2), lasts=timedelta(days=10))
    middle = competition.start_at + timedelta(days=4)
    set_phases(
        competition=competition,
        user=host,
        plans=[
            PhasePlan(name="Development", start_at=competition.start_at, end_at=middle),
            PhasePlan(name="Final", start_at=middle, end_at=competition.end_at, decides=True),
        ],
    )
    return competition


def windows(competition) -> list[tuple]:
    return list(Phase.objects.filter(competition=competition).values_list("name", "start_at", "end_at"))


def test_moving_the_start_moves_the_first_phase_and_extending_the_end_the_last(upcoming, host):
    middle = upcoming.start_at + timedelta(days=4)
    new_start = upcoming.start_at + timedelta(days=1)
    new_end = upcoming.end_at + timedelta(days=3)

    changed = update_competition(
        competition=upcoming, user=host, changes={"start_at": new_start, "end_at": new_end}
    )

    assert (changed.start_at, changed.end_at) == (new_start, new_end)
    assert windows(upcoming) == [("Development", new_start, middle), ("Final", middle, new_end)]


def test_a_start_at_or_after_the_first_phases_end_is_refused_naming_the_phase(upcoming, host):
    middle = upcoming.start_at + timedelta(days=4)

    with pytest.raises(CompetitionError) as refusal:
        update_competition(competition=upcoming, user=host, changes={"start_at": middle + timedelta(hours=1)})

    assert (refusal.value.code, refusal.value.details["field"]) == ("start_after_first_phase", "start_at")
    assert "phase 1 (Development) ends on" in refusal.value.message
    upcoming.refresh_from_db()
    assert windows(upcoming)[0][1] == upcoming.start_at


def test_an_end_at_or_before_the_last_phases_start_is_refused_naming_the_phase(upcoming, host):
    """The end moves only later, so this happens only to a last phase whose row was moved past the end
    directly (as the admin's database or a script may)."""
    Phase.objects.filter(competition=upcoming, number=2).update(
        start_at=upcoming.end_at + timedelta(days=1), end_at=upcoming.end_at + timedelta(days=2)
    )
    later = upcoming.end_at + timedelta(hours=12)

    with pytest.raises(CompetitionError) as refusal:
        update_competition(competition=upcoming, user=host, changes={"end_at": later})

    assert (refusal.value.code, refusal.value.details["field"]) == ("end_before_last_phase", "end_at")
    assert "phase 2 (Final) starts on" in refusal.value.message


def test_a_single_phase_moves_with_both_dates(host):
    competition = make_competition(host=host, starts_in=timedelta(days=2), lasts=timedelta(days=10))
    new_start = competition.start_at + timedelta(days=3)
    new_end = competition.end_at + timedelta(days=5)

    update_competition(competition=competition, user=host, changes={"start_at": new_start, "end_at": new_end})

    assert windows(competition) == [("Phase 1", new_start, new_end)]


def test_the_start_cannot_move_once_the_competition_has_started(competition, host):
    with pytest.raises(CompetitionError) as refusal:
        update_competition(
            competition=competition, user=host, changes={"start_at": timezone.now() + timedelta(days=1)}
        )

    assert refusal.value.details["field"] == "start_at"
    assert refusal.value.message == "The competition has already started; its start can no longer change."


def test_the_settings_page_shows_the_refusal_on_the_start(client, upcoming, host):
    client.force_login(host)
    form = {
        "title": upcoming.title,
        "start_at": (upcoming.start_at + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
        "end_at": upcoming.end_at.strftime("%Y-%m-%dT%H:%M"),
        "daily_submission_limit": 5,
        "max_team_size": 4,
        "final_selection_limit": 2,
    }

    refused = client.post("/competitions/animals/host/", form)

    page = refused.content.decode()
    assert refused.status_code == 200
    assert "must come before phase 1 (Development) ends on" in page


def test_the_api_refuses_an_end_before_the_last_phase_on_the_field(client, upcoming, host):
    Phase.objects.filter(competition=upcoming, number=2).update(
        start_at=upcoming.end_at + timedelta(days=1), end_at=upcoming.end_at + timedelta(days=2)
    )
    client.force_login(host)

    refused = client.patch(
        "/api/v1/competitions/animals/",
        {"end_at": (upcoming.end_at + timedelta(hours=1)).isoformat()},
        content_type="application/json",
    )

    assert refused.status_code == 400
    assert refused.json()["code"] == "end_before_last_phase"
    assert refused.json()["details"]["field"] == "end_at"
