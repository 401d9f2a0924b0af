"""The engine's fast paths against their references: scikit-learn for the metrics, the slow reader for ids.

The hostile-file tests check that the pyarrow reader answers only what the pandas reader would answer.
"""

import io

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn import metrics

from scoring.engine import ScoringSpec, SubmissionError, id_lookup, load_solution, score, scorers
from scoring.engine.id_lookup import IdLookup

PROPERTY = settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TOLERANCE = {"rel": 1e-9, "abs": 1e-9}


@st.composite
def binary_case(draw):
    """0/1 truth with both classes, and predictions with many ties (few distinct values) or none."""
    size = draw(st.integers(2, 400))
    truth = draw(hnp.arrays(np.int64, size, elements=st.integers(0, 1)))
    truth[:2] = [0, 1]
    distinct = draw(st.sampled_from([1, 2, 3, 10, None]))
    if distinct is None:
        elements = st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False)
    else:
        elements = st.sampled_from([round(i / distinct, 3) for i in range(distinct)] + [-0.0])
    predictions = draw(hnp.arrays(np.float64, size, elements=elements))
    return truth, predictions


@PROPERTY
@given(binary_case())
def test_roc_auc_equals_scikit_learn(case):
    truth, predictions = case
    expected = metrics.roc_auc_score(truth, predictions)
    assert scorers.roc_auc(truth, predictions) == pytest.approx(expected, **TOLERANCE)


def test_roc_auc_equals_scikit_learn_on_a_million_rounded_rows():
    rng = np.random.default_rng(7)
    truth = rng.integers(0, 2, 1_000_000)
    predictions = np.round(0.3 * truth + 0.7 * rng.random(len(truth)), 3)
    expected = metrics.roc_auc_score(truth, predictions)
    assert scorers.roc_auc(truth, predictions) == pytest.approx(expected, **TOLERANCE)


@st.composite
def multiclass_case(draw):
    size = draw(st.integers(1, 300))
    classes = draw(st.integers(2, 6))
    truth = draw(hnp.arrays(np.intp, size, elements=st.integers(0, classes - 1)))
    raw = draw(
        hnp.arrays(
            np.float64,
            (size, classes),
            elements=st.one_of(st.just(0.0), st.just(1.0), st.floats(1e-300, 1.0), st.floats(0, 1)),
        )
    )
    raw[:, 0] += raw.sum(axis=1) == 0  # no all-zero row, as the reader guarantees
    return truth, raw / raw.sum(axis=1, keepdims=True)


@PROPERTY
@given(multiclass_case())
def test_multiclass_log_loss_equals_scikit_learn(case):
    truth, probabilities = case
    expected = metrics.log_loss(truth, probabilities, labels=np.arange(probabilities.shape[1]))
    assert scorers.multiclass_log_loss(truth, probabilities) == pytest.approx(expected, **TOLERANCE)


def arrow(ids) -> pa.Array:
    return pa.array(list(ids), type=pa.string())


IDS = ["7", "row1", "", "é", "a\x00", "a", "longer than eight bytes", "x" * 40, "δέκα"]


@pytest.mark.parametrize("order", ["same", "shuffled", "reversed"])
def test_id_lookup_finds_every_position(order):
    ids = [identifier for identifier in IDS if identifier]
    lookup = IdLookup(pd.Index(ids))
    rows = {
        "same": np.arange(len(ids)),
        "shuffled": np.random.default_rng(0).permutation(len(ids)),
        "reversed": np.arange(len(ids))[::-1],
    }[order]
    positions = lookup.positions(arrow(np.asarray(ids, dtype=object)[rows]))
    assert positions is not None
    assert positions.tolist() == rows.tolist()


@pytest.mark.parametrize(
    "submitted",
    [
        ["a", "a", "b"],  # a duplicate, so "c" is missing
        ["a", "b", "d"],  # an unknown id
        ["a", "b"],  # too few
        ["a", "b", "c", "d"],  # too many
        ["a", "b", "c "],  # spaces: only the slow path strips them and explains
        ["a", "b", "c\x00"],  # same first bytes, another length
        ["a", "b", "C"],
    ],
)
def test_id_lookup_leaves_any_other_file_to_the_slow_path(submitted):
    assert IdLookup(pd.Index(["a", "b", "c"])).positions(arrow(submitted)) is None


@given(st.lists(st.text(max_size=12), min_size=1, max_size=30, unique=True), st.randoms())
@PROPERTY
def test_id_lookup_finds_any_permutation_of_any_ids(ids, random):
    shuffled = list(ids)
    random.shuffle(shuffled)
    positions = IdLookup(pd.Index(ids)).positions(arrow(shuffled))
    assert positions is not None
    assert [ids[position] for position in positions] == shuffled


def test_equal_hashes_never_match_different_ids(monkeypatch):
    # Every id hashing alike: the solution gets no table, and scoring still works through the slow path.
    monkeypatch.setattr(id_lookup, "_hashes", lambda packed: np.zeros(len(packed.lengths), dtype=np.uint64))
    solution = load_solution(
        io.BytesIO(b"id,y,Usage\na,1,Public\nb,0,Public\nc,0,Private\nd,1,Private\n"),
        ScoringSpec("roc_auc", "id", ("y",)),
    )
    assert solution.id_lookup.positions(arrow(["d", "c", "b", "a"])) is None
    scores = score(solution, io.BytesIO(b"id,y\nd,0.9\nc,0.2\nb,0.1\na,0.8\n"))
    assert (scores.public, scores.private) == (1.0, 1.0)


def test_a_file_longer_than_the_solution_is_refused_with_its_duplicates():
    solution = load_solution(
        io.BytesIO(b"id,y,Usage\na,1,Public\nb,0,Public\nc,0,Private\nd,1,Private\n"),
        ScoringSpec("roc_auc", "id", ("y",)),
    )
    with pytest.raises(SubmissionError) as refused:
        score(solution, io.BytesIO(b"id,y\na,0.9\nb,0.2\nc,0.1\nd,0.8\nd,0.8\n"))
    assert refused.value.code == "duplicate_id"


def test_a_file_far_longer_than_the_solution_stops_being_read():
    solution = load_solution(
        io.BytesIO(b"id,y,Usage\na,1,Public\nb,0,Public\nc,0,Private\nd,1,Private\n"),
        ScoringSpec("roc_auc", "id", ("y",)),
    )
    with pytest.raises(SubmissionError) as refused:
        score(solution, io.BytesIO(b"id,y\n" + b"a,0.5\n" * 2_000))
    assert refused.value.code == "too_many_rows"
    assert refused.value.message == (
        "Your file has more than 1,008 data rows, and it needs exactly 4, one for each id. Is it the right file?"
    )
