"""Scoring a valid submission on the public and private splits of the solution."""

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .columns import ScoreColumn
from .csv_reading import Source
from .errors import SubmissionError
from .metrics import SCORERS, get_metric, scorer_params
from .solution import Solution
from .submission import read_predictions
from .timings import PhaseTimes

METRIC_FAILED = "Your file is valid but could not be scored; the host has been notified."


@dataclass(frozen=True)
class Scores:
    public: float
    private: float
    # Each secondary column's value by its label, in the order the columns were given.
    public_columns: dict[str, float] = field(default_factory=dict)
    private_columns: dict[str, float] = field(default_factory=dict)


def score(
    solution: Solution,
    submission: Source,
    times: PhaseTimes | None = None,
    columns: Sequence[ScoreColumn] = (),
) -> Scores:
    """Validate a participant's file, align it to the solution by id, and score both splits (scikit-learn),
    on the primary metric and on each secondary column (from the same parse; engine.columns).
    `times`, if given, gets the phases "read", "parse", "align" and "metric"."""
    times = times or PhaseTimes()
    predictions = read_predictions(solution, submission, times)
    public = _score_split(solution, predictions, "public")
    private = _score_split(solution, predictions, "private")
    by_split: dict[str, dict[str, float]] = {"public": {}, "private": {}}
    for column in columns:
        for split, values in by_split.items():
            values[column.label] = _score_split(
                solution, predictions, split, column.metric, column.params, column.label
            )
    times.lap("metric")
    return Scores(public, private, by_split["public"], by_split["private"])


def _score_split(
    solution: Solution,
    predictions: np.ndarray,
    split: str,
    metric_key: str | None = None,
    params: dict | None = None,
    label: str | None = None,
) -> float:
    metric = get_metric(metric_key or solution.spec.metric)
    rows, truth = solution.split(split)
    keywords = scorer_params(solution.params if params is None else params)
    what = f"{metric.name} (column {label!r})" if label else metric.name
    try:
        # scikit-learn and scipy warn about undefined values and answer NaN, which the check below catches.
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            value = float(SCORERS[metric.key](truth, predictions[rows], **keywords))
    except Exception as error:  # any failure on hidden rows (plug-ins too) is the host's to see
        # The reason may describe hidden values, so only the host sees it.
        reason = str(error) if isinstance(error, ValueError) else f"{type(error).__name__}: {error}"
        raise SubmissionError(
            "metric_failed", METRIC_FAILED, host_detail=f"{what} failed on the {split} split: {reason}"
        ) from error
    if not math.isfinite(value):
        raise SubmissionError(
            "metric_failed", METRIC_FAILED, host_detail=f"{what} is {value} on the {split} split."
        )
    return value
