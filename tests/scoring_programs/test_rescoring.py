"""A host's new scoring program on a pair with scored submissions: a rescore runs it in the real sandbox
(bubblewrap) on every scored submission, and the boards switch when all are done, or keep the old scores
when the new program fails."""

import io
import textwrap
import zipfile

import pytest
from django.urls import reverse

from leaderboards.queries import leaderboard_rows
from scoring import rescoring, services
from scoring.models import Rescore
from scoring_programs.errors import ProgramRefused
from scoring_programs.models import ProgramRun, ScoringProgram
from scoring_programs.queries import program_run_for
from submissions.services import create_submission
from tests.execution.conftest import repacked
from tests.factories import joined, predictions
from tests.scoring_programs.conftest import COLUMNS, MATCHING, program_zip

# The matching program turned around: the share of wrong labels ranks lower first.
WRONG_SHARE = MATCHING.replace(
    '{"accuracy": right / len(truth), "errors": len(truth) - right}',
    '{"wrong": 1 - right / len(truth), "errors": len(truth) - right}',
)
WRONG_COLUMNS = [
    {"key": "wrong", "label": "Wrong share", "direction": "lower", "primary": True},
    {"key": "errors", "label": "Errors", "direction": "lower", "precision": 0},
]
CRASHING = "import sys\nprint('hidden labels: cat dog')\nsys.exit(3)\n"
# Passes the dry run on the sample submission, fails on any participant's file.
ONLY_THE_SAMPLE = textwrap.dedent(
    """
    import json, os, sys
    [name] = os.listdir(sys.argv[1] + "/res")
    if name != "sample_submission.csv":
        sys.exit("cannot read " + name)
    json.dump({"accuracy": 0.5, "errors": 5}, open(sys.argv[2] + "/scores.json", "w"))
    """
)


def run_to_the_end(rescore: Rescore) -> list[str]:
    outcomes = []
    while not outcomes or outcomes[-1] == "continuing":
        outcomes.append(rescoring.continue_rescore(rescore.pk))
    return outcomes


def test_a_new_program_rescores_the_pair_and_the_board_switches_when_all_are_done(
    draft, pair, host, with_program, scored
):
    old = ScoringProgram.objects.get(phase_track=pair)
    new = with_program(WRONG_SHARE, columns=WRONG_COLUMNS, dry_run=False)
    rescore = Rescore.objects.get(program=new)
    assert (rescore.phase_track, rescore.total, new.phase_track) == (pair, 1, None)

    assert rescoring.continue_rescore(rescore.pk) == "continuing"  # dry run, then the one file
    [row] = leaderboard_rows(draft, "public")
    assert row.score == 1.0  # the board keeps the old program's score until the switch

    assert run_to_the_end(rescore) == ["switched"]
    scored.refresh_from_db()
    assert (scored.status, scored.public_score, scored.public_columns) == ("scored", 0.0, {"Errors": 0.0})
    [row] = leaderboard_rows(draft, "public")
    assert row.score == 0.0
    pair.refresh_from_db()
    assert (pair.program_fingerprint, pair.program_higher_is_better) == (new.fingerprint, False)
    assert ScoringProgram.objects.get(phase_track=pair) == new
    old_run = ProgramRun.objects.filter(program=old, purpose="scoring").get()
    assert program_run_for(host, draft, old_run.pk) == old_run  # the replaced program's logs stay


