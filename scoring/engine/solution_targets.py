"""The solution's target columns, encoded for the metric, and the refusals a host can fix before launch."""

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .csv_reading import CsvFile, raise_if_ragged, read_table
from .errors import SolutionError, name_some, name_some_pairs, plural, quote
from .metrics import LABEL, NUMBER, RANKED_LABELS, Metric, positive_class_applies
from .target_values import classify_numbers, fast_numbers, stripped_text

# A binary solution spelled like this has an obvious positive class; any other pair needs `positive_label`.
OBVIOUS_POSITIVE = {
    frozenset({"0", "1"}): "1",
    frozenset({"0.0", "1.0"}): "1.0",
    frozenset({"False", "True"}): "True",
    frozenset({"false", "true"}): "true",
    frozenset({"FALSE", "TRUE"}): "TRUE",
}
INTEGER = re.compile(r"[+-]?\d+")


@dataclass(frozen=True)
class TargetColumn:
    """One target column: `values` (codes into `labels`, 0/1 with `labels` = (negative, positive), or float64
    numbers with `labels` None) and the positive label of a binary target."""

    values: np.ndarray
    labels: tuple[str, ...] | None
    positive_label: str | None = None


def read_target(
    csv_file: CsvFile,
    header: list[str],
    metric: Metric,
    params: dict,
    target: str,
    table: pd.DataFrame,
    ids: pd.Index,
) -> TargetColumn:
    """Parse and check one target column of the solution for `metric`."""
    if metric.prediction == NUMBER:
        return TargetColumn(_numbers(csv_file, header, metric, target, table[target], ids), None)
    text = stripped_text(table[target])
    empty = (text == "").to_numpy()
    if empty.any():
        raise_if_ragged(csv_file, len(header))
        count = int(empty.sum())
        raise SolutionError(
            "missing_value",
            f"The solution file has an empty {quote(target)} for {plural(count, 'id')}: "
            f"{name_some(ids[empty], count)}.",
        )
    if positive_class_applies(metric, params):
        return _binary(metric, params, target, text)
    if metric.integer_labels:
        return _integer_labels(metric, target, text, ids)
    codes, uniques = pd.factorize(text, sort=True)
    labels = tuple(str(label) for label in uniques)
    if metric.prediction == RANKED_LABELS:
        spaced = [label for label in labels if len(label.split()) > 1]
        if spaced:
            raise SolutionError(
                "label_with_space",
                f"{metric.name} reads predictions as labels separated by spaces, so no label may contain a "
                f"space, but the solution's {quote(target)} has {name_some(spaced, len(spaced))}.",
            )
    elif metric.prediction != LABEL and len(labels) < 2:
        raise SolutionError(
            "too_few_classes",
            f"{metric.name} needs at least 2 classes, but the solution's {quote(target)} holds only "
            f"{quote(labels[0])}.",
        )
    return TargetColumn(codes, labels)


def _numbers(
    csv_file: CsvFile, header: list[str], metric: Metric, target: str, column: pd.Series, ids: pd.Index
) -> np.ndarray:
    values = fast_numbers(column)
    if values is None:
        problems = classify_numbers(read_table(csv_file, header, dict.fromkeys(header, str))[target])
        for mask, code, what in (
            (problems.empty, "missing_value", "an empty"),
            (problems.not_numeric, "not_numeric", "a non-numeric"),
            (problems.not_finite, "not_finite", "an infinite or NaN"),
        ):
            if mask.any():
                if code == "missing_value":
                    raise_if_ragged(csv_file, len(header))
                count = int(mask.sum())
                raise SolutionError(
                    code,
                    f"The solution file has {what} {quote(target)} for {plural(count, 'id')}: "
                    f"{name_some_pairs(ids[mask], problems.text[mask], count)}. "
                    f"{metric.name} needs a finite number in every row.",
                )
        values = problems.values
    for bad, code, what, need in (
        (values < 0 if metric.nonnegative else None, "negative_value", "a negative", "no negative values"),
        (values == 0 if metric.nonzero_truth else None, "zero_value", "a zero", "no zero as a true value"),
    ):
        if bad is not None and bad.any():
            count = int(bad.sum())
            raise SolutionError(
                code,
                f"The solution file has {what} {quote(target)} for {plural(count, 'id')}: "
                f"{name_some_pairs(ids[bad], column[bad], count)}. {metric.name} needs {need}.",
            )
    return values


