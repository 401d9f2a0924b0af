"""Turning a target column into numbers or stripped labels, and finding the rows that are neither."""

from dataclasses import dataclass

import numpy as np
import pandas as pd

NAN_SPELLINGS = frozenset({"nan", "+nan", "-nan"})


def fast_numbers(column: pd.Series) -> np.ndarray | None:
    """The column as float64 if pandas parsed it as numbers, all finite; None sends it to the slow path."""
    if column.dtype.kind not in "fiu":
        return None
    values = column.to_numpy(dtype=np.float64)
    if not np.isfinite(values).all():
        return None
    return values


@dataclass(frozen=True)
class NumberProblems:
    """Row masks of a column that is not all finite numbers, with the text written in each row.

    `values` holds the numbers read (NaN where there is none): when no mask has a row, the column is fine
    after all (pandas' reader leaves integers beyond 64 bits as text, while they are ordinary numbers).
    """

    text: pd.Series
    empty: np.ndarray
    not_numeric: np.ndarray
    not_finite: np.ndarray
    values: np.ndarray


def classify_numbers(written: pd.Series) -> NumberProblems:
    """Sort every row of a text column into empty, not a number, not finite, or fine."""
    text = written.astype(str).str.strip()
    empty = (text == "").to_numpy()
    numbers = pd.to_numeric(text.mask(empty, "0"), errors="coerce").to_numpy(dtype=np.float64)
    spelled_nan = text.str.lower().isin(NAN_SPELLINGS).to_numpy()
    not_numeric = np.isnan(numbers) & ~spelled_nan & ~empty
    not_finite = ~np.isfinite(numbers) & ~not_numeric & ~empty
    return NumberProblems(
        text=text, empty=empty, not_numeric=not_numeric, not_finite=not_finite, values=numbers
    )


def stripped_text(column: pd.Series) -> pd.Series:
    return column.astype(str).str.strip()
