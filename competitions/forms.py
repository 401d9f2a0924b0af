from datetime import datetime, timedelta

from django import forms
from django.utils import timezone

from competitions.queries import CompetitionSearch
from competitions.services import CompetitionDraft
from datasets.forms import MultipleFileField
from datasets.models import Dataset
from scoring import engine

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def metric_choices():
    return [
        (m.key, f"{m.name} ({'higher' if m.higher_is_better else 'lower'} is better)")
        for m in sorted(engine.METRICS.values(), key=lambda m: m.name)
    ]


def parse_metric_parameters(text: str) -> dict[str, str]:
    """`name=value, name=value` into a dict; the engine checks the names and values per metric."""
    parameters = {}
    for pair in filter(None, (part.strip() for part in text.split(","))):
        name, equals, value = pair.partition("=")
        if not equals or not name.strip() or not value.strip():
            raise forms.ValidationError(f"Write '{pair}' as name=value, for example positive_label=yes.")
        parameters[name.strip()] = value.strip()
    return parameters


class RuleSettingsForm(forms.Form):
    """The rules a host sets, on the create form and on the host's settings form alike."""

    daily_submission_limit = forms.IntegerField(min_value=1, max_value=1000, initial=5)
    total_submission_limit = forms.IntegerField(
        min_value=1, required=False, label="Total submissions per team", help_text="Empty: no total limit."
    )
    max_in_flight = forms.IntegerField(
        min_value=1,
        required=False,
        label="Submissions waiting or scoring at once, per team",
        help_text="Empty: no cap.",
    )
    failed_submissions_count = forms.BooleanField(
        required=False, label="Files refused by validation use up a daily submission"
    )
    max_team_size = forms.IntegerField(
        min_value=1, max_value=100, initial=5, required=False, label="Maximum team size"
    )
    final_selection_limit = forms.IntegerField(
        min_value=1,
        max_value=20,
        initial=2,
        required=False,
        label="Final submissions per team",
        help_text="How many submissions each team may select for the private leaderboard.",
    )
    entry_deadline_at = forms.DateTimeField(
        widget=DATETIME_INPUT,
        required=False,
        label="Entry deadline (UTC)",
        help_text="After it no one new joins. Empty: the end.",
    )
    merger_deadline_at = forms.DateTimeField(
        widget=DATETIME_INPUT,
        required=False,
        label="Team merger deadline (UTC)",
        help_text="After it teams can no longer merge or take new members. Empty: the end.",
    )

    DEFAULTED = ("max_team_size", "final_selection_limit")

    def clean(self):
        """Left empty, the team size and final selection limits keep their defaults (they cannot be unset)."""
        cleaned = super().clean()
        for name in self.DEFAULTED:
            if cleaned.get(name) is None and name not in self.errors:
                cleaned[name] = self.fields[name].initial
        return cleaned

    def rule_settings(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in RuleSettingsForm.base_fields}


