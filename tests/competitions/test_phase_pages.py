"""Phases and tracks on the pages: the overview lists them with the current phase and each track's leader,
the board and the submissions page switch between them, and a plain competition shows none of it."""

import io
from datetime import timedelta

import pytest

from competitions.phase_setup import PhasePlan, TrackPlan, set_phases, set_tracks
from scoring import services as scoring
from submissions.services import create_submission
from tests.factories import joined, predictions


@pytest.fixture
def challenge(competition, host):
    middle = competition.start_at + timedelta(days=2)
    set_phases(
        competition=competition,
        user=host,
        plans=[
            PhasePlan(name="Development", start_at=competition.start_at, end_at=middle),
            PhasePlan(
                name="Final",
                start_at=middle,
                end_at=competition.end_at,
                board_hidden_until_end=True,
                carry_over="last",
                carry_over_count=2,
            ),
        ],
    )
    set_tracks(
        competition=competition,
        user=host,
        plans=[TrackPlan(slug="main", name="Main track"), TrackPlan(slug="hard", name="Hard track")],
    )
    return competition


def test_a_plain_competitions_overview_shows_no_phases(client, competition):
    page = client.get(f"/competitions/{competition.slug}/").content.decode()

    assert 'id="phases-heading"' not in page


def test_the_overview_lists_the_phases_the_current_one_and_each_tracks_leader(client, challenge, participant):
    joined(challenge, participant)
    submission, _ = create_submission(
        competition=challenge,
        user=participant,
        file_name="p.csv",
        stream=io.BytesIO(predictions().encode()),
        track="hard",
    )
    assert scoring.score_and_settle(submission.pk) == "scored"

    page = client.get(f"/competitions/{challenge.slug}/").content.decode()

    assert 'id="phases-heading">Phases and tracks' in page
    assert 'aria-current="step">\n      <strong>Development</strong> <span class="tag">current</span>' in page
    assert "board hidden until the phase ends" in page
    assert "each team's last 2 submissions" in page
    assert "<td>alice</td>" in page
    assert "no one yet" in page  # the main track


def test_the_board_page_switches_between_phases_and_tracks(client, challenge):
    page = client.get(f"/competitions/{challenge.slug}/leaderboard/?phase=1&track=hard").content.decode()

    assert '<strong aria-current="page">Development (current)</strong>' in page
    assert '<strong aria-current="true">Hard track</strong>' in page
    assert 'href="?phase=1&amp;track=main">Main track</a>' in page
    assert "?phase=1&amp;track=hard&amp;split=public" in page


def test_a_hidden_board_is_refused_to_participants_on_the_page_too(client, challenge):
    answer = client.get(f"/competitions/{challenge.slug}/leaderboard/?phase=2")

    assert answer.status_code == 403
    assert "hidden until the phase ends" in answer.content.decode()


def test_an_unknown_phase_on_the_board_page_is_refused_by_name(client, challenge):
    answer = client.get(f"/competitions/{challenge.slug}/leaderboard/?phase=9")

    assert answer.status_code == 400
    assert "This competition has no phase 9; its phases are 1, 2." in answer.content.decode()


def test_the_submissions_page_uploads_to_the_track_it_shows(client, challenge, participant):
    joined(challenge, participant)
    client.force_login(participant)

    page = client.get(f"/competitions/{challenge.slug}/submissions/?track=hard").content.decode()
    later = client.get(f"/competitions/{challenge.slug}/submissions/?phase=2").content.decode()

    assert '<input type="hidden" name="track" value="hard">' in page
    assert "Submit predictions to Development, Hard track" in page
    assert 'id="phase-not-current"' in later
    assert 'id="submit-form"' not in later


