"""A program's dry run on a pair that takes code: the host's sample code runs through the pair's ingestion on
the hidden inputs (a host test submission of kind code, in the real sandbox), the program scores its
predictions, the host reads both runs' logs, and publishing waits for it. Dry runs record their input, and
the host can run one again."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from competitions.errors import CompetitionError
from competitions.models import SAMPLE_SUBMISSION_NAME
from competitions.services import publish_competition
from config.errors import DomainError
from scoring import services
from scoring_programs.models import ProgramRun, SampleCode
from scoring_programs.sample_code import set_sample_code
from scoring_programs.services import execute_dry_run, latest_dry_run, rerun_dry_run
from submissions.code import set_code_inputs
from submissions.models import CodeRun, Submission
from tests.code.conftest import SAMPLE_CSV, code_zip
from tests.factories import TEST_CSV
from tests.services import require_bubblewrap

pytestmark = pytest.mark.django_db

# Predicts cat everywhere: four of LABEL_SOLUTION's ten labels are cat.
CAT_MODEL = "def predict(X):\n    print('predicting', len(X), 'rows')\n    return ['cat'] * len(X)\n"
CRASHING_MODEL = "def predict(X):\n    raise RuntimeError('the host broke it')\n"


@pytest.fixture
def bubblewrap():
    require_bubblewrap()


@pytest.fixture
def code_pair(draft, host, pair):
    """The draft's pair takes code only, with hidden and sample inputs, and no sample_submission.csv: a
    Codabench task whose only solution is code."""
    set_code_inputs(
        competition=draft,
        user=host,
        pair=pair,
        accepts="code",
        hidden_inputs=("test.csv", io.BytesIO(TEST_CSV.encode())),
        sample_inputs=("sample.csv", io.BytesIO(SAMPLE_CSV.encode())),
    )
    draft.data_version.files.filter(name=SAMPLE_SUBMISSION_NAME).delete()
    return pair


def upload_sample(draft, host, pair, source=CAT_MODEL, name="model.zip"):
    return set_sample_code(
        competition=draft,
        user=host,
        pair=pair,
        file_name=name,
        stream=io.BytesIO(code_zip({"model.py": source})),
    )


def run_code_dry_run(program):
    """What the scoring queue does with the sample code's test submission (start_dry_run queued it)."""
    run = latest_dry_run(program)
    assert run.submission_id is not None
    services.score_submission(run.submission_id)
    run.refresh_from_db()
    return run


@pytest.mark.usefixtures("bubblewrap")
def test_the_sample_code_runs_through_ingestion_and_the_program_scores_its_predictions(
    draft, host, code_pair, with_program
):
    program = with_program(dry_run=False)
    failed_first = latest_dry_run(program)
    execute_dry_run(failed_first.pk)
    failed_first.refresh_from_db()
    assert failed_first.status == "failed"
    assert "has no sample code: upload a sample code submission" in failed_first.failure

    upload_sample(draft, host, code_pair)
    run = run_code_dry_run(program)

    assert (run.status, run.failure, run.purpose) == ("succeeded", "", "dry_run")
    assert run.scores == {"Accuracy": 0.4, "Errors": 6.0}
    assert run.stdout == "scored predictions.csv\n"
    test = Submission.with_host_tests.get(pk=run.submission_id)
    assert (test.is_host_test, test.kind, test.status, test.team_id) == (True, "code", "scored", None)
    runs = {code_run.inputs: code_run for code_run in CodeRun.objects.filter(submission=test)}
    assert runs["sample"].stdout == "predicting 3 rows\n"
    assert runs["hidden"].stdout == "predicting 10 rows\n"
    assert not ProgramRun.objects.filter(purpose="scoring").exists()
    publish_competition(competition=draft, user=host)
    draft.refresh_from_db()
    assert draft.status == "published"


@pytest.mark.usefixtures("bubblewrap")
def test_sample_code_that_crashes_fails_the_dry_run_with_its_logs_and_publishing_waits(
    draft, host, code_pair, with_program
):
    program = with_program(dry_run=False)
    upload_sample(draft, host, code_pair, source=CRASHING_MODEL)

    run = run_code_dry_run(program)

    assert run.status == "failed"
    assert run.failure == (
        "The sample code model.zip failed before the program ran (crashed): Sample run: crashed. The code's runs "
        "and their logs are shown with the dry run."
    )
    sample_run = CodeRun.objects.get(submission_id=run.submission_id, inputs="sample")
    assert "RuntimeError: the host broke it" in sample_run.stderr
    with pytest.raises(CompetitionError) as refused:
        publish_competition(competition=draft, user=host)
    assert refused.value.code == "scoring_program_not_checked"
    assert "its dry run on the sample code failed" in refused.value.message


