from collections.abc import Mapping

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from competitions import rules
from competitions.models import Competition
from competitions.money import amount_text, currencies_in_use, decimals_of, totals_by_currency
from competitions.phase_serializers import PhaseSerializer, TrackSerializer, phases_answer, tracks_answer
from competitions.prizes import MAX_PRIZES, PrizeDraft
from competitions.queries import (
    COMPETITION_ORDERINGS,
    COMPETITION_PHASES,
    PRIZE_CURRENCY,
    CompetitionSearch,
    can_review,
    submission_format,
    viewer_state,
)
from competitions.score_columns import MAX_COLUMNS, MAX_PRECISION, visible_columns
from competitions.services import CompetitionDraft, draft_from
from config.api_input import OrderingField
from config.api_input_limits import BoundedJSONField, MetricParamsField
from scoring import engine


# Describes MetricField's output for the schema; never used to serialize.
class MetricSerializer(serializers.Serializer):
    """A competition's metric; one that Podium no longer knows has its key only."""

    key = serializers.CharField()
    name = serializers.CharField(required=False)
    higher_is_better = serializers.BooleanField(required=False)
    description = serializers.CharField(required=False)


@extend_schema_field(MetricSerializer)
class MetricField(serializers.Field):
    def to_representation(self, key):
        metric = engine.METRICS.get(key)
        if metric is None:
            return {"key": key}
        return {
            "key": key,
            "name": metric.name,
            "higher_is_better": metric.higher_is_better,
            "description": metric.description,
        }


class PrizeSerializer(serializers.Serializer):
    """One prize: an amount in an ISO 4217 currency (a decimal string, never a float), or only a description
    (a non-monetary prize)."""

    place = serializers.IntegerField(help_text="The final place that wins it, from 1.")
    amount = serializers.DecimalField(
        max_digits=15,
        decimal_places=3,
        allow_null=True,
        help_text='A decimal string with the currency\'s own decimals, e.g. "25000.00"; null for a '
        "non-monetary prize.",
    )
    currency = serializers.CharField(help_text="ISO 4217 code, e.g. USD; empty for a non-monetary prize.")
    description = serializers.CharField()
    text = serializers.SerializerMethodField(help_text='As pages show it: "25,000 USD", or the description.')

    def get_text(self, prize) -> str:
        return prize.text

    def to_representation(self, prize):
        data = super().to_representation(prize)
        if prize.amount is not None:
            data["amount"] = f"{prize.amount:.{decimals_of(prize.currency)}f}"
        return data


class PrizeTotalSerializer(serializers.Serializer):
    """The monetary prizes of one currency, summed (currencies are never converted)."""

    currency = serializers.CharField()
    amount = serializers.CharField(help_text="A decimal string.")
    text = serializers.CharField(help_text='"25,000 USD"')


def prize_totals(competition: Competition) -> list[dict]:
    """Per currency, largest first; reads the prizes prefetched by competitions.queries.search_competitions."""
    totals = totals_by_currency((prize.amount, prize.currency) for prize in competition.prizes.all())
    return [
        {
            "currency": currency,
            "amount": f"{amount:.{decimals_of(currency)}f}",
            "text": amount_text(amount, currency),
        }
        for currency, amount in totals
    ]


class CompetitionListSerializer(serializers.ModelSerializer):
    host = serializers.CharField(source="host.username")
    organisation = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text="The organisation hosting it, shown as its host (null: hosted by `host` alone).",
    )
    phase = serializers.CharField()
    metric = MetricField()
    teams = serializers.SerializerMethodField()
    prize_totals = serializers.SerializerMethodField(
        help_text="The monetary prizes summed per currency, largest first (empty: no money prizes)."
    )
    logo_url = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="Its logo's address on this server (a path; a new one whenever the logo changes); null: none.",
    )

    class Meta:
        model = Competition
        fields = [
            "slug",
            "title",
            "subtitle",
            "host",
            "organisation",
            "phase",
            "status",
            "start_at",
            "end_at",
            "metric",
            "teams",
            "vote_count",
            "prize_totals",
            "logo_url",
        ]

    def get_teams(self, competition) -> int:
        count = getattr(competition, "team_count", None)
        return competition.teams.count() if count is None else count

    @extend_schema_field(PrizeTotalSerializer(many=True))
    def get_prize_totals(self, competition) -> list[dict]:
        return prize_totals(competition)


