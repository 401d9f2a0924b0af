"""Podium's scoring engine: from a solution and a submission CSV to public and private scores.

Plain Python (no Django), so the worker, the tests and the command line share it.

Plug-in metrics: an installed package adds a metric through an entry point in the group `podium.metrics`
that names a callable taking no arguments and returning a `(Metric, scorer)` pair. In its pyproject.toml:

    [project.entry-points."podium.metrics"]
    brier = "podium_brier:metric"

    # podium_brier.py
    from scoring.engine import PROBABILITY, Metric

    def brier(y_true, y_pred):
        return float(((y_pred - y_true) ** 2).mean())

    def metric():
        return Metric("brier", "Brier score", False, PROBABILITY, "The mean squared error of ..."), brier

The engine registers each one with `register_metric` when it is imported; a plug-in that fails (import
error, wrong return value, a key already taken) is logged as a warning and skipped. The scorer receives the
truth and predictions of one split (encoded per `Metric.prediction` as described in `metrics.py`) and the
metric's parameters as keyword arguments, and returns a float; an exception or a non-finite value becomes a
generic "could not be scored" for the participant and a detail for the host. Only operators install
plug-ins: nothing a host uploads is ever executed.
"""

from . import catalogue  # noqa: F401 - registers the built-in metrics
from .columns import ScoreColumn, tie_key
from .errors import EngineError, SolutionError, SubmissionError
from .metrics import (
    CLASS_PROBABILITIES,
    LABEL,
    METRICS,
    NUMBER,
    PREDICTION_KINDS,
    PROBABILITY,
    RANKED_LABELS,
    Metric,
    MetricParam,
    get_metric,
    register_metric,
)
from .plugins import load_plugins
from .scores import Scores, score
from .solution import ScoringSpec, Solution, load_solution, sample_submission_csv
from .submission import check_submission_header
from .timings import PhaseTimes

load_plugins()

__all__ = [
    "CLASS_PROBABILITIES",
    "LABEL",
    "METRICS",
    "NUMBER",
    "PREDICTION_KINDS",
    "PROBABILITY",
    "RANKED_LABELS",
    "EngineError",
    "Metric",
    "MetricParam",
    "PhaseTimes",
    "ScoreColumn",
    "Scores",
    "ScoringSpec",
    "Solution",
    "SolutionError",
    "SubmissionError",
    "check_submission_header",
    "get_metric",
    "load_solution",
    "register_metric",
    "sample_submission_csv",
    "score",
    "tie_key",
]