def test_without_sample_code_publishing_names_it_on_a_code_pair(draft, host, code_pair, with_program):
    with_program(dry_run=False)
    with pytest.raises(CompetitionError) as refused:
        publish_competition(competition=draft, user=host)
    assert refused.value.message.endswith(
        "This track takes code: its dry run can run a sample code submission you upload there instead."
    )


def test_a_dry_run_records_its_input_so_it_runs_without_the_task_message(draft, host, pair, with_program):
    require_bubblewrap()
    program = with_program(dry_run=False)
    run = latest_dry_run(program)
    assert (run.sample_is_public, run.sample_key.endswith(SAMPLE_SUBMISSION_NAME)) == (True, True)

    execute_dry_run(run.pk)  # no key: read from the run

    run.refresh_from_db()
    assert (run.status, run.scores["Accuracy"]) == ("succeeded", 0.2)


@pytest.mark.parametrize(
    ("name", "content", "code", "message"),
    [
        ("model.zip", b"plain text", "not_zip", "Sample code: 'model.zip' is not a zip file."),
        (
            "code.zip",
            code_zip({"notes.txt": "hello"}),
            "no_entry_point",
            "Sample code: 'code.zip' has no model.py, main.py or metadata file at its top level.",
        ),
        ("empty.zip", b"", "empty_file", "Sample code: 'empty.zip' is empty."),
    ],
    ids=["not_zip", "no_entry_point", "empty_file"],
)
def test_sample_code_that_cannot_run_is_refused_by_name(draft, host, code_pair, name, content, code, message):
    with pytest.raises(DomainError) as refused:
        set_sample_code(
            competition=draft, user=host, pair=code_pair, file_name=name, stream=io.BytesIO(content)
        )
    assert (refused.value.code, refused.value.details["field"]) == (code, "sample_code")
    assert refused.value.message.startswith(message)
    assert not SampleCode.objects.exists()


def test_sample_code_on_a_pair_that_takes_files_only_is_refused(draft, host, pair):
    with pytest.raises(DomainError) as refused:
        upload_sample(draft, host, pair)
    assert (refused.value.code, refused.value.details) == ("pair_takes_files_only", {"field": "sample_code"})
    assert "Phase 1 / Main track takes prediction files only" in refused.value.message


def test_sample_code_before_the_hidden_inputs_is_refused(draft, host, pair):
    pair.accepts = "code"  # as a pair that was told to take code before its inputs were uploaded
    with pytest.raises(DomainError) as refused:
        upload_sample(draft, host, pair)
    assert (refused.value.code, refused.value.details) == ("hidden_inputs_missing", {"field": "sample_code"})


def test_a_participant_cannot_set_sample_code(draft, code_pair, participant):
    with pytest.raises(DomainError) as refused:
        upload_sample(draft, participant, code_pair)
    assert refused.value.code == "not_host"


def test_running_the_dry_run_again_queues_a_new_run_and_refuses_while_one_waits(
    draft, host, pair, with_program
):
    require_bubblewrap()
    program = with_program()
    first = latest_dry_run(program)

    second = rerun_dry_run(competition=draft, user=host, pair=pair)

    assert (second.pk != first.pk, second.status, latest_dry_run(program).pk) == (True, "queued", second.pk)
    assert (second.sample_key, second.sample_is_public) == (first.sample_key, True)
    with pytest.raises(DomainError) as refused:
        rerun_dry_run(competition=draft, user=host, pair=pair)
    assert (refused.value.code, refused.value.details) == (
        "dry_run_running",
        {"field": "program", "run": second.pk},
    )
    execute_dry_run(second.pk)
    assert rerun_dry_run(competition=draft, user=host, pair=pair).status == "queued"


def test_a_lost_dry_run_no_longer_holds_up_running_it_again(draft, host, pair, with_program, settings):
    program = with_program(dry_run=False)
    lost = latest_dry_run(program)
    ProgramRun.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(hours=2))
    settings.PODIUM_SANDBOX_WALL_SECONDS = 60

    again = rerun_dry_run(competition=draft, user=host, pair=pair)

    assert (again.pk != lost.pk, latest_dry_run(program).pk) == (True, again.pk)


def test_running_the_dry_run_again_keeps_an_imported_solution(draft, host, pair, with_program):
    program = with_program(dry_run=False)
    ProgramRun.objects.filter(program=program).update(
        sample_key="bundles/x/solution.zip", sample_is_public=False, status="failed"
    )
    again = rerun_dry_run(competition=draft, user=host, pair=pair)
    assert (again.sample_key, again.sample_is_public) == ("bundles/x/solution.zip", False)


