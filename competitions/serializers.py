from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from competitions import rules
from competitions.models import Competition
from competitions.queries import (
    COMPETITION_ORDERINGS,
    COMPETITION_PHASES,
    CompetitionSearch,
    is_host,
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


class CompetitionListSerializer(serializers.ModelSerializer):
    host = serializers.CharField(source="host.username")
    phase = serializers.CharField()
    metric = MetricField()
    teams = serializers.SerializerMethodField()

    class Meta:
        model = Competition
        fields = [
            "slug",
            "title",
            "subtitle",
            "host",
            "phase",
            "status",
            "start_at",
            "end_at",
            "metric",
            "teams",
            "vote_count",
        ]

    def get_teams(self, competition) -> int:
        count = getattr(competition, "team_count", None)
        return competition.teams.count() if count is None else count


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
        "newest: latest start first; ending: soonest end first; teams: most teams first; title.",
    )

    def as_search(self) -> CompetitionSearch:
        data = self.validated_data
        return CompetitionSearch(
            text=data["search"].strip(),
            phase=data["status"],
            prediction=data["prediction"],
            ordering=data["ordering"],
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
        help_text="The host, or staff: sees every submission and private score."
    )
    hosts_it = serializers.BooleanField(help_text="The viewer hosts this competition, so may not enter it.")


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
    score_columns = serializers.SerializerMethodField()

    class Meta(CompetitionSerializer.Meta):
        fields = [*CompetitionSerializer.Meta.fields, "score_columns", "submission_format", "you"]

    @extend_schema_field(ScoreColumnSerializer(many=True))
    def get_score_columns(self, competition: Competition) -> list:
        """The secondary columns the viewer may see: hidden ones only for the host and staff."""
        sees_hidden = is_host(self.context["user"], competition)
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
    end_at = serializers.DateTimeField()


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
        help_text="Slug of one of your datasets whose latest files to include.",
    )

    def draft(self) -> CompetitionDraft:
        return draft_from(self.validated_data, self.rule_settings())
