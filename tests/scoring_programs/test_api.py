"""The scoring program API, through the real client: the host sets, reads and deletes a program; bad input
is refused with the same messages as the page; participants read no logs."""

import io
import json

import pytest

from scoring import services
from scoring_programs.models import ProgramRun, ScoringProgram
from scoring_programs.services import execute_dry_run, latest_dry_run
from tests.factories import joined
from tests.services import require_bubblewrap

from .conftest import COLUMNS, program_zip


def put_program(client, competition, archive: bytes, columns=COLUMNS, **fields):
    upload = io.BytesIO(archive)
    upload.name = "scorer.zip"
    body = {"program": upload, "columns": json.dumps(columns), **fields}
    return client.put(f"/api/v1/competitions/{competition.slug}/scoring-program/", body, format="multipart")


@pytest.fixture
def host_api(api_for, host):
    return api_for(host)


def test_the_host_sets_a_program_and_reads_its_dry_run(draft, host_api):
    require_bubblewrap()
    answer = put_program(host_api, draft, program_zip(), phase="1", track="main", wall_seconds="60")

    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["phase"], body["track"], body["archive_name"], body["wall_seconds"]) == (
        1,
        "main",
        "scorer.zip",
        60,
    )
    assert body["command"] == ["python3", "$program/score.py", "$input", "$output"]
    assert [(c["key"], c["label"], c["direction"], c["primary"]) for c in body["columns"]] == [
        ("accuracy", "Accuracy", "higher", True),
        ("errors", "Errors", "lower", False),
    ]
    assert body["dry_run"]["status"] == "queued"

    execute_dry_run(body["dry_run"]["id"])  # what the sandbox worker does with the queued run
    dry_run = host_api.get(f"/api/v1/competitions/{draft.slug}/scoring-program/?phase=1&track=main").json()[
        "dry_run"
    ]
    assert (dry_run["status"], dry_run["stdout"]) == ("succeeded", "scored sample_submission.csv\n")
    assert set(dry_run["scores"]) == {"Accuracy", "Errors"}

    published = host_api.post(f"/api/v1/competitions/{draft.slug}/publish/")
    assert published.status_code == 200, published.content


def test_a_bad_zip_is_refused_naming_the_file_and_the_key(draft, host_api):
    answer = put_program(host_api, draft, program_zip(metadata="description: none\n"))

    assert answer.status_code == 400
    assert answer.json()["code"] == "no_command"
    assert answer.json()["message"].startswith("metadata.yaml, key 'command': the program needs a command")
    assert answer.json()["details"] == {"file": "metadata.yaml", "key": "command"}
    assert not ScoringProgram.objects.exists()


def test_a_limit_over_the_maximum_is_refused_naming_the_field(draft, host_api, settings):
    settings.PODIUM_SANDBOX_WALL_SECONDS = 100

    answer = put_program(host_api, draft, program_zip(), wall_seconds="101")

    assert answer.status_code == 400
    assert (
        answer.json()["message"]
        == "wall_seconds: 101 seconds is over this server's maximum of 100 (PODIUM_SANDBOX_WALL_SECONDS)."
    )
    assert answer.json()["details"]["field"] == "wall_seconds"


def test_bad_columns_are_refused(draft, host_api):
    answer = put_program(host_api, draft, program_zip(), columns=[{"key": "a"}])

    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_program_columns"
    assert "exactly one column must be primary" in answer.json()["message"]


def test_an_unknown_track_is_refused_on_its_field(draft, host_api):
    answer = host_api.get(f"/api/v1/competitions/{draft.slug}/scoring-program/?track=hard")

    assert answer.status_code == 400
    assert answer.json()["details"]["field"] == "track"


def test_a_pair_without_a_program_is_a_404(draft, host_api):
    answer = host_api.get(f"/api/v1/competitions/{draft.slug}/scoring-program/")

    assert answer.status_code == 404
    assert answer.json()["message"] == "Phase 1 / Main track has no scoring program: its metric scores it."


def test_the_host_deletes_the_program(draft, host_api):
    put_program(host_api, draft, program_zip())

    answer = host_api.delete(f"/api/v1/competitions/{draft.slug}/scoring-program/?phase=1")

    assert answer.status_code == 204
    assert not ScoringProgram.objects.exists()
    assert (
        host_api.delete(f"/api/v1/competitions/{draft.slug}/scoring-program/").json()["code"]
        == "no_scoring_program"
    )


