"""Scoring a valid submission on the public and private splits of the solution."""

import math
import warnings
from dataclasses import dataclass

import numpy as np

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


def score(solution: Solution, submission: Source, times: PhaseTimes | None = None) -> Scores:
    """Validate a participant's file, align it to the solution by id, and score both splits (scikit-learn).
    `times`, if given, gets the phases "read", "parse", "align" and "metric"."""
    times = times or PhaseTimes()
    predictions = read_predictions(solution, submission, times)
    public = _score_split(solution, predictions, "public")
    private = _score_split(solution, predictions, "private")
    times.lap("metric")
    return Scores(public=public, private=private)


def _score_split(solution: Solution, predictions: np.ndarray, split: str) -> float:
    metric = get_metric(solution.spec.metric)
    rows, truth = solution.split(split)
    keywords = scorer_params(solution.params)
    try:
        # scikit-learn and scipy warn about undefined values and answer NaN, which the check below catches.
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            value = float(SCORERS[metric.key](truth, predictions[rows], **keywords))
    except Exception as error:  # any failure on hidden rows (plug-ins too) is the host's to see
        # The reason may describe hidden values, so only the host sees it.
        reason = str(error) if isinstance(error, ValueError) else f"{type(error).__name__}: {error}"
        raise SubmissionError(
            "metric_failed", METRIC_FAILED, host_detail=f"{metric.name} failed on the {split} split: {reason}"
        ) from error
    if not math.isfinite(value):
        raise SubmissionError(
            "metric_failed", METRIC_FAILED, host_detail=f"{metric.name} is {value} on the {split} split."
        )
    return value
