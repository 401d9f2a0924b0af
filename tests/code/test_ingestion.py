"""Code submissions run for real: the default ingestion in bubblewrap, on the sample then the hidden inputs,
and the predictions scored by the catalogue metric (scoring.services called as a plain function)."""

import io
import textwrap

import pytest

from datasets.storage import private_storage
from scoring import services
from submissions.models import CodeRun, Submission
from submissions.queries import code_runs_for
from submissions.services import create_submission
from tests.code.conftest import MODE_MODEL, code_zip
from tests.execution.conftest import repacked
from tests.services import require_bubblewrap


@pytest.fixture(autouse=True)
def bubblewrap():
    require_bubblewrap()


def submit(competition, user, files: dict[str, str]) -> Submission:
    submission, _ = create_submission(
        competition=competition, user=user, file_name="model.zip", stream=io.BytesIO(code_zip(files))
    )
    return submission


def runs_of(submission):
    return {run.inputs: run for run in CodeRun.objects.filter(submission=submission)}


def test_a_model_class_is_fitted_on_the_training_data_and_its_predictions_scored(code_competition, coder):
    submission = submit(code_competition, coder, {"model.py": MODE_MODEL})

    assert services.score_submission(submission.pk) == "scored"

    submission.refresh_from_db()
    assert submission.public_score == pytest.approx(1 / 4)  # bird everywhere: id 4 of the public four
    assert submission.predictions_key
    runs = runs_of(submission)
    assert runs["sample"].status == runs["hidden"].status == CodeRun.Status.SUCCEEDED
    assert runs["hidden"].wall_seconds > 0


def test_a_predict_function_is_enough(code_competition, coder):
    submission = submit(
        code_competition, coder, {"model.py": "def predict(X):\n    return ['cat'] * len(X)\n"}
    )

    assert services.score_submission(submission.pk) == "scored"

    submission.refresh_from_db()
    assert submission.public_score == pytest.approx(2 / 4)


def test_a_main_py_writes_its_own_predictions(code_competition, coder):
    main = """
    import sys, pandas as pd
    inputs, output = sys.argv[1], sys.argv[2]
    frame = pd.read_csv(inputs + "/inputs.csv")
    pd.DataFrame({"id": frame["id"], "label": "dog"}).to_csv(output + "/predictions.csv", index=False)
    """
    submission = submit(code_competition, coder, {"main.py": main})

    assert services.score_submission(submission.pk) == "scored"

    submission.refresh_from_db()
    assert submission.public_score == pytest.approx(1 / 4)


def test_code_that_prints_the_hidden_inputs_and_crashes_shows_the_participant_only_the_category(
    code_competition, coder, host
):
    leaking = """
    def predict(X):
        if len(X) > 3:  # the hidden inputs, not the sample
            print("LEAK", X.to_csv())
            raise RuntimeError("LEAK in the message too")
        return ["cat"] * len(X)
    """
    submission = submit(code_competition, coder, {"model.py": leaking})

    assert services.score_submission(submission.pk) == "failed"

    submission.refresh_from_db()
    assert submission.error_code == "crashed"
    assert "LEAK" not in submission.error_message
    seen_by_participant = code_runs_for(coder, submission)
    hidden = next(run for run in seen_by_participant if run["inputs"] == "hidden")
    assert hidden["failure"] == "crashed"
    assert set(hidden) == {"inputs", "status", "failure", "wall_seconds", "peak_memory_bytes"}
    assert "LEAK" not in repr(seen_by_participant)
    seen_by_host = code_runs_for(host, submission)
    hidden_for_host = next(run for run in seen_by_host if run["inputs"] == "hidden")
    assert "LEAK" in hidden_for_host["stdout"]
    assert "\n3,2.0\n" in hidden_for_host["stdout"]
    assert "RuntimeError" in hidden_for_host["stderr"]


