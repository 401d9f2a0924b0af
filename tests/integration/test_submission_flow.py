"""Real uploads scored by a real `celery worker` process, over HTTP, on both ways to run."""

import io
import re
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pytest
from sklearn.metrics import accuracy_score

from tests.stack import wait_for

pytestmark = pytest.mark.integration


def join_and_read_test_ids(client, slug: str) -> list[str]:
    assert client.post(f"/api/v1/competitions/{slug}/join/").status_code == 200
    response = client.get(f"/api/v1/competitions/{slug}/files/test.csv")
    assert response.status_code == 200
    return pd.read_csv(io.StringIO(response.text), dtype={"id": str})["id"].tolist()


def digit_guesses(ids: list[str]) -> str:
    return "id,target\n" + "".join(f"{i},{int(i) % 10}\n" for i in ids)


def expected_public_accuracy(stack, guesses: str) -> float:
    solution = pd.read_csv(stack.solution_path("digits"), dtype=str)
    public = solution[solution["Usage"] == "Public"]
    predicted = pd.read_csv(io.StringIO(guesses), dtype=str).set_index("id").loc[public["id"], "target"]
    return accuracy_score(public["target"], predicted)


def test_an_upload_is_scored_by_the_worker_and_reaches_the_leaderboard(stack):
    stack.start_worker()
    client = stack.client("demo")
    guesses = digit_guesses(join_and_read_test_ids(client, "digits"))

    response = client.submit("digits", guesses, description="modulo baseline")
    assert response.status_code == 202, response.text
    submission = client.wait_until_finished(response.json()["id"])

    assert submission["status"] == "scored", submission
    assert submission["public_score"] == pytest.approx(expected_public_accuracy(stack, guesses), abs=1e-12)
    assert "private_score" not in submission
    board = client.get("/api/v1/competitions/digits/leaderboard/").json()
    assert [(row["rank"], row["team"], row["entries"]) for row in board["results"]] == [(1, "demo", 1)]
    assert board["results"][0]["score"] == submission["public_score"]


def test_a_bad_file_fails_with_the_reason_and_costs_nothing(stack):
    stack.start_worker()
    client = stack.client("demo")
    ids = join_and_read_test_ids(client, "digits")

    response = client.submit("digits", "id,target\n" + "".join(f"{i},7\n" for i in ids[:-3]))
    submission = client.wait_until_finished(response.json()["id"])

    assert submission["status"] == "failed"
    assert submission["error"]["code"] == "missing_ids"
    message = submission["error"]["message"]
    assert "is missing 3 test ids: " in message, message
    assert all(f"'{missing}'" in message for missing in ids[-3:]), message
    assert client.get("/api/v1/competitions/digits/quota/").json()["used"] == 0


def test_the_same_submission_delivered_three_times_is_scored_once(stack):
    client = stack.client("demo")
    guesses = digit_guesses(join_and_read_test_ids(client, "digits"))
    submission_id = client.submit("digits", guesses).json()["id"]  # queued; no worker yet
    stack.send_score_task(submission_id)
    stack.send_score_task(submission_id)

    stack.start_worker(concurrency=2)
    client.wait_until_finished(submission_id)
    wait_for(
        lambda: stack.log("worker").count("skipping duplicate delivery") == 2,
        30,
        "the two duplicate deliveries to be skipped",
    )

    board = client.get("/api/v1/competitions/digits/leaderboard/").json()
    assert board["results"][0]["entries"] == 1
    assert len(re.findall(rf"Submission {submission_id} is not free to score", stack.log("worker"))) == 2


def test_a_submission_whose_worker_died_mid_scoring_is_taken_over_and_scored(stack):
    """A worker took the submission and died (its lease ran out with no result): the sweeper sends it again
    and a live worker takes it over; the crash cost a delay, not the submission."""
    client = stack.client("demo")
    guesses = digit_guesses(join_and_read_test_ids(client, "digits"))
    submission_id = client.submit("digits", guesses).json()["id"]
    stack.manage(
        "shell",
        "-c",
        "from django.utils import timezone; from submissions.models import Submission; "
        f"Submission.objects.filter(pk={submission_id}).update(status='scoring', lease_holder='dead-worker', "
        "lease_expires_at=timezone.now(), scoring_attempts=1)",
    )
    swept = stack.manage(
        "shell", "-c", "from scoring.services import sweep_stuck_submissions as s; print(s())"
    )

    stack.start_worker()
    submission = client.wait_until_finished(submission_id)

    assert "'abandoned': 1" in swept
    assert submission["status"] == "scored", submission
    assert submission["public_score"] == pytest.approx(expected_public_accuracy(stack, guesses), abs=1e-12)
    board = client.get("/api/v1/competitions/digits/leaderboard/").json()
    assert [(row["team"], row["entries"]) for row in board["results"]] == [("demo", 1)]


