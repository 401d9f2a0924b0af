"""Phases and tracks through the API: the host's setup with its refusals, the detail that lists them, and
submissions and boards that name a phase and a track."""

import io
from datetime import timedelta

import pytest

from competitions.phases import pairs_of
from scoring import services as scoring
from tests.factories import LABEL_SOLUTION, joined, predictions


def iso(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def development_and_final(competition, **final) -> dict:
    middle = competition.start_at + timedelta(days=2)
    return {
        "phases": [
            {"name": "Development", "start_at": iso(competition.start_at), "end_at": iso(middle)},
            {"name": "Final", "start_at": iso(middle), "end_at": iso(competition.end_at), **final},
        ]
    }


def put_phases(client, competition, body):
    return client.put(f"/api/v1/competitions/{competition.slug}/phases/", body, format="json")


def put_tracks(client, competition, *slugs):
    body = {"tracks": [{"slug": slug, "name": slug.title()} for slug in slugs]}
    return client.put(f"/api/v1/competitions/{competition.slug}/tracks/", body, format="json")


def upload(client, competition, text=None, **where):
    upload = io.BytesIO((text or predictions()).encode())
    upload.name = "p.csv"
    return client.post(
        f"/api/v1/competitions/{competition.slug}/submissions/", {"file": upload, **where}, format="multipart"
    )


@pytest.fixture
def host_api(api_for, host):
    return api_for(host)


@pytest.fixture
def alice_api(api_for, competition, participant):
    joined(competition, participant)
    return api_for(participant)


def test_the_host_sets_development_then_final_and_the_detail_lists_them(competition, host_api):
    answer = put_phases(
        host_api,
        competition,
        development_and_final(
            competition,
            has_own_quotas=True,
            daily_submission_limit=2,
            board_hidden_until_end=True,
            carry_over="finals",
            decides=True,
        ),
    )
    assert answer.status_code == 200, answer.content

    detail = host_api.get(f"/api/v1/competitions/{competition.slug}/").json()
    development, final = detail["phases"]
    assert (development["name"], development["is_current"], development["decides"]) == (
        "Development",
        True,
        False,
    )
    assert (final["limits"]["daily_submission_limit"], final["board_hidden_until_end"], final["decides"]) == (
        2,
        True,
        True,
    )
    assert [track["slug"] for track in detail["tracks"]] == ["main"]


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        (
            lambda body: body["phases"][1].update(start_at=body["phases"][0]["start_at"]),
            "phases_overlap",
            "phases[1].start_at",
        ),
        (
            lambda body: body["phases"][0].update(end_at="2000-01-01T00:00:00Z"),
            "phase_ends_before_start",
            "phases[0].end_at",
        ),
        (
            lambda body: body["phases"][1].update(end_at="2099-01-01T00:00:00Z"),
            "phase_after_competition",
            "phases[1].end_at",
        ),
        (
            lambda body: body["phases"][0].update(start_at="2000-01-01T00:00:00Z"),
            "phase_before_competition",
            "phases[0].start_at",
        ),
        (
            lambda body: [phase.update(decides=True) for phase in body["phases"]],
            "two_deciding_phases",
            "phases[1].decides",
        ),
        (
            lambda body: body["phases"][0].update(carry_over="finals"),
            "carry_over_on_first_phase",
            "phases[0].carry_over",
        ),
    ],
    ids=[
        "overlap",
        "ends-before-start",
        "after-the-competition",
        "before-the-competition",
        "two-deciding",
        "carry-over-first",
    ],
)
def test_bad_phases_are_refused_naming_the_field_and_the_rule(competition, host_api, change, code, field):
    body = development_and_final(competition)
    change(body)

    answer = put_phases(host_api, competition, body)

    assert answer.status_code == 400, answer.content
    assert (answer.json()["code"], answer.json()["details"]["field"]) == (code, field)


def test_a_phase_boolean_must_be_true_or_false(competition, host_api):
    answer = put_phases(host_api, competition, development_and_final(competition, decides="yes"))

    assert answer.status_code == 400


def test_a_participant_cannot_set_phases(competition, alice_api):
    assert put_phases(alice_api, competition, development_and_final(competition)).status_code == 403


def test_the_host_adds_a_track_and_gives_it_its_own_solution(competition, host_api):
    answer = put_tracks(host_api, competition, "main", "hard")
    assert answer.status_code == 200, answer.content
    assert [track["slug"] for track in answer.json()["tracks"]] == ["main", "hard"]

    solution = io.BytesIO(LABEL_SOLUTION.replace("1,cat,Public", "1,bird,Public").encode())
    solution.name = "solution.csv"
    answer = host_api.put(
        f"/api/v1/competitions/{competition.slug}/phases/1/tracks/hard/scoring/",
        {"solution": solution, "metric": "balanced_accuracy"},
        format="multipart",
    )

    assert answer.status_code == 200, answer.content
    assert answer.json() == {
        "phase": 1,
        "track": "hard",
        "metric": "balanced_accuracy",
        "has_own_solution": True,
        "public_rows": 4,
        "private_rows": 6,
    }


