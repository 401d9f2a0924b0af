"""Checking a participant's file against the solution and lining its predictions up with the solution."""

from collections.abc import Collection, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .csv_reading import (
    CsvFile,
    Source,
    check_columns,
    raise_if_ragged,
    read_arrow_table,
    read_header,
    read_table,
)
from .errors import SubmissionError, is_are, name_some, name_some_pairs, plural, quote
from .metrics import CLASS_PROBABILITIES, LABEL, NUMBER, RANKED_LABELS, Metric, all_equal, get_metric
from .solution import Solution
from .target_values import classify_numbers, fast_numbers, stripped_text
from .timings import PhaseTimes

OWNER = "Your file"
ALLOWED_LABELS_SHOWN = 20
# Past twice the solution's rows and this many more, a file is not a near miss: it stops being read there.
EXTRA_ROWS_READ = 1000


def check_submission_header(source: Source, *, id_column: str, columns: Sequence[str]) -> None:
    """Refuse a participant's file whose header is wrong, as `read_predictions` would: `source` may be only the
    file's first lines (the upload form checks them before sending the file)."""
    csv_file = CsvFile(source, owner=OWNER, error=SubmissionError)
    check_columns(csv_file, read_header(csv_file), id_column=id_column, target_columns=columns)


def read_predictions(solution: Solution, source: Source, times: PhaseTimes | None = None) -> np.ndarray:
    """Validate a participant's file and return its predictions in solution order.

    Labels come back as integer codes into `solution.allowed_labels`, numbers and probabilities as float64
    (one column per prediction column when there are several), ranked lists as codes, -1 past a list's end.
    Every message names only the participant's own columns, ids and values, or the public label set.
    `times`, if given, gets the phases "read" (the file into memory), "parse" and "align".
    """
    times = times or PhaseTimes()
    spec = solution.spec
    metric = get_metric(spec.metric)
    columns = solution.submission_columns[1:]
    csv_file = CsvFile(source, owner=OWNER, error=SubmissionError)
    times.lap("read")
    header = read_header(csv_file)
    check_columns(csv_file, header, id_column=spec.id_column, target_columns=columns)
    fast = _fast_predictions(csv_file, header, solution, metric, columns, times)
    if fast is not None:
        times.lap("align")
        return fast
    dtype = {spec.id_column: str}
    if metric.prediction in (LABEL, RANKED_LABELS):
        dtype |= dict.fromkeys(columns, str)
    table = read_table(csv_file, header, dtype)
    if len(table) == 0:
        raise SubmissionError(
            "no_rows",
            f"{OWNER} has a header but no data rows; it needs one row per test id ({len(solution.ids):,}).",
        )

    ids = pd.Index(stripped_text(table[spec.id_column]), name=spec.id_column)
    times.lap("parse")
    empty_ids = np.asarray(ids == "")
    if empty_ids.any():
        raise_if_ragged(csv_file, len(header))
        rows = np.flatnonzero(empty_ids) + 1
        raise SubmissionError(
            "empty_id",
            f"{OWNER} has {plural(len(rows), 'row')} with an empty {quote(spec.id_column)} "
            f"(data {'row' if len(rows) == 1 else 'rows'} {name_some(rows, len(rows), quoted=False)}, "
            "counting from the first row after the header). Every row needs the id of a test row.",
        )
    positions = _align(solution, ids)

    if metric.prediction == LABEL:
        values: np.ndarray = _labels(csv_file, header, solution, columns[0], table[columns[0]], ids)
    elif metric.prediction == RANKED_LABELS:
        values = _ranked_labels(csv_file, header, solution, columns[0], table[columns[0]], ids)
    else:
        number_columns = [_numbers(csv_file, header, metric, name, table[name], ids) for name in columns]
        if metric.multi_target or metric.prediction == CLASS_PROBABILITIES:
            values = np.column_stack(number_columns)
        else:
            values = number_columns[0]
        if metric.prediction == CLASS_PROBABILITIES:
            values = _renormalised(values, ids)
        if metric.needs_varying_prediction and all_equal(values):
            raise SubmissionError(
                "constant_prediction",
                f"Every value in {name_some(columns, len(columns))} is the same, and {metric.name} is "
                "undefined for predictions that never vary.",
            )
    aligned = np.empty((len(solution.ids), *values.shape[1:]), dtype=values.dtype)
    aligned[positions] = values
    times.lap("align")
    return aligned


