"""The Host tab's scoring program page: upload, columns, limits, the dry run and the logs; the same refusals
as the API; nothing of it for participants."""

import io

import pytest

from competitions.co_hosts import add_co_host
from competitions.models import Competition
from scoring_programs.models import ScoringProgram
from scoring_programs.services import execute_dry_run, latest_dry_run
from tests.competitions.test_create_steps import create_fields
from tests.factories import UserFactory, joined
from tests.services import require_bubblewrap

from .conftest import program_zip


def page(competition) -> str:
    return f"/competitions/{competition.slug}/host/scoring-program/"


def form(archive: bytes, **fields) -> dict:
    upload = io.BytesIO(archive)
    upload.name = "scorer.zip"
    data = {
        "program": upload,
        "primary": "1",
        "key_1": "accuracy",
        "label_1": "Accuracy",
        "direction_1": "higher",
    }
    data.update(
        {"precision_1": "4", "shown_1": "on", "key_2": "errors", "direction_2": "lower", "precision_2": "0"}
    )
    data.update({f"direction_{row}": "higher" for row in range(3, 7)})
    data.update({f"precision_{row}": "4" for row in range(3, 7)})
    data.update(fields)
    return data


@pytest.fixture
def host_client(client, host):
    client.force_login(host)
    return client


def test_the_host_uploads_a_program_and_sees_its_dry_run_scores_and_logs(draft, host_client):
    require_bubblewrap()
    answer = host_client.post(page(draft), form(program_zip(), phase="1", track="main"))

    assert answer.status_code == 302
    program = ScoringProgram.objects.get()
    assert [(c["key"], c["label"], c["higher_is_better"]) for c in program.columns] == [
        ("accuracy", "Accuracy", True),
        ("errors", "errors", False),
    ]
    pending = host_client.get(answer["Location"]).content.decode()
    assert 'data-pending="1"' in pending

    execute_dry_run(latest_dry_run(program).pk)
    done = host_client.get(answer["Location"]).content.decode()
    assert 'id="dry-run-status">Succeeded<' in done
    assert "scored sample_submission.csv" in done
    assert "Accuracy (primary)" in done


def test_a_bad_zip_is_refused_with_the_apis_message(draft, host_client):
    answer = host_client.post(page(draft), form(program_zip(metadata="command: [python3\n")))

    assert answer.status_code == 400
    assert "metadata.yaml: the YAML does not parse at line 2, column 1" in answer.content.decode()
    assert not ScoringProgram.objects.exists()


def test_a_limit_over_the_maximum_is_refused_naming_the_field(draft, host_client, settings):
    settings.PODIUM_SANDBOX_CPU_SECONDS = 50

    answer = host_client.post(page(draft), form(program_zip(), cpu_seconds="51"))

    assert answer.status_code == 400
    assert (
        "cpu_seconds: 51 CPU seconds is over this server&#x27;s maximum of 50 (PODIUM_SANDBOX_CPU_SECONDS)."
        in answer.content.decode()
    )


def test_a_participant_cannot_open_the_page(draft, host, client, participant, with_program):
    with_program(dry_run=False)
    draft.status = "published"
    draft.save(update_fields=["status"])
    client.force_login(participant)

    assert client.get(page(draft)).status_code == 403
    run = latest_dry_run(ScoringProgram.objects.get())
    assert client.get(f"{page(draft)}runs/{run.pk}/").status_code == 403


def test_the_submissions_page_asks_for_any_file_where_a_program_scores(
    draft, client, participant, with_program
):
    with_program(dry_run=False)
    draft.status = "published"
    draft.save(update_fields=["status"])
    joined(draft, participant)
    client.force_login(participant)

    page_text = client.get(f"/competitions/{draft.slug}/submissions/").content.decode()

    assert '<label for="submission-file">Submission file</label>' in page_text
    assert 'accept=".csv' not in page_text


def test_a_reviewer_reads_the_page_but_cannot_post_to_it(draft, host, client, with_program):
    reviewer = UserFactory(username="reviewer")
    add_co_host(competition=draft, actor=host, username=reviewer.username, role="reviewer")
    with_program(dry_run=False)
    client.force_login(reviewer)

    assert client.get(page(draft)).status_code == 200
    assert client.post(page(draft), form(program_zip())).status_code == 403


def test_the_creation_wizard_leads_a_host_who_scores_with_a_program_to_its_page(client, host):
    client.force_login(host)

    created = client.post("/competitions/new/", create_fields(scored_by_program="on"))

    assert created.status_code == 302
    slug = Competition.objects.get().slug
    assert created["Location"] == f"/competitions/{slug}/host/scoring-program/"
    assert "Upload your scoring program next." in client.get(created["Location"]).content.decode()


def test_without_bubblewrap_the_dry_run_tells_the_host_what_the_operator_must_do(
    draft, host_client, monkeypatch, tmp_path
):
    answer = host_client.post(page(draft), form(program_zip(), phase="1", track="main"))
    monkeypatch.setenv("PATH", str(tmp_path))

    execute_dry_run(latest_dry_run(ScoringProgram.objects.get()).pk)

    run = latest_dry_run(ScoringProgram.objects.get())
    assert run.status == "failed"
    assert run.failure.startswith("Podium cannot run code here: install bubblewrap on the sandbox worker")
    shown = host_client.get(answer["Location"]).content.decode()
    assert "Podium cannot run code here: install bubblewrap on the sandbox worker" in shown
