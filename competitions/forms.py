import copy
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from typing import IO

from django import forms
from django.db.models import Q
from django.utils import timezone

from competitions import rules, staging
from competitions.metric_parameters import MetricParametersMixin, metric_choices
from competitions.models import Competition
from competitions.phase_setup import ONE_PHASE, PHASE_TEMPLATES, TrackPlan, tracks_named
from competitions.phases import PhaseError, scoring_setup
from competitions.queries import PRIZE_CURRENCY, CompetitionSearch, prize_currencies
from competitions.score_column_forms import checked_columns, initial_rows, score_columns_formset
from competitions.services import CompetitionDraft, draft_from, offered_runtimes
from competitions.staging import StagedUploads
from config.rendering import markdown_field
from datasets.forms import MultipleFileField
from datasets.models import Dataset
from datasets.services import NewFile
from organisations.models import Organisation
from organisations.queries import organisations_of

DATETIME_INPUT = rules.DATETIME_INPUT


@dataclass(frozen=True)
class Step:
    """One step of creating a competition: a heading, a line on what it is for, and the fields under it.

    The host's settings page groups its fields under the same headings."""

    key: str
    title: str
    hint: str = ""
    fields: tuple[str, ...] = ()


CREATE_STEPS = (
    Step(
        "basics",
        "Basics",
        "What participants see first: the name, a one-line summary and the overview.",
        ("title", "slug", "subtitle", "organisation", "overview", "visibility", "accepts_join_requests"),
    ),
    Step(
        "data",
        "Data and solution",
        "The public files participants download, and the hidden solution their predictions are scored "
        "against. Podium reads the solution, fixes the public/private split and generates "
        "sample_submission.csv from it.",
        (
            "data_files",
            "leave_out_data_files",
            "source_dataset",
            "solution",
            "id_column",
            "target_columns",
            "public_fraction",
        ),
    ),
    Step(
        "evaluation",
        "Evaluation",
        "How submissions are scored: the metric and its parameters, and any secondary score columns (more "
        "metrics scored on every submission, shown beside the score and breaking its ties in order).",
        ("metric", "evaluation", "scored_by_program", "sandbox_runtime"),
    ),
    Step(
        "rules",
        "Rules, dates and limits",
        "All times are UTC. Participants accept the rules before they download the data.",
        (
            "rules",
            "start_at",
            "end_at",
            "phase_template",
            "extra_tracks",
            "entry_deadline_at",
            "merger_deadline_at",
            "daily_submission_limit",
            "total_submission_limit",
            "max_in_flight",
            "failed_submissions_count",
            "max_team_size",
            "final_selection_limit",
            "allows_writeups_while_running",
        ),
    ),
)
CHECK_STEP = Step(
    "check", "Check and publish", "Podium shows the ids, the split and the sample submission it made."
)
HOSTING_STEPS = (*CREATE_STEPS, CHECK_STEP)  # the step list on the create page and on the check page


@dataclass
class FormStep:
    """A step as one form shows it: its number among the steps of creating, and the form's fields in it."""

    number: int
    step: Step
    fields: list
    next: Step | None = None


class SteppedForm:
    """A form shown under CREATE_STEPS' headings, its fields in the steps' order."""

    def order_fields_by_steps(self) -> None:
        """Every field in the order of the steps (so the error summary follows the page); a metric's parameter
        inputs follow the metric."""
        order = []
        for step in CREATE_STEPS:
            for name in step.fields:
                order.append(name)
                if name == "metric":
                    order.extend(name for name in self.fields if name.startswith("param-"))
        self.order_fields(order)

    def steps(self) -> list[FormStep]:
        """The steps that hold at least one of the form's fields; parameter inputs are shown by the metric."""
        shown = []
        for number, step in enumerate(CREATE_STEPS, start=1):
            fields = [self[name] for name in step.fields if name in self.fields]
            if fields:
                shown.append(FormStep(number, step, fields))
        for current, following in pairwise(shown):
            current.next = following.step
        return shown


class RuleSettings:
    """What the host's forms do with the rule fields, which competitions.rules declares."""

    def clean(self):
        """Left empty, a limit that always has a value (team size, final selections) keeps its default."""
        cleaned = super().clean()
        return {
            **cleaned,
            **rules.defaults_for_empty(
                {name: cleaned[name] for name in rules.RULE_SETTINGS if name in cleaned}
            ),
        }

    def rule_settings(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in rules.RULE_SETTINGS}


