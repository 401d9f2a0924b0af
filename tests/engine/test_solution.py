"""Loading the host's solution: validation, the public/private split, the canonical file and the sample."""

import io

import numpy as np
import pandas as pd
import pytest

from scoring.engine import (
    ScoringSpec,
    SolutionError,
    get_metric,
    load_solution,
    sample_submission_csv,
    score,
)


def csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def numbers(n: int) -> bytes:
    return csv("id,target", *(f"n{i},{i * 1.5}" for i in range(n)))


MAE = ScoringSpec("mae", "id", ("target",))


def refuse(data: bytes, spec: ScoringSpec = MAE, code: str = "", **options) -> SolutionError:
    with pytest.raises(SolutionError) as caught:
        load_solution(io.BytesIO(data), spec, **options)
    assert caught.value.code == code, caught.value.message
    return caught.value


def test_empty_solution_is_refused():
    error = refuse(b"", code="empty_file")
    assert error.message == "The solution file is empty; it needs a header row and data rows."


def test_unparseable_solution_is_refused():
    error = refuse(csv("id,target", "a,1", "b,2,3"), code="bad_csv")
    assert "The solution file is not a valid CSV file: line 3 has 3 fields" in error.message


def test_solution_without_the_id_column_is_refused():
    error = refuse(csv("key,target", "a,1"), code="missing_id_column")
    assert "The solution file has no id column 'id'." in error.message


def test_solution_without_the_target_column_is_refused():
    error = refuse(csv("id,label", "a,1"), code="missing_column")
    assert "The solution file has no target column 'target'." in error.message


def test_a_target_typed_in_another_case_names_the_files_column_and_the_typed_one():
    error = refuse(csv("id,target", "a,1"), ScoringSpec("mae", "id", ("Target",)), "missing_column")

    assert error.message == (
        "The solution file has no target column 'Target'. The file has 'target', and 'Target' was typed: names "
        "must match exactly, including case and spaces. The header must have the columns 'id' and 'Target' (and "
        "optionally 'Usage'), in "
        "any order."
    )
    assert "did you mean" not in error.message


def test_solution_with_extra_columns_names_them():
    error = refuse(csv("id,target,fold,weight", "a,1,0,1"), code="unexpected_column")
    assert "unexpected columns 'fold' and 'weight'" in error.message


def test_solution_with_duplicated_ids_names_a_few():
    rows = [f"x{i % 7},1" for i in range(20)]
    error = refuse(csv("id,target", *rows), code="duplicate_id")
    assert error.message == (
        "The solution file has 7 ids more than once: 'x0', 'x1', 'x2', 'x3', 'x4' and 2 more. "
        "Each id must appear exactly once."
    )


def test_solution_with_an_empty_id_is_refused():
    error = refuse(csv("id,target", "a,1", "  ,2", "c,3"), code="empty_id")
    assert "1 row with an empty 'id' (data row 2," in error.message


def test_solution_without_rows_is_refused():
    refuse(csv("id,target"), code="no_rows")


def test_solution_ids_are_stripped_strings():
    solution = load_solution(io.BytesIO(csv("id,target", " 007 ,1", "8,2")), MAE)
    assert list(solution.ids) == ["007", "8"]


@pytest.mark.parametrize(
    ("value", "code"), [("", "missing_value"), ("twelve", "not_numeric"), ("inf", "not_finite")]
)
def test_number_solution_must_hold_finite_numbers(value, code):
    error = refuse(csv("id,target", "a,1", f"b,{value}", "c,3"), code=code)
    assert "'b'" in error.message


def test_number_solution_may_hold_integers_beyond_64_bits():
    solution = load_solution(io.BytesIO(csv("id,target", "a,1", "b,-18446744073709551616", "c,3")), MAE)
    assert solution.truth.tolist() == [1.0, -18446744073709551616.0, 3.0]


def test_probability_solution_needs_two_classes():
    spec = ScoringSpec("roc_auc", "id", ("target",))
    error = refuse(csv("id,target", "a,x", "b,y", "c,z"), spec, code="not_binary")
    assert "exactly 2 distinct labels, but it holds 3: 'x', 'y' and 'z'" in error.message


def test_probability_solution_with_unclear_positive_class_asks_for_positive_label():
    spec = ScoringSpec("log_loss", "id", ("target",))
    error = refuse(csv("id,target", "a,spam", "b,ham"), spec, code="positive_label_needed")
    assert "set the metric parameter positive_label to 'ham' or 'spam'" in error.message


