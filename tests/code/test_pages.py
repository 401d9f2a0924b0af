"""The pages of code submissions: the upload form of a track that takes code, a submission's runs (the
hidden run's logs for the host only), and the Host tab's form for a track's inputs."""

import io

import pytest
from django.utils import timezone

from competitions.phases import pairs_of
from submissions.models import CodeRun
from submissions.services import create_submission
from tests.code.conftest import MODE_MODEL, SAMPLE_CSV, code_zip
from tests.factories import PASSWORD, TEST_CSV


def logged_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def ran(code_competition, coder):
    """A code submission whose sample run printed its logs and whose hidden run crashed printing a row."""
    submission, _ = create_submission(
        competition=code_competition,
        user=coder,
        file_name="model.zip",
        stream=io.BytesIO(code_zip({"model.py": MODE_MODEL})),
    )
    now = timezone.now()
    for inputs, stdout, failure in (("sample", "SAMPLE-LOG", ""), ("hidden", "HIDDEN-ROW 3,2.0", "crashed")):
        CodeRun.objects.create(
            submission=submission,
            inputs=inputs,
            status="failed" if failure else "succeeded",
            failure=failure,
            exit_code=1 if failure else 0,
            stdout=stdout,
            stderr="Traceback" if failure else "",
            wall_seconds=1.5,
            started_at=now,
            finished_at=now,
        )
    return submission


def test_the_upload_form_of_a_track_that_takes_code_asks_for_a_zip(client, code_competition, coder):
    page = (
        logged_in(client, coder).get(f"/competitions/{code_competition.slug}/submissions/").content.decode()
    )

    assert "Submit code" in page
    assert '<label for="submission-file">Code zip</label>' in page
    assert 'accept=".zip,application/zip"' in page


def test_the_participant_reads_the_sample_logs_and_only_the_category_of_the_hidden_run(client, ran, coder):
    page = logged_in(client, coder).get(f"/competitions/animals/submissions/{ran.pk}/runs/").content.decode()

    assert "SAMPLE-LOG" in page
    assert "HIDDEN-ROW" not in page
    assert "<strong>crashed</strong>" in page
    assert "The logs of the run on the hidden inputs are not shown" in page


def test_the_host_reads_the_hidden_run_logs(client, ran, host):
    page = logged_in(client, host).get(f"/competitions/animals/submissions/{ran.pk}/runs/").content.decode()

    assert "HIDDEN-ROW 3,2.0" in page
    assert "SAMPLE-LOG" in page


def rescore_run(submission, rescore_id: int, *, awaits_switch: bool) -> CodeRun:
    now = timezone.now()
    return CodeRun.objects.create(
        submission=submission,
        inputs="hidden",
        rescore_id=rescore_id,
        awaits_switch=awaits_switch,
        status="succeeded",
        stdout="RESCORE-LOG",
        wall_seconds=7.5,
        started_at=now,
        finished_at=now,
    )


def test_a_rescore_run_waiting_for_its_switch_is_the_hosts_to_see_not_the_participants(
    client, ran, coder, host
):
    rescore_run(ran, 41, awaits_switch=True)

    participant_page = logged_in(client, coder).get(f"/competitions/animals/submissions/{ran.pk}/runs/")
    host_page = logged_in(client, host).get(f"/competitions/animals/submissions/{ran.pk}/runs/")

    participant_text = participant_page.content.decode()
    assert "7.5 s" not in participant_text
    assert "rescore 41" not in participant_text
    assert "<strong>crashed</strong>" in participant_text  # the run their score comes from
    host_text = host_page.content.decode()
    assert 'id="run-rescore-41"' in host_text
    assert "Run of rescore 41 on new hidden inputs or ingestion" in host_text
    assert "its score is not the submission's" in host_text
    assert "RESCORE-LOG" in host_text
    assert "HIDDEN-ROW" in host_text