def _fast_predictions(
    csv_file: CsvFile,
    header: list[str],
    solution: Solution,
    metric: Metric,
    columns: tuple[str, ...],
    times: PhaseTimes | None = None,
) -> np.ndarray | None:
    """What `read_predictions` returns, by pyarrow's reader, for a file with nothing to explain; None for any
    other file, which the slow path below reads again to name the problem."""
    if metric.prediction == RANKED_LABELS:
        return None
    is_label = metric.prediction == LABEL
    column_types = {solution.spec.id_column: pa.string()}
    column_types |= dict.fromkeys(columns, pa.string() if is_label else pa.float64())
    rows = len(solution.ids)
    table = read_arrow_table(
        csv_file, header, column_types, expected_rows=rows, row_limit=2 * rows + EXTRA_ROWS_READ
    )
    if times is not None:
        times.lap("parse")
    if table is None or table.num_rows != len(solution.ids):
        return None
    positions = solution.id_lookup.positions(table.column(solution.spec.id_column))
    if positions is None:
        return None
    if is_label:
        assert solution.allowed_labels is not None
        codes = pc.index_in(
            table.column(columns[0]), value_set=pa.array(solution.allowed_labels, pa.string())
        )
        if codes.null_count:
            return None
        values: np.ndarray = codes.to_numpy().astype(np.intp)
    else:
        number_columns = [table.column(name).to_numpy() for name in columns]
        for numbers in number_columns:
            if not np.isfinite(numbers).all():
                return None
            if metric.prediction_range is not None:
                low, high = metric.prediction_range
                if ((numbers < low) | (numbers > high)).any():
                    return None
            if metric.nonnegative and (numbers < 0).any():
                return None
        if metric.multi_target or metric.prediction == CLASS_PROBABILITIES:
            values = np.column_stack(number_columns)
        else:
            values = number_columns[0]
        if metric.prediction == CLASS_PROBABILITIES:
            sums = values.sum(axis=1)
            if (sums == 0).any():
                return None
            values = values / sums[:, np.newaxis]
        if metric.needs_varying_prediction and all_equal(values):
            return None
    aligned = np.empty((len(solution.ids), *values.shape[1:]), dtype=values.dtype)
    aligned[positions] = values
    return aligned


def _align(solution: Solution, ids: pd.Index) -> np.ndarray:
    """Where each row of the file sits in the solution; every solution id must appear exactly once."""
    if not ids.is_unique:
        duplicated = ids[ids.duplicated()].unique()
        raise SubmissionError(
            "duplicate_id",
            f"{OWNER} has {plural(len(duplicated), 'id')} more than once: "
            f"{name_some(duplicated, len(duplicated))}. Each test id must appear exactly once.",
        )
    positions = solution.ids.get_indexer(ids)
    unknown = positions < 0
    unknown_count = int(unknown.sum())
    if len(ids) - unknown_count < len(solution.ids):
        present = np.zeros(len(solution.ids), dtype=bool)
        present[positions[~unknown]] = True
        missing = solution.ids[~present]
        message = (
            f"{OWNER} is missing {plural(len(missing), 'test id')}: {name_some(missing, len(missing))}. "
            f"It needs exactly one row for each of the {len(solution.ids):,} test ids."
        )
        if unknown_count:
            message += (
                f" It also has {plural(unknown_count, 'id')} that {is_are(unknown_count)} "
                f"not in the test set: {name_some(ids[unknown], unknown_count)}."
            )
        raise SubmissionError("missing_ids", message)
    if unknown_count:
        raise SubmissionError(
            "unknown_ids",
            f"{OWNER} has {plural(unknown_count, 'id')} that {is_are(unknown_count)} not in the test set: "
            f"{name_some(ids[unknown], unknown_count)}. "
            "Keep exactly one row for each test id and remove the others.",
        )
    return positions


def _labels(
    csv_file: CsvFile, header: list[str], solution: Solution, target: str, column: pd.Series, ids: pd.Index
) -> np.ndarray:
    text = stripped_text(column)
    empty = (text == "").to_numpy()
    if empty.any():
        raise_if_ragged(csv_file, len(header))
        raise _missing_values(target, ids, empty)
    assert solution.allowed_labels is not None
    codes = pd.Index(solution.allowed_labels).get_indexer(pd.Index(text, copy=False))
    unknown = codes < 0
    if unknown.any():
        raise _unknown_labels(solution, target, text[unknown].unique(), ids, unknown, "values")
    return codes