@pytest.mark.parametrize(
    ("labels", "positive"),
    [(("0", "1"), "1"), (("0.0", "1.0"), "1.0"), (("False", "True"), "True")],
)
def test_obvious_positive_class_is_inferred(labels, positive):
    rows = [f"r{i},{labels[i % 2]}" for i in range(6)]
    solution = load_solution(io.BytesIO(csv("id,target", *rows)), ScoringSpec("roc_auc", "id", ("target",)))
    assert solution.positive_label == positive
    assert solution.allowed_labels is None


def test_positive_label_parameter_chooses_the_positive_class():
    spec = ScoringSpec("roc_auc", "id", ("target",), {"positive_label": "spam"})
    data = csv("id,target,Usage", "a,spam,Public", "b,ham,Public", "c,spam,Private", "d,ham,Private")
    solution = load_solution(io.BytesIO(data), spec)
    scores = score(solution, io.BytesIO(csv("id,target", "a,0.9", "b,0.1", "c,0.2", "d,0.8")))
    assert (scores.public, scores.private) == (1.0, 0.0)


def test_positive_label_must_be_a_solution_label():
    spec = ScoringSpec("roc_auc", "id", ("target",), {"positive_label": "eggs"})
    refuse(csv("id,target", "a,spam", "b,ham"), spec, code="unknown_positive_label")


def test_unknown_metric_is_a_solution_error():
    with pytest.raises(SolutionError) as caught:
        get_metric("f2")
    assert caught.value.code == "unknown_metric"
    assert "accuracy" in caught.value.message


def test_unknown_parameter_is_refused():
    spec = ScoringSpec("mae", "id", ("target",), {"positive_label": "1"})
    error = refuse(numbers(4), spec, code="unknown_param")
    assert error.message == "MAE has no parameter 'positive_label'. It takes no parameters."


def test_spec_accepts_a_list_or_a_lone_target_name():
    assert ScoringSpec("mae", "id", ["target"]).target_columns == ("target",)
    assert ScoringSpec("mae", "id", "target").target_columns == ("target",)


def test_more_than_one_target_column_is_refused():
    spec = ScoringSpec("mae", "id", ("a", "b"))
    refuse(csv("id,a,b", "x,1,2"), spec, code="target_count")


@pytest.mark.parametrize("fraction", [0, 1, -0.1, 1.5])
def test_public_fraction_must_be_strictly_between_zero_and_one(fraction):
    refuse(numbers(10), code="bad_public_fraction", public_fraction=fraction)


def test_usage_column_sets_the_split_case_insensitively():
    data = csv("id,target,Usage", "a,1,public", "b,2, PRIVATE ", "c,3,Public", "d,4,private")
    solution = load_solution(io.BytesIO(data), MAE)
    assert solution.is_public.tolist() == [True, False, True, False]
    assert (solution.public_count, solution.private_count) == (2, 2)


def test_usage_column_only_holds_public_or_private():
    error = refuse(csv("id,target,Usage", "a,1,Public", "b,2,Ignored", "c,3,Private"), code="bad_usage")
    assert "'b' ('Ignored')" in error.message


def test_usage_column_needs_both_splits():
    error = refuse(csv("id,target,Usage", "a,1,Public", "b,2,Public"), code="empty_split")
    assert "no row Private" in error.message


def test_seeded_split_has_the_right_size_and_is_deterministic():
    first = load_solution(io.BytesIO(numbers(1000)), MAE, public_fraction=0.25, seed=7)
    again = load_solution(io.BytesIO(numbers(1000)), MAE, public_fraction=0.25, seed=7)
    other_seed = load_solution(io.BytesIO(numbers(1000)), MAE, public_fraction=0.25, seed=8)
    assert (first.public_count, first.private_count) == (250, 750)
    assert np.array_equal(first.is_public, again.is_public)
    assert not np.array_equal(first.is_public, other_seed.is_public)


def test_seeded_split_follows_numpy_default_rng():
    solution = load_solution(io.BytesIO(numbers(50)), MAE, public_fraction=0.3, seed=3)
    file_ids = pd.read_csv(io.BytesIO(numbers(50)), dtype=str)["id"].to_numpy()
    expected_public = set(file_ids[np.random.default_rng(3).choice(50, size=15, replace=False)])
    assert set(solution.ids[solution.is_public]) == expected_public