def test_a_new_program_that_fails_its_dry_run_fails_the_rescore_and_the_old_scores_stand(
    draft, pair, host, with_program, scored
):
    old = ScoringProgram.objects.get(phase_track=pair)
    new = with_program(CRASHING, dry_run=False)
    rescore = Rescore.objects.get(program=new)

    assert rescoring.continue_rescore(rescore.pk) == "failed"

    rescore.refresh_from_db()
    dry_run = ProgramRun.objects.get(program=new, purpose="dry_run")
    assert rescore.status == "failed"
    assert rescore.error.startswith(
        f"The new program's dry run on the sample submission failed (run {dry_run.pk}): The scoring program "
        "exited with code 3"
    )
    assert rescore.error.endswith("The current program and its scores stand.")
    scored.refresh_from_db()
    assert (scored.status, scored.public_score) == ("scored", 1.0)
    assert ScoringProgram.objects.get(phase_track=pair) == old
    [row] = leaderboard_rows(draft, "public")
    assert row.score == 1.0


def test_a_new_program_that_fails_every_submission_is_not_brought_in(draft, pair, host, with_program, scored):
    new = with_program(ONLY_THE_SAMPLE, dry_run=False)
    rescore = Rescore.objects.get(program=new)

    assert run_to_the_end(rescore) == ["continuing", "failed"]

    rescore.refresh_from_db()
    assert rescore.error.startswith("The new program failed on every submission, so it was not brought in.")
    scored.refresh_from_db()
    assert (scored.status, scored.public_score) == ("scored", 1.0)
    pair.refresh_from_db()
    assert pair.program_fingerprint != new.fingerprint


def test_a_second_program_waits_for_the_running_rescore(draft, with_program, scored):
    with_program(WRONG_SHARE, columns=WRONG_COLUMNS, dry_run=False)

    with pytest.raises(ProgramRefused) as refused:
        with_program(dry_run=False)

    assert refused.value.code == "rescore_running"
    assert refused.value.message.startswith("A rescore is already running (0 of 1 done)")


METADATA = b"command: python3 $program/score.py $input $output\n"


def set_program(draft, pair, host, archive: bytes):
    from scoring_programs.services import set_scoring_program

    return set_scoring_program(
        competition=draft, user=host, pair=pair, archive_name="program.zip", archive=archive, columns=COLUMNS
    )


def test_the_same_program_packed_again_is_refused_as_changing_nothing(draft, pair, host, scored):
    # Other stamps, the other member order, stored instead of deflated, folder entries: the same files.
    again = repacked(
        {"score.py": MATCHING.encode(), "metadata.yaml": METADATA},
        date_time=(2031, 7, 4, 10, 20, 30),
        reverse=True,
        compression=zipfile.ZIP_STORED,
    )
    assert again != program_zip()

    with pytest.raises(ProgramRefused) as refused:
        set_program(draft, pair, host, again)

    assert refused.value.code == "nothing_to_rescore"
    assert refused.value.message.startswith("Nothing would change: this is the program, reference data")
    assert not Rescore.objects.exists()


@pytest.mark.parametrize(
    ("files", "executable"),
    [
        ({"score.py": MATCHING.replace("scored", "scorex").encode(), "metadata.yaml": METADATA}, frozenset()),
        ({"score.py": MATCHING.encode(), "metadata.yaml": METADATA}, frozenset({"score.py"})),
    ],
    ids=["one changed byte", "executable bit"],
)
def test_a_program_whose_files_changed_starts_a_rescore(draft, pair, host, scored, files, executable):
    new = set_program(draft, pair, host, repacked(files, executable=executable))

    rescore = Rescore.objects.get(program=new)
    assert (rescore.phase_track, rescore.total) == (pair, 1)
    pair.refresh_from_db()
    assert pair.program_fingerprint != new.fingerprint  # the boards switch once the rescore is done


def test_the_fingerprint_follows_the_reference_data_content_not_its_zip():
    from scoring_programs.services import program_fingerprint

    reference = {"ref/extra.csv": b"id,weight\n1,2\n"}

    def fingerprint(reference_zip: bytes) -> str:
        return program_fingerprint(
            archive=program_zip(), reference=reference_zip, command=["python3"], columns=COLUMNS, limits={}
        )

    packed_again = repacked(reference, date_time=(2030, 1, 1, 0, 0, 0), with_folders=True)
    assert fingerprint(repacked(reference)) == fingerprint(packed_again)
    assert fingerprint(repacked(reference)) != fingerprint(repacked({"ref/extra.csv": b"id,weight\n1,3\n"}))


