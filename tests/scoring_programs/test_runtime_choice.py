"""A host picks the sandbox runtime of their competition among those the operator offers: its scoring
programs and its participants' code run in it (for real, in bubblewrap)."""

import io

import pytest
from django.urls import reverse

from competitions.models import Competition
from competitions.services import update_competition
from config.errors import DomainError
from scoring_programs.models import ProgramRun, ScoringProgram
from scoring_programs.services import execute_dry_run, latest_dry_run
from tests.conftest import api_client_for
from tests.execution.conftest import offer_bare_runtime
from tests.services import require_bubblewrap

from .conftest import program_zip

PRINTS_ITS_PYTHON = """
import json, sys
print("python of", sys.prefix)
json.dump({"accuracy": 1.0, "errors": 0}, open(sys.argv[2] + "/scores.json", "w"))
"""


@pytest.fixture
def bare_runtime(tmp_path, settings):
    return str(offer_bare_runtime(tmp_path, settings))


def test_a_draft_takes_an_offered_runtime_through_the_api(draft, host, settings):
    settings.PODIUM_SANDBOX_RUNTIMES = ["torch-cpu"]
    api = api_client_for(host)
    url = reverse("api-competition", args=[draft.slug])

    answer = api.patch(url, {"sandbox_runtime": "torch-cpu"}, format="json")

    assert answer.status_code == 200, answer.json()
    assert answer.json()["sandbox_runtime"] == "torch-cpu"
    assert Competition.objects.get(pk=draft.pk).sandbox_runtime == "torch-cpu"


def test_a_runtime_the_server_does_not_offer_is_refused_naming_the_field(draft, host, settings):
    settings.PODIUM_SANDBOX_RUNTIMES = ["torch-cpu"]

    answer = api_client_for(host).patch(
        reverse("api-competition", args=[draft.slug]), {"sandbox_runtime": "gpu"}, format="json"
    )

    assert answer.status_code == 400
    body = answer.json()
    assert (body["code"], body["details"]["field"]) == ("unknown_runtime", "sandbox_runtime")
    assert body["message"] == "'gpu' is not a runtime this server offers; choose one of: default, torch-cpu."
    assert Competition.objects.get(pk=draft.pk).sandbox_runtime == "default"


def test_a_published_competition_keeps_its_runtime(competition, host, settings):
    settings.PODIUM_SANDBOX_RUNTIMES = ["torch-cpu"]

    with pytest.raises(DomainError) as refused:
        update_competition(competition=competition, user=host, changes={"sandbox_runtime": "torch-cpu"})

    assert refused.value.code == "runtime_fixed"
    assert refused.value.details["field"] == "sandbox_runtime"
    assert Competition.objects.get(pk=competition.pk).sandbox_runtime == "default"


def test_the_host_tab_offers_the_runtimes_and_names_the_field_of_a_refusal(
    competition, host, client, settings
):
    settings.PODIUM_SANDBOX_RUNTIMES = ["torch-cpu"]
    client.force_login(host)
    url = reverse("competitions:host", args=[competition.slug])

    page = client.get(url).content.decode()
    answer = client.post(
        url,
        {
            "title": competition.title,
            "end_at": competition.end_at.strftime("%Y-%m-%dT%H:%M"),
            "daily_submission_limit": competition.daily_submission_limit,
            "max_team_size": competition.max_team_size,
            "final_selection_limit": competition.final_selection_limit,
            "visibility": competition.visibility,
            "sandbox_runtime": "torch-cpu",
        },
    )

    assert '<option value="torch-cpu">torch-cpu</option>' in page
    assert answer.status_code == 200
    assert "The runtime can change only while the competition is a draft" in answer.content.decode()
    assert Competition.objects.get(pk=competition.pk).sandbox_runtime == "default"


def test_a_new_runtime_runs_the_drafts_program_and_its_dry_run_in_it(draft, host, pair, bare_runtime):
    require_bubblewrap()
    from scoring_programs.services import set_scoring_program

    program = set_scoring_program(
        competition=draft,
        user=host,
        pair=pair,
        archive_name="program.zip",
        archive=program_zip(PRINTS_ITS_PYTHON),
        columns=[{"key": "accuracy", "primary": True}, {"key": "errors", "direction": "lower"}],
    )
    execute_dry_run(latest_dry_run(program).pk)
    in_default = latest_dry_run(program)

    update_competition(competition=draft, user=host, changes={"sandbox_runtime": "bare"})

    program = ScoringProgram.objects.get(pk=program.pk)
    rerun = latest_dry_run(program)
    assert program.runtime == "bare"
    assert (rerun.pk != in_default.pk, rerun.status) == (True, ProgramRun.Status.QUEUED)
    execute_dry_run(rerun.pk)
    rerun.refresh_from_db()
    assert rerun.status == ProgramRun.Status.SUCCEEDED, rerun.failure
    assert rerun.stdout.startswith(f"python of {bare_runtime}/")
    assert not in_default.stdout.startswith(f"python of {bare_runtime}/")


def test_a_new_runtime_dry_runs_again_on_the_file_the_last_dry_run_ran_on(draft, host, pair, bare_runtime):
    """An imported bundle's program dry-runs on the bundle's solution, a private file the draft has no
    sample submission for: the dry run in the new runtime runs on it again."""
    require_bubblewrap()
    from datasets.storage import private_storage, store
    from scoring_programs.services import set_scoring_program

    solution = store(private_storage(), "bundle-test", "solution.csv", io.BytesIO(b"id,label\n1,a\n"))
    program = set_scoring_program(
        competition=draft,
        user=host,
        pair=pair,
        archive_name="program.zip",
        archive=program_zip(PRINTS_ITS_PYTHON),
        columns=[{"key": "accuracy", "primary": True}, {"key": "errors", "direction": "lower"}],
        dry_run_on=solution.key,
    )
    assert latest_dry_run(program).sample_key == solution.key

    update_competition(competition=draft, user=host, changes={"sandbox_runtime": "bare"})

    rerun = latest_dry_run(ScoringProgram.objects.get(pk=program.pk))
    assert (rerun.sample_key, rerun.sample_is_public) == (solution.key, False)
    execute_dry_run(rerun.pk)
    rerun.refresh_from_db()
    assert rerun.status == ProgramRun.Status.SUCCEEDED, rerun.failure
    assert rerun.stdout.startswith(f"python of {bare_runtime}/")


def test_a_program_packed_executable_runs_as_its_own_command(draft, host, pair):
    """A Codabench program whose metadata runs `$program/score.sh` directly: the bit it was packed with is
    kept in the sandbox's copy."""
    require_bubblewrap()
    from scoring_programs.services import set_scoring_program
    from tests.execution.conftest import repacked

    score_sh = b'#!/bin/sh\necho "run as $0"\necho \'{"accuracy": 1.0, "errors": 0}\' > "$2/scores.json"\n'
    archive = repacked(
        {"metadata.yaml": b"command: $program/score.sh $input $output\n", "score.sh": score_sh},
        executable=frozenset({"score.sh"}),
    )
    program = set_scoring_program(
        competition=draft,
        user=host,
        pair=pair,
        archive_name="program.zip",
        archive=archive,
        columns=[{"key": "accuracy", "primary": True}, {"key": "errors", "direction": "lower"}],
    )
    execute_dry_run(latest_dry_run(program).pk)

    run = latest_dry_run(program)
    assert run.status == ProgramRun.Status.SUCCEEDED, (run.failure, run.stderr)
    assert run.stdout == "run as /app/program/score.sh\n"