def test_a_sample_run_failure_shows_the_participant_its_full_logs_and_skips_the_hidden_run(
    code_competition, coder
):
    submission = submit(
        code_competition, coder, {"model.py": "def predict(X):\n    print('hello sample')\n    1 / 0\n"}
    )

    assert services.score_submission(submission.pk) == "failed"

    submission.refresh_from_db()
    assert submission.error_code == "crashed"
    assert "sample inputs" in submission.error_message
    [sample] = code_runs_for(coder, submission)
    assert sample["inputs"] == "sample"
    assert "hello sample" in sample["stdout"]
    assert "ZeroDivisionError" in sample["stderr"]


def test_code_over_the_time_limit_fails_as_a_timeout(code_competition, coder, settings):
    settings.PODIUM_SANDBOX_WALL_SECONDS = 3
    slow = "import time\n\ndef predict(X):\n    time.sleep(60)\n"
    submission = submit(code_competition, coder, {"model.py": slow})

    assert services.score_submission(submission.pk) == "failed"

    submission.refresh_from_db()
    assert submission.error_code == "timeout"
    assert "time limit" in submission.error_message


def test_code_that_writes_no_predictions_fails_as_such(code_competition, coder):
    lazy = """
    import sys, pandas as pd
    frame = pd.read_csv(sys.argv[1] + "/inputs.csv")
    if len(frame) <= 3:  # writes for the sample, not for the hidden inputs
        frame.assign(label="cat")[["id", "label"]].to_csv(sys.argv[2] + "/predictions.csv", index=False)
    print("done")
    """
    submission = submit(code_competition, coder, {"main.py": lazy})

    assert services.score_submission(submission.pk) == "failed"

    submission.refresh_from_db()
    assert submission.error_code == "no_predictions"
    assert "predictions.csv" in submission.error_message


def test_predictions_of_the_wrong_shape_fail_as_bad_predictions(code_competition, coder):
    submission = submit(code_competition, coder, {"model.py": "def predict(X):\n    return ['cat']\n"})

    assert services.score_submission(submission.pk) == "failed"

    submission.refresh_from_db()
    assert submission.error_code == "bad_predictions"


def test_predictions_the_engine_refuses_fail_without_quoting_them_to_the_participant(code_competition, coder):
    # The ids hold a hidden feature: the engine's message about unknown ids would quote them.
    smuggler = """
    import sys, pandas as pd
    frame = pd.read_csv(sys.argv[1] + "/inputs.csv")
    ids = [f"SECRET{value}" for value in frame["feature"]]
    pd.DataFrame({"id": ids, "label": "cat"}).to_csv(sys.argv[2] + "/predictions.csv", index=False)
    """
    submission = submit(code_competition, coder, {"main.py": smuggler})

    assert services.score_submission(submission.pk) == "failed"

    submission.refresh_from_db()
    assert submission.error_code == "bad_predictions"
    assert "SECRET" not in submission.error_message
    assert "SECRET" in submission.host_error_detail


def test_a_rescore_scores_the_stored_predictions_again_without_running_the_code(
    code_competition, coder, host
):
    from scoring import rescoring
    from tests.factories import LABEL_SOLUTION

    submission = submit(code_competition, coder, {"model.py": MODE_MODEL})
    assert services.score_submission(submission.pk) == "scored"
    ran_at = {run.inputs: run.finished_at for run in CodeRun.objects.filter(submission=submission)}
    # id 4 (the one public row the model gets right, bird) becomes cat.
    corrected = LABEL_SOLUTION.replace("4,bird,Public", "4,cat,Public")

    rescore = rescoring.start_rescore(
        competition=code_competition, user=host, solution=io.BytesIO(corrected.encode()), reason="Fixed id 4"
    )
    while rescoring.continue_rescore(rescore.pk) == "continuing":
        pass

    submission.refresh_from_db()
    assert submission.public_score == 0.0
    assert {run.inputs: run.finished_at for run in CodeRun.objects.filter(submission=submission)} == ran_at