def test_a_metric_scored_pair_with_scores_cannot_take_a_program(host, participant):
    from competitions.phases import pairs_of
    from scoring_programs.services import set_scoring_program
    from tests.factories import make_competition
    from tests.scoring_programs.conftest import program_zip

    competition = make_competition(host=host)
    joined(competition, participant)
    submission, _ = create_submission(
        competition=competition,
        user=participant,
        file_name="p.csv",
        stream=io.BytesIO(predictions().encode()),
    )
    assert services.score_submission(submission.pk) == "scored"

    with pytest.raises(ProgramRefused) as refused:
        set_scoring_program(
            competition=competition,
            user=host,
            pair=pairs_of(competition)[0],
            archive_name="program.zip",
            archive=program_zip(),
            columns=COLUMNS,
        )

    assert refused.value.code == "pair_has_scores"


def test_the_host_page_shows_why_a_program_rescore_failed(draft, pair, host, with_program, scored, client):
    new = with_program(CRASHING, dry_run=False)
    rescore = Rescore.objects.get(program=new)
    rescoring.continue_rescore(rescore.pk)
    client.force_login(host)

    page = client.get(reverse("scoring_programs:host", args=[draft.slug])).content.decode()

    dry_run = ProgramRun.objects.get(program=new, purpose="dry_run")
    assert 'data-status="failed"' in page
    assert f"run {dry_run.pk}</a> (Failed)" in page
    assert "The current program and its scores stand." in page


def test_a_code_submission_keeps_its_predictions_and_is_scored_by_the_new_program(
    competition, host, participant
):
    from competitions.phases import pairs_of
    from scoring_programs.services import execute_dry_run, latest_dry_run, set_scoring_program
    from submissions.code import set_code_inputs
    from submissions.models import CodeRun
    from tests.code.conftest import MODE_MODEL, SAMPLE_CSV, code_zip
    from tests.factories import TEST_CSV
    from tests.scoring_programs.conftest import program_zip
    from tests.services import require_bubblewrap

    require_bubblewrap()
    [pair] = pairs_of(competition)
    set_code_inputs(
        competition=competition,
        user=host,
        pair=pair,
        accepts="code",
        hidden_inputs=("test.csv", io.BytesIO(TEST_CSV.encode())),
        sample_inputs=("sample.csv", io.BytesIO(SAMPLE_CSV.encode())),
    )
    program = set_scoring_program(
        competition=competition,
        user=host,
        pair=pair,
        archive_name="program.zip",
        archive=program_zip(),
        columns=COLUMNS,
    )
    execute_dry_run(latest_dry_run(program).pk)
    joined(competition, participant)
    submission, _ = create_submission(
        competition=competition,
        user=participant,
        file_name="code.zip",
        stream=io.BytesIO(code_zip({"model.py": MODE_MODEL})),
    )
    assert services.score_submission(submission.pk) == "scored"
    ran_at = {run.inputs: run.finished_at for run in CodeRun.objects.filter(submission=submission)}
    submission.refresh_from_db()
    accuracy = submission.public_score

    new = set_scoring_program(
        competition=competition,
        user=host,
        pair=pair,
        archive_name="wrong-share.zip",
        archive=program_zip(WRONG_SHARE),
        columns=WRONG_COLUMNS,
    )
    assert run_to_the_end(Rescore.objects.get(program=new)) == ["continuing", "switched"]

    submission.refresh_from_db()
    assert submission.public_score == pytest.approx(1 - accuracy)
    assert {run.inputs: run.finished_at for run in CodeRun.objects.filter(submission=submission)} == ran_at
    assert ProgramRun.objects.get(program=new, submission=submission).stdout == "scored predictions.csv\n"
