"""Solutions for every metric: the submission header, the sample, the canonical file, and load-time refusals."""

import io

import numpy as np
import pandas as pd
import pytest

from scoring.engine import (
    ScoringSpec,
    SolutionError,
    SubmissionError,
    load_solution,
    sample_submission_csv,
    score,
)
from scoring.engine.catalogue import BUILT_IN

ROWS = 12
USAGE = ["Public" if i % 2 else "Private" for i in range(ROWS)]


def cycle(values, count=ROWS):
    return [values[i % len(values)] for i in range(count)]


def solution_frame(key: str) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """A small valid solution for `key`: every class in each split, varying numbers, positives only."""
    targets: dict[str, list] = {}
    if key in ("f1", "precision", "recall", "roc_auc", "log_loss", "average_precision"):
        targets["y"] = cycle(["0", "0", "1", "1"])
    elif key == "qwk":
        targets["y"] = cycle([1, 1, 2, 2, 10, 10])
    elif key in ("map_at_k", "top_k_accuracy"):
        targets["y"] = cycle(["L1", "L1", "L2", "L2", "L3", "L3"])
    elif key in ("mcrmse", "mean_columnwise_auc"):
        targets["a"] = cycle([0, 0, 1, 1])
        targets["b"] = cycle([1, 0, 0, 1, 1, 0, 0, 1])
    elif key in ("accuracy", "balanced_accuracy", "macro_f1", "mcc", "roc_auc_ovr", "multiclass_log_loss"):
        targets["y"] = cycle(["cat", "cat", "dog", "dog", "emu", "emu"])
    else:
        targets["y"] = [1.5 + i * (i % 3) for i in range(ROWS)]
    frame = pd.DataFrame({"id": [f"i{i:02d}" for i in range(ROWS)], **targets, "Usage": USAGE})
    return frame, tuple(targets)


def load(key: str, frame: pd.DataFrame, targets=("y",), **params):
    data = frame.to_csv(index=False).encode()
    return load_solution(io.BytesIO(data), ScoringSpec(key, "id", targets, params))


KEYS = sorted(metric.key for metric, _ in BUILT_IN)
PER_CLASS = {"roc_auc_ovr", "multiclass_log_loss"}


@pytest.mark.parametrize("key", KEYS)
def test_submission_columns_are_the_id_then_the_prediction_columns(key):
    frame, targets = solution_frame(key)
    solution = load(key, frame, targets)
    expected = ("id", "cat", "dog", "emu") if key in PER_CLASS else ("id", *targets)
    assert solution.submission_columns == expected


@pytest.mark.parametrize("key", KEYS)
def test_the_sample_submission_has_the_exact_header_and_scores(key):
    frame, targets = solution_frame(key)
    solution = load(key, frame, targets)
    sample = sample_submission_csv(solution)
    header = sample.decode().splitlines()[0].split(",")
    assert tuple(header) == solution.submission_columns
    assert pd.read_csv(io.BytesIO(sample), dtype=str)["id"].tolist() == list(solution.ids)
    if key in ("pearson", "spearman"):  # a constant sample cannot be correlated
        with pytest.raises(SubmissionError, match="never vary"):
            score(solution, io.BytesIO(sample))
    else:
        score(solution, io.BytesIO(sample))


def test_the_sample_for_ranked_lists_lists_k_labels():
    frame, targets = solution_frame("map_at_k")
    solution = load("map_at_k", frame, targets, k="2")
    assert sample_submission_csv(solution).decode().splitlines()[1] == "i00,L1 L2"


def test_the_sample_for_class_probabilities_shares_equally():
    frame, targets = solution_frame("multiclass_log_loss")
    solution = load("multiclass_log_loss", frame, targets)
    row = sample_submission_csv(solution).decode().splitlines()[1].split(",")
    assert row[0] == "i00"
    assert [float(value) for value in row[1:]] == pytest.approx([1 / 3] * 3)


@pytest.mark.parametrize("key", KEYS)
def test_the_canonical_file_reloads_to_the_same_solution(key):
    frame, targets = solution_frame(key)
    original = load(key, frame.sample(frac=1, random_state=4), targets)
    data = original.to_csv_bytes()
    reloaded = load_solution(io.BytesIO(data), original.spec)
    assert data.decode().splitlines()[0] == ",".join(("id", *targets, "Usage"))
    assert list(reloaded.ids) == list(original.ids)
    assert np.array_equal(reloaded.is_public, original.is_public)
    assert np.array_equal(reloaded.truth, original.truth)
    assert reloaded.truth.shape == original.truth.shape
    assert reloaded.allowed_labels == original.allowed_labels
    assert reloaded.submission_columns == original.submission_columns


