"""The Host tab's scoring program form: the zips, a row per column, the limits. The rules and their messages
are scoring_programs.columns' and archive's, as on the API."""

from django import forms
from django.conf import settings

from competitions.score_columns import DEFAULT_PRECISION, MAX_PRECISION
from scoring_programs.columns import DEFAULT_LIMITS, LIMITS

COLUMN_ROWS = 6


class ProgramForm(forms.Form):
    program = forms.FileField(
        help_text="A zip with metadata.yaml at its top; its <code>command</code> runs the program."
    )
    reference = forms.FileField(
        required=False,
        help_text="Optional: a zip of more reference data, unpacked into input/ref beside the solution.",
    )
    primary = forms.TypedChoiceField(
        choices=[(str(row), f"Column {row}") for row in range(1, COLUMN_ROWS + 1)],
        coerce=int,
        initial="1",
        help_text="The column that ranks the board; ties break on the others in order, then on time.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (setting, unit) in LIMITS.items():
            maximum = getattr(settings, setting)
            self.fields[name] = forms.IntegerField(
                required=False,
                label=name.replace("_", " ").capitalize(),
                initial=min(DEFAULT_LIMITS[name], maximum),
                help_text=f"{unit.capitalize()} per run; at most {maximum} on this server.",
            )
        for row in range(1, COLUMN_ROWS + 1):
            self.fields[f"key_{row}"] = forms.CharField(required=False, max_length=100, label=f"Key {row}")
            self.fields[f"label_{row}"] = forms.CharField(required=False, max_length=40, label=f"Label {row}")
            self.fields[f"direction_{row}"] = forms.ChoiceField(
                choices=[("higher", "Higher is better"), ("lower", "Lower is better")],
                label=f"Direction {row}",
            )
            self.fields[f"precision_{row}"] = forms.IntegerField(
                initial=DEFAULT_PRECISION, min_value=0, max_value=MAX_PRECISION, label=f"Precision {row}"
            )
            self.fields[f"shown_{row}"] = forms.BooleanField(
                required=False, initial=True, label=f"Shown {row}"
            )

    def column_rows(self) -> list[list]:
        names = ("key", "label", "direction", "precision", "shown")
        return [[self[f"{name}_{row}"] for name in names] for row in range(1, COLUMN_ROWS + 1)]

    def columns(self) -> list[dict]:
        """The filled rows as the API's columns (scoring_programs.columns checks them)."""
        data = self.cleaned_data
        return [
            {
                "key": data[f"key_{row}"],
                "label": data[f"label_{row}"] or data[f"key_{row}"],
                "direction": data[f"direction_{row}"],
                "precision": data[f"precision_{row}"],
                "shown": data[f"shown_{row}"],
                "primary": data["primary"] == row,
            }
            for row in range(1, COLUMN_ROWS + 1)
            if data[f"key_{row}"].strip()
        ]

    def limits(self) -> dict:
        return {name: self.cleaned_data[name] for name in LIMITS}