def test_only_the_host_reads_a_runs_logs(draft, host, host_api, api_for, participant, with_program):
    require_bubblewrap()
    with_program("print('hidden: cat dog')\nraise SystemExit(1)\n", dry_run=False)
    draft.status = (
        "published"  # published before this program's dry run ran: the participant's run is its first
    )
    draft.save(update_fields=["status"])
    joined(draft, participant)
    participant_api = api_for(participant)
    upload = io.BytesIO(b"id,label\n1,cat\n")
    upload.name = "p.csv"
    submitted = participant_api.post(
        f"/api/v1/competitions/{draft.slug}/submissions/", {"file": upload}, format="multipart"
    )
    assert submitted.status_code == 202, submitted.content
    submission_id = submitted.json()["submission"]["id"]
    assert services.score_submission(submission_id) == "failed"
    run = ProgramRun.objects.get(submission_id=submission_id)

    mine = participant_api.get(f"/api/v1/submissions/{submission_id}/").json()
    hosts = host_api.get(f"/api/v1/submissions/{submission_id}/").json()
    logs = host_api.get(f"/api/v1/competitions/{draft.slug}/scoring-program/runs/{run.pk}/")
    refused = participant_api.get(f"/api/v1/competitions/{draft.slug}/scoring-program/runs/{run.pk}/")

    assert f"reference: run {run.pk}" in mine["error"]["message"]
    assert "cat dog" not in json.dumps(mine)
    assert "host_error_detail" not in mine
    assert hosts["host_error_detail"].startswith(
        f"Scoring program run {run.pk}: The scoring program exited with code 1"
    )
    assert logs.status_code == 200
    assert (logs.json()["stdout"], logs.json()["exit_code"], logs.json()["submission"]) == (
        "hidden: cat dog\n",
        1,
        submission_id,
    )
    assert refused.status_code == 403
    assert latest_dry_run(ScoringProgram.objects.get()).status == "queued"


def test_the_upload_check_takes_any_file_where_a_program_scores(
    draft, host, api_for, participant, with_program
):
    with_program(dry_run=False)
    draft.status = "published"
    draft.save(update_fields=["status"])
    joined(draft, participant)
    head = io.BytesIO(b"PK\x03\x04\x00binary")
    head.name = "result.zip"

    answer = api_for(participant).post(
        f"/api/v1/competitions/{draft.slug}/submissions/check/", {"head": head, "size": 9}, format="multipart"
    )

    assert answer.status_code == 200, answer.content


def test_a_new_program_on_a_scored_pair_starts_a_rescore_and_a_second_waits(draft, scored, host_api):
    from scoring.models import Rescore

    first = put_program(host_api, draft, program_zip(), columns=[{**COLUMNS[0], "precision": 2}, COLUMNS[1]])
    second = put_program(host_api, draft, program_zip())

    assert first.status_code == 200, first.content
    rescore = Rescore.objects.get()
    assert (first.json()["is_current"], first.json()["rescore"]) == (False, rescore.pk)
    assert (rescore.status, rescore.total) == ("running", 1)
    progress = host_api.get(f"/api/v1/competitions/{draft.slug}/rescore/").json()
    assert (progress["id"], progress["program"], progress["done"]) == (rescore.pk, "scorer.zip", 0)
    assert second.status_code == 400
    assert second.json()["code"] == "rescore_running"
    assert second.json()["message"].startswith("A rescore is already running (0 of 1 done)")


COUNTS_ROWS = """
import json, os, sys
[name] = os.listdir(sys.argv[1] + "/res")
rows = open(os.path.join(sys.argv[1], "res", name)).read().splitlines()[1:]
print("rows", len(rows))
json.dump({"rows": len(rows)}, open(sys.argv[2] + "/scores.json", "w"))
"""


def test_a_host_creates_a_program_scored_competition_through_the_api_alone(api_for, host, participant):
    """Create the draft, set its program, read the dry run, publish; a participant's file is scored by it."""
    require_bubblewrap()
    from tests.competitions.test_api import create_payload

    host_api = api_for(host)
    created = host_api.post("/api/v1/competitions/", create_payload(), format="multipart")
    assert created.status_code == 201, created.json()
    slug = created.json()["slug"]
    upload = io.BytesIO(program_zip(COUNTS_ROWS))
    upload.name = "rows.zip"
    columns = [{"key": "rows", "label": "Rows", "direction": "higher", "primary": True}]
    answer = host_api.put(
        f"/api/v1/competitions/{slug}/scoring-program/",
        {"program": upload, "columns": json.dumps(columns)},
        format="multipart",
    )
    assert answer.status_code == 200, answer.json()
    execute_dry_run(answer.json()["dry_run"]["id"])
    dry_run = host_api.get(f"/api/v1/competitions/{slug}/scoring-program/").json()["dry_run"]
    assert (dry_run["status"], dry_run["scores"]) == ("succeeded", {"Rows": 100.0})
    assert host_api.post(f"/api/v1/competitions/{slug}/publish/").status_code == 200

    from competitions.models import Competition

    competition = Competition.objects.get(slug=slug)
    joined(competition, participant)
    submission = io.BytesIO(b"id,y\n1,0\n2,1\n")
    submission.name = "two.csv"
    sent = api_for(participant).post(
        f"/api/v1/competitions/{slug}/submissions/", {"file": submission}, format="multipart"
    )
    assert sent.status_code == 202, sent.json()
    assert services.score_submission(sent.json()["id"]) == "scored"
    assert api_for(participant).get(f"/api/v1/submissions/{sent.json()['id']}/").json()["public_score"] == 2.0