class CompetitionSearchSerializer(serializers.Serializer):
    """The list's query string: ?search=&status=&prediction=&ordering= (each optional)."""

    search = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        default="",
        help_text="Text in the title, subtitle or slug.",
    )
    status = serializers.ChoiceField(
        choices=COMPETITION_PHASES, required=False, allow_blank=True, default="", help_text="The phase."
    )
    prediction = serializers.ChoiceField(
        choices=engine.PREDICTION_KINDS,
        required=False,
        allow_blank=True,
        default="",
        help_text="What the submissions predict.",
    )
    ordering = OrderingField(
        COMPETITION_ORDERINGS,
        default="default",
        help_text="Empty or default: running (ending soonest first), upcoming, drafts, then finished (latest first); "
        "newest: latest start first; ending: soonest end first; teams: most teams first; title; prize: the "
        "largest total of money prizes in `currency` first, then the rest in the default order.",
    )
    currency = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=3,
        default=PRIZE_CURRENCY,
        help_text=f"The ISO 4217 currency ?ordering=prize counts in ({PRIZE_CURRENCY} unless given); "
        "prizes in other currencies are never converted.",
    )

    def validate_currency(self, value: str) -> str:
        code = value.strip().upper() or PRIZE_CURRENCY
        if code not in currencies_in_use():
            raise serializers.ValidationError(
                f"'{value}' is not an ISO 4217 currency code in use; give one such as USD, EUR or GBP."
            )
        return code

    def as_search(self) -> CompetitionSearch:
        data = self.validated_data
        return CompetitionSearch(
            text=data["search"].strip(),
            phase=data["status"],
            prediction=data["prediction"],
            ordering=data["ordering"],
            currency=data["currency"],
        )


class CompetitionSerializer(CompetitionListSerializer):
    class Meta:
        model = Competition
        fields = [
            *CompetitionListSerializer.Meta.fields,
            "overview",
            "evaluation",
            "rules",
            "rules_version",
            "visibility",
            "accepts_join_requests",
            *rules.RULE_SETTINGS,
            "previous_end_at",
            "id_column",
            "target_columns",
            "submission_columns",
            "metric_params",
            "public_fraction",
            "public_rows",
            "private_rows",
        ]


class SubmissionFormatSerializer(serializers.Serializer):
    """What a prediction file must look like (competitions.queries.submission_format)."""

    id_column = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField(), help_text="Every column, id first.")
    prediction = serializers.ChoiceField(
        choices=engine.PREDICTION_KINDS, allow_null=True, help_text="What the prediction columns hold."
    )
    prediction_range = serializers.ListField(
        child=serializers.FloatField(),
        allow_null=True,
        min_length=2,
        max_length=2,
        help_text="Inclusive bounds on every predicted value, if the metric has any.",
    )
    sample_file = serializers.CharField(allow_null=True, help_text="The data file showing the format.")
    max_megabytes = serializers.IntegerField()
    max_rows = serializers.IntegerField()


class ViewerStateSerializer(serializers.Serializer):
    """Where the viewer stands in a competition (competitions.queries.viewer_state)."""

    has_joined = serializers.BooleanField()
    has_accepted_current_rules = serializers.BooleanField()
    may_join = serializers.BooleanField(
        help_text="Whether the viewer may join now (or, having joined, accept new rules): before the entry "
        "deadline, or at any time in a competition kept open as a benchmark."
    )
    team = serializers.CharField(source="team.name", allow_null=True, help_text="The viewer's team's name.")
    is_host = serializers.BooleanField(
        help_text="An organiser (host, co-host, reviewer) or staff: sees every submission and private score."
    )
    host_role = serializers.ChoiceField(
        choices=["owner", "co_host", "reviewer"],
        allow_null=True,
        help_text="owner: the host (or staff); co_host: every host action but managing co-hosts; reviewer: "
        "reads everything the host reads, changes nothing; null: not an organiser.",
    )
    may_manage = serializers.BooleanField(
        help_text="The viewer may change the competition (owner or co-host)."
    )
    hosts_it = serializers.BooleanField(help_text="The viewer hosts this competition, so may not enter it.")
    is_admitted = serializers.BooleanField(
        help_text="Whether the viewer may join: always in a public competition; in an unlisted or private one, "
        "once invited, allow-listed or approved."
    )


class ScoreColumnSerializer(serializers.Serializer):
    """A secondary score column (competitions.score_columns): scored on every submission, shown beside the
    primary score, and breaking its ties in the order listed."""

    label = serializers.CharField(help_text="The column's heading and its key in each row's `columns`.")
    metric = serializers.CharField(help_text="A catalogue metric's key.")
    params = serializers.DictField(help_text="The metric's parameters.")
    higher_is_better = serializers.BooleanField()
    precision = serializers.IntegerField(help_text=f"Decimals shown, 0 to {MAX_PRECISION}.")
    shown = serializers.BooleanField(help_text="False: scored, but seen by the host and staff only.")


