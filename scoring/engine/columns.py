"""Secondary score columns: more metrics computed from the one parse and alignment the primary metric made.

A column is a catalogue metric with its own parameters, scored on the same predictions as the primary
metric. The file is read, parsed and aligned once, under the primary metric's rules; each column then costs
only its metric's time. A column must therefore read predictions the way the primary metric parses them
(the same prediction kind, no stricter checks on the values), which `check_column` enforces.
"""

import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .errors import SolutionError, quote
from .metrics import LABEL, RANKED_LABELS, Metric, get_metric, positive_class_applies
from .parameters import coerce_params

# Checks the primary metric applies while parsing a file; a column that needs one the primary skips could
# fail on a file the parse accepted. (needs_both_classes is about the solution's splits: a column that needs
# it on a solution without it fails on hidden data, and the host sees which column.)
PARSE_CHECKS = ("nonnegative", "nonzero_truth", "integer_labels", "needs_varying_prediction")


@dataclass(frozen=True)
class ScoreColumn:
    """A secondary column as the engine scores it: its label, its metric and the metric's typed parameters."""

    label: str
    metric: str
    params: dict

    @classmethod
    def checked(
        cls, label: str, metric: str, params: Mapping, primary: Metric, primary_params: dict
    ) -> "ScoreColumn":
        """A column whose metric and parameters are checked against the primary metric; SolutionError if not."""
        column_metric = get_metric(metric)
        typed = coerce_params(column_metric, params)
        check_column(primary, primary_params, column_metric, typed)
        return cls(label, metric, typed)


def check_column(primary: Metric, primary_params: dict, metric: Metric, params: dict) -> None:
    """Refuse a column that cannot be scored from the predictions the primary metric parses."""
    if metric.prediction != primary.prediction or metric.multi_target != primary.multi_target:
        raise SolutionError(
            "column_metric_mismatch",
            f"{metric.name} reads predictions as {metric.prediction.replace('_', ' ')}"
            f"{' over several targets' if metric.multi_target else ''}, but the primary metric "
            f"{primary.name} reads them as {primary.prediction.replace('_', ' ')}"
            f"{' over several targets' if primary.multi_target else ''}; a column must read them alike.",
        )
    for check in PARSE_CHECKS:
        if getattr(metric, check) and not getattr(primary, check):
            raise SolutionError(
                "column_metric_mismatch",
                f"{metric.name} needs a check ({check.replace('_', ' ')}) that the primary metric "
                f"{primary.name} does not make when it reads a file, so it cannot be a column of it.",
            )
    if metric.prediction_range is not None and metric.prediction_range != primary.prediction_range:
        raise SolutionError(
            "column_metric_mismatch",
            f"{metric.name} needs predictions in {list(metric.prediction_range)}, which the primary metric "
            f"{primary.name} does not check.",
        )
    if params.get("positive_label") is not None:
        raise SolutionError(
            "bad_param",
            "A column takes the positive label of the primary metric; leave its 'positive_label' empty.",
        )
    # A label metric with an `average` must read a binary primary's labels the same way; one without it
    # (accuracy) scores the same on the labels or on their 0/1 codes, which map one to one.
    has_average = any(param.name == "average" for param in metric.params)
    if (
        metric.prediction == LABEL
        and has_average
        and positive_class_applies(metric, params) != positive_class_applies(primary, primary_params)
    ):
        wanted = "'binary'" if positive_class_applies(primary, primary_params) else "not 'binary'"
        raise SolutionError(
            "bad_param",
            f"The parameter 'average' of {metric.name} must be {wanted} here, as the primary metric "
            f"{primary.name} reads the labels that way, not {quote(params.get('average'))}.",
        )
    if metric.prediction == RANKED_LABELS and params.get("k") is not None:
        widest = primary_params.get("k")
        if widest is not None and int(params["k"]) > int(widest):
            raise SolutionError(
                "bad_param",
                f"The parameter 'k' of {metric.name} must be at most {widest}, the primary metric's k: "
                "labels past it are not read.",
            )


def tie_key(values: Sequence[float], higher_is_better: Sequence[bool]) -> str:
    """The columns' values as one text that sorts best first: the primary metric's ties break on it.

    Each value becomes 16 hex digits whose order is the float's order (IEEE 754 bits, sign-flipped), inverted
    for a column where higher is better; the columns' keys are joined in the order the host listed them. Text
    compares the same way in every database, so the boards order and keep the best with a plain column."""
    parts = []
    for value, higher in zip(values, higher_is_better, strict=True):
        bits = struct.unpack(">Q", struct.pack(">d", float(value) + 0.0))[0]  # + 0.0: -0.0 ties with 0.0
        ordered = bits ^ 0xFFFFFFFFFFFFFFFF if bits >> 63 else bits | (1 << 63)
        if higher:
            ordered ^= 0xFFFFFFFFFFFFFFFF
        parts.append(f"{ordered:016x}")
    return "".join(parts)