def _ranked_labels(
    csv_file: CsvFile, header: list[str], solution: Solution, target: str, column: pd.Series, ids: pd.Index
) -> np.ndarray:
    """The first k labels of each row's space-separated list as codes (all of them for a metric without a k
    parameter); a shorter list ends in -1s."""
    text = stripped_text(column)
    empty = (text == "").to_numpy()
    if empty.any():
        raise_if_ragged(csv_file, len(header))
        raise _missing_values(target, ids, empty)
    assert solution.allowed_labels is not None
    lists: pd.Series = text.str.split()  # a list of labels per row: .str.len() counts its items
    lengths = lists.str.len().to_numpy()
    labels = lists.explode().to_numpy(dtype=object)
    codes = pd.Index(solution.allowed_labels).get_indexer(pd.Index(labels, copy=False))
    rows = np.repeat(np.arange(len(text)), lengths)
    if (codes < 0).any():
        unknown = np.zeros(len(text), dtype=bool)
        unknown[rows[codes < 0]] = True
        written = pd.unique(labels[codes < 0])
        raise _unknown_labels(solution, target, written, ids, unknown, "labels")
    # Only the first k count; a k larger than every list costs no memory.
    width = int(lengths.max())
    if solution.params.get("k") is not None:
        width = min(width, int(solution.params["k"]))
    places = np.arange(len(labels)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    kept = places < width
    ranked = np.full((len(text), width), -1, dtype=np.intp)
    ranked[rows[kept], places[kept]] = codes[kept]
    return ranked


def _unknown_labels(
    solution: Solution,
    target: str,
    written: Collection[object],
    ids: pd.Index,
    unknown: np.ndarray,
    what: str,
) -> SubmissionError:
    count = int(unknown.sum())
    allowed = solution.allowed_labels or ()
    return SubmissionError(
        "unknown_label",
        f"{OWNER} has {what} in {quote(target)} that are not labels of this competition: "
        f"{name_some(written, len(written))}, for {plural(count, 'id')}: {name_some(ids[unknown], count)}. "
        f"The allowed labels are {name_some(allowed, len(allowed), ALLOWED_LABELS_SHOWN)}.",
    )


def _numbers(
    csv_file: CsvFile, header: list[str], metric: Metric, target: str, column: pd.Series, ids: pd.Index
) -> np.ndarray:
    values = fast_numbers(column)
    if values is None:
        # Only a faulty file gets here: read it again as text to show the participant what they wrote.
        problems = classify_numbers(read_table(csv_file, header, dict.fromkeys(header, str))[target])
        if problems.empty.any():
            raise_if_ragged(csv_file, len(header))
            raise _missing_values(target, ids, problems.empty)
        kind = "a finite number" if metric.prediction == NUMBER else "a finite probability or score"
        for mask, code, what in (
            (problems.not_numeric, "not_numeric", f"values in {quote(target)} that are not numbers"),
            (problems.not_finite, "not_finite", f"infinite or NaN values in {quote(target)}"),
        ):
            if mask.any():
                count = int(mask.sum())
                raise SubmissionError(
                    code,
                    f"{OWNER} has {what}, for {plural(count, 'id')}: "
                    f"{name_some_pairs(ids[mask], problems.text[mask], count)}. "
                    f"{metric.name} needs {kind} for every id.",
                )
        values = problems.values
    if metric.prediction_range is not None:
        low, high = metric.prediction_range
        outside = (values < low) | (values > high)
        if outside.any():
            count = int(outside.sum())
            what = "of each class" if metric.prediction == CLASS_PROBABILITIES else "of the positive class"
            raise SubmissionError(
                "out_of_range",
                f"{OWNER} has values in {quote(target)} outside [{low:g}, {high:g}], "
                f"for {plural(count, 'id')}: {name_some_pairs(ids[outside], column[outside], count)}. "
                f"{metric.name} needs the probability {what}, between {low:g} and {high:g}.",
            )
    if metric.nonnegative:
        negative = values < 0
        if negative.any():
            count = int(negative.sum())
            raise SubmissionError(
                "negative_value",
                f"{OWNER} has negative values in {quote(target)}, for {plural(count, 'id')}: "
                f"{name_some_pairs(ids[negative], column[negative], count)}. "
                f"{metric.name} needs predictions of 0 or more.",
            )
    return values


def _renormalised(probabilities: np.ndarray, ids: pd.Index) -> np.ndarray:
    """Each row divided by its sum, as multiclass log loss on Kaggle does; an all-zero row has no meaning."""
    sums = probabilities.sum(axis=1)
    zero = sums == 0
    if zero.any():
        count = int(zero.sum())
        raise SubmissionError(
            "zero_row",
            f"{OWNER} has only zeros as class probabilities for {plural(count, 'id')}: "
            f"{name_some(ids[zero], count)}. Each row needs a positive probability for at least one class.",
        )
    return probabilities / sums[:, np.newaxis]


def _missing_values(target: str, ids: pd.Index, empty: np.ndarray) -> SubmissionError:
    count = int(empty.sum())
    return SubmissionError(
        "missing_value",
        f"{OWNER} has an empty {quote(target)} for {plural(count, 'id')}: {name_some(ids[empty], count)}. "
        "Every test id needs a prediction.",
    )