class CompetitionDetailSerializer(CompetitionSerializer):
    """A competition's settings, the format of its submissions and where the viewer stands in it; give the
    viewer in the context (`{"user": ...}`)."""

    submission_format = serializers.SerializerMethodField()
    you = serializers.SerializerMethodField()
    prizes = PrizeSerializer(many=True, read_only=True, help_text="By place.")
    score_columns = serializers.SerializerMethodField()
    phases = serializers.SerializerMethodField()
    tracks = serializers.SerializerMethodField()

    class Meta(CompetitionSerializer.Meta):
        fields = [
            *CompetitionSerializer.Meta.fields,
            "phases",
            "tracks",
            "quotas_shared_across_tracks",
            "sandbox_runtime",
            "prizes",
            "score_columns",
            "submission_format",
            "you",
        ]

    @extend_schema_field(PhaseSerializer(many=True))
    def get_phases(self, competition: Competition) -> list:
        """In order, the current one marked (competitions.phases)."""
        return phases_answer(competition)

    @extend_schema_field(TrackSerializer(many=True))
    def get_tracks(self, competition: Competition) -> list:
        return tracks_answer(competition)

    @extend_schema_field(ScoreColumnSerializer(many=True))
    def get_score_columns(self, competition: Competition) -> list:
        """The secondary columns the viewer may see: hidden ones only for the organisers and staff."""
        sees_hidden = can_review(self.context["user"], competition)
        columns = visible_columns(competition.score_columns, sees_hidden=sees_hidden)
        return ScoreColumnSerializer(columns, many=True).data

    @extend_schema_field(SubmissionFormatSerializer)
    def get_submission_format(self, competition: Competition) -> dict:
        return SubmissionFormatSerializer(submission_format(competition)).data

    @extend_schema_field(ViewerStateSerializer)
    def get_you(self, competition: Competition) -> dict:
        return ViewerStateSerializer(viewer_state(self.context["user"], competition)).data


class RuleSettings:
    """What the API's serializers do with the rule fields, which competitions.rules declares."""

    def rule_settings(self) -> dict:
        return {name: self.validated_data.get(name) for name in rules.RULE_SETTINGS}


RuleSettingsSerializer = type(serializers.Serializer)(
    "RuleSettingsSerializer",
    (RuleSettings, serializers.Serializer),
    {"__module__": __name__, **rules.declared_fields(lambda rule: rule.serializer_field())},
)


class CompetitionUpdateSerializer(RuleSettingsSerializer):
    """PATCH by the host: only the fields sent are changed."""

    title = serializers.CharField(max_length=200)
    subtitle = serializers.CharField(max_length=300, allow_blank=True)
    overview = serializers.CharField(allow_blank=True)
    evaluation = serializers.CharField(allow_blank=True)
    rules = serializers.CharField(allow_blank=True)
    start_at = serializers.DateTimeField(
        help_text="Only before the competition starts, and before its first phase ends."
    )
    end_at = serializers.DateTimeField(help_text="Only later, and before the end passes.")
    visibility = serializers.ChoiceField(
        choices=Competition.Visibility.choices,
        help_text="public: listed; unlisted: reachable by its link only; private: a 404 for anyone not admitted.",
    )
    accepts_join_requests = serializers.BooleanField(
        help_text="Unlisted only: visitors may ask to join; the host approves or refuses."
    )
    sandbox_runtime = serializers.CharField(
        max_length=50,
        help_text="The sandbox runtime its scoring programs and code submissions run in: default or one the "
        "server offers (PODIUM_SANDBOX_RUNTIMES); only while a draft.",
    )


class LogoInputSerializer(serializers.Serializer):
    logo = serializers.FileField(
        allow_empty_file=True,  # refused by competitions.logos, with its own code
        help_text="A PNG, JPEG, GIF or WebP image (checked by its content; SVG is refused), at most "
        "PODIUM_LOGO_MAX_KB.",
    )