RuleSettingsForm = type(forms.Form)(
    "RuleSettingsForm",
    (RuleSettings, forms.Form),
    {
        "__module__": __name__,
        "__doc__": "The rules a host sets, on the create form and on the host's settings form alike.",
        **rules.declared_fields(lambda rule: rule.form_field()),
    },
)


class VisibilityChoice:
    """Left out, the visibility stays what it was (public for a new competition)."""

    initial: dict

    def clean_visibility(self) -> str:
        cleaned = getattr(self, "cleaned_data", {})
        return cleaned.get("visibility") or self.initial.get("visibility") or Competition.Visibility.PUBLIC


class CompetitionForm(VisibilityChoice, MetricParametersMixin, SteppedForm, RuleSettingsForm):
    title = forms.CharField(max_length=200)
    slug = forms.SlugField(max_length=100, required=False, help_text="Left empty, it is made from the title.")
    subtitle = forms.CharField(max_length=300, required=False, help_text="One line shown in lists.")
    overview = markdown_field(rows=5, required=False)
    visibility = forms.ChoiceField(
        choices=Competition.Visibility.choices,
        initial=Competition.Visibility.PUBLIC,
        required=False,
        label="Who can see and join",
        help_text="Unlisted and private competitions admit the participants you invite from the Host tab "
        "(invitation links, an allow-list of addresses or domains, join requests).",
    )
    accepts_join_requests = forms.BooleanField(
        required=False,
        label="Take join requests",
        help_text="Unlisted only: whoever has the link may ask to join; you approve or refuse each request.",
    )
    evaluation = markdown_field(
        rows=3,
        required=False,
        label="Evaluation page text",
        help_text="Left empty, the metric's own explanation is shown.",
    )
    rules = markdown_field(rows=5, required=False)
    start_at = forms.DateTimeField(widget=DATETIME_INPUT, label="Start (UTC)")
    end_at = forms.DateTimeField(widget=DATETIME_INPUT, label="End (UTC)")
    scored_by_program = forms.BooleanField(
        required=False,
        label="Score with my own program",
        help_text="Next, upload a zip with metadata.yaml (Codabench's scoring program format) on the scoring "
        "program page; Podium runs it on the sample submission, and publishing waits until that run passes. "
        "The metric above scores any track without a program.",
    )
    phase_template = forms.ChoiceField(
        choices=PHASE_TEMPLATES,
        initial=ONE_PHASE,
        required=False,
        label="Phases",
        help_text="Development then Final: Development over the first three quarters, then a Final that "
        "decides, with 2 submissions a day, 5 in all, and its board hidden until the end. Change them later "
        "on the Host tab.",
        error_messages={"invalid_choice": "Choose 'One phase' or 'Development then Final'."},
    )
    extra_tracks = forms.CharField(
        max_length=1000,
        required=False,
        label="More tracks",
        help_text="Comma-separated names, for example: Small data, Hard cases. Each has its own board beside "
        "the main track's.",
    )
    metric = forms.ChoiceField(choices=metric_choices)
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
        empty_label="None",
        help_text="Its latest version's files join the uploaded ones.",
    )

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label="Host on behalf of",
        to_field_name="slug",
        empty_label="Yourself",
        help_text="An organisation you belong to is shown as the host; its owners become co-hosts and its "
        "members reviewers.",
    )

    leave_out_data_files = forms.BooleanField(
        required=False, label="Leave the kept files out", help_text="Or choose other files to replace them."
    )
    sandbox_runtime = forms.ChoiceField(
        label="Sandbox runtime",
        required=False,
        help_text="The Python environment your scoring programs and participants' code run in (default: "
        "Podium's own); it can change on the Host tab while the competition is a draft.",
    )

    def __init__(self, *args, user=None, staged: StagedUploads | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        runtimes = offered_runtimes()
        if len(runtimes) > 1:
            self.fields["sandbox_runtime"].choices = [(name, name) for name in runtimes]
        else:
            del self.fields["sandbox_runtime"]  # offered only when the operator offers more than `default`
        self.score_columns = score_columns_formset(self.data if self.is_bound else None)
        self.show_staged(staged)
        if user is not None:
            self.fields["source_dataset"].queryset = Dataset.objects.filter(
                Q(owner=user) | Q(organisation__in=organisations_of(user))
            ).exclude(visibility=Dataset.Visibility.COMPETITION)
            self.fields["organisation"].queryset = organisations_of(user)
        if user is None or not self.fields["organisation"].queryset.exists():
            del self.fields["organisation"]  # offered only to members of an organisation
        if not self.is_bound:
            now = timezone.now().replace(second=0, microsecond=0)
            self.initial.setdefault("start_at", now)
            self.initial.setdefault("end_at", now + timedelta(days=30))
        self.add_metric_parameter_fields()
        self.order_fields_by_steps()
        self.ask_browser_to_check_dates()

    def ask_browser_to_check_dates(self) -> None:
        """The date rules the service enforces, for the steps' script to check on Next in the server's words
        (static/podium/steps.js holds no copy of them)."""
        self.fields["end_at"].widget.attrs.update(
            {"data-after": "start_at", "data-after-message": rules.END_BEFORE_START}
        )
        for deadline in rules.DEADLINES:
            self.fields[deadline.name].widget.attrs.update(
                {"data-between": "start_at end_at", "data-between-message": deadline.outside_message}
            )

    def draft(self) -> CompetitionDraft:
        return draft_from(self.cleaned_data, self.rule_settings())

    def clean_phase_template(self) -> str:
        return self.cleaned_data.get("phase_template") or ONE_PHASE

    def clean_extra_tracks(self) -> list[TrackPlan]:
        names = [name.strip() for name in self.cleaned_data.get("extra_tracks", "").split(",")]
        try:
            return tracks_named([name for name in names if name])
        except PhaseError as error:
            raise forms.ValidationError(error.message, code=error.code) from error

    def show_staged(self, staged: StagedUploads | None) -> None:
        """Files kept from an earlier try stand in for the file fields left empty (competitions.staging)."""
        self.staged = staged
        self.fields["solution"].kept = [staged.solution] if staged and staged.solution else []
        self.fields["data_files"].kept = staged.data_files if staged else []
        self.fields["solution"].required = not self.fields["solution"].kept
        if not self.fields["data_files"].kept:
            self.fields.pop("leave_out_data_files", None)
        elif "leave_out_data_files" not in self.fields:
            self.fields["leave_out_data_files"] = copy.deepcopy(self.base_fields["leave_out_data_files"])
            self.order_fields_by_steps()

    def clean(self):
        cleaned = super().clean()
        kept = [
            item
            for name in ("solution", "data_files")
            if not cleaned.get(name)
            for item in self.fields[name].kept
            if not (name == "data_files" and cleaned.get("leave_out_data_files"))
        ]
        if any(not staging.is_still_stored(item) for item in kept):
            raise forms.ValidationError(
                "The files kept from your last try were removed after a day: choose them again."
            )
        if cleaned.get("metric"):
            columns, problems = checked_columns(
                self.score_columns, metric=cleaned["metric"], metric_params=cleaned.get("metric_params") or {}
            )
            for problem in problems:
                self.add_error(None, problem)
            cleaned["score_columns"] = columns
        return cleaned

    def solution_file(self) -> IO[bytes]:
        chosen = self.cleaned_data["solution"]
        return chosen if chosen else staging.open_staged(self.fields["solution"].kept[0])

    def public_files(self) -> list[NewFile]:
        chosen = self.cleaned_data["data_files"]
        if chosen or self.cleaned_data.get("leave_out_data_files"):
            return [NewFile(item.name, item) for item in chosen]
        return [NewFile(item.name, staging.open_staged(item)) for item in self.fields["data_files"].kept]

    def steps_with_errors(self) -> list[str]:
        """The keys of the steps holding a field with an error, for the step list to mark."""
        keys = [shown.step.key for shown in self.steps() if any(field.errors for field in shown.fields)]
        if (
            self.is_bound
            and any(form.errors for form in self.score_columns.forms)
            and "evaluation" not in keys
        ):
            keys.append("evaluation")
        return keys


class CompetitionSettingsForm(VisibilityChoice, SteppedForm, RuleSettingsForm):
    """What a host may change after creating a competition."""

    title = forms.CharField(max_length=200)
    subtitle = forms.CharField(max_length=300, required=False)
    overview = markdown_field(rows=5, required=False)
    visibility = forms.ChoiceField(
        choices=Competition.Visibility.choices,
        initial=Competition.Visibility.PUBLIC,
        required=False,
        label="Who can see and join",
        help_text="Unlisted and private competitions admit the participants you invite from the Host tab "
        "(invitation links, an allow-list of addresses or domains, join requests).",
    )
    accepts_join_requests = forms.BooleanField(
        required=False,
        label="Take join requests",
        help_text="Unlisted only: whoever has the link may ask to join; you approve or refuse each request.",
    )
    evaluation = markdown_field(rows=3, required=False, label="Evaluation page text")
    rules = markdown_field(
        rows=6,
        required=False,
        help_text="Changing the rules asks every participant to accept them again before their next submission.",
    )
    start_at = forms.DateTimeField(
        widget=DATETIME_INPUT,
        label="Start (UTC)",
        required=False,
        help_text="It can move until the competition starts.",
    )
    end_at = forms.DateTimeField(
        widget=DATETIME_INPUT, label="End (UTC)", help_text="It can only be extended."
    )
    sandbox_runtime = forms.ChoiceField(
        label="Sandbox runtime",
        required=False,
        help_text="The Python environment your scoring programs and participants' code run in; it can change "
        "only while the competition is a draft.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.initial.get("sandbox_runtime")
        offered = [*offered_runtimes(), *([current] if current and current not in offered_runtimes() else [])]
        self.fields["sandbox_runtime"].choices = [(name, name) for name in offered]
        self.order_fields_by_steps()

    def clean_sandbox_runtime(self) -> str:
        return self.cleaned_data["sandbox_runtime"] or self.initial.get("sandbox_runtime") or "default"

    def changes(self, competition) -> dict:
        """Only what the host actually changed, so an untouched field never trips a rule (the form shows
        times to the minute, so a time is unchanged if it matches to the minute)."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if to_the_minute(value) != to_the_minute(getattr(competition, name))
            and not (name == "start_at" and value is None)
        }


class LogoForm(forms.Form):
    """The Host tab's logo upload; competitions.logos checks the image."""

    logo = forms.FileField(
        allow_empty_file=True,  # refused by competitions.logos, in its own words
        label="Logo image",
        help_text="PNG, JPEG, GIF or WebP (no SVG). Shown beside the title on the competition's page and on "
        "its card in the lists.",
    )


def to_the_minute(value):
    return value.replace(second=0, microsecond=0) if isinstance(value, datetime) else value


class RescoreForm(MetricParametersMixin, forms.Form):
    """Replace the solution, change the metric, or both: every submission is scored again."""

    solution = forms.FileField(
        label="New solution CSV (hidden)",
        required=False,
        help_text="Same ids and columns as the current one. Leave empty to keep it.",
    )
    metric = forms.ChoiceField(choices=metric_choices, label="Metric after the rescore")
    reason = forms.CharField(
        max_length=300, required=False, help_text="Shown to participants, e.g. 'Fixed 12 mislabelled rows'."
    )
    phase = forms.IntegerField(required=False, widget=forms.HiddenInput)
    track = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, competition=None, pair=None, **kwargs):
        """`pair`: the one phase and track rescored alone, whose setup the form starts from."""
        super().__init__(*args, **kwargs)
        current = scoring_setup(pair, competition) if pair is not None else competition
        if current is not None:
            self.initial.setdefault("metric", current.metric)
        if pair is not None:
            self.initial.update(phase=pair.phase.number, track=pair.track.slug)
        self.pair = pair
        self.add_metric_parameter_fields(
            metric=current.metric if current else "",
            current=current.metric_params if current else None,
        )
        self.score_columns = score_columns_formset(
            self.data if self.is_bound else None,
            initial=initial_rows(current.score_columns if current else None),
        )

    def clean(self):
        """The columns after the rescore, checked against the metric after it; None (keep the current ones)
        when the post holds no rows."""
        cleaned = super().clean()
        cleaned["score_columns"] = None
        if cleaned.get("metric") and self.score_columns.is_bound:
            columns, problems = checked_columns(
                self.score_columns, metric=cleaned["metric"], metric_params=cleaned.get("metric_params") or {}
            )
            for problem in problems:
                self.add_error(None, problem)
            cleaned["score_columns"] = columns
        return cleaned


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
            ("", "Any kind"),
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
            ("prize", "Total prize"),
        ],
    )
    currency = forms.ChoiceField(
        required=False,
        label="Prize currency",
        help_text="Sorting by total prize counts the prizes in this currency; currencies are never converted.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = [(code, code) for code in prize_currencies()]
        self.fields["currency"].initial = PRIZE_CURRENCY

    def as_search(self) -> CompetitionSearch:
        data = self.cleaned_data if self.is_valid() else {}
        return CompetitionSearch(
            text=(data.get("q") or "").strip(),
            phase=data.get("status") or "",
            prediction=data.get("prediction") or "",
            ordering=data.get("ordering") or "default",
            currency=data.get("currency") or PRIZE_CURRENCY,
        )