def phase_post(competition, rows) -> dict:
    data = {"phases-TOTAL_FORMS": str(len(rows)), "phases-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        data.update({f"phases-{index}-{name}": value for name, value in row.items()})
    return data


def local(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def test_the_host_page_offers_the_development_then_final_template(client, competition, host):
    client.force_login(host)

    answer = client.post(f"/competitions/{competition.slug}/host/phases/template/")

    assert answer.status_code == 302
    assert [phase.name for phase in competition.phases.order_by("number")] == ["Development", "Final"]
    page = client.get(f"/competitions/{competition.slug}/host/").content.decode()
    assert 'id="phase-row-2"' in page
    assert 'value="Final"' in page


def test_the_host_page_saves_phases_and_shows_a_refusal_naming_the_field(client, competition, host):
    client.force_login(host)
    start, middle, end = competition.start_at, competition.start_at + timedelta(days=3), competition.end_at
    start = start.replace(second=0, microsecond=0) + timedelta(minutes=1)
    end = end.replace(second=0, microsecond=0)

    overlapping = client.post(
        f"/competitions/{competition.slug}/host/phases/",
        phase_post(
            competition,
            [
                {"name": "Development", "start_at": local(start), "end_at": local(middle)},
                {"name": "Final", "start_at": local(middle - timedelta(hours=5)), "end_at": local(end)},
            ],
        ),
    )
    saved = client.post(
        f"/competitions/{competition.slug}/host/phases/",
        phase_post(
            competition,
            [
                {"name": "Development", "start_at": local(start), "end_at": local(middle)},
                {"name": "Final", "start_at": local(middle), "end_at": local(end), "decides": "on"},
            ],
        ),
    )

    assert overlapping.status_code == 200
    page = overlapping.content.decode()
    assert "<strong>phases[1].start_at</strong>: Phase 2 (Final) starts on" in page
    assert "phases must not overlap" in page
    assert saved.status_code == 302
    assert list(competition.phases.values_list("name", "decides")) == [
        ("Development", False),
        ("Final", True),
    ]


def test_the_host_page_saves_tracks_and_refuses_a_repeated_slug(client, competition, host):
    client.force_login(host)
    rows = {
        "tracks-TOTAL_FORMS": "2",
        "tracks-INITIAL_FORMS": "0",
        "tracks-0-slug": "main",
        "tracks-0-name": "Main",
    }

    repeated = client.post(
        f"/competitions/{competition.slug}/host/tracks/",
        {**rows, "tracks-1-slug": "main", "tracks-1-name": "Again"},
    )
    saved = client.post(
        f"/competitions/{competition.slug}/host/tracks/",
        {**rows, "tracks-1-slug": "hard", "tracks-1-name": "Hard"},
    )

    assert "<strong>tracks[1].slug</strong>: Two tracks have the slug" in repeated.content.decode()
    assert saved.status_code == 302
    assert list(competition.tracks.values_list("slug", flat=True)) == ["main", "hard"]


def test_a_participant_cannot_post_phases(client, competition, participant):
    client.force_login(participant)

    assert client.post(f"/competitions/{competition.slug}/host/phases/template/").status_code == 403


def test_the_host_dashboard_shows_each_phase_and_track(client, challenge, host, participant):
    joined(challenge, participant)
    submission, _ = create_submission(
        competition=challenge,
        user=participant,
        file_name="p.csv",
        stream=io.BytesIO(predictions().encode()),
        track="hard",
    )
    assert scoring.score_and_settle(submission.pk) == "scored"
    client.force_login(host)

    page = client.get(f"/competitions/{challenge.slug}/host/dashboard/").content.decode()

    table = page[page.index('id="per-phase"') : page.index("</table>", page.index('id="per-phase"'))]
    assert table.count("<tr>") == 5  # the head and Development, Final times main, hard
    assert 'Development <span class="tag">current</span>' in table
    assert "alice (0.500000)" in table


def test_the_host_page_refuses_a_track_without_a_solution_with_its_message(client, competition, host):
    type(competition).objects.filter(pk=competition.pk).update(solution_key="")
    client.force_login(host)

    answer = client.post(
        f"/competitions/{competition.slug}/host/tracks/",
        {
            "tracks-TOTAL_FORMS": "2",
            "tracks-INITIAL_FORMS": "0",
            "tracks-0-slug": "main",
            "tracks-0-name": "Main",
            "tracks-1-slug": "extra",
            "tracks-1-name": "Extra",
        },
    )

    assert (
        "<strong>solution</strong>: Track &#x27;main&#x27; has no solution in Phase 1"
        in answer.content.decode()
    )
    assert list(competition.tracks.values_list("slug", flat=True)) == ["main"]
