"""Property tests of the reader: whatever bytes arrive, `score` returns finite scores or a SubmissionError.

Hypothesis throws random bytes, CSV-like text with random delimiters, quotes, line endings, byte order marks
and encodings, and nearly valid files with hostile cells, at small solutions of every submission shape.
"""

import io
import math
from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from scoring.engine import ScoringSpec, SubmissionError, load_solution, score, submission
from scoring.engine.csv_reading import CsvFile, check_columns, read_header
from scoring.engine.metrics import get_metric

BOUNDED = settings(
    max_examples=200,
    deadline=None,
    database=None,  # nothing written into the repository
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def solution(key: str, data: str, targets=("y",), **params):
    return load_solution(io.BytesIO(data.encode()), ScoringSpec(key, "id", targets, params))


SOLUTIONS = [
    solution("rmse", "id,y,Usage\n1,1.5,Public\n2,-3,Public\n3,7,Private\n4,0.25,Private\n"),
    solution("accuracy", "id,y,Usage\na,cat,Public\nb,dog,Public\nc,cat,Private\nd,emu,Private\n"),
    solution("roc_auc", "id,y,Usage\na,1,Public\nb,0,Public\nc,0,Private\nd,1,Private\n"),
    solution(
        "log_loss",
        "id,y,Usage\na,yes,Public\nb,no,Public\nc,no,Private\nd,yes,Private\n",
        positive_label="yes",
    ),
    solution("multiclass_log_loss", "id,y,Usage\na,cat,Public\nb,dog,Public\nc,cat,Private\nd,dog,Private\n"),
    solution(
        "roc_auc_ovr",
        "id,y,Usage\na,x,Public\nb,y,Public\nc,z,Public\nd,x,Private\ne,y,Private\nf,z,Private\n",
    ),
    solution("map_at_k", "id,y,Usage\na,L1,Public\nb,L2,Public\nc,L3,Private\nd,L1,Private\n", k="2"),
    solution(
        "mcrmse", "id,a,b,Usage\na,1,2,Public\nb,3,4,Public\nc,5,6,Private\nd,7,8,Private\n", ("a", "b")
    ),
    solution("pearson", "id,y,Usage\na,1,Public\nb,2,Public\nc,3,Private\nd,5,Private\n"),
    solution("rmsle", "id,y,Usage\na,1,Public\nb,2,Public\nc,3,Private\nd,5,Private\n"),
    solution("qwk", "id,y,Usage\na,1,Public\nb,2,Public\nc,3,Private\nd,1,Private\n"),
]
WORDS = sorted(
    {name for s in SOLUTIONS for name in s.submission_columns}
    | {str(i) for s in SOLUTIONS for i in s.ids}
    | {label for s in SOLUTIONS for label in (s.allowed_labels or ())}
)
ODD_CELLS = [
    "", " ", "nan", "NaN", "-nan", "inf", "-Infinity", "1e400", "-1e400", "NA", "null", "None", "0.5", "1",
    "0", "-1", "2", "1e-320", "0x10", "1_000", "True", "\x00", '"', "'", "=1+1", "L1 L2", "L1  L9", "\t",
    "99999999999999999999999", "-0", "+.5", "١", "½", "\u2028", "\x85",
]  # fmt: skip


def scores_or_refuses(target, data: bytes) -> None:
    try:
        result = score(target, io.BytesIO(data))
    except SubmissionError as error:
        refusal = error
    else:
        refusal = None
    if refusal is not None:
        assert refusal.code
        assert refusal.message
        return
    assert math.isfinite(result.public)
    assert math.isfinite(result.private)


cells = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(ODD_CELLS),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers().map(str),
    st.text(max_size=10),
)


