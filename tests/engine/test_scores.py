"""Scores do not depend on row order, spacing, quoting, or how the files arrive (agreement with scikit-learn
is in test_metric_agreement.py)."""

import io

import numpy as np
import pandas as pd

from scoring.engine import Scores, ScoringSpec, load_solution, score


def frame_csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode("utf-8")


def test_row_order_never_changes_the_score():
    rng = np.random.default_rng(1)
    ids = [f"o{i}" for i in range(200)]
    solution_frame = pd.DataFrame({"id": ids, "y": rng.normal(size=200)})
    solution = load_solution(io.BytesIO(frame_csv(solution_frame)), ScoringSpec("rmse", "id", ("y",)))
    submission = pd.DataFrame({"id": ids, "y": rng.normal(size=200)})

    in_order = score(solution, io.BytesIO(frame_csv(submission)))
    shuffled = score(solution, io.BytesIO(frame_csv(submission.sample(frac=1, random_state=2))))
    reversed_rows = score(solution, io.BytesIO(frame_csv(submission.iloc[::-1])))

    assert in_order == shuffled == reversed_rows


def test_spaces_around_ids_and_labels_are_ignored():
    solution = load_solution(
        io.BytesIO(b"id,y,Usage\na,cat,Public\nb,dog,Private\n"), ScoringSpec("accuracy", "id", ("y",))
    )
    assert score(solution, io.BytesIO(b"id,y\n a , cat \nb,dog\n")) == Scores(public=1.0, private=1.0)


def test_crlf_line_endings_and_quoted_values_are_read():
    solution = load_solution(
        io.BytesIO(b"id,y,Usage\na,1,Public\nb,2,Private\n"), ScoringSpec("mae", "id", ("y",))
    )
    assert score(solution, io.BytesIO(b'id,y\r\n"a","1.5"\r\nb,2\r\n')) == Scores(public=0.5, private=0.0)


def test_integer_predictions_count_as_numbers():
    solution = load_solution(
        io.BytesIO(b"id,y,Usage\na,1.5,Public\nb,2,Private\n"), ScoringSpec("mae", "id", ("y",))
    )
    assert score(solution, io.BytesIO(b"id,y\na,1\nb,2\n")) == Scores(public=0.5, private=0.0)


SOLUTION = b"id,y,Usage\na,0,Public\nb,1,Public\nc,0,Private\nd,1,Private\n"
SUBMISSION = b"id,y\nd,0.9\nc,0.2\nb,0.6\na,0.4\n"
SPEC = ScoringSpec("roc_auc", "id", ("y",))


def test_paths_as_strings_work(tmp_path):
    (tmp_path / "solution.csv").write_bytes(SOLUTION)
    (tmp_path / "submission.csv").write_bytes(SUBMISSION)
    solution = load_solution(str(tmp_path / "solution.csv"), SPEC)
    assert score(solution, str(tmp_path / "submission.csv")) == Scores(public=1.0, private=1.0)


def test_pathlib_paths_work(tmp_path):
    (tmp_path / "solution.csv").write_bytes(SOLUTION)
    (tmp_path / "submission.csv").write_bytes(SUBMISSION)
    solution = load_solution(tmp_path / "solution.csv", SPEC)
    assert score(solution, tmp_path / "submission.csv") == Scores(public=1.0, private=1.0)


def test_open_binary_files_work(tmp_path):
    (tmp_path / "solution.csv").write_bytes(SOLUTION)
    (tmp_path / "submission.csv").write_bytes(SUBMISSION)
    with (
        open(tmp_path / "solution.csv", "rb") as solution_file,
        open(tmp_path / "submission.csv", "rb") as file,
    ):
        assert score(load_solution(solution_file, SPEC), file) == Scores(public=1.0, private=1.0)


def test_in_memory_files_work():
    solution = load_solution(io.BytesIO(SOLUTION), SPEC)
    assert score(solution, io.BytesIO(SUBMISSION)) == Scores(public=1.0, private=1.0)


def test_one_solution_scores_many_submissions():
    solution = load_solution(io.BytesIO(SOLUTION), SPEC)
    first = score(solution, io.BytesIO(SUBMISSION))
    worse = score(solution, io.BytesIO(b"id,y\na,0.9\nb,0.1\nc,0.9\nd,0.1\n"))
    assert first == score(solution, io.BytesIO(SUBMISSION))
    assert (worse.public, worse.private) == (0.0, 0.0)