def test_a_host_ingestion_program_runs_in_codabench_layout_instead_of_the_default(
    code_competition, coder, host
):
    from competitions.phases import pairs_of
    from submissions.code import set_code_inputs

    # Calls the participant's `solve(rows)` with the input rows and writes the predictions itself.
    program = """
    import csv, os, sys
    sys.path.insert(0, sys.argv[2])
    from solution import solve
    assert os.getcwd() == "/app/program"
    open("/app/shared/note", "w").write("shared is writable")
    rows = list(csv.DictReader(open(os.path.join(sys.argv[1], "inputs.csv"))))
    with open(os.path.join(sys.argv[3], "predictions.csv"), "w") as out:
        out.write("id,label\\n" + "".join(f"{row['id']},{solve(row)}\\n" for row in rows))
    """
    [pair] = pairs_of(code_competition)
    set_code_inputs(
        competition=code_competition,
        user=host,
        pair=pair,
        accepts="code",
        ingestion_program=(
            "ingestion.zip",
            io.BytesIO(
                code_zip(
                    {
                        "metadata.yaml": "command: python3 $program/ingest.py $input $submission_program $output\n",
                        "ingest.py": program,
                    }
                )
            ),
        ),
    )
    submission = submit(
        code_competition, coder, {"main.py": "", "solution.py": "def solve(row):\n    return 'cat'\n"}
    )

    assert services.score_submission(submission.pk) == "scored"

    submission.refresh_from_db()
    assert submission.public_score == pytest.approx(2 / 4)


def test_a_code_submission_carried_into_the_next_phase_runs_again_on_its_inputs(
    competition, host, participant
):
    from datetime import timedelta

    from django.utils import timezone

    from competitions.models import Phase
    from submissions.carry_over import carry_over_started_phases
    from submissions.code import set_code_inputs
    from submissions.services import select_final
    from tests.code.conftest import SAMPLE_CSV
    from tests.factories import TEST_CSV, joined
    from tests.submissions.test_phase_intake import two_phases

    pairs = two_phases(competition, host, carry_over="finals")
    for pair in pairs.values():
        set_code_inputs(
            competition=competition,
            user=host,
            pair=pair,
            accepts="code",
            hidden_inputs=("test.csv", io.BytesIO(TEST_CSV.encode())),
            sample_inputs=("sample.csv", io.BytesIO(SAMPLE_CSV.encode())),
        )
    joined(competition, participant)
    original = submit(competition, participant, {"model.py": MODE_MODEL})
    assert services.score_submission(original.pk) == "scored"
    select_final(submission=Submission.objects.get(pk=original.pk), user=participant, selected=True)
    Phase.objects.filter(pk=pairs["Final"].phase_id).update(start_at=timezone.now() - timedelta(minutes=1))
    Phase.objects.filter(pk=pairs["Development"].phase_id).update(
        end_at=timezone.now() - timedelta(minutes=1)
    )

    assert carry_over_started_phases() == 1

    copy = Submission.objects.get(carried_over_from=original)
    assert (copy.kind, copy.predictions_key) == ("code", "")
    assert services.score_submission(copy.pk) == "scored"
    copy.refresh_from_db()
    original.refresh_from_db()
    assert copy.predictions_key not in ("", original.predictions_key)
    assert set(runs_of(copy)) == {"sample", "hidden"}


def test_a_host_test_submission_of_code_runs_and_is_scored_off_the_boards(code_competition, host):
    from submissions.host_tests import create_host_test

    test = create_host_test(
        competition=code_competition,
        user=host,
        file_name="model.zip",
        stream=io.BytesIO(code_zip({"model.py": MODE_MODEL})),
    )

    assert services.score_submission(test.pk) == "scored"

    test = Submission.with_host_tests.get(pk=test.pk)
    assert (test.kind, test.is_host_test, test.public_score) == ("code", True, pytest.approx(1 / 4))
    assert set(runs_of(test)) == {"sample", "hidden"}


# Predicts the hidden inputs' `hint` column where they have one, bird everywhere otherwise.
HINTED_MODEL = """
def predict(X):
    return list(X["hint"]) if "hint" in X.columns else ["bird"] * len(X)
"""


def hinted_inputs() -> bytes:
    from tests.factories import LABEL_SOLUTION

    rows = [line.split(",") for line in LABEL_SOLUTION.strip().splitlines()[1:]]
    return ("id,feature,hint\n" + "".join(f"{i},{int(i) * 0.5},{label}\n" for i, label, _ in rows)).encode()