def test_a_host_publishes_through_the_api_and_a_participant_is_scored(stack):
    stack.start_worker()
    solution = "id,y\n" + "".join(f"{i},{i * 1.5}\n" for i in range(1, 41))
    stack.client("demo-host").create_competition(
        "Lines", solution, metric="mae", public_fraction="0.5", data_files={"test.csv": b"id\n1\n"}
    )
    participant = stack.client("demo")
    assert participant.post("/api/v1/competitions/lines/join/").status_code == 200
    sample = participant.get("/api/v1/competitions/lines/files/sample_submission.csv").text
    predictions = "id,y\n" + "".join(f"{i},{i * 1.5 + 1}\n" for i in range(1, 41))

    submission_id = participant.submit("lines", predictions).json()["id"]
    submission = participant.wait_until_finished(submission_id)

    assert sample.splitlines()[0] == "id,y"
    assert len(sample.splitlines()) == 41
    assert submission["public_score"] == pytest.approx(1.0)


def test_parallel_uploads_never_exceed_the_daily_limit(postgres_stack):
    solution = "id,y\n" + "".join(f"{i},{i % 2}\n" for i in range(1, 21))
    postgres_stack.client("demo-host").create_competition(
        "Race", solution, metric="accuracy", daily_submission_limit="5"
    )
    participant = postgres_stack.client("demo")
    participant.post("/api/v1/competitions/race/join/")
    predictions = "id,y\n" + "".join(f"{i},1\n" for i in range(1, 21))

    with ThreadPoolExecutor(max_workers=16) as pool:
        responses = list(pool.map(lambda _: participant.submit("race", predictions), range(16)))

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [202] * 5 + [429] * 11
    refused = next(r for r in responses if r.status_code == 429).json()
    assert refused["message"].startswith("Your team has used all 5 submissions for today.")
    assert participant.get("/api/v1/competitions/race/quota/").json()["used"] == 5
    assert participant.get("/api/v1/competitions/race/submissions/").json()["count"] == 5


def test_parallel_uploads_never_exceed_the_total_limit(postgres_stack):
    solution = "id,y\n" + "".join(f"{i},{i % 2}\n" for i in range(1, 21))
    postgres_stack.client("demo-host").create_competition(
        "Race total", solution, metric="accuracy", daily_submission_limit="20", total_submission_limit="3"
    )
    participant = postgres_stack.client("demo")
    participant.post("/api/v1/competitions/race-total/join/")
    predictions = "id,y\n" + "".join(f"{i},1\n" for i in range(1, 21))

    with ThreadPoolExecutor(max_workers=12) as pool:
        responses = list(pool.map(lambda _: participant.submit("race-total", predictions), range(12)))

    assert sorted(r.status_code for r in responses) == [202] * 3 + [429] * 9
    refused = {r.json()["code"] for r in responses if r.status_code == 429}
    assert refused == {"total_quota_exceeded"}
    assert participant.get("/api/v1/competitions/race-total/quota/").json()["total_remaining"] == 0


def test_a_hosts_test_submission_is_scored_by_the_worker_and_stays_off_the_boards(stack):
    stack.start_worker()
    participant, host = stack.client("demo"), stack.client("demo-host")
    ids = join_and_read_test_ids(participant, "digits")
    guesses = digit_guesses(ids)
    solution = pd.read_csv(stack.solution_path("digits"), dtype=str)
    perfect = "id,target\n" + "".join(f"{row.id},{row.target}\n" for row in solution.itertuples())
    mine = participant.wait_until_finished(participant.submit("digits", guesses).json()["id"])

    answer = host.post(
        "/api/v1/competitions/digits/host/test-submissions/",
        files={"file": ("perfect.csv", perfect.encode(), "text/csv")},
    )
    assert answer.status_code == 202, answer.text

    def finished():
        [test] = host.get("/api/v1/competitions/digits/host/test-submissions/").json()["results"]
        return test if test["status"] in {"scored", "failed"} else None

    test = wait_for(finished, 60, "the host's test submission to be scored", interval=0.2)
    assert (test["id"], test["status"]) == (answer.json()["id"], "scored")
    assert (test["public_score"], test["private_score"]) == (1.0, 1.0)
    board = participant.get("/api/v1/competitions/digits/leaderboard/").json()
    assert [(row["team"], row["score"]) for row in board["results"]] == [("demo", mine["public_score"])]
    assert participant.get("/api/v1/competitions/digits/host/test-submissions/").status_code == 403