class CompetitionCreateSerializer(RuleSettingsSerializer):
    title = serializers.CharField(max_length=200)
    slug = serializers.SlugField(max_length=100, required=False, allow_blank=True)
    subtitle = serializers.CharField(max_length=300, required=False, allow_blank=True)
    overview = serializers.CharField(required=False, allow_blank=True)
    evaluation = serializers.CharField(required=False, allow_blank=True)
    rules = serializers.CharField(required=False, allow_blank=True)
    start_at = serializers.DateTimeField()
    end_at = serializers.DateTimeField()
    metric = serializers.ChoiceField(
        choices=sorted(engine.METRICS),
        error_messages={
            "invalid_choice": f'"{{input}}" is not a metric Podium knows; choose one of: {", ".join(sorted(engine.METRICS))}.'
        },
    )
    id_column = serializers.CharField(max_length=100)
    target_columns = serializers.CharField(help_text="Comma-separated target column names.")
    public_fraction = serializers.FloatField(min_value=0.01, max_value=0.99, default=0.3)
    visibility = serializers.ChoiceField(
        choices=Competition.Visibility.choices,
        default=Competition.Visibility.PUBLIC,
        help_text="public: listed; unlisted: reachable by its link only; private: a 404 for anyone not admitted.",
    )
    accepts_join_requests = serializers.BooleanField(
        default=False, help_text="Unlisted only: visitors may ask to join; the host approves or refuses."
    )
    metric_params = MetricParamsField(required=False, default=dict)
    score_columns = BoundedJSONField(
        required=False,
        default=list,
        help_text=f"Up to {MAX_COLUMNS} secondary score columns, in tie-break order: a JSON list of objects with "
        "label, metric, params (optional), higher_is_better (the metric's own unless given), precision "
        "(decimals, 4 unless given) and shown (true unless given).",
    )
    solution = serializers.FileField()
    data_files = serializers.ListField(child=serializers.FileField(), required=False, default=list)
    source_dataset = serializers.SlugField(
        required=False,
        allow_blank=True,
        help_text="Slug of one of your datasets (or your organisation's) whose latest files to include.",
    )
    organisation = serializers.SlugField(
        required=False,
        allow_blank=True,
        help_text="Slug of an organisation you belong to, to host on its behalf (its owners become co-hosts, "
        "its members reviewers).",
    )
    sandbox_runtime = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=50,
        help_text="The sandbox runtime its scoring programs and code submissions run in: default (left out) or "
        "one the server offers (PODIUM_SANDBOX_RUNTIMES).",
    )
    phase_template = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=50,
        help_text="`one` (the default: one phase over the window) or `development_then_final` (Development over "
        "the first three quarters, then a deciding Final with 2 submissions a day, 5 in all, 2 final "
        "selections, its board hidden until the end and the finals carried over), as the creation form offers.",
    )
    extra_tracks = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=1000,
        help_text="Comma-separated names of tracks beside the main track; each track's slug is made from its name.",
    )

    def draft(self) -> CompetitionDraft:
        return draft_from(self.validated_data, self.rule_settings())


@extend_schema_field(
    {
        "oneOf": [{"type": "string", "format": "decimal"}, {"type": "number"}],
        "nullable": True,
        "description": 'More than zero, with at most the currency\'s decimals; a string ("25000.50") keeps '
        "it exact. Null or left out for a non-monetary prize.",
    }
)
class AmountField(serializers.DecimalField):
    """An amount as a decimal string or a JSON number, read as a Decimal (a number through its text)."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=None, decimal_places=None, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)


class PrizeInputSerializer(serializers.Serializer):
    """One prize as the host sends it; competitions.prizes checks the rules and names the field it refuses."""

    place = serializers.IntegerField(
        min_value=1,
        max_value=MAX_PRIZES,
        help_text=f"1 to {MAX_PRIZES}; places 1 to N, one prize each, no gap.",
        error_messages={
            "min_value": "Prize places start at 1 (the winner).",
            "max_value": f"Prize places run from 1 to {MAX_PRIZES}.",
        },
    )
    amount = AmountField(required=False, allow_null=True, default=None)
    currency = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=3, help_text="ISO 4217 code, with an amount."
    )
    description = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200, help_text="Required without an amount."
    )

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            refused = {
                name: ["Must be text, not a number or true/false."]
                for name in ("currency", "description")
                if isinstance(data.get(name), int | float)
            }
            if refused:
                raise serializers.ValidationError(refused)
        return super().to_internal_value(data)


class PrizesUpdateSerializer(serializers.Serializer):
    """PUT by the host: the whole list of prizes replaces the current one (an empty list removes them)."""

    prizes = PrizeInputSerializer(
        many=True,
        max_length=MAX_PRIZES,
        allow_empty=True,
        error_messages={"max_length": f"A competition has at most {MAX_PRIZES} prizes."},
    )

    def drafts(self) -> list[PrizeDraft]:
        return [
            PrizeDraft(
                place=data["place"],
                amount=data["amount"],
                currency=data["currency"],
                description=data["description"],
            )
            for data in self.validated_data["prizes"]
        ]