def new_hidden_inputs(competition, host, **options):
    from competitions.phases import pairs_of
    from submissions.code import set_code_inputs

    [pair] = pairs_of(competition)
    return set_code_inputs(
        competition=competition,
        user=host,
        pair=pair,
        accepts="code",
        hidden_inputs=("test.csv", io.BytesIO(hinted_inputs())),
        **options,
    )


def test_new_hidden_inputs_on_scored_code_are_refused_unless_the_host_confirms_the_rerun(
    code_competition, coder, host
):
    from submissions.code import CodeRefused

    submission = submit(code_competition, coder, {"model.py": HINTED_MODEL})
    assert services.score_submission(submission.pk) == "scored"
    before = Submission.objects.get(pk=submission.pk)

    with pytest.raises(CodeRefused) as refused:
        new_hidden_inputs(code_competition, host)

    assert refused.value.code == "pair_has_scores"
    assert refused.value.details == {"field": "hidden_inputs"}
    assert "1 scored code submission" in refused.value.message
    after = Submission.objects.get(pk=submission.pk)
    assert (after.status, after.public_score, after.predictions_key) == (
        "scored",
        before.public_score,
        before.predictions_key,
    )
    pair = after.phase_track
    pair.refresh_from_db()
    assert b"hint" not in pair_inputs(pair)


def pair_inputs(pair) -> bytes:
    from datasets.storage import private_storage

    with private_storage().open(pair.code_inputs_key, "rb") as stream:
        return stream.read()


def test_a_confirmed_rerun_runs_the_scored_code_on_the_new_hidden_inputs_and_the_boards_switch_at_the_end(
    code_competition, coder, host
):
    """The whole story end to end; tests/code/test_reruns.py takes each part (failures, cancel, sweeper)."""
    from leaderboards.queries import leaderboard_rows
    from scoring import rescoring

    submission = submit(code_competition, coder, {"model.py": HINTED_MODEL})
    assert services.score_submission(submission.pk) == "scored"
    old = Submission.objects.get(pk=submission.pk)
    assert old.public_score == pytest.approx(1 / 4)  # bird everywhere

    rescore = new_hidden_inputs(code_competition, host, rerun=True).rerun

    waiting = Submission.objects.get(pk=submission.pk)
    assert (waiting.status, waiting.predictions_key, waiting.public_score) == (
        "scored",
        old.predictions_key,
        pytest.approx(1 / 4),
    )
    assert b"hint" not in pair_inputs(waiting.phase_track)
    assert rescoring.continue_rescore(rescore.pk) == "continuing"  # ran and scored again, held aside
    [row] = leaderboard_rows(code_competition, "public")
    assert row.score == pytest.approx(1 / 4)  # the board keeps the old score while it runs

    assert rescoring.continue_rescore(rescore.pk) == "switched"

    rerun = Submission.objects.get(pk=submission.pk)
    assert rerun.public_score == pytest.approx(1.0)  # the hints are the answers
    assert rerun.predictions_key not in ("", old.predictions_key)
    [row] = leaderboard_rows(code_competition, "public")
    assert row.score == pytest.approx(1.0)
    rerun.phase_track.refresh_from_db()
    assert b"hint" in pair_inputs(rerun.phase_track)
    seen_by_participant = next(run for run in code_runs_for(coder, rerun) if run["inputs"] == "hidden")
    assert set(seen_by_participant) == {"inputs", "status", "failure", "wall_seconds", "peak_memory_bytes"}
    assert seen_by_participant["status"] == CodeRun.Status.SUCCEEDED


def test_a_rerun_is_refused_while_a_rescore_runs_and_nothing_changes(code_competition, coder, host):
    from scoring import rescoring
    from submissions.code import CodeRefused
    from tests.factories import LABEL_SOLUTION

    submission = submit(code_competition, coder, {"model.py": HINTED_MODEL})
    assert services.score_submission(submission.pk) == "scored"
    corrected = LABEL_SOLUTION.replace("4,bird,Public", "4,cat,Public")
    rescoring.start_rescore(competition=code_competition, user=host, solution=io.BytesIO(corrected.encode()))

    with pytest.raises(CodeRefused) as refused:
        new_hidden_inputs(code_competition, host, rerun=True)

    assert (refused.value.code, refused.value.details) == ("rescore_running", {"field": "hidden_inputs"})
    assert Submission.objects.get(pk=submission.pk).status == "scored"


