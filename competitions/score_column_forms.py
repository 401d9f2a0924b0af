"""The host's form for secondary score columns: a small formset, one row per column, checked by the same rule
as the API (competitions.score_columns.check_score_columns)."""

from django import forms

from competitions.errors import CompetitionError
from competitions.metric_parameters import LONGEST_VALUE, metric_choices
from competitions.score_columns import (
    DEFAULT_PRECISION,
    LONGEST_LABEL,
    MAX_COLUMNS,
    MAX_PRECISION,
    check_score_columns,
)

EMPTY_ROWS = 2
# Which input of a row shows an error about each part of a column.
PART_FIELDS = {"label": "label", "metric": "metric", "params": "params", "precision": "precision"}


def parse_parameters(text: str) -> dict:
    """'average=macro, k=5' as {"average": "macro", "k": "5"}; the engine types each value."""
    params = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        name, equals, value = item.partition("=")
        if not equals or not name.strip():
            raise forms.ValidationError(
                f"Write each parameter as name=value, for example average=macro; not {item!r}."
            )
        params[name.strip()] = value.strip()
    return params


class ScoreColumnForm(forms.Form):
    metric = forms.ChoiceField(choices=lambda: [("", "Choose a metric"), *metric_choices()], required=False)
    label = forms.CharField(
        max_length=LONGEST_LABEL,
        required=False,
        help_text="The heading on the boards, unique per competition.",
    )
    params = forms.CharField(
        max_length=LONGEST_VALUE,
        required=False,
        label="Parameters",
        help_text="name=value, separated by commas (for example average=macro); empty for the defaults.",
    )
    direction = forms.ChoiceField(
        choices=[("", "The metric's own"), ("higher", "Higher is better"), ("lower", "Lower is better")],
        required=False,
    )
    precision = forms.IntegerField(
        required=False,
        initial=DEFAULT_PRECISION,
        label="Decimals",
        widget=forms.NumberInput(attrs={"min": 0, "max": MAX_PRECISION, "step": 1}),
    )
    hidden = forms.BooleanField(required=False, label="Hidden from participants")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each input names its row ("Column 2 metric"), so no two inputs of the page share a name, and the
        # competition's own Metric stays the only one called that.
        number = (self.prefix or "").rsplit("-", 1)[-1]
        row = f"Column {int(number) + 1}" if number.isdigit() else "Column"
        for name, field in self.fields.items():
            field.label = f"{row} {(field.label or name).lower()}"

    def clean_params(self) -> dict:
        return parse_parameters(self.cleaned_data.get("params") or "")

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not data.get("metric") and not (data.get("label") or "").strip()

    def as_column(self) -> dict:
        """The row as check_score_columns reads a column (the API's shape)."""
        data = self.cleaned_data
        column: dict = {
            "label": data.get("label") or "",
            "metric": data.get("metric") or "",
            "params": data["params"],
        }
        if data.get("direction"):
            column["higher_is_better"] = data["direction"] == "higher"
        if data.get("precision") is not None:
            column["precision"] = data["precision"]
        column["shown"] = not data.get("hidden")
        return column


class BaseScoreColumnFormSet(forms.BaseFormSet):
    default_error_messages = {
        **forms.BaseFormSet.default_error_messages,
        "too_many_forms": f"A competition has at most {MAX_COLUMNS} secondary score columns.",
    }


ScoreColumnFormSet = forms.formset_factory(
    ScoreColumnForm,
    formset=BaseScoreColumnFormSet,
    extra=EMPTY_ROWS,
    max_num=MAX_COLUMNS,
    validate_max=True,
    absolute_max=MAX_COLUMNS + 5,
)


PREFIX = "columns"


def initial_rows(setup: list[dict] | None) -> list[dict]:
    """A competition's columns as the rows show them, for the rescore form."""
    return [
        {
            "metric": column["metric"],
            "label": column["label"],
            "params": ", ".join(f"{k}={v}" for k, v in (column.get("params") or {}).items() if v is not None),
            "direction": "higher" if column.get("higher_is_better") else "lower",
            "precision": column.get("precision"),
            "hidden": not column.get("shown", True),
        }
        for column in setup or []
    ]


def score_columns_formset(data=None, initial: list[dict] | None = None) -> forms.BaseFormSet:
    """The rows, bound to `data` when it holds them: a post without the rows (an older page, a script that
    fills the other fields) asks for no columns, rather than failing on the formset's bookkeeping."""
    if data is not None and f"{PREFIX}-TOTAL_FORMS" not in data:
        data = None
    return ScoreColumnFormSet(data=data, initial=initial or [], prefix=PREFIX)


def checked_columns(
    formset: forms.BaseFormSet, *, metric: str, metric_params: dict
) -> tuple[list[dict], list[str]]:
    """The filled rows as the competition stores them, and the problems for the form's error summary; each
    problem is also put on its row's input (the message names the column, the input and the rule, as the
    API's does)."""
    if not formset.is_bound:
        return [], []
    if not formset.is_valid():
        problems = [f"Score columns: {error}" for error in formset.non_form_errors()]
        for number, form in enumerate(formset.forms, start=1):
            for name, errors in form.errors.items():
                problems += [f"Score column {number}, {name}: {error}" for error in errors]
        return [], problems or ["Check the score columns."]
    filled = [form for form in formset.forms if not form.is_blank()]
    try:
        columns = check_score_columns(
            [form.as_column() for form in filled], metric=metric, metric_params=metric_params
        )
    except CompetitionError as error:
        number = error.details.get("column")
        if number is not None:
            field = PART_FIELDS.get(error.details.get("part", ""))
            filled[number - 1].add_error(field, error.message.split(": ", 1)[-1] if field else error.message)
        return [], [error.message]
    return columns, []