def test_seeded_split_keeps_at_least_one_row_on_each_side():
    tiny = load_solution(io.BytesIO(numbers(2)), MAE, public_fraction=0.01)
    assert (tiny.public_count, tiny.private_count) == (1, 1)
    almost_all = load_solution(io.BytesIO(numbers(3)), MAE, public_fraction=0.99)
    assert (almost_all.public_count, almost_all.private_count) == (2, 1)


def test_single_row_solution_cannot_be_split():
    refuse(numbers(1), code="too_few_rows")


def test_label_solution_lists_its_sorted_labels():
    solution = load_solution(
        io.BytesIO(csv("id,target", "a, emu", "b,cat", "c,dog ", "d,cat")),
        ScoringSpec("macro_f1", "id", ("target",)),
    )
    assert solution.allowed_labels == ("cat", "dog", "emu")


@pytest.mark.parametrize(
    ("spec", "rows"),
    [
        (ScoringSpec("accuracy", "key", ("label",)), [f"k{i},{'abc'[i % 3]}" for i in range(30)]),
        (
            ScoringSpec("roc_auc", "key", ("label",), {"positive_label": "yes"}),
            [f"k{i},{'yes' if i % 2 else 'no'}" for i in range(30)],
        ),
        (ScoringSpec("rmse", "key", ("label",)), [f"k{i},{i / 7}" for i in range(30)]),
    ],
)
def test_canonical_csv_round_trips_to_the_same_solution(spec, rows):
    original = load_solution(io.BytesIO(csv("key,label", *rows)), spec, public_fraction=0.4, seed=11)
    canonical = original.to_csv_bytes()
    reloaded = load_solution(io.BytesIO(canonical), spec, public_fraction=0.9, seed=99)
    assert canonical.decode().splitlines()[0] == "key,label,Usage"
    assert list(reloaded.ids) == list(original.ids)
    assert np.array_equal(reloaded.is_public, original.is_public)
    assert np.array_equal(reloaded.truth, original.truth)
    assert reloaded.allowed_labels == original.allowed_labels
    assert reloaded.positive_label == original.positive_label


@pytest.mark.parametrize(
    ("metric", "rows", "default"),
    [
        ("accuracy", ["a,dog", "b,cat", "c,dog"], "cat"),
        ("log_loss", ["a,1", "b,0", "c,1"], "0.5"),
        ("rmse", ["a,1.5", "b,2", "c,3"], "0"),
    ],
)
def test_sample_submission_has_every_id_and_a_valid_default(metric, rows, default):
    solution = load_solution(io.BytesIO(csv("id,target", *rows)), ScoringSpec(metric, "id", ("target",)))
    sample = sample_submission_csv(solution)
    frame = pd.read_csv(io.BytesIO(sample), dtype=str)
    assert list(frame.columns) == ["id", "target"]
    assert list(frame["id"]) == ["a", "b", "c"]
    assert set(frame["target"]) == {default}
    score(solution, io.BytesIO(sample))


def test_roc_auc_solution_with_a_single_class_split_is_refused_at_upload():
    solution = "id,y,Usage\n1,1,Public\n2,1,Public\n3,0,Private\n4,1,Private\n"
    spec = ScoringSpec(metric="roc_auc", id_column="id", target_columns=("y",))

    with pytest.raises(SolutionError) as refused:
        load_solution(io.BytesIO(solution.encode()), spec)

    assert refused.value.code == "single_class_split"
    assert "the Public rows hold only one" in refused.value.message


def test_the_sample_submission_never_follows_a_solution_grouped_by_usage():
    rows = [f"{i},{i % 2},Public" for i in (9, 3, 7)] + [
        f"{i},{i % 2},Private" for i in (8, 1, 5, 2, 6, 4, 10)
    ]
    solution_csv = "id,y,Usage\n" + "\n".join(rows) + "\n"
    spec = ScoringSpec(metric="mae", id_column="id", target_columns=("y",))

    solution = load_solution(io.BytesIO(solution_csv.encode()), spec)
    sample_ids = pd.read_csv(io.BytesIO(sample_submission_csv(solution)), dtype=str)["id"].tolist()

    assert sample_ids == [str(i) for i in range(1, 11)]


def test_text_ids_are_sorted_as_text():
    solution_csv = "id,y,Usage\nc,1,Public\na,2,Private\nb,3,Private\n"
    spec = ScoringSpec(metric="mae", id_column="id", target_columns=("y",))

    solution = load_solution(io.BytesIO(solution_csv.encode()), spec)

    assert list(solution.ids) == ["a", "b", "c"]
    assert solution.is_public.tolist() == [False, False, True]