def test_multi_target_truth_has_one_column_per_target():
    frame, targets = solution_frame("mcrmse")
    assert load("mcrmse", frame, targets).truth.shape == (ROWS, 2)
    assert load("mcrmse", frame.drop(columns="b"), ("a",)).truth.shape == (ROWS, 1)


def test_qwk_orders_its_labels_by_value():
    frame, _ = solution_frame("qwk")
    assert load("qwk", frame).allowed_labels == ("1", "2", "10")


def refuse(key: str, frame: pd.DataFrame, code: str, targets=("y",), **params) -> SolutionError:
    with pytest.raises(SolutionError) as refused:
        load(key, frame, targets, **params)
    assert refused.value.code == code, refused.value.message
    return refused.value


@pytest.mark.parametrize("key", ["roc_auc", "average_precision"])
def test_binary_ranking_metrics_refuse_a_single_class_split(key):
    frame, _ = solution_frame(key)
    frame["y"] = np.where(frame["Usage"] == "Public", "1", frame["y"])
    error = refuse(key, frame, "single_class_split")
    assert "the Public rows hold only one" in error.message


@pytest.mark.parametrize("key", ["mcc", "qwk"])
def test_label_metrics_that_are_zero_on_one_class_refuse_a_single_class_split(key):
    frame, _ = solution_frame(key)
    frame["y"] = np.where(frame["Usage"] == "Private", frame["y"].iloc[0], frame["y"])
    error = refuse(key, frame, "single_class_split")
    assert "needs at least two classes in each split, but the Private rows hold only one" in error.message


def test_mean_columnwise_auc_refuses_a_single_class_split_in_any_column():
    frame, targets = solution_frame("mean_columnwise_auc")
    frame["b"] = np.where(frame["Usage"] == "Private", 0, frame["b"])
    error = refuse("mean_columnwise_auc", frame, "single_class_split", targets)
    assert "the Private rows of 'b' hold only one" in error.message


def test_one_vs_rest_auc_refuses_a_split_missing_a_class():
    frame, _ = solution_frame("roc_auc_ovr")
    frame.loc[(frame["y"] == "emu") & (frame["Usage"] == "Public"), "y"] = "dog"
    error = refuse("roc_auc_ovr", frame, "missing_class_split")
    assert "the Public rows have no 'emu'" in error.message


@pytest.mark.parametrize("key", ["r2", "pearson", "spearman", "normalized_gini"])
def test_metrics_undefined_on_a_constant_truth_refuse_a_constant_split(key):
    frame, _ = solution_frame(key)
    frame["y"] = np.where(frame["Usage"] == "Private", 4.0, frame["y"])
    error = refuse(key, frame, "constant_split")
    assert "the Private rows all hold the same 'y'" in error.message


def test_rmsle_refuses_a_negative_truth():
    frame, _ = solution_frame("rmsle")
    frame.loc[3, "y"] = -2.5
    error = refuse("rmsle", frame, "negative_value")
    assert "'i03' ('-2.5')" in error.message


def test_mape_refuses_a_zero_truth():
    frame, _ = solution_frame("mape")
    frame.loc[5, "y"] = 0
    assert "'i05'" in refuse("mape", frame, "zero_value").message


def test_qwk_refuses_labels_that_are_not_whole_numbers():
    frame, _ = solution_frame("qwk")
    frame["y"] = frame["y"].astype(str)
    frame.loc[2, "y"] = "2.5"
    assert "'i02' ('2.5')" in refuse("qwk", frame, "not_integer").message


def test_ranked_lists_refuse_labels_with_spaces():
    frame, _ = solution_frame("map_at_k")
    frame.loc[0, "y"] = "New York"
    assert "'New York'" in refuse("map_at_k", frame, "label_with_space").message


def test_class_probabilities_refuse_a_label_named_like_the_id_column():
    frame, _ = solution_frame("multiclass_log_loss")
    frame.loc[frame["y"] == "emu", "y"] = "id"
    refuse("multiclass_log_loss", frame, "bad_column_name")


def test_class_probabilities_need_two_classes():
    frame, _ = solution_frame("multiclass_log_loss")
    frame["y"] = "cat"
    refuse("multiclass_log_loss", frame, "too_few_classes")


@pytest.mark.parametrize("key", ["rmse", "accuracy", "map_at_k", "roc_auc_ovr"])
def test_single_target_metrics_refuse_several_targets(key):
    frame, _ = solution_frame(key)
    frame["z"] = frame["y"]
    error = refuse(key, frame, "target_count", ("y", "z"))
    assert "exactly one target column; 2 were given ('y' and 'z')" in error.message


def test_multi_target_metrics_need_a_target_and_distinct_names():
    frame, _ = solution_frame("mcrmse")
    refuse("mcrmse", frame, "target_count", ())
    refuse("mcrmse", frame, "bad_column_name", ("a", "a"))
