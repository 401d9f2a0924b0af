"""One team racing its quotas in a phase with its own limits, on two tracks at once, through the API of a real
web server on PostgreSQL: parallel uploads never get past a limit, per track, or across the tracks when the
host shares the quotas (submissions/services.py counts under the team's lock)."""

from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

pytestmark = pytest.mark.integration

IDS = range(1, 11)
SOLUTION = "id,y\n" + "".join(f"{i},{i % 2}\n" for i in IDS)
PREDICTIONS = "id,y\n" + "".join(f"{i},1\n" for i in IDS)
RACERS_PER_TRACK = 8


def own_quotas(client, slug: str, **limits) -> None:
    """One phase over the competition's window with its own limits (the rest at their defaults)."""
    detail = client.get(f"/api/v1/competitions/{slug}/").json()
    phase = {
        "name": "Only",
        "start_at": detail["start_at"],
        "end_at": detail["end_at"],
        "has_own_quotas": True,
        **limits,
    }
    answer = client.session.put(
        f"{client.base_url}/api/v1/competitions/{slug}/phases/", json={"phases": [phase]}, timeout=30
    )
    assert answer.status_code == 200, answer.text


def race(stack, username: str, slug: str) -> list[tuple[str, int, str]]:
    """Every upload of the team at once, half to each track: (track, status, code) of each answer. Each
    thread has its own client (a requests session is not shared between threads)."""

    def upload(track: str):
        answer = stack.client(username).post(
            f"/api/v1/competitions/{slug}/submissions/",
            files={"file": ("p.csv", PREDICTIONS.encode(), "text/csv")},
            data={"track": track},
        )
        return track, answer.status_code, answer.json().get("code", "")

    tracks = ["main", "hard"] * RACERS_PER_TRACK
    with ThreadPoolExecutor(max_workers=len(tracks)) as pool:
        return list(pool.map(upload, tracks))


def stored_per_track(stack, slug: str) -> dict[str, int]:
    with psycopg.connect(stack.postgres_admin_url, dbname=stack.database_name, autocommit=True) as connection:
        rows = connection.execute(
            "SELECT t.slug, count(s.id) FROM submissions_submission s "
            "JOIN competitions_phasetrack p ON p.id = s.phase_track_id "
            "JOIN competitions_track t ON t.id = p.track_id "
            "JOIN competitions_competition c ON c.id = s.competition_id "
            "WHERE c.slug = %s AND s.team_id IS NOT NULL GROUP BY t.slug",
            [slug],
        ).fetchall()
    return dict(rows)


def accepted(answers) -> dict[str, int]:
    counts = {"main": 0, "hard": 0}
    for track, status, _ in answers:
        counts[track] += status == 202
    return counts


def test_a_phase_daily_limit_holds_per_track_under_parallel_uploads(postgres_stack):
    stack = postgres_stack
    host = stack.client("demo-host")
    slug = host.create_competition("Racing tracks", SOLUTION, metric="accuracy", extra_tracks="Hard")
    own_quotas(host, slug, daily_submission_limit=3)
    racer = stack.add_users("racer")["racer"]
    assert racer.post(f"/api/v1/competitions/{slug}/join/").status_code == 200

    answers = race(stack, "racer", slug)

    assert accepted(answers) == {"main": 3, "hard": 3}
    assert {(status, code) for _, status, code in answers if status != 202} == {(429, "quota_exceeded")}
    assert stored_per_track(stack, slug) == {"main": 3, "hard": 3}


def test_an_in_flight_limit_shared_across_tracks_holds_under_parallel_uploads(postgres_stack):
    stack = postgres_stack  # no worker: every accepted file stays in flight
    host = stack.client("demo-host")
    slug = host.create_competition("Racing shared", SOLUTION, metric="accuracy", extra_tracks="Hard")
    own_quotas(host, slug, daily_submission_limit=20, max_in_flight=2)
    shared = host.session.put(
        f"{host.base_url}/api/v1/competitions/{slug}/tracks/",
        json={
            "tracks": [{"slug": "main", "name": "Main track"}, {"slug": "hard", "name": "Hard"}],
            "quotas_shared_across_tracks": True,
        },
        timeout=30,
    )
    assert shared.status_code == 200, shared.text
    racer = stack.add_users("racer")["racer"]
    assert racer.post(f"/api/v1/competitions/{slug}/join/").status_code == 200

    answers = race(stack, "racer", slug)

    assert sum(accepted(answers).values()) == 2
    assert {status for _, status, _ in answers if status != 202} == {429}
    assert sum(stored_per_track(stack, slug).values()) == 2