@st.composite
def csv_like(draw) -> tuple:
    """Rows of cells joined by a random delimiter and line ending, maybe quoted, with a BOM, in an encoding."""
    delimiter = draw(st.sampled_from([",", ",", ",", ",", ",", ";", "\t", "|", " ", ""]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r", "\n\n", "\u2028"]))
    target = draw(st.sampled_from(SOLUTIONS))
    header = list(draw(st.permutations(target.submission_columns)))
    if draw(st.integers(0, 3)) == 0:
        header = draw(st.lists(st.one_of(st.sampled_from(WORDS), cells), max_size=6))
    ids = [str(i) for i in target.ids]
    rows = [header]
    for _ in range(draw(st.integers(0, 8))):
        row = [draw(st.one_of(st.sampled_from(ids), cells))]
        row += draw(st.lists(cells, min_size=0, max_size=len(header) + 1))
        rows.append(row)
    quote = draw(st.sampled_from(['"', "", "'"]))
    quote_probability = draw(st.sampled_from([0.0, 0.3, 1.0]))
    lines = []
    for row in rows:
        written = [
            f"{quote}{cell}{quote}" if draw(st.floats(0, 1)) < quote_probability else cell for cell in row
        ]
        lines.append(delimiter.join(written))
    text = newline.join(lines) + draw(st.sampled_from(["", newline, '"', "\x00"]))
    if draw(st.booleans()):
        text = "\ufeff" + text
    encoding = draw(st.sampled_from(["utf-8"] * 6 + ["utf-16", "utf-16-le", "utf-32", "latin-1"]))
    return target, text.encode(encoding, errors="replace")


def valid_cells(target) -> st.SearchStrategy[str]:
    if not target.allowed_labels:
        return st.floats(0, 1).map(repr)
    labels = st.sampled_from(target.allowed_labels)
    return (
        st.lists(labels, min_size=1, max_size=3).map(" ".join) if target.spec.metric == "map_at_k" else labels
    )


@st.composite
def nearly_valid(draw) -> tuple:
    """The right header and every id in a random order, some cells hostile; now and then other ids."""
    target = draw(st.sampled_from(SOLUTIONS))
    header = draw(st.permutations(target.submission_columns))
    row_ids = draw(st.permutations([str(i) for i in target.ids]))
    if draw(st.integers(0, 4)) == 0:
        row_ids = draw(st.lists(st.sampled_from([*row_ids, *WORDS]), max_size=8))
    lines = [",".join(header)]
    for row_id in row_ids:
        row = [row_id if name == target.spec.id_column else draw(valid_cells(target)) for name in header]
        if draw(st.integers(0, 3)) == 0:
            row[draw(st.integers(0, len(header) - 1))] = draw(cells)  # the id too, now and then
        lines.append(
            ",".join(f'"{cell}"' if '"' not in cell and draw(st.booleans()) else cell for cell in row)
        )
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    prefix = draw(st.sampled_from(["", "\ufeff"]))
    return target, (prefix + newline.join(lines) + newline).encode("utf-8")


@BOUNDED
@given(st.binary(max_size=3000))
@example(b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)))
@example(b"\x1f\x8b\x08\x00" + b"\x00" * 64)
@example("id,y\n1,0.5\n".encode("utf-16"))
@example(b"\xef\xbb\xbf\xef\xbb\xbfid,y\n1,0.5\n")
@example(b"\x00\x00\x00")
def test_random_bytes_score_or_are_refused(data):
    for target in SOLUTIONS:
        scores_or_refuses(target, data)


@BOUNDED
@given(csv_like())
@example((SOLUTIONS[0], b'""\nid,y\n1,1\n2,2\n3,3\n4,4\n'))  # a header the two CSV readers disagree on
def test_csv_like_text_scores_or_is_refused(target_and_data):
    scores_or_refuses(*target_and_data)


@BOUNDED
@given(nearly_valid())
@example((SOLUTIONS[0], b"id,y\n1,99999999999999999999999\n2,1\n3,1\n4,1\n"))  # text to pandas, a number
def test_nearly_valid_files_score_or_are_refused(target_and_data):
    scores_or_refuses(*target_and_data)


HTML = b"""<!DOCTYPE html>
<html><head><title>404 Not Found</title></head>
<body><h1>Not Found</h1><p>The requested URL was not found, sorry.</p></body></html>
"""


