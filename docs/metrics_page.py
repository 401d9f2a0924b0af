"""docs/metrics.md, written from the engine's metric catalogue: every built-in metric, its direction and parameters.

    .venv/bin/python docs/metrics_page.py > docs/metrics.md

tests/engine/test_metrics_docs.py checks the page still matches the catalogue.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scoring import engine
from scoring.engine.catalogue import BUILT_IN
from scoring.engine.parameters import what_it_must_be

# What a submission holds, in the words of the competition pages.
HOLDS = {
    engine.LABEL: "label",
    engine.PROBABILITY: "probability",
    engine.NUMBER: "number",
    engine.CLASS_PROBABILITIES: "class probabilities",
    engine.RANKED_LABELS: "ranked labels",
}

INTRO = [
    "# Metrics",
    "",
    "Generated from the engine's catalogue (`scoring/engine/catalogue.py`) by",
    "`.venv/bin/python docs/metrics_page.py > docs/metrics.md`; `tests/engine/test_metrics_docs.py` fails when",
    "this page and the catalogue disagree. Back to the [README](../README.md).",
    "",
    "Every metric has a **key** (`accuracy`, `map_at_k`, ...): the name the API (`metric`), the engine's command",
    "line (`--metric`) and the competition settings use. Hosts pick one when they create a competition (step 3",
    "Evaluation of `/competitions/new/`, or `metric` on `POST /api/v1/competitions/`) and can change it later",
    "with a rescore from the Host tab (every submission is scored again; see [rules.md](rules.md)).",
    "scikit-learn's functions are the definition of each; the create page explains what each needs.",
    "",
    "**Parameters.** Some metrics take parameters. The create and rescore forms show one input per metric",
    "parameter (a list for choices, a number for numbers); the API takes them as a JSON object in",
    '`metric_params` (e.g. `{"k": 10}`); the engine\'s command line takes `--param NAME=VALUE`, repeated. A',
    "parameter left out or blank takes its default; a value that does not fit is refused with the reason.",
    "",
    '**What a submission holds.** "label" is one column of class labels; "probability" a number per row that',
    'is higher the more likely the row is positive; "number" a finite number; "class probabilities" means one',
    'column per class, named after the class labels; "ranked labels" means a space-separated list, best first.',
    '"(several targets)": the submission has one such column per target column.',
    "",
    "Metrics an operator adds through the `podium.metrics` entry point are not listed here;",
    "`.venv/bin/python -m scoring.engine --list-metrics` lists every metric installed, and",
    "[scoring-engine.md](scoring-engine.md) tells how to add one. What a participant is told about a file",
    "that does not fit is in [validation.md](validation.md).",
    "",
]


def holds(metric: engine.Metric) -> str:
    what = HOLDS.get(metric.prediction, metric.prediction.replace("_", " "))
    return f"{what} (several targets)" if metric.multi_target else what


def direction(metric: engine.Metric) -> str:
    return "higher" if metric.higher_is_better else "lower"


def parameters_cell(metric: engine.Metric) -> str:
    if not metric.params:
        return "-"
    return ", ".join(
        f"`{param.name}`" + ("" if param.default is None else f" (default {param.default})")
        for param in metric.params
    )


def parameter_line(param: engine.MetricParam) -> str:
    if param.required:
        default = "required"
    elif param.default is None:
        default = "no default"
    else:
        default = f"default `{param.default}`"
    return f"- `{param.name}` ({what_it_must_be(param)}; {default}): {param.description}"


def conditions(metric: engine.Metric) -> list[str]:
    """What the solution and the submission must satisfy beyond their shape, from the metric's flags."""
    found = []
    if metric.prediction_range is not None:
        low, high = metric.prediction_range
        found.append(f"every predicted value is between {low:g} and {high:g}")
    if metric.nonnegative:
        found.append("true and predicted values are not negative")
    if metric.nonzero_truth:
        found.append("no true value is zero")
    if metric.integer_labels:
        found.append("class labels are integers, ordered by value")
    if metric.needs_both_classes:
        found.append("each split's truth holds more than one value (otherwise the solution is refused)")
    if metric.needs_varying_prediction:
        found.append("the predictions are not all equal")
    return found


def section(metric: engine.Metric) -> list[str]:
    lines = [
        f"## `{metric.key}`",
        "",
        f"**{metric.name}**",
        "",
        f"- A submission holds: {holds(metric)}",
        f"- Better: {direction(metric)}",
    ]
    if metric.params:
        lines.append("- Parameters:")
        lines += [f"  {parameter_line(param)}" for param in metric.params]
    else:
        lines.append("- Parameters: none")
    found = conditions(metric)
    if found:
        lines.append(f"- Requires: {'; '.join(found)}")
    lines += ["", metric.description, ""]
    return lines


def built_in() -> list[engine.Metric]:
    """The catalogue's metrics as the engine registered them, by key (plug-ins vary by installation)."""
    return [engine.METRICS[key] for key in sorted(metric.key for metric, _ in BUILT_IN)]


def render() -> str:
    metrics = built_in()
    lines = [
        *INTRO,
        "| key | metric | better | a submission holds | parameters |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| [`{m.key}`](#{m.key}) | {m.name} | {direction(m)} | {holds(m)} | {parameters_cell(m)} |"
        for m in metrics
    ]
    lines.append("")
    for metric in metrics:
        lines += section(metric)
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(render())
