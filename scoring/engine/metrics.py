"""What a metric is (key, direction, submission shape, parameters) and the registry of metrics and scorers.

The built-in catalogue lives in `catalogue.py`, its scikit-learn definitions in `scorers.py`; plug-ins add
to the same registry through `register_metric` (see `plugins.py`).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .errors import SolutionError

# What a submission's prediction columns hold, and how the solution's truth reaches the scorer.
LABEL = "label"  # one column of class labels; truth and predictions are integer codes into the labels
PROBABILITY = "probability"  # a score per binary target column; truth is 0/1, 1 the positive class
NUMBER = "number"  # a finite number per target column; truth and predictions are float64
CLASS_PROBABILITIES = "class_probabilities"  # one probability column per class, named by its label
RANKED_LABELS = "ranked_labels"  # a space-separated list of labels, best first; truth is a label code
PREDICTION_KINDS = (LABEL, PROBABILITY, NUMBER, CLASS_PROBABILITIES, RANKED_LABELS)
# Kinds whose truth is a class label coded into the solution's sorted class labels.
LABEL_CODED = (LABEL, CLASS_PROBABILITIES, RANKED_LABELS)

PARAM_KINDS = ("int", "float", "str")
METRIC_KEY = re.compile(r"[a-z][a-z0-9_]*")

Scorer = Callable[..., float]


@dataclass(frozen=True)
class MetricParam:
    """A parameter a host may set on a metric; values arrive as text (forms, CLI) or typed (JSON).

    `choices` (for "str") and `minimum` (for "int" and "float") narrow what load_solution accepts.
    """

    name: str
    kind: str  # "int" | "float" | "str"
    default: object | None
    description: str
    required: bool = False
    choices: tuple[str, ...] = ()
    minimum: float | None = None


@dataclass(frozen=True)
class Metric:
    """One metric of the catalogue, as the competition pages and the engine see it."""

    key: str
    name: str
    higher_is_better: bool
    prediction: str  # one of PREDICTION_KINDS: what the submission's prediction columns hold
    description: str  # for the competition's Evaluation page, including what the columns must hold
    # Undefined when a split's truth holds one value only (one class, a constant number, or for one
    # probability column per class, a class missing from the split): such solutions are refused at load.
    needs_both_classes: bool = False
    params: tuple[MetricParam, ...] = ()
    multi_target: bool = False  # scores several target columns; every other metric takes exactly one
    prediction_range: tuple[float, float] | None = None  # inclusive bounds on every predicted value
    nonnegative: bool = False  # truth and predictions must be >= 0 (logarithmic errors)
    nonzero_truth: bool = False  # the truth divides (percentage errors)
    integer_labels: bool = False  # class labels are integers, ordered by value (rating scales)
    needs_varying_prediction: bool = False  # undefined when every prediction is the same (correlations)


METRICS: dict[str, Metric] = {}

# Each scorer takes the truth and the predictions of one split, both in solution order, plus the metric's
# parameters as keywords (coerced, defaults filled; positive_label excepted, which is applied at load).
# Encodings by Metric.prediction:
#   label          truth and predictions: integer codes into Solution.class_labels (shape (n,)). With a
#                  positive class (average "binary"), class_labels is (negative, positive), so 1 is positive.
#   probability    truth 0/1 int8, predictions float64; shape (n,), or (n, targets) for a multi-target metric.
#   number         float64; shape (n,), or (n, targets) for a multi-target metric.
#   class_probabilities  truth: codes (n,); predictions: (n, classes) float64, rows summing to 1.
#   ranked_labels  truth: codes (n,); predictions: (n, width) codes of the labels listed, best first, -1 past a
#                  list's end; width is at most the k parameter (when the metric has one).
SCORERS: dict[str, Scorer] = {}


def get_metric(key: str) -> Metric:
    """The catalogue entry for `key`; an unknown key is the host's mistake, so it raises SolutionError."""
    try:
        return METRICS[key]
    except (KeyError, TypeError):
        choices = ", ".join(sorted(METRICS))
        raise SolutionError("unknown_metric", f"Unknown metric {key!r}. Choose one of: {choices}.") from None


def register_metric(metric: Metric, scorer: Scorer) -> None:
    """Add a metric and its scorer to the catalogue; raises TypeError or ValueError if either is unusable.

    `scorer(y_true, y_pred, **params) -> float` follows the encodings described above `SCORERS`.
    """
    if not isinstance(metric, Metric):
        raise TypeError(f"expected a Metric, got {type(metric).__name__}")
    if not callable(scorer):
        raise TypeError(f"the scorer of {metric.key!r} is not callable")
    if not isinstance(metric.key, str) or not METRIC_KEY.fullmatch(metric.key):
        raise ValueError(f"metric key {metric.key!r} must be lowercase letters, digits and underscores")
    if metric.key in METRICS:
        raise ValueError(f"a metric with the key {metric.key!r} is already registered")
    if metric.prediction not in PREDICTION_KINDS:
        raise ValueError(f"{metric.key}: prediction must be one of {', '.join(PREDICTION_KINDS)}")
    if not metric.name or not metric.description:
        raise ValueError(f"{metric.key}: a metric needs a name and a description")
    if metric.multi_target and metric.prediction not in (PROBABILITY, NUMBER):
        raise ValueError(f"{metric.key}: only number and probability metrics can be multi-target")
    names = [param.name for param in metric.params]
    if len(set(names)) != len(names):
        raise ValueError(f"{metric.key}: parameter names must be unique")
    for param in metric.params:
        if not isinstance(param, MetricParam) or param.kind not in PARAM_KINDS:
            raise ValueError(f"{metric.key}: each parameter must be a MetricParam of kind int, float or str")
    METRICS[metric.key] = metric
    SCORERS[metric.key] = scorer


def positive_class_applies(metric: Metric, params: dict) -> bool:
    """Whether the truth is binary with a positive class: probability metrics, and label metrics whose
    `average` parameter is "binary" (F1, precision, recall)."""
    if metric.prediction == PROBABILITY:
        return True
    return metric.prediction == LABEL and params.get("average") == "binary"


def scorer_params(params: dict) -> dict:
    """The keywords a scorer receives: positive_label is applied when the solution loads, not while scoring."""
    return {name: value for name, value in params.items() if name != "positive_label"}


def all_equal(values: np.ndarray) -> bool:
    return values.size > 0 and bool((values == values.flat[0]).all())
