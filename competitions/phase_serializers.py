"""How phases and tracks read in the API: a competition's detail and the host's setup answers."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from competitions.models import Phase
from competitions.phases import current_phase, effective_limits, phases_of, tracks_of


class PhaseLimitsSerializer(serializers.Serializer):
    daily_submission_limit = serializers.IntegerField()
    total_submission_limit = serializers.IntegerField(allow_null=True)
    max_in_flight = serializers.IntegerField(allow_null=True)
    final_selection_limit = serializers.IntegerField()


class PhaseSerializer(serializers.Serializer):
    """A phase as everyone sees it; give the competition in the context."""

    number = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField(help_text="Markdown.")
    start_at = serializers.DateTimeField()
    end_at = serializers.DateTimeField()
    is_current = serializers.SerializerMethodField(help_text="Submissions go to this phase now.")
    decides = serializers.BooleanField(
        help_text="Its private board, medals and prizes decide the competition."
    )
    board_hidden_until_end = serializers.BooleanField()
    carry_over = serializers.ChoiceField(choices=Phase.CarryOver.choices)
    carry_over_count = serializers.IntegerField(allow_null=True)
    has_own_quotas = serializers.BooleanField(help_text="False: the competition's rules apply.")
    data_version = serializers.IntegerField(
        source="data_version.number",
        allow_null=True,
        help_text="The version of the competition's data set this phase has as its own; null: the competition's.",
    )
    limits = serializers.SerializerMethodField()

    def get_is_current(self, phase: Phase) -> bool:
        return current_phase(self.context["competition"]).pk == phase.pk

    @extend_schema_field(PhaseLimitsSerializer)
    def get_limits(self, phase: Phase) -> dict:
        return effective_limits(phase, self.context["competition"])


class TrackSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField(help_text="Markdown.")
    is_default = serializers.BooleanField(help_text="Where a submission naming no track goes.")


def phases_answer(competition) -> list:
    return PhaseSerializer(phases_of(competition), many=True, context={"competition": competition}).data


def tracks_answer(competition) -> list:
    return TrackSerializer(tracks_of(competition), many=True).data
