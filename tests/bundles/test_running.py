"""Imported bundles run and score end to end in the real sandbox (bubblewrap): the import attaches each
task's programs and data, the dry run passes on the bundle's solution, the host publishes, and a
participant's result zip or code zip is scored by the bundle's own scoring program."""

import hashlib
import io

import pytest

from bundles.importing import queue_import, run_import
from bundles.models import BundleImport
from competitions.models import PhaseTrack
from competitions.phases import pairs_of
from competitions.services import publish_competition
from config.errors import DomainError
from scoring import services
from scoring_programs.models import ProgramRun, ScoringProgram
from scoring_programs.services import execute_dry_run, latest_dry_run
from submissions.models import CodeRun, Submission
from submissions.services import create_submission
from tests.bundles.builders import (
    HALF_RIGHT_PREDICTIONS,
    MODEL_PY,
    RIGHT_PREDICTIONS,
    bundle,
    running_code,
    running_result,
    running_tasks,
    running_two_phases,
    several_tasks_two_phases,
    version_1_5,
    zipped,
)
from tests.factories import joined
from tests.services import require_bubblewrap

pytestmark = pytest.mark.django_db


@pytest.fixture
def bubblewrap():
    require_bubblewrap()


def imported(host, spec_and_files):
    """The bundle queued and imported as the worker does it."""
    spec, files = spec_and_files
    queued = queue_import(host=host, upload=io.BytesIO(bundle(spec, files)), file_name="bundle.zip")
    assert run_import(queued.pk) == "imported", BundleImport.objects.get(pk=queued.pk).error
    return BundleImport.objects.select_related("competition", "host").get(pk=queued.pk)


