"""The Host tab's phases and tracks forms: one row per phase (a blank name leaves the row out) and one per
track; competitions.phase_setup checks the rules and names the field a refusal is about."""

from django import forms

from competitions.models import Competition, Phase
from competitions.phase_setup import PhasePlan, TrackPlan
from competitions.phases import phases_of, tracks_of
from competitions.rules import DATETIME_INPUT, LIMITS_BY_NAME, PHASE_LIMITS
from datasets.forms import MultipleFileField

PHASE_ROWS_EXTRA = 1
MAX_PHASES = 6


class PhaseRowForm(forms.Form):
    name = forms.CharField(max_length=100, required=False, label="Name")
    start_at = forms.DateTimeField(widget=DATETIME_INPUT, required=False, label="Start (UTC)")
    end_at = forms.DateTimeField(widget=DATETIME_INPUT, required=False, label="End (UTC)")
    has_own_quotas = forms.BooleanField(required=False, label="Own quotas")
    board_hidden_until_end = forms.BooleanField(required=False, label="Board hidden until it ends")
    carry_over = forms.ChoiceField(choices=Phase.CarryOver.choices, required=False, label="Carry over")
    carry_over_count = forms.IntegerField(min_value=1, required=False, label="K")
    decides = forms.BooleanField(required=False, label="Decides")
    data_version = forms.IntegerField(
        min_value=1, required=False, label="Data version", help_text="Empty: the competition's data."
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Description"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in PHASE_LIMITS:
            limit = LIMITS_BY_NAME[name]
            self.fields[name] = forms.IntegerField(
                min_value=limit.minimum, max_value=limit.maximum, required=False, label=limit.label
            )

    def is_blank(self) -> bool:
        return not (self.cleaned_data.get("name") or "").strip()

    def plan(self, number: int) -> PhasePlan:
        data = self.cleaned_data
        for name in ("start_at", "end_at"):
            if data.get(name) is None:
                self.add_error(name, f"Phase {number} needs its {name.split('_')[0]}.")
        if self.errors:
            raise forms.ValidationError("incomplete")
        return PhasePlan(
            name=data["name"],
            description=data.get("description") or "",
            start_at=data["start_at"],
            end_at=data["end_at"],
            has_own_quotas=bool(data.get("has_own_quotas")),
            limits={name: data.get(name) for name in PHASE_LIMITS if data.get(name) is not None},
            board_hidden_until_end=bool(data.get("board_hidden_until_end")),
            carry_over=data.get("carry_over") or Phase.CarryOver.NONE,
            carry_over_count=data.get("carry_over_count"),
            decides=bool(data.get("decides")),
            data_version=data.get("data_version"),
        )


PhaseRows = forms.formset_factory(PhaseRowForm, extra=PHASE_ROWS_EXTRA, max_num=MAX_PHASES)


class TrackRowForm(forms.Form):
    slug = forms.SlugField(max_length=50, required=False, label="Slug")
    name = forms.CharField(max_length=100, required=False, label="Name")
    is_default = forms.BooleanField(required=False, label="Default")
    description = forms.CharField(max_length=2000, required=False, label="Description")

    def is_blank(self) -> bool:
        return not (self.cleaned_data.get("slug") or self.cleaned_data.get("name"))

    def plan(self) -> TrackPlan:
        data = self.cleaned_data
        return TrackPlan(
            slug=data.get("slug") or "",
            name=data.get("name") or "",
            description=data.get("description") or "",
            is_default=bool(data.get("is_default")),
        )


TrackRows = forms.formset_factory(TrackRowForm, extra=1, max_num=10)


def phase_rows_for(competition, data=None) -> forms.BaseFormSet:
    initial = [
        {
            "name": phase.name,
            "start_at": phase.start_at,
            "end_at": phase.end_at,
            "has_own_quotas": phase.has_own_quotas,
            "board_hidden_until_end": phase.board_hidden_until_end,
            "carry_over": phase.carry_over,
            "carry_over_count": phase.carry_over_count,
            "decides": phase.decides,
            "data_version": phase.data_version.number if phase.data_version else None,
            "description": phase.description,
            **{name: getattr(phase, name) for name in PHASE_LIMITS},
        }
        for phase in phases_of(competition)
    ]
    return PhaseRows(data, initial=initial, prefix="phases")


def track_rows_for(competition, data=None) -> forms.BaseFormSet:
    initial = [
        {
            "slug": track.slug,
            "name": track.name,
            "is_default": track.is_default,
            "description": track.description,
        }
        for track in tracks_of(competition)
    ]
    return TrackRows(data, initial=initial, prefix="tracks")


class PhaseDataForm(forms.Form):
    """Upload a phase's own data: a new version of the competition's data set, given to the chosen phase."""

    phase = forms.ChoiceField(label="For the phase")
    keep = forms.MultipleChoiceField(
        label="Keep from the latest version",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Untick a file to leave it out of the phase's data.",
    )
    files = MultipleFileField(
        label="New or replaced files", required=False, help_text="A file named like a kept one replaces it."
    )
    notes = forms.CharField(
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="What changed",
        required=False,
        help_text="Shown on the data set's page with the new version.",
    )

    def __init__(self, *args, competition: Competition, **kwargs):
        super().__init__(*args, auto_id="id_phase_data_%s", **kwargs)
        self.fields["phase"].choices = [
            (phase.number, f"{phase.number}. {phase.name}") for phase in phases_of(competition)
        ]
        latest = competition.data_version.dataset.latest_version if competition.data_version else None
        names = [stored.name for stored in latest.files.all()] if latest else []
        self.fields["keep"].choices = [(name, name) for name in names]
        self.fields["keep"].initial = names