def test_a_tracks_solution_that_does_not_parse_is_refused_on_the_field(competition, host_api):
    put_tracks(host_api, competition, "main", "hard")
    solution = io.BytesIO(b"nothing,here\n1,2\n")
    solution.name = "solution.csv"

    answer = host_api.put(
        f"/api/v1/competitions/{competition.slug}/phases/1/tracks/hard/scoring/",
        {"solution": solution},
        format="multipart",
    )

    assert answer.status_code == 400
    assert (answer.json()["code"], answer.json()["details"]["field"]) == ("invalid_solution", "solution")


def test_a_submission_names_its_track_and_the_board_of_that_track_shows_it(competition, host_api, alice_api):
    put_tracks(host_api, competition, "main", "hard")

    answer = upload(alice_api, competition, track="hard")
    assert answer.status_code == 202, answer.content
    submission = answer.json()["submission"]
    assert (submission["phase"], submission["track"]) == (1, "hard")
    assert scoring.score_submission(submission["id"]) == "scored"

    hard = alice_api.get(f"/api/v1/competitions/{competition.slug}/leaderboard/?phase=1&track=hard").json()
    main = alice_api.get(f"/api/v1/competitions/{competition.slug}/leaderboard/").json()
    assert (hard["track"], hard["count"], main["track"], main["count"]) == ("hard", 1, "main", 0)
    mine = alice_api.get(f"/api/v1/competitions/{competition.slug}/submissions/?track=hard").json()
    assert [row["id"] for row in mine["results"]] == [submission["id"]]
    assert (
        alice_api.get(f"/api/v1/competitions/{competition.slug}/submissions/?track=main").json()["results"]
        == []
    )
    csv = alice_api.get(f"/api/v1/competitions/{competition.slug}/leaderboard/csv/?phase=1&track=hard")
    assert csv.status_code == 200
    assert "phase-1-hard-public" in csv["Content-Disposition"]
    assert csv.content.decode().count("\n") == 2


@pytest.mark.parametrize(
    ("where", "code", "field"),
    [
        ({"phase": 9}, "unknown_phase", "phase"),
        ({"track": "nope"}, "unknown_track", "track"),
        ({"phase": 2}, "phase_not_current", "phase"),
    ],
)
def test_a_submission_naming_an_unknown_or_closed_phase_or_track_is_a_400_on_its_field(
    competition, host_api, alice_api, where, code, field
):
    put_phases(host_api, competition, development_and_final(competition))

    answer = upload(alice_api, competition, **where)

    assert answer.status_code == 400, answer.content
    assert (answer.json()["code"], answer.json()["details"]["field"]) == (code, field)


def test_a_board_naming_an_unknown_phase_is_a_400(competition, alice_api):
    answer = alice_api.get(f"/api/v1/competitions/{competition.slug}/leaderboard/?phase=4")

    assert answer.status_code == 400
    assert answer.json()["details"]["field"] == "phase"


def test_a_phase_hiding_its_board_shows_it_to_participants_only_after_it_ends(
    competition, host_api, alice_api
):
    body = development_and_final(competition, board_hidden_until_end=True)
    put_phases(host_api, competition, body)

    hidden = alice_api.get(f"/api/v1/competitions/{competition.slug}/leaderboard/?phase=2")
    shown = host_api.get(f"/api/v1/competitions/{competition.slug}/leaderboard/?phase=2")

    assert (hidden.status_code, shown.status_code) == (403, 200)
    assert "hidden until the phase ends" in hidden.json()["message"]
    assert len(pairs_of(competition)) == 2


def test_the_host_shares_quotas_across_tracks_with_the_tracks(competition, host_api):
    body = {"tracks": [{"slug": "main", "name": "Main"}, {"slug": "hard", "name": "Hard"}]}

    shared = host_api.put(
        f"/api/v1/competitions/{competition.slug}/tracks/",
        {**body, "quotas_shared_across_tracks": True},
        format="json",
    )
    kept = host_api.put(f"/api/v1/competitions/{competition.slug}/tracks/", body, format="json")
    refused = host_api.put(
        f"/api/v1/competitions/{competition.slug}/tracks/",
        {**body, "quotas_shared_across_tracks": "sometimes"},
        format="json",
    )

    assert shared.status_code == 200, shared.content
    assert shared.json()["quotas_shared_across_tracks"] is True
    assert kept.json()["quotas_shared_across_tracks"] is True  # left out: unchanged
    assert refused.status_code == 400
    assert "quotas_shared_across_tracks" in refused.json()["details"]["fields"]
    competition.refresh_from_db()
    assert competition.quotas_shared_across_tracks is True


def test_a_track_without_a_solution_is_refused_on_the_api_naming_the_field(competition, host_api):
    type(competition).objects.filter(pk=competition.pk).update(solution_key="")

    answer = put_tracks(host_api, competition, "main", "extra")

    assert answer.status_code == 400
    assert (answer.json()["code"], answer.json()["details"]["field"]) == (
        "track_without_solution",
        "solution",
    )
    assert answer.json()["message"] == (
        "Track 'main' has no solution in Phase 1, and the competition has none to fall back on: upload one for it."
    )
    assert list(competition.tracks.values_list("slug", flat=True)) == ["main"]
