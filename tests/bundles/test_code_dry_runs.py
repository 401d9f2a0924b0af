"""Imported bundles whose tasks have no result solution dry-run their scoring program on code, in the real
sandbox: a version 2 task's code solution is attached as the pair's sample code, and a version 1.5 bundle
(no solutions at all) takes the host's sample code once its track takes code; either way the dry run
passes and the host can publish."""

import io

import pytest

from competitions.phases import pairs_of
from competitions.services import publish_competition
from config.errors import DomainError
from scoring import services
from scoring_programs.models import SampleCode, ScoringProgram
from scoring_programs.sample_code import set_sample_code
from scoring_programs.services import latest_dry_run
from submissions.code import set_code_inputs
from submissions.models import CodeRun
from tests.bundles.builders import (
    INGEST_PY,
    INPUT,
    MODEL_PY,
    running_code_only,
    running_version_1_5,
    zipped,
)
from tests.bundles.test_running import imported, scored, submit
from tests.services import require_bubblewrap

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def bubblewrap():
    require_bubblewrap()


def run_code_dry_run(program):
    """What the scoring queue does with the sample code's test submission."""
    run = latest_dry_run(program)
    services.score_submission(run.submission_id)
    run.refresh_from_db()
    return run


def test_a_code_only_task_dry_runs_its_program_on_its_code_solution_and_publishes(host, participant):
    imported_bundle = imported(host, running_code_only())
    competition = imported_bundle.competition
    [pair] = pairs_of(competition)
    details = [line["detail"] for line in imported_bundle.report if line["status"] == "attached"]
    assert "the program's dry run is queued on the task's code solution" in details[-1]
    assert SampleCode.objects.get(pair=pair).file_name.endswith(".zip")
    program = ScoringProgram.objects.get(phase_track=pair)
    assert program.runs.count() == 1  # no dry run on nothing before the code inputs were in

    run = run_code_dry_run(program)

    assert (run.status, run.failure, run.scores) == ("succeeded", "", {"Accuracy": 1.0, "Duration": 0.5})
    hidden = CodeRun.objects.get(submission_id=run.submission_id, inputs=CodeRun.Inputs.HIDDEN)
    assert hidden.stdout == "ingested 2 rows\n"
    publish_competition(competition=competition, user=host)
    code = scored(submit(competition, participant, "model.zip", zipped({"model.py": MODEL_PY})))
    assert (code.kind, code.public_score) == ("code", 1.0)


def test_a_version_1_5_bundle_publishes_once_the_hosts_sample_code_dry_runs(host):
    imported_bundle = imported(host, running_version_1_5())
    competition = imported_bundle.competition
    with pytest.raises(DomainError) as refused:
        publish_competition(competition=competition, user=host)
    assert refused.value.code == "scoring_program_not_checked"

    for pair in pairs_of(competition):
        set_code_inputs(
            competition=competition,
            user=host,
            pair=pair,
            accepts="code",
            hidden_inputs=("input_data.zip", io.BytesIO(INPUT)),
            ingestion_program=(
                "ingestion.zip",
                io.BytesIO(
                    zipped({"metadata.yaml": "command: python3 $program/ingest.py\n", "ingest.py": INGEST_PY})
                ),
            ),
        )
        set_sample_code(
            competition=competition,
            user=host,
            pair=pair,
            file_name="model.zip",
            stream=io.BytesIO(zipped({"model.py": MODEL_PY})),
        )
        run = run_code_dry_run(ScoringProgram.objects.get(phase_track=pair))
        assert (run.status, run.failure, run.scores) == ("succeeded", "", {"RMSE": 0.0, "R2": 1.0})
        assert run.stdout == "compared 2 rows\n"

    publish_competition(competition=competition, user=host)
    competition.refresh_from_db()
    assert competition.status == "published"