class CompetitionForm(RuleSettingsForm):
    title = forms.CharField(max_length=200)
    slug = forms.SlugField(max_length=100, required=False, help_text="Left empty, it is made from the title.")
    subtitle = forms.CharField(max_length=300, required=False, help_text="One line shown in lists.")
    overview = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False)
    evaluation = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Left empty, the metric's own explanation is shown.",
    )
    rules = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False)
    start_at = forms.DateTimeField(widget=DATETIME_INPUT, label="Start (UTC)")
    end_at = forms.DateTimeField(widget=DATETIME_INPUT, label="End (UTC)")
    metric = forms.ChoiceField(choices=metric_choices)
    metric_parameters = forms.CharField(
        max_length=500,
        required=False,
        help_text="Only for metrics that take them, as name=value pairs separated by commas, for example "
        "<code>positive_label=yes</code> or <code>k=5</code>. The table below lists each metric's parameters.",
    )
    id_column = forms.CharField(max_length=100, initial="id")
    target_columns = forms.CharField(max_length=500, help_text="Comma-separated, for example: target")
    public_fraction = forms.FloatField(
        min_value=0.01,
        max_value=0.99,
        initial=0.3,
        help_text="Share of rows on the public leaderboard when the solution has no Usage column.",
    )
    solution = forms.FileField(
        label="Solution CSV (hidden)",
        help_text="Id and target columns, optionally a Usage column (Public/Private).",
    )
    data_files = MultipleFileField(
        label="Public data files",
        required=False,
        help_text="train.csv, test.csv, ... Podium adds sample_submission.csv.",
    )

    source_dataset = forms.ModelChoiceField(
        queryset=Dataset.objects.none(),
        required=False,
        label="Also include the files of one of your datasets",
        to_field_name="slug",
        help_text="Its latest version's files join the uploaded ones.",
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["source_dataset"].queryset = Dataset.objects.filter(owner=user).exclude(
                visibility=Dataset.Visibility.COMPETITION
            )
        if not self.is_bound:
            now = timezone.now().replace(second=0, microsecond=0)
            self.initial.setdefault("start_at", now)
            self.initial.setdefault("end_at", now + timedelta(days=30))

    def clean_metric_parameters(self) -> dict[str, str]:
        return parse_metric_parameters(self.cleaned_data["metric_parameters"])

    def draft(self) -> CompetitionDraft:
        data = self.cleaned_data
        return CompetitionDraft(
            title=data["title"],
            slug=data["slug"],
            subtitle=data["subtitle"],
            overview=data["overview"],
            evaluation=data["evaluation"],
            rules=data["rules"],
            start_at=data["start_at"],
            end_at=data["end_at"],
            daily_submission_limit=data["daily_submission_limit"],
            rule_settings=self.rule_settings(),
            metric=data["metric"],
            id_column=data["id_column"],
            target_columns=[c.strip() for c in data["target_columns"].split(",") if c.strip()],
            public_fraction=data["public_fraction"],
            metric_params=data["metric_parameters"],
        )


class CompetitionSettingsForm(RuleSettingsForm):
    """What a host may change after creating a competition."""

    title = forms.CharField(max_length=200)
    subtitle = forms.CharField(max_length=300, required=False)
    overview = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False)
    evaluation = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    rules = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text="Changing the rules asks every participant to accept them again before their next submission.",
    )
    end_at = forms.DateTimeField(
        widget=DATETIME_INPUT, label="End (UTC)", help_text="It can only be extended."
    )

    field_order = ["title", "subtitle", "overview", "evaluation", "rules", "end_at"]

    def changes(self, competition) -> dict:
        """Only what the host actually changed, so an untouched field never trips a rule (the form shows
        times to the minute, so a time is unchanged if it matches to the minute)."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if to_the_minute(value) != to_the_minute(getattr(competition, name))
        }


def to_the_minute(value):
    return value.replace(second=0, microsecond=0) if isinstance(value, datetime) else value


class RescoreForm(forms.Form):
    """Replace the solution, change the metric, or both: every submission is scored again."""

    solution = forms.FileField(
        label="New solution CSV (hidden)",
        required=False,
        help_text="Same ids and columns as the current one. Leave empty to keep it.",
    )
    metric = forms.ChoiceField(choices=metric_choices, label="Metric after the rescore")
    metric_parameters = forms.CharField(
        max_length=500, required=False, help_text="name=value pairs, as when creating the competition."
    )
    reason = forms.CharField(
        max_length=300, required=False, help_text="Shown to participants, e.g. 'Fixed 12 mislabelled rows'."
    )

    def clean_metric_parameters(self) -> dict[str, str]:
        return parse_metric_parameters(self.cleaned_data["metric_parameters"])


class CompetitionFilterForm(forms.Form):
    """The competitions list's search box, filters and order; unknown values fall back to the defaults."""

    q = forms.CharField(required=False, max_length=200, label="Search")
    status = forms.ChoiceField(
        required=False,
        label="Status",
        choices=[
            ("", "Any status"),
            ("running", "Running"),
            ("upcoming", "Upcoming"),
            ("finished", "Finished"),
        ],
    )
    prediction = forms.ChoiceField(
        required=False,
        label="Predictions",
        choices=[
            ("", "Any metric"),
            ("label", "Class labels"),
            ("probability", "Probabilities"),
            ("class_probabilities", "Class probabilities"),
            ("number", "Numbers (regression)"),
            ("ranked_labels", "Ranked labels"),
        ],
    )
    ordering = forms.ChoiceField(
        required=False,
        label="Sort by",
        choices=[
            ("default", "Running first"),
            ("ending", "Ending soonest"),
            ("newest", "Newest"),
            ("teams", "Most teams"),
            ("title", "Title"),
        ],
    )

    def as_search(self) -> CompetitionSearch:
        data = self.cleaned_data if self.is_valid() else {}
        return CompetitionSearch(
            text=(data.get("q") or "").strip(),
            phase=data.get("status") or "",
            prediction=data.get("prediction") or "",
            ordering=data.get("ordering") or "default",
        )
