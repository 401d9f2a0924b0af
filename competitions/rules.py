"""The one definition of the rules a host sets: their names, bounds, defaults and wording.

The host's forms (competitions/forms.py), the API's serializers (competitions/serializers.py), the model's
check constraints and the service that enforces them (competitions.services.check_rule_settings) are all
derived from the declarations below, so a bound changed here changes everywhere.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import forms
from django.db.models import Q
from rest_framework import serializers

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
END_BEFORE_START = "The end must come after the start."


class RuleRefused(ValueError):
    """A rule setting outside its bounds; `field` names it. The service turns it into the API's 400."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Limit:
    """A whole-number limit of at least `minimum`. With a `default` it always has a value (left empty on a
    form, the default); without one, empty means no limit."""

    name: str
    label: str
    minimum: int = 1
    maximum: int | None = None
    default: int | None = None
    help_text: str = ""
    below_minimum: str = ""
    required_on_forms: bool = False  # left empty on a form: an error, not the default

    @property
    def is_optional(self) -> bool:
        return self.default is None

    def refusal(self, value: int | None) -> str | None:
        """Why the value breaks this limit, or None if it keeps it."""
        if value is None:
            return f"Give the {self.label.lower()}." if not self.is_optional else None
        if value < self.minimum:
            if self.below_minimum:
                return self.below_minimum
            empty = " (leave it empty for no limit)" if self.is_optional else ""
            return f"The {self.label.lower()} must be at least {self.minimum}{empty}."
        if self.maximum is not None and value > self.maximum:
            return f"The {self.label.lower()} can be at most {self.maximum}."
        return None

    def form_field(self) -> forms.Field:
        return forms.IntegerField(
            min_value=self.minimum,
            max_value=self.maximum,
            initial=self.default,
            required=self.required_on_forms,
            label=self.label,
            help_text=self.help_text,
        )

    def serializer_field(self) -> serializers.Field:
        # DRF reads max_value=None as no upper bound; its stubs ask for an int.
        maximum: Any = self.maximum
        if self.is_optional:
            return serializers.IntegerField(
                min_value=self.minimum,
                max_value=maximum,
                required=False,
                allow_null=True,
                help_text=self.help_text or None,
            )
        return serializers.IntegerField(
            min_value=self.minimum, max_value=maximum, default=self.default, help_text=self.help_text or None
        )

    def constraint(self) -> Q:
        """What the database keeps true of the column."""
        bounds = Q(**{f"{self.name}__gte": self.minimum})
        if self.maximum is not None:
            bounds &= Q(**{f"{self.name}__lte": self.maximum})
        return bounds | Q(**{f"{self.name}__isnull": True}) if self.is_optional else bounds


@dataclass(frozen=True)
class Switch:
    """A yes-or-no rule, off unless the host turns it on."""

    name: str
    label: str
    help_text: str = ""

    def form_field(self) -> forms.Field:
        return forms.BooleanField(required=False, label=self.label, help_text=self.help_text)

    def serializer_field(self) -> serializers.Field:
        return serializers.BooleanField(required=False, default=False, help_text=self.help_text or None)


@dataclass(frozen=True)
class Deadline:
    """A moment between the start and the end; empty means the end."""

    name: str
    label: str
    help_text: str = ""

    @property
    def outside_message(self) -> str:
        return f"The {self.label.lower()} must fall between the start and the end."

    def refusal(self, value: datetime | None, start_at: datetime, end_at: datetime) -> str | None:
        if value is not None and not start_at <= value <= end_at:
            return self.outside_message
        return None

    def form_field(self) -> forms.Field:
        return forms.DateTimeField(
            widget=DATETIME_INPUT, required=False, label=f"{self.label} (UTC)", help_text=self.help_text
        )

    def serializer_field(self) -> serializers.Field:
        return serializers.DateTimeField(required=False, allow_null=True, help_text=self.help_text or None)


LIMITS = (
    Limit(
        "daily_submission_limit",
        "Daily submission limit",
        maximum=1000,
        default=5,
        help_text="Submissions per team per UTC day.",
        required_on_forms=True,
    ),
    Limit(
        "total_submission_limit",
        "Total submissions per team",
        maximum=1_000_000,
        help_text="Empty: no total limit.",
    ),
    Limit(
        "max_in_flight",
        "Submissions waiting or scoring at once, per team",
        maximum=1000,
        help_text="Empty: no cap.",
    ),
    Limit("max_team_size", "Maximum team size", maximum=100, default=5),
    Limit(
        "final_selection_limit",
        "Final submissions per team",
        maximum=20,
        default=2,
        help_text="How many submissions each team may select for the private leaderboard.",
        below_minimum="Teams must be able to select at least 1 final submission.",
    ),
)
SWITCHES = (
    Switch("failed_submissions_count", "Files refused by validation use up a daily submission"),
    Switch(
        "allows_writeups_while_running",
        "Teams may publish write-ups before the end",
        help_text="The paper and code behind a submission; after the end they are always allowed.",
    ),
)
DEADLINES = (
    Deadline("entry_deadline_at", "Entry deadline", help_text="After it no one new joins. Empty: the end."),
    Deadline(
        "merger_deadline_at",
        "Team merger deadline",
        help_text="After it teams can no longer merge or take new members. Empty: the end.",
    ),
)
RULES: tuple[Limit | Switch | Deadline, ...] = (*DEADLINES, *LIMITS, *SWITCHES)
RULE_SETTINGS = tuple(rule.name for rule in RULES)
LIMITS_BY_NAME = {limit.name: limit for limit in LIMITS}


def check_rules(start_at: datetime, end_at: datetime, values: Mapping[str, Any]) -> None:
    """Raise RuleRefused for the first setting that breaks its rule; settings not given are not checked."""
    for limit in LIMITS:
        if limit.name in values and (message := limit.refusal(values[limit.name])):
            raise RuleRefused(limit.name, message)
    for deadline in DEADLINES:
        if message := deadline.refusal(values.get(deadline.name), start_at, end_at):
            raise RuleRefused(deadline.name, message)


def defaults_for_empty(values: Mapping[str, Any]) -> dict[str, Any]:
    """Left empty on a form, a limit that always has a value keeps its default."""
    return {
        name: LIMITS_BY_NAME[name].default
        if value is None and name in LIMITS_BY_NAME and not LIMITS_BY_NAME[name].is_optional
        else value
        for name, value in values.items()
    }


def declared_fields(make: Callable[[Limit | Switch | Deadline], Any]) -> dict[str, Any]:
    """One field per rule, in the order the host's forms show them."""
    return {rule.name: make(rule) for rule in RULES}


# The limits a phase may set for itself (competitions.models.Phase): its quotas and its final selection.
PHASE_LIMITS = ("daily_submission_limit", "total_submission_limit", "max_in_flight", "final_selection_limit")


def check_constraints(
    prefix: str = "competition", names: tuple[str, ...] | None = None
) -> list[tuple[str, Q]]:
    """(name, condition) for every limit the database keeps (on a phase: only PHASE_LIMITS)."""
    return [
        (f"{prefix}_{limit.name}_in_bounds", limit.constraint())
        for limit in LIMITS
        if names is None or limit.name in names
    ]