def test_new_sample_inputs_alone_leave_the_scored_code_as_it_is(code_competition, coder, host):
    from competitions.phases import pairs_of
    from submissions.code import set_code_inputs
    from tests.code.conftest import SAMPLE_CSV

    submission = submit(code_competition, coder, {"model.py": HINTED_MODEL})
    assert services.score_submission(submission.pk) == "scored"
    [pair] = pairs_of(code_competition)

    set_code_inputs(
        competition=code_competition,
        user=host,
        pair=pair,
        accepts="code",
        sample_inputs=("sample.csv", io.BytesIO(SAMPLE_CSV.encode())),
    )

    assert Submission.objects.get(pk=submission.pk).status == "scored"


def test_a_metadata_command_runs_the_participants_own_program(code_competition, coder):
    run = """
    import os, pandas as pd
    frame = pd.read_csv(os.environ["PODIUM_INPUT_DIR"] + "/inputs.csv")
    out = os.environ["PODIUM_OUTPUT_DIR"] + "/predictions.csv"
    pd.DataFrame({"id": frame["id"], "label": "cat"}).to_csv(out, index=False)
    print("own command ran on", len(frame), "rows")
    """
    submission = submit(code_competition, coder, {"metadata": "command: python3 run.py\n", "run.py": run})

    assert services.score_submission(submission.pk) == "scored"

    submission.refresh_from_db()
    assert submission.public_score == pytest.approx(2 / 4)
    assert runs_of(submission)["sample"].stdout == "own command ran on 3 rows\n"


def test_the_participants_code_never_sees_the_solution(code_competition, coder, host):
    from competitions.phases import pairs_of
    from datasets.storage import private_storage

    [pair] = pairs_of(code_competition)
    solution_key = pair.solution_key or code_competition.solution_key
    solution_path = private_storage().path(solution_key)
    prying = f"""
    import os
    for top in ("/app", "/input", "/output"):
        for folder, _, names in os.walk(top):
            for name in names:
                print("seen", os.path.join(folder, name))
    try:
        print("SOLUTION", open("{solution_path}").read())
    except OSError as error:
        print("solution", type(error).__name__)

    def predict(X):
        return ["cat"] * len(X)
    """
    submission = submit(code_competition, coder, {"model.py": prying})

    assert services.score_submission(submission.pk) == "scored"

    hidden = runs_of(submission)["hidden"].stdout
    seen = sorted(line.split(" ", 1)[1] for line in hidden.splitlines() if line.startswith("seen "))
    assert "/app/input_data/inputs.csv" in seen
    assert "/app/ingested_program/model.py" in seen
    assert not [path for path in seen if "solution" in path or path.startswith("/app/input/")]
    assert "solution FileNotFoundError" in hidden
    assert "SOLUTION" not in hidden


def test_code_that_fails_counts_against_the_quota(code_competition, coder):
    from submissions.quota import team_quota

    submission = submit(code_competition, coder, {"model.py": "def predict(X):\n    1 / 0\n"})

    assert services.score_submission(submission.pk) == "failed"

    submission.refresh_from_db()
    assert (submission.error_code, submission.counts_against_quota) == ("crashed", True)
    assert team_quota(submission.team).used == 1


def test_without_bubblewrap_a_code_submission_gives_its_slot_back_and_tells_the_host(
    code_competition, coder, monkeypatch, tmp_path
):
    from submissions.quota import team_quota

    submission = submit(code_competition, coder, {"model.py": MODE_MODEL})
    monkeypatch.setenv("PATH", str(tmp_path))

    assert services.score_submission(submission.pk) == "failed"

    submission.refresh_from_db()
    assert (submission.error_code, submission.counts_against_quota) == ("sandbox_error", False)
    assert submission.error_message.startswith("Podium could not run your code; the host has been told.")
    assert submission.host_error_detail.startswith(
        "Sample run: Podium could not run the code: Podium cannot run code here: install bubblewrap"
    )
    assert team_quota(submission.team).used == 0