def test_once_its_rescore_switched_the_participant_sees_the_rescore_run_as_their_hidden_run(
    client, ran, coder, api_for
):
    rescore_run(ran, 41, awaits_switch=False)

    page = logged_in(client, coder).get(f"/competitions/animals/submissions/{ran.pk}/runs/").content.decode()
    runs = api_for(coder).get(f"/api/v1/submissions/{ran.pk}/").json()["code_runs"]

    assert "7.5 s" in page
    assert "<strong>crashed</strong>" not in page
    assert "RESCORE-LOG" not in page
    assert "rescore 41" not in page
    assert [(run["inputs"], run["wall_seconds"]) for run in runs] == [("sample", 1.5), ("hidden", 7.5)]
    assert runs[1].get("rescore") is None


def test_another_participant_cannot_open_the_runs(client, ran, other_participant):
    response = logged_in(client, other_participant).get(f"/competitions/animals/submissions/{ran.pk}/runs/")

    assert response.status_code == 404


def test_the_submissions_table_links_a_code_submission_to_its_runs(client, ran, coder):
    page = logged_in(client, coder).get("/competitions/animals/submissions/").content.decode()

    assert f'href="/competitions/animals/submissions/{ran.pk}/runs/"' in page


def test_the_host_sets_a_track_to_take_code_from_the_host_tab(client, competition, host):
    hidden = io.BytesIO(TEST_CSV.encode())
    hidden.name = "test.csv"
    sample = io.BytesIO(SAMPLE_CSV.encode())
    sample.name = "sample.csv"

    response = logged_in(client, host).post(
        "/competitions/animals/host/phases/1/tracks/main/code/",
        {"accepts": "both", "hidden_inputs": hidden, "sample_inputs": sample},
        follow=True,
    )

    [pair] = pairs_of(type(competition).objects.get(pk=competition.pk))
    assert (pair.accepts, bool(pair.code_inputs_key), bool(pair.sample_inputs_key)) == ("both", True, True)
    assert "Phase 1 / Main track: takes result files or code." in response.content.decode()


def test_the_host_tab_names_the_field_of_a_refusal(client, competition, host):
    hidden = io.BytesIO(b"id,feature,label\n1,0.5,cat\n")
    hidden.name = "test.csv"

    response = logged_in(client, host).post(
        "/competitions/animals/host/phases/1/tracks/main/code/",
        {"accepts": "code", "hidden_inputs": hidden},
        follow=True,
    )

    page = response.content.decode()
    assert "hidden inputs: &#x27;test.csv&#x27; holds the target column(s) label" in page
    [pair] = pairs_of(type(competition).objects.get(pk=competition.pk))
    assert pair.accepts == "files"


def test_a_participant_cannot_post_the_host_form(client, competition, participant):
    response = logged_in(client, participant).post(
        "/competitions/animals/host/phases/1/tracks/main/code/", {"accepts": "code"}
    )

    assert response.status_code == 403


def test_the_host_tab_asks_to_confirm_the_rerun_of_scored_code_and_the_box_confirms_it(
    client, code_competition, coder, host
):
    from submissions.models import Submission

    submission, _ = create_submission(
        competition=code_competition,
        user=coder,
        file_name="model.zip",
        stream=io.BytesIO(code_zip({"model.py": MODE_MODEL})),
    )
    Submission.objects.filter(pk=submission.pk).update(status="scored", public_score=0.25)

    def post(**fields):
        hidden = io.BytesIO(TEST_CSV.replace("\n1,0.5\n", "\n1,0.75\n").encode())
        hidden.name = "test.csv"
        return logged_in(client, host).post(
            "/competitions/animals/host/phases/1/tracks/main/code/",
            {"accepts": "code", "hidden_inputs": hidden, **fields},
            follow=True,
        )

    page = post().content.decode()

    assert "hidden inputs: Phase 1 / Main track has 1 scored code submission(s)" in page
    assert 'name="rerun"' in page
    assert Submission.objects.get(pk=submission.pk).status == "scored"
    confirmed = post(rerun="1").content.decode()
    assert Submission.objects.get(pk=submission.pk).status == "scored"  # until the rescore switches
    assert "runs the 1 scored code submission(s) again on the new inputs" in confirmed
    assert 'id="code-rerun-state" data-status="running"' in confirmed
    assert "0 of 1 submissions run and scored again" in confirmed
    assert "Cancel this rerun" in confirmed