def _binary(metric: Metric, params: dict, target: str, text: pd.Series) -> TargetColumn:
    labels = sorted(text.unique())
    if len(labels) != 2:
        other_averages = (
            " Or set the parameter average to micro, macro or weighted." if "average" in params else ""
        )
        raise SolutionError(
            "not_binary",
            f"{metric.name} needs a binary target: the solution's {quote(target)} must hold exactly "
            f"2 distinct labels, but it holds {len(labels)}: {name_some(labels, len(labels))}.{other_averages}",
        )
    given = params.get("positive_label")
    if given is not None:
        positive = str(given)
        if positive not in labels:
            raise SolutionError(
                "unknown_positive_label",
                f"The positive label {quote(positive)} is not in the solution's {quote(target)}, which holds "
                f"{name_some(labels)}.",
            )
    elif frozenset(labels) in OBVIOUS_POSITIVE:
        positive = OBVIOUS_POSITIVE[frozenset(labels)]
    else:
        raise SolutionError(
            "positive_label_needed",
            f"{metric.name} needs to know the positive class: set the metric parameter positive_label to "
            f"{' or '.join(quote(label) for label in labels)}.",
        )
    negative = labels[0] if labels[1] == positive else labels[1]
    return TargetColumn((text == positive).to_numpy().astype(np.int8), (negative, positive), positive)


def _integer_labels(metric: Metric, target: str, text: pd.Series, ids: pd.Index) -> TargetColumn:
    """Codes in the order of the labels' values, so the metric sees the rating scale's order."""
    not_integer = ~text.str.fullmatch(INTEGER).to_numpy()
    if not_integer.any():
        count = int(not_integer.sum())
        raise SolutionError(
            "not_integer",
            f"{metric.name} needs whole-number labels (a rating scale), but the solution's {quote(target)} "
            f"holds other values for {plural(count, 'id')}: "
            f"{name_some_pairs(ids[not_integer], text[not_integer], count)}.",
        )
    labels = tuple(sorted(text.unique(), key=lambda label: (int(label), label)))
    codes = pd.Index(labels).get_indexer(text)
    return TargetColumn(codes, labels)


def check_each_split_is_defined(
    metric: Metric,
    targets: list[str],
    columns: list[TargetColumn],
    is_public: np.ndarray,
    split_names: tuple[str, str],
) -> None:
    """Refuse at upload a split on which the metric is undefined, rather than fail every submission later."""
    for split_name, rows in zip(split_names, (is_public, ~is_public), strict=True):
        for target, column in zip(targets, columns, strict=True):
            present = set(np.unique(column.values[rows]).tolist())
            if metric.prediction == NUMBER and len(present) < 2:
                raise SolutionError(
                    "constant_split",
                    f"{metric.name} is undefined when the true values do not vary, but the {split_name} rows "
                    f"all hold the same {quote(target)}. Use more rows, or a Usage column that mixes values "
                    "in each split.",
                )
            if metric.prediction not in (NUMBER, LABEL) and column.labels and len(column.labels) > 2:
                missing = [label for code, label in enumerate(column.labels) if code not in present]
                if missing:
                    raise SolutionError(
                        "missing_class_split",
                        f"{metric.name} needs every class in each split, but the {split_name} rows have no "
                        f"{name_some(missing, len(missing))} in {quote(target)}. Use more rows, or a Usage "
                        "column that puts every class in each split.",
                    )
            if metric.prediction != NUMBER and len(present) < 2:
                where = f" of {quote(target)}" if len(targets) > 1 else ""
                both = "both classes" if column.labels and len(column.labels) == 2 else "at least two classes"
                raise SolutionError(
                    "single_class_split",
                    f"{metric.name} needs {both} in each split, but the {split_name} rows{where} hold only "
                    f"one. Use more rows, or a Usage column that puts {both} in each split.",
                )