def incompressible(size):
    return b"".join(hashlib.sha256(str(n).encode()).digest() for n in range(size // 32))


def run_dry_runs(imported_bundle):
    """What the sandbox worker does with each queued dry run: the run recorded the solution's key."""
    for program in ScoringProgram.objects.filter(phase_track__competition=imported_bundle.competition):
        run = latest_dry_run(program)
        assert (bool(run.sample_key), run.sample_is_public) == (True, False)
        execute_dry_run(run.pk)


def published(host, spec_and_files):
    imported_bundle = imported(host, spec_and_files)
    run_dry_runs(imported_bundle)
    competition = imported_bundle.competition
    for program in ScoringProgram.objects.filter(phase_track__competition=competition):
        run = latest_dry_run(program)
        assert (run.status, run.failure) == ("succeeded", "")
    publish_competition(competition=competition, user=host)
    return imported_bundle


def submit(competition, user, name, content, track=None):
    joined(competition, user)
    submission, _ = create_submission(
        competition=competition, user=user, file_name=name, stream=io.BytesIO(content), track=track
    )
    return submission


def scored(submission):
    assert services.score_submission(submission.pk) == "scored", Submission.objects.get(
        pk=submission.pk
    ).host_error_detail
    submission.refresh_from_db()
    return submission


@pytest.mark.usefixtures("bubblewrap")
def test_a_result_bundle_scores_a_result_zip_with_its_own_program(host, participant):
    imported_bundle = published(host, running_result())
    competition = imported_bundle.competition
    program = ScoringProgram.objects.get(phase_track__competition=competition)
    assert [
        (c["key"], c["label"], c["higher_is_better"], c["shown"], c["primary"]) for c in program.columns
    ] == [
        ("accuracy", "Accuracy", True, True, True),
        ("duration", "Duration", False, False, False),
    ]
    assert latest_dry_run(program).stdout == "scored 2 rows\n"

    submission = scored(
        submit(competition, participant, "mine.zip", zipped({"predictions.csv": HALF_RIGHT_PREDICTIONS}))
    )

    assert (submission.kind, submission.public_score) == ("file", 0.5)
    assert submission.public_columns == {"Duration": 0.5}


@pytest.mark.usefixtures("bubblewrap")
def test_a_code_bundle_runs_the_participants_code_with_its_ingestion_program(host, participant):
    imported_bundle = published(host, running_code())
    competition = imported_bundle.competition
    [pair] = pairs_of(competition)
    assert pair.accepts == PhaseTrack.Accepts.BOTH
    assert pair.ingestion_program_key
    assert pair.code_inputs_key

    code = scored(submit(competition, participant, "model.zip", zipped({"model.py": MODEL_PY})))
    result = scored(
        submit(competition, participant, "results.zip", zipped({"predictions.csv": RIGHT_PREDICTIONS}))
    )

    assert (code.kind, code.public_score) == ("code", 1.0)
    hidden = CodeRun.objects.get(submission=code, inputs=CodeRun.Inputs.HIDDEN)
    assert hidden.stdout == "ingested 2 rows\n"
    assert (result.kind, result.public_score) == ("file", 1.0)


@pytest.mark.usefixtures("bubblewrap")
def test_a_multi_task_bundle_scores_each_track_with_its_reference_data(host, participant):
    competition = published(host, running_tasks()).competition
    assert (
        ProgramRun.objects.filter(program__phase_track__competition=competition, status="succeeded").count()
        == 2
    )

    first = scored(submit(competition, participant, "a.zip", zipped({"predictions.csv": RIGHT_PREDICTIONS})))
    flipped = scored(
        submit(
            competition, participant, "b.zip", zipped({"predictions.csv": RIGHT_PREDICTIONS}), track="flipped"
        )
    )

    assert (first.public_score, flipped.public_score) == (1.0, 0.5)


@pytest.mark.usefixtures("bubblewrap")
def test_a_two_phase_bundle_reads_scores_txt_in_every_phase(host, participant):
    imported_bundle = published(host, running_two_phases())
    competition = imported_bundle.competition
    programs = ScoringProgram.objects.filter(phase_track__competition=competition).order_by(
        "phase_track__phase__number"
    )
    assert [latest_dry_run(program).scores for program in programs] == [
        {"Accuracy": 1.0, "Duration": 0.5},
        {"Accuracy": 1.0, "Duration": 0.5},
    ]

    submission = scored(
        submit(competition, participant, "mine.zip", zipped({"predictions.csv": HALF_RIGHT_PREDICTIONS}))
    )

    assert (submission.phase_track.phase.name, submission.public_score) == ("Development", 0.5)


def test_the_report_says_what_was_attached_to_each_phase_and_track(host):
    report = imported(host, running_code()).report
    attached = [line["detail"] for line in report if line["status"] == "attached"]
    assert attached[0].startswith("the scoring program is attached, scoring the columns Accuracy, Duration")
    assert "the program's dry run is queued on the task's solution" in attached[1]
    assert "takes code and result zips: code runs with its ingestion program" in attached[2]
    assert not [line for line in report if "once host scoring programs are enabled" in line["detail"]]


def test_a_bundle_without_a_result_solution_says_there_is_nothing_to_dry_run(host):
    imported_bundle = imported(host, version_1_5())
    lines = [line for line in imported_bundle.report if line["status"] == "not attached"]
    assert [line["subject"] for line in lines] == [
        "phase 'Practice' / track 'Main'",
        "phase 'Test' / track 'Main'",
    ]
    assert lines[0]["detail"].startswith("no dry run: the bundle has no solution for this task")
    with pytest.raises(DomainError) as refused:
        publish_competition(competition=imported_bundle.competition, user=host)
    assert refused.value.code == "scoring_program_not_checked"


@pytest.mark.usefixtures("bubblewrap")
def test_a_program_the_bundle_cannot_attach_leaves_publishing_refused(host, settings):
    settings.PODIUM_SANDBOX_INPUT_MB = 1
    spec, files = running_tasks()
    files["flipped.zip"] = zipped({"truth.csv": "id,label\n", "big.bin": incompressible(2**21)})
    imported_bundle = imported(host, (spec, files))
    [line] = [line for line in imported_bundle.report if line["status"] == "not attached"]
    assert line["subject"] == "phase 'Development' / track 'Flipped'"
    assert line["detail"].startswith("reference_data.zip:")
    run_dry_runs(imported_bundle)
    with pytest.raises(DomainError) as refused:
        publish_competition(competition=imported_bundle.competition, user=host)
    assert refused.value.code == "pair_without_scoring"
    assert refused.value.message.startswith("Development / Flipped has no scoring program")


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("model.zip", zipped({"model.py": MODEL_PY}), "code"),
        ("main.zip", zipped({"main.py": "print(1)\n"}), "code"),
        ("meta.zip", zipped({"metadata": "command: python3 run.py\n", "run.py": ""}), "code"),
        ("results.zip", zipped({"predictions.csv": RIGHT_PREDICTIONS}), "file"),
    ],
    # Named by the zip's name: ids made of the zips' bytes carry their timestamps, and two pytest-xdist
    # workers collecting a second apart would disagree on them.
    ids=["model.zip", "main.zip", "meta.zip", "results.zip"],
)
def test_where_a_track_takes_both_the_zips_content_decides(host, participant, name, content, kind):
    competition = imported(host, running_code()).competition
    competition.status = "published"
    competition.save(update_fields=["status"])

    submission = submit(competition, participant, name, content)

    assert submission.kind == kind


def test_a_zip_that_is_not_a_zip_is_refused_as_code_on_a_track_taking_both(host, participant):
    competition = imported(host, running_code()).competition
    competition.status = "published"
    competition.save(update_fields=["status"])
    with pytest.raises(DomainError) as refused:
        submit(competition, participant, "broken.zip", b"plain text")
    assert (refused.value.code, refused.value.message) == ("not_zip", "'broken.zip' is not a zip file.")


def test_a_phase_that_does_not_list_a_task_runs_the_tasks_programs(host):
    imported_bundle = imported(host, several_tasks_two_phases())
    borrowed = [line for line in imported_bundle.report if "does not list this task" in line["detail"]]
    assert [line["subject"] for line in borrowed] == ["phase 'Final' / track 'Labels'"]
    assert borrowed[0]["detail"].endswith("it is scored as in phase 1, by the task's own programs.")
    assert ScoringProgram.objects.filter(phase_track__competition=imported_bundle.competition).count() == 4