def test_participants_code_runs_in_the_competitions_runtime(code_competition, coder, tmp_path, settings):
    from competitions.models import Competition
    from tests.execution.conftest import offer_bare_runtime

    offer_bare_runtime(tmp_path, settings)
    Competition.objects.filter(pk=code_competition.pk).update(sandbox_runtime="bare")
    submission = submit(code_competition, coder, {"model.py": MODE_MODEL})

    assert services.score_submission(submission.pk) == "failed"

    sample = CodeRun.objects.get(submission=submission, inputs=CodeRun.Inputs.SAMPLE)
    # Podium's default ingestion needs pandas, which the bare runtime lacks: the run shows where it ran.
    assert "No module named" in sample.stderr
    assert sample.failure == CodeRun.Failure.CRASHED


# A host ingestion program that calls the participant's `solve(row)` on each input row.
SOLVING_INGESTION = {
    "metadata.yaml": b"command: python3 $program/ingest.py $input $submission_program $output\n",
    "ingest.py": textwrap.dedent(
        """
        import csv, os, sys
        sys.path.insert(0, sys.argv[2])
        from solution import solve
        rows = list(csv.DictReader(open(os.path.join(sys.argv[1], "inputs.csv"))))
        with open(os.path.join(sys.argv[3], "predictions.csv"), "w") as out:
            out.write("id,label\\n" + "".join(f"{row['id']},{solve(row)}\\n" for row in rows))
        """
    ).encode(),
}


def upload_ingestion(competition, host, archive: bytes):
    from competitions.phases import pairs_of
    from submissions.code import set_code_inputs

    [pair] = pairs_of(competition)
    return set_code_inputs(
        competition=competition,
        user=host,
        pair=pair,
        accepts="code",
        ingestion_program=("ingestion.zip", io.BytesIO(archive)),
    ).pair


@pytest.fixture
def scored_with_ingestion(code_competition, coder, host):
    """The pair runs the host's ingestion program and a participant's code is scored by it."""
    upload_ingestion(code_competition, host, repacked(SOLVING_INGESTION))
    submission = submit(
        code_competition, coder, {"main.py": "", "solution.py": "def solve(row):\n    return 'cat'\n"}
    )
    assert services.score_submission(submission.pk) == "scored"
    submission.refresh_from_db()
    return submission


def test_the_same_ingestion_program_packed_again_changes_nothing_on_scored_code(
    code_competition, host, scored_with_ingestion
):
    again = repacked(SOLVING_INGESTION, date_time=(2031, 1, 2, 3, 4, 6), reverse=True, with_folders=True)

    pair = upload_ingestion(code_competition, host, again)  # no rerun asked, none needed

    with private_storage().open(pair.ingestion_program_key, "rb") as stored:
        assert stored.read() == again
    after = Submission.objects.get(pk=scored_with_ingestion.pk)
    assert (after.status, after.public_score) == ("scored", pytest.approx(2 / 4))


@pytest.mark.parametrize(
    ("files", "executable"),
    [
        (
            {**SOLVING_INGESTION, "ingest.py": SOLVING_INGESTION["ingest.py"].replace(b"rows", b"lines")},
            frozenset(),
        ),
        (SOLVING_INGESTION, frozenset({"ingest.py"})),
    ],
    ids=["changed bytes", "executable bit"],
)
def test_an_ingestion_program_whose_files_changed_needs_the_rerun_confirmed(
    code_competition, host, scored_with_ingestion, files, executable
):
    from submissions.code import CodeRefused

    with pytest.raises(CodeRefused) as refused:
        upload_ingestion(code_competition, host, repacked(files, executable=executable))

    assert refused.value.code == "pair_has_scores"
    assert refused.value.details == {"field": "ingestion_program"}
    assert "new ingestion program would leave their scores from the old ones" in refused.value.message
