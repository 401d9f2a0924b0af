"""Secondary columns: each is scored from the one parse the primary metric made, and agrees with scikit-learn;
a column that cannot read the primary metric's predictions is refused with the reason."""

import io

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as sklearn_metrics

from scoring.engine import ScoreColumn, ScoringSpec, SolutionError, get_metric, load_solution, score, tie_key


def frame_csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode("utf-8")


def column(label: str, metric: str, params: dict | None = None, primary: str = "rmse") -> ScoreColumn:
    return ScoreColumn.checked(label, metric, params or {}, get_metric(primary), {})


def test_columns_agree_with_scikit_learn_on_each_split():
    rng = np.random.default_rng(7)
    ids = [f"r{i}" for i in range(300)]
    truth, predicted = rng.normal(size=300), rng.normal(size=300)
    usage = np.where(np.arange(300) < 100, "Public", "Private")
    solution_csv = frame_csv(pd.DataFrame({"id": ids, "y": truth, "Usage": usage}))
    solution = load_solution(io.BytesIO(solution_csv), ScoringSpec("rmse", "id", ("y",)))

    scores = score(
        solution,
        io.BytesIO(frame_csv(pd.DataFrame({"id": ids, "y": predicted}))),
        columns=[column("MAE", "mae"), column("R squared", "r2")],
    )

    public, private = slice(0, 100), slice(100, 300)
    assert scores.public == pytest.approx(
        sklearn_metrics.root_mean_squared_error(truth[public], predicted[public])
    )
    assert scores.public_columns["MAE"] == pytest.approx(
        sklearn_metrics.mean_absolute_error(truth[public], predicted[public])
    )
    assert scores.private_columns["R squared"] == pytest.approx(
        sklearn_metrics.r2_score(truth[private], predicted[private])
    )
    assert list(scores.public_columns) == ["MAE", "R squared"]


def test_no_columns_scores_as_before():
    solution = load_solution(
        io.BytesIO(b"id,y,Usage\na,1,Public\nb,2,Private\n"), ScoringSpec("mae", "id", ("y",))
    )
    scores = score(solution, io.BytesIO(b"id,y\na,1\nb,3\n"))
    assert (scores.public, scores.private, scores.public_columns) == (0.0, 1.0, {})


def test_a_column_that_reads_predictions_differently_is_refused():
    with pytest.raises(SolutionError) as caught:
        column("Accuracy", "accuracy", primary="rmse")
    assert "Accuracy reads predictions as label" in caught.value.message
    assert "RMSE reads them as number" in caught.value.message


def test_a_column_needing_a_check_the_primary_skips_is_refused():
    with pytest.raises(SolutionError) as caught:
        column("RMSLE", "rmsle", primary="rmse")
    assert "nonnegative" in caught.value.message


def test_a_column_with_a_bad_parameter_is_refused_naming_it():
    with pytest.raises(SolutionError) as caught:
        ScoreColumn.checked("top", "map_at_k", {"k": 0}, get_metric("map_at_k"), {"k": 5})
    assert "'k'" in caught.value.message
    assert "at least 1" in caught.value.message


def test_a_ranked_column_cannot_read_past_the_primary_k():
    with pytest.raises(SolutionError) as caught:
        ScoreColumn.checked("top", "top_k_accuracy", {"k": 9}, get_metric("map_at_k"), {"k": 5})
    assert "at most 5" in caught.value.message


def test_tie_keys_sort_best_first_in_each_direction():
    values = [-3.5, -0.0, 0.0, 1e-9, 2.0, 1e300]
    ascending = sorted(values, key=lambda value: tie_key([value], [False]))
    descending = sorted(values, key=lambda value: tie_key([value], [True]))
    assert ascending == sorted(values)
    assert descending == sorted(values, reverse=True)
    # The first column decides before the second.
    assert tie_key([1.0, 9.0], [False, False]) < tie_key([2.0, 0.0], [False, False])


def test_minus_zero_ties_with_zero_in_either_direction():
    assert tie_key([-0.0], [False]) == tie_key([0.0], [False])
    assert tie_key([-0.0], [True]) == tie_key([0.0], [True])


def test_a_label_metric_without_an_average_is_a_column_of_a_binary_primary():
    """Accuracy has no `average`: it scores the same on a binary primary's 0/1 codes as on the labels."""
    ids = [f"r{i}" for i in range(8)]
    truth = ["cat", "dog", "dog", "cat", "dog", "cat", "cat", "dog"]
    predicted = ["cat", "dog", "cat", "cat", "dog", "dog", "cat", "dog"]
    usage = ["Public"] * 4 + ["Private"] * 4
    solution_csv = frame_csv(pd.DataFrame({"id": ids, "y": truth, "Usage": usage}))
    spec = ScoringSpec("f1", "id", ("y",), {"positive_label": "dog"})
    solution = load_solution(io.BytesIO(solution_csv), spec)
    accuracy = ScoreColumn.checked("Accuracy", "accuracy", {}, get_metric("f1"), {"average": "binary"})

    scores = score(
        solution, io.BytesIO(frame_csv(pd.DataFrame({"id": ids, "y": predicted}))), columns=[accuracy]
    )

    assert scores.public_columns["Accuracy"] == sklearn_metrics.accuracy_score(truth[:4], predicted[:4])
    assert scores.private_columns["Accuracy"] == sklearn_metrics.accuracy_score(truth[4:], predicted[4:])


def test_a_column_with_an_average_must_read_a_binary_primary_the_same_way():
    with pytest.raises(SolutionError) as caught:
        ScoreColumn.checked("Recall", "recall", {"average": "macro"}, get_metric("f1"), {"average": "binary"})
    assert "'average' of Recall must be 'binary'" in caught.value.message