@pytest.mark.parametrize(
    "data",
    [
        HTML,
        b"id,y\n" + b"1," * 400_000 + b"\n",  # one huge line of fields
        b"x" * 2_000_000,  # one huge line, no separator
        ",".join(["id", "y", *(f"c{i}" for i in range(5000))]).encode() + b"\n1,2\n",  # thousands of columns
        "id,y\r\n1,0.5\r\n2,0.5\r\n3,0.5\r\n4,0.5\r\n".encode("utf-16"),
        b'id,y\n"1","nan"\n"2","inf"\n"3",""\n"4","-inf"\n',
    ],
    ids=["html", "huge-line-of-fields", "huge-line", "thousands-of-columns", "utf-16", "nan-inf-empty"],
)
def test_known_hostile_files_are_refused_clearly(data):
    for target in SOLUTIONS:
        with pytest.raises(SubmissionError) as refused:
            score(target, io.BytesIO(data))
        assert refused.value.code != "metric_failed"


def fast_path_agrees_with_slow_path(target, data: bytes) -> None:
    """The pyarrow fast path answers only for files the pandas path reads to the very same predictions."""
    header_and_columns = (target.spec.id_column, target.submission_columns[1:])
    csv_file = CsvFile(io.BytesIO(data), owner="Your file", error=SubmissionError)
    try:
        header = read_header(csv_file)
        check_columns(csv_file, header, id_column=header_and_columns[0], target_columns=header_and_columns[1])
    except SubmissionError:
        return
    fast = submission._fast_predictions(
        csv_file, header, target, get_metric(target.spec.metric), header_and_columns[1]
    )
    if fast is None:
        return
    with mock.patch.object(submission, "_fast_predictions", return_value=None):
        slow = submission.read_predictions(target, io.BytesIO(data))
    assert fast.dtype == slow.dtype
    np.testing.assert_array_equal(fast, slow)


@BOUNDED
@given(nearly_valid())
@example((SOLUTIONS[0], b"id,y\n1,99999999999999999999999\n2,1\n3,1\n4,1\n"))
@example((SOLUTIONS[0], b'\xef\xbb\xbfid,y\r\n"1","+.5"\r\n2,1e-320\r\n\r\n3,-0\n4,1\n'))
def test_fast_path_reads_nearly_valid_files_as_the_slow_path_does(target_and_data):
    fast_path_agrees_with_slow_path(*target_and_data)


@BOUNDED
@given(csv_like())
def test_fast_path_reads_csv_like_text_as_the_slow_path_does(target_and_data):
    fast_path_agrees_with_slow_path(*target_and_data)


PLAIN_VALID_FILES = [
    (SOLUTIONS[0], b"id,y\n4,0.5\n3,7\n2,-1\n1,2\n"),
    (SOLUTIONS[1], b"id,y\nd,emu\nc,cat\nb,cat\na,dog\n"),
    (SOLUTIONS[2], b"id,y\na,0.9\nb,0.2\nc,0.4\nd,0.7\n"),
    (SOLUTIONS[4], b"id,cat,dog\na,0.8,0.2\nb,0.3,0.7\nc,0.6,0.4\nd,0.1,0.9\n"),
    (SOLUTIONS[7], b"id,a,b\nd,7,8\nc,5,6\nb,3,4\na,1,2\n"),
]


@pytest.mark.parametrize(
    ("target", "data"),
    PLAIN_VALID_FILES,
    ids=lambda value: getattr(value, "spec", None) and value.spec.metric,
)
def test_a_plain_valid_file_is_read_by_the_fast_path_alone(target, data):
    """The agreement tests above return early when the fast path declines; this one fails if it declines a
    file it exists for, so switching it off cannot go unnoticed."""
    with mock.patch.object(
        submission, "read_table", side_effect=AssertionError("the slow path read the file")
    ):
        scores = score(target, io.BytesIO(data))

    assert scores.public is not None
    assert scores.private is not None
