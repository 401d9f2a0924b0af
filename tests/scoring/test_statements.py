"""How much database work one submission costs, pinned: a worker scoring it and the upload that sent it.

Counted without the savepoints the test's own transaction turns each service's transaction into (in
production those are a BEGIN and a COMMIT, which Django does not log)."""

import io
import json
import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from leaderboards.models import LeaderboardEntry
from scoring import services
from tests.factories import joined, predictions

# claim; read; competition shared; team locked; scores; entry upserted; after the commit, whether the
# submitter chose to be mailed the result (off by default: one read, which finds nothing)
WORKER_STATEMENTS = 7
# token; competition; its phases and tracks (where the file goes); team; rules; team locked; membership;
# quota; team number; insert
UPLOAD_STATEMENTS = 10


def statements(captured: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in captured.captured_queries if "SAVEPOINT" not in query["sql"]]


def upload_through_api(client, competition, text: str) -> int:
    upload = io.BytesIO(text.encode())
    upload.name = "predictions.csv"
    response = client.post(
        f"/api/v1/competitions/{competition.slug}/submissions/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 202, response.content
    return response.json()["id"]


@pytest.fixture
def alice_api(competition, participant, api_for):
    joined(competition, participant)
    return api_for(participant)


def test_scoring_a_submission_takes_seven_statements_and_updates_the_entry(competition, alice_api):
    first = upload_through_api(alice_api, competition, predictions())
    second = upload_through_api(alice_api, competition, predictions({2: "dog"}))
    services.score_and_settle(first)  # parses the solution into the worker's cache

    with CaptureQueriesContext(connection) as captured:
        assert services.score_and_settle(second) == "scored"

    assert len(statements(captured)) == WORKER_STATEMENTS, "\n".join(statements(captured))
    entry = LeaderboardEntry.objects.get(split="public")
    assert (entry.entries, entry.best_submission_id, entry.score) == (2, second, 0.75)


def test_an_upload_takes_ten_statements(competition, alice_api):
    upload_through_api(alice_api, competition, predictions())  # the token's first use is written

    with CaptureQueriesContext(connection) as captured:
        upload_through_api(alice_api, competition, predictions())

    found = statements(captured)
    assert len(found) == UPLOAD_STATEMENTS, "\n".join(found)
    assert sum('FROM "competitions_competition"' in sql for sql in found) == 1


def test_the_worker_logs_one_timing_line_per_scored_submission(competition, alice_api, caplog):
    submission = upload_through_api(alice_api, competition, predictions())

    with caplog.at_level(logging.INFO, logger="scoring.timings"):
        services.score_and_settle(submission)

    [line] = [record.getMessage() for record in caplog.records if record.name == "scoring.timings"]
    assert line.startswith("timings {")
    timings = json.loads(line.removeprefix("timings "))
    assert list(timings) == [
        "submission",
        "queue_ms",
        "solution_ms",
        "read_ms",
        "parse_ms",
        "align_ms",
        "metric_ms",
        "database_ms",
        "total_ms",
    ]
    assert timings["submission"] == submission
    assert all(isinstance(value, int) and value >= 0 for value in timings.values())
    assert timings["total_ms"] >= timings["metric_ms"]


def test_a_failed_submission_logs_no_timing_line(competition, alice_api, caplog):
    submission = upload_through_api(alice_api, competition, "id,label\n1,cat\n")

    with caplog.at_level(logging.INFO, logger="scoring.timings"):
        assert services.score_and_settle(submission) == "failed"

    assert not [record for record in caplog.records if record.name == "scoring.timings"]
