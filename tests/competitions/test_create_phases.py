"""Creating a competition with a phase template and more tracks: the same template as the Host tab's
button, and each bad input refused on its field."""

import pytest

from competitions.models import Competition
from competitions.phases import deciding_phase, effective_limits, phases_of, tracks_of
from tests.competitions.test_api import create_payload
from tests.competitions.test_create_steps import create_fields, names_in, step_html

pytestmark = pytest.mark.django_db


def test_the_rules_step_offers_the_phase_template_and_more_tracks_one_phase_chosen(client, host):
    client.force_login(host)

    html = client.get("/competitions/new/").content.decode()

    rules_step = step_html(html, "rules")
    assert {"phase_template", "extra_tracks"} <= names_in(rules_step)
    assert '<option value="one" selected>One phase</option>' in rules_step
    assert '<option value="development_then_final">Development then Final</option>' in rules_step


def test_left_as_it_is_a_new_competition_has_one_phase_and_the_main_track(client, host):
    client.force_login(host)

    created = client.post("/competitions/new/", create_fields())

    assert created.status_code == 302
    competition = Competition.objects.get()
    assert [(p.name, p.start_at, p.end_at) for p in phases_of(competition)] == [
        ("Phase 1", competition.start_at, competition.end_at)
    ]
    assert [track.slug for track in tracks_of(competition)] == ["main"]


def test_development_then_final_and_two_more_tracks(client, host):
    client.force_login(host)

    created = client.post(
        "/competitions/new/",
        create_fields(phase_template="development_then_final", extra_tracks=" Small data,  Hard cases ,"),
    )

    assert created.status_code == 302
    competition = Competition.objects.get()
    development, final = phases_of(competition)
    assert (development.name, development.start_at, development.end_at) == (
        "Development",
        competition.start_at,
        final.start_at,
    )
    assert (final.name, final.end_at, final.board_hidden_until_end) == ("Final", competition.end_at, True)
    assert deciding_phase(competition) == final
    assert effective_limits(final, competition)["total_submission_limit"] == 5
    assert [(t.slug, t.name, t.is_default) for t in tracks_of(competition)] == [
        ("main", "Main track", True),
        ("small-data", "Small data", False),
        ("hard-cases", "Hard cases", False),
    ]
    assert competition.phase_tracks.count() == 6


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"phase_template": "three_rounds"},
            "phase_template",
            "Choose 'One phase' or 'Development then Final'.",
        ),
        (
            {"extra_tracks": "Small data, small-data"},
            "extra_tracks",
            "would both have the address 'small-data'",
        ),
        (
            {"extra_tracks": "Main"},
            "extra_tracks",
            "Tracks 'Main track' and 'Main' would both have the address",
        ),
        ({"extra_tracks": "Small data, ???"}, "extra_tracks", "Track name '???' has no letter or digit"),
        ({"extra_tracks": "x" * 101}, "extra_tracks", "is over 100 characters"),
    ],
)
def test_a_bad_choice_is_refused_on_its_field_and_nothing_is_created(client, host, changes, field, message):
    client.force_login(host)

    refused = client.post("/competitions/new/", create_fields(**changes))

    assert refused.status_code == 200
    errors = refused.context["form"].errors
    assert list(errors) == [field]
    assert message in errors[field][0]
    assert not Competition.objects.exists()


def test_the_api_creates_development_then_final_and_more_tracks_as_the_form_does(api_for, host):
    answer = api_for(host).post(
        "/api/v1/competitions/",
        create_payload(phase_template="development_then_final", extra_tracks="Small data, Hard cases"),
        format="multipart",
    )

    assert answer.status_code == 201, answer.content
    competition = Competition.objects.get()
    development, final = phases_of(competition)
    assert (development.name, development.end_at, final.name, final.end_at) == (
        "Development",
        final.start_at,
        "Final",
        competition.end_at,
    )
    assert (deciding_phase(competition), final.board_hidden_until_end, final.carry_over) == (
        final,
        True,
        "finals",
    )
    assert effective_limits(final, competition)["total_submission_limit"] == 5
    assert [t.slug for t in tracks_of(competition)] == ["main", "small-data", "hard-cases"]


def test_the_api_makes_one_phase_when_no_template_is_named(api_for, host):
    answer = api_for(host).post("/api/v1/competitions/", create_payload(), format="multipart")

    assert answer.status_code == 201, answer.content
    assert [phase.name for phase in phases_of(Competition.objects.get())] == ["Phase 1"]


@pytest.mark.parametrize(
    ("changes", "code", "field", "message"),
    [
        (
            {"phase_template": "three_rounds"},
            "unknown_template",
            "phase_template",
            "The phase template must be one of one, development_then_final.",
        ),
        (
            {"extra_tracks": "Small data, small-data"},
            "duplicate_track_slug",
            "extra_tracks",
            "Tracks 'Small data' and 'small-data' would both have the address 'small-data': rename one.",
        ),
    ],
)
def test_the_api_refuses_a_bad_template_or_track_on_its_field_and_creates_nothing(
    api_for, host, changes, code, field, message
):
    answer = api_for(host).post("/api/v1/competitions/", create_payload(**changes), format="multipart")

    assert answer.status_code == 400, answer.content
    body = answer.json()
    assert (body["code"], body["details"]["field"], body["message"]) == (code, field, message)
    assert not Competition.objects.exists()
