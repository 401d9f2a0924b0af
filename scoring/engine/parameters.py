"""Metric parameters as a host gives them (text from a form or the CLI, typed values from JSON), checked."""

import math
import re
from collections.abc import Mapping

from .errors import SolutionError, name_some, quote
from .metrics import Metric, MetricParam

WHOLE_NUMBER = re.compile(r"[+-]?\d+")


def coerce_params(metric: Metric, given: Mapping) -> dict:
    """Every parameter of `metric`, typed: the host's value, or the default when it is absent or blank."""
    declared = {param.name: param for param in metric.params}
    unknown = sorted(str(name) for name in given if name not in declared)
    if unknown:
        accepted = sorted(declared)
        known = f"It accepts {name_some(accepted, len(accepted))}." if accepted else "It takes no parameters."
        noun = "parameter" if len(unknown) == 1 else "parameters"
        raise SolutionError(
            "unknown_param", f"{metric.name} has no {noun} {name_some(unknown, len(unknown))}. {known}"
        )
    params = {}
    for name, param in declared.items():
        value = given.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if param.required:
                raise SolutionError(
                    "bad_param", f"{metric.name} needs the parameter {quote(name)}: {param.description}"
                )
            params[name] = param.default
        else:
            params[name] = coerce_param(metric, param, value)
    return params


def coerce_param(metric: Metric, param: MetricParam, value: object) -> object:
    """One given value of `param`, typed (a choice in its canonical case); SolutionError when it does not fit."""
    if param.kind == "int":
        number: object = _whole_number(value)
    elif param.kind == "float":
        number = _finite_number(value)
    else:
        text = value.strip() if isinstance(value, str) else str(value)
        if not param.choices:
            return text
        for choice in param.choices:
            if text.casefold() == choice.casefold():
                return choice
        number = None
    if number is None or (param.minimum is not None and number < param.minimum):  # type: ignore[operator]
        raise SolutionError(
            "bad_param",
            f"The parameter {quote(param.name)} of {metric.name} must be {what_it_must_be(param)}, "
            f"not {quote(value)}.",
        )
    return number


def what_it_must_be(param: MetricParam) -> str:
    """'a whole number of at least 1', "one of 'binary', 'micro', ..." for messages and the CLI."""
    if param.choices:
        *first, last = (quote(choice) for choice in param.choices)
        return f"one of {', '.join(first)} or {last}" if first else f"exactly {last}"
    noun = "a whole number" if param.kind == "int" else "a number" if param.kind == "float" else "text"
    if param.minimum is not None:
        noun += f" of at least {param.minimum:g}"
    return noun


def _whole_number(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and WHOLE_NUMBER.fullmatch(value.strip()):
        return int(value.strip())
    return None


def _finite_number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value.strip() if isinstance(value, str) else value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None
