"""Submissions scored by a host's program in the real sandbox (bubblewrap), through the scoring service."""

import io
import textwrap

import pytest

from competitions.services import publish_competition
from execution.archives import pack_zip
from leaderboards.queries import leaderboard_rows
from scoring import services
from scoring_programs.models import ProgramRun
from scoring_programs.services import latest_dry_run
from submissions.services import create_submission
from tests.factories import joined, predictions
from tests.services import require_bubblewrap

pytestmark = pytest.mark.usefixtures("bubblewrap")


@pytest.fixture
def bubblewrap():
    require_bubblewrap()


@pytest.fixture
def running(draft, host, with_program):
    """The draft with the matching program, its dry run passed, published."""
    with_program()
    publish_competition(competition=draft, user=host)
    return draft


def submit(competition, user, text, name="p.csv"):
    joined(competition, user)
    submission, _ = create_submission(
        competition=competition, user=user, file_name=name, stream=io.BytesIO(text.encode())
    )
    return submission


def test_a_submission_is_scored_by_the_program_into_its_columns(running, participant):
    submission = submit(
        running, participant, predictions({2: "dog", 4: "bird", 5: "dog", 7: "bird", 8: "dog", 10: "dog"})
    )

    assert services.score_submission(submission.pk) == "scored"

    submission.refresh_from_db()
    assert (submission.public_score, submission.private_score) == (1.0, 1.0)
    assert submission.public_columns == submission.private_columns == {"Errors": 0.0}
    run = ProgramRun.objects.get(submission=submission)
    assert (run.status, run.exit_code, run.stdout) == ("succeeded", 0, "scored p.csv\n")
    [row] = leaderboard_rows(running, "public")
    assert (row.team_name, row.score) == (participant.username, 1.0)


def test_the_dry_run_scores_the_sample_submission(draft, with_program):
    program = with_program()

    run = latest_dry_run(program)
    assert run.status == "succeeded", run.failure
    assert set(run.scores) == {"Accuracy", "Errors"}
    assert run.stdout == "scored sample_submission.csv\n"


CRASHING = textwrap.dedent(
    """
    import sys
    print("the hidden labels are cat dog cat bird")
    sys.exit(3)
    """
)


def test_a_crash_shows_the_participant_a_generic_reason_and_the_host_the_logs(
    running, with_program, participant
):
    with_program(CRASHING, dry_run=False)  # the host replaces the program before anyone is scored
    submission = submit(running, participant, predictions())

    assert services.score_submission(submission.pk) == "failed"

    submission.refresh_from_db()
    run = ProgramRun.objects.get(submission=submission)
    assert submission.error_message == (
        f"The host's scoring program could not score this submission (reference: run {run.pk}). The host can see "
        "why; ask them if you think your file is right."
    )
    assert (
        f"Scoring program run {run.pk}: The scoring program exited with code 3"
        in submission.host_error_detail
    )
    assert (run.exit_code, run.stdout) == (3, "the hidden labels are cat dog cat bird\n")


@pytest.mark.parametrize(
    ("written", "detail"),
    [
        ('{"accuracy": 0.5}', "scores.json has no key 'errors' (column Errors); it has accuracy."),
        (
            '{"accuracy": NaN, "errors": 1}',
            "scores.json's 'accuracy' (column Accuracy) is NaN, not a finite number.",
        ),
        (
            '{"accuracy": "0.5", "errors": 1}',
            "scores.json's 'accuracy' (column Accuracy) is \"0.5\", not a finite number.",
        ),
        ("[1, 2]", "scores.json must be a JSON object of column keys to numbers."),
    ],
)
def test_bad_scores_fail_the_submission_with_a_message_to_the_host(
    running, with_program, participant, written, detail
):
    source = f"import sys\nopen(sys.argv[1] + '/scores.json', 'w').write({written!r})\n"
    with_program(source.replace("sys.argv[1]", "'/app/output'"), dry_run=False)
    submission = submit(running, participant, predictions())

    assert services.score_submission(submission.pk) == "failed"

    submission.refresh_from_db()
    assert submission.error_code == "program_failed"
    assert detail in submission.host_error_detail
    assert "scores.json" not in submission.error_message


def test_a_program_past_its_wall_clock_is_stopped(running, with_program, participant):
    with_program("import time\ntime.sleep(60)\n", dry_run=False, limits={"wall_seconds": 2})
    submission = submit(running, participant, predictions())

    assert services.score_submission(submission.pk) == "failed"

    submission.refresh_from_db()
    run = ProgramRun.objects.get(submission=submission)
    assert run.killed_by == "wall_clock"
    assert "it ran past its wall-clock limit of 2 s and was stopped" in submission.host_error_detail


def test_a_program_past_the_hosts_memory_limit_fails_saying_so(running, with_program, participant):
    hoarding = "hoard = []\nwhile True:\n    hoard.append(b'x' * (32 * 1024 * 1024))\n"
    with_program(hoarding, dry_run=False, limits={"memory_mb": 256})
    submission = submit(running, participant, predictions())

    assert services.score_submission(submission.pk) == "failed"

    submission.refresh_from_db()
    run = ProgramRun.objects.get(submission=submission)
    assert run.killed_by == "memory"
    assert "it ran out of its 256 MB of memory" in submission.host_error_detail
    assert "memory" not in submission.error_message


def test_a_result_zip_is_unpacked_into_input_res(running, with_program, participant):
    listing = "import json, os\njson.dump({'accuracy': len(os.listdir('/app/input/res')), 'errors': 0}, open('/app/output/scores.json', 'w'))\n"
    with_program(listing, dry_run=False)
    joined(running, participant)
    archive = pack_zip({"a.csv": b"1", "b.csv": b"2", "c.txt": b"3"})
    submission, _ = create_submission(
        competition=running, user=participant, file_name="result.zip", stream=io.BytesIO(archive)
    )

    assert services.score_submission(submission.pk) == "scored"

    submission.refresh_from_db()
    assert submission.public_score == 3.0


def test_without_bubblewrap_a_submission_fails_as_podiums_fault_and_gives_its_slot_back(
    running, participant, monkeypatch, tmp_path
):
    from submissions.quota import team_quota

    submission = submit(running, participant, predictions({2: "dog"}))
    monkeypatch.setenv("PATH", str(tmp_path))

    assert services.score_submission(submission.pk) == "failed"

    submission.refresh_from_db()
    assert (submission.error_code, submission.counts_against_quota) == ("internal_error", False)
    assert "install bubblewrap on the sandbox worker" in submission.host_error_detail
    assert "bubblewrap" not in submission.error_message
    assert team_quota(submission.team).used == 0
