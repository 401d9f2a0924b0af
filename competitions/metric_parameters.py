"""One input per parameter of each metric in the catalogue, for the forms that choose a metric (create and
rescore).

Every metric's inputs are on the page (a script shows only the chosen metric's, and without scripts the host
sees them all under each metric's heading); only the chosen metric's values are read. The REST API keeps
taking `metric_params` as a JSON object.
"""

from dataclasses import dataclass, field

from django import forms

from scoring import engine
from scoring.engine.errors import quote
from scoring.engine.parameters import coerce_param, what_it_must_be

LONGEST_VALUE = 200


def catalogue() -> list[engine.Metric]:
    return sorted(engine.METRICS.values(), key=lambda metric: metric.name)


def metric_choices() -> list[tuple[str, str]]:
    return [
        (m.key, f"{m.name} ({'higher' if m.higher_is_better else 'lower'} is better)") for m in catalogue()
    ]


def parameter_field_name(metric_key: str, param_name: str) -> str:
    return f"param-{metric_key}-{param_name}"


def parameter_field(param: engine.MetricParam) -> forms.Field:
    """Text in, whatever the kind: the engine types the chosen metric's values, so every message names the
    parameter the same way (and a stray value of a metric not chosen is never refused)."""
    if param.choices:
        blank = [] if param.default is not None else [("", "Choose one" if param.required else "None")]
        widget: forms.Widget = forms.Select(choices=blank + [(choice, choice) for choice in param.choices])
    elif param.kind in ("int", "float"):
        attrs = {"step": "1" if param.kind == "int" else "any"}
        if param.minimum is not None:
            attrs["min"] = f"{param.minimum:g}"
        widget = forms.NumberInput(attrs=attrs)
    else:
        widget = forms.TextInput()
    if param.default is not None and not param.choices:
        widget.attrs["placeholder"] = str(param.default)  # still shown when the input comes back empty
    help_text = param.description
    if param.default is not None:
        help_text += f" Default: {param.default}."
    elif not param.required:
        help_text += " Optional."
    if param.required:
        # Only the chosen metric's inputs are required; the script sets `required` on those it shows.
        widget.attrs["data-required"] = "true"
    parameter = forms.CharField(
        required=False,
        label=f"{param.name} (required)" if param.required else param.name,
        help_text=help_text,
        initial=param.default,
        widget=widget,
    )
    parameter.names_itself = True  # its errors start with the parameter's name
    return parameter


@dataclass
class MetricOption:
    """A metric as the form shows it: its catalogue entry and the inputs of its parameters."""

    metric: engine.Metric
    fields: list = field(default_factory=list)


class MetricParametersMixin:
    """For a form with a `metric` choice: one input per parameter of every metric, and the chosen metric's
    values, typed, in `cleaned_data["metric_params"]`. Call `add_metric_parameter_fields` in `__init__`."""

    def add_metric_parameter_fields(self, *, metric: str = "", current: dict | None = None) -> None:
        """`current` fills the inputs of `metric` (the competition's metric and parameters, when rescoring)."""
        for option in catalogue():
            for param in option.params:
                name = parameter_field_name(option.key, param.name)
                self.fields[name] = parameter_field(param)
                if option.key == metric and current and current.get(param.name) is not None:
                    self.initial[name] = current[param.name]

    def metric_options(self) -> list[MetricOption]:
        return [
            MetricOption(
                metric, [self[parameter_field_name(metric.key, param.name)] for param in metric.params]
            )
            for metric in catalogue()
        ]

    def clean(self):
        cleaned = super().clean()
        cleaned["metric_params"] = self.chosen_metric_parameters(cleaned.get("metric"))
        return cleaned

    def chosen_metric_parameters(self, key: str | None) -> dict:
        """The values given for the chosen metric's parameters, typed; blank ones are left to the default."""
        metric = engine.METRICS.get(key or "")
        if metric is None:
            return {}
        params = {}
        for param in metric.params:
            name = parameter_field_name(metric.key, param.name)
            given = (self.cleaned_data.get(name) or "").strip()
            if not given:
                if param.required:
                    self.add_error(name, f"{param.name}: {metric.name} needs it. {param.description}")
                continue
            if len(given) > LONGEST_VALUE:
                self.add_error(name, f"{param.name}: write at most {LONGEST_VALUE} characters.")
                continue
            try:
                params[param.name] = coerce_param(metric, param, given)
            except engine.SolutionError:
                self.add_error(name, f"{param.name}: must be {what_it_must_be(param)}, not {quote(given)}.")
        return params

    def parameter_field_for(self, parameter: str | None) -> str:
        """The input to show a parameter error on once the solution is read, or the metric choice."""
        name = parameter_field_name(self.cleaned_data.get("metric", ""), parameter or "")
        return name if name in self.fields else "metric"