def test_running_the_dry_run_again_needs_a_program_and_a_host(draft, host, pair, participant):
    with pytest.raises(DomainError) as refused:
        rerun_dry_run(competition=draft, user=host, pair=pair)
    assert (refused.value.code, refused.value.details) == ("no_scoring_program", {"field": "program"})
    with pytest.raises(DomainError) as refused:
        rerun_dry_run(competition=draft, user=participant, pair=pair)
    assert refused.value.code == "not_host"


@pytest.mark.usefixtures("bubblewrap")
def test_the_api_takes_sample_code_and_runs_the_dry_run_again(api_for, draft, host, code_pair, with_program):
    program = with_program(dry_run=False)
    api = api_for(host)
    url = reverse("api-scoring-program-sample-code", args=[draft.slug])
    upload = io.BytesIO(code_zip({"model.py": CAT_MODEL}))
    upload.name = "model.zip"

    answer = api.put(url, {"sample_code": upload, "phase": "1"}, format="multipart")

    assert answer.status_code == 200, answer.json()
    assert (answer.json()["file_name"], answer.json()["phase"]) == ("model.zip", 1)
    run_code_dry_run(program)
    shown = api.get(reverse("api-scoring-program", args=[draft.slug])).json()["dry_run"]
    assert (shown["status"], shown["sample"], shown["scores"]) == (
        "succeeded",
        "code",
        {"Accuracy": 0.4, "Errors": 6.0},
    )
    assert [(run["inputs"], run["stdout"]) for run in shown["code_runs"]] == [
        ("sample", "predicting 3 rows\n"),
        ("hidden", "predicting 10 rows\n"),
    ]

    again = api.post(reverse("api-scoring-program-dry-run", args=[draft.slug]), {"phase": "1"}, format="json")
    assert again.status_code == 202, again.json()
    assert (again.json()["status"], again.json()["sample"]) == ("queued", "code")
    refused = api.post(reverse("api-scoring-program-dry-run", args=[draft.slug]), {}, format="json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "dry_run_running"


def test_the_api_names_the_field_of_bad_sample_code(api_for, draft, host, pair):
    api = api_for(host)
    upload = io.BytesIO(code_zip({"model.py": CAT_MODEL}))
    upload.name = "model.zip"
    answer = api.put(
        reverse("api-scoring-program-sample-code", args=[draft.slug]),
        {"sample_code": upload},
        format="multipart",
    )
    assert answer.status_code == 400
    body = answer.json()
    assert (body["code"], body["details"]["field"]) == ("pair_takes_files_only", "sample_code")
    missing = api.put(
        reverse("api-scoring-program-sample-code", args=[draft.slug]), {"phase": "1"}, format="multipart"
    )
    assert missing.status_code == 400
    assert missing.json()["details"]["fields"] == {"sample_code": ["No file was submitted."]}


@pytest.mark.usefixtures("bubblewrap")
def test_the_host_page_shows_both_runs_logs_and_runs_the_dry_run_again(
    client, draft, host, code_pair, with_program
):
    program = with_program(dry_run=False)
    client.force_login(host)
    url = reverse("scoring_programs:host", args=[draft.slug])
    upload = io.BytesIO(code_zip({"model.py": CAT_MODEL}))
    upload.name = "model.zip"

    answer = client.post(
        url, {"action": "sample_code", "phase": "1", "track": code_pair.track.slug, "sample_code": upload}
    )

    assert answer.status_code == 302
    run = run_code_dry_run(program)
    page = client.get(url).content.decode()
    assert 'id="dry-run-code-hidden-stdout">predicting 10 rows' in page
    assert 'id="sample-code-name">model.zip<' in page
    assert f'id="run-{run.pk}-stdout">scored predictions.csv' in page
    again = client.post(url, {"action": "dry_run", "phase": "1", "track": code_pair.track.slug})
    assert again.status_code == 302
    assert latest_dry_run(program).status == "queued"
    page = client.get(url).content.decode()
    assert 'id="run-dry-run-again" disabled' in page
    refused = client.post(url, {"action": "dry_run", "phase": "1", "track": code_pair.track.slug})
    assert refused.status_code == 400
    assert "wait for it to finish before running it again" in refused.content.decode()


def test_the_host_page_names_a_missing_sample_code_file(client, draft, host, code_pair, with_program):
    with_program(dry_run=False)
    client.force_login(host)
    url = reverse("scoring_programs:host", args=[draft.slug])
    answer = client.post(url, {"action": "sample_code", "phase": "1", "track": code_pair.track.slug})
    assert answer.status_code == 400
    assert "Sample code: choose a code zip to upload." in answer.content.decode()
