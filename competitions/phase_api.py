"""The phases and tracks API: what a competition's detail lists, and the host setting them up
(competitions.phase_setup)."""

import json

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from competitions.models import Phase
from competitions.phase_serializers import PhaseSerializer, TrackSerializer, phases_answer, tracks_answer
from competitions.phase_setup import PhasePlan, TrackPlan, set_pair_scoring, set_phases, set_tracks
from competitions.phases import find_phase, find_track, pair_of
from competitions.queries import competition_for
from competitions.rules import LIMITS_BY_NAME, PHASE_LIMITS
from config.api_input import StrictBooleanField as OnOffField
from config.api_input import validated
from config.api_input_limits import BoundedJSONParser, WholeMultiPartParser
from config.api_schema import errors
from config.errors import DomainError, NotFound


class PhaseInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=20_000)
    start_at = serializers.DateTimeField()
    end_at = serializers.DateTimeField()
    has_own_quotas = OnOffField(
        required=False, default=False, help_text="false: the competition's rules apply."
    )
    board_hidden_until_end = OnOffField(required=False, default=False)
    carry_over = serializers.ChoiceField(choices=Phase.CarryOver.choices, required=False, default="none")
    carry_over_count = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)
    decides = OnOffField(required=False, default=False, help_text="At most one phase; none: the last.")
    data_version = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        help_text="The version of the competition's data set participants download in this phase; null: the "
        "competition's data.",
    )

    def get_fields(self):
        fields = super().get_fields()
        for name in PHASE_LIMITS:
            fields[name] = LIMITS_BY_NAME[name].serializer_field()
        return fields


class PhasesInputSerializer(serializers.Serializer):
    phases = PhaseInputSerializer(many=True, help_text="In order; they must not overlap.")


class TrackInputSerializer(serializers.Serializer):
    slug = serializers.SlugField(max_length=50)
    name = serializers.CharField(max_length=100)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=20_000)
    is_default = OnOffField(required=False, default=False, help_text="At most one; none: the first.")


class TracksInputSerializer(serializers.Serializer):
    tracks = TrackInputSerializer(many=True)
    quotas_shared_across_tracks = OnOffField(
        required=False,
        help_text="true: one quota (daily, total, in flight) for all the tracks of a phase; false: one per "
        "track. Left out: unchanged.",
    )


class PhasesAndTracksSerializer(serializers.Serializer):
    phases = PhaseSerializer(many=True)
    tracks = TrackSerializer(many=True)
    quotas_shared_across_tracks = serializers.BooleanField()


class PairScoringInputSerializer(serializers.Serializer):
    solution = serializers.FileField(required=False, help_text="This track's own solution in this phase.")
    metric = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Empty: the competition's."
    )
    metric_params = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="The metric's parameters as a JSON object."
    )


class PairScoringSerializer(serializers.Serializer):
    phase = serializers.IntegerField(source="phase.number")
    track = serializers.CharField(source="track.slug")
    metric = serializers.CharField(help_text="Empty: the competition's.")
    has_own_solution = serializers.BooleanField()
    public_rows = serializers.IntegerField(allow_null=True)
    private_rows = serializers.IntegerField(allow_null=True)


def both(competition) -> dict:
    return {
        "phases": phases_answer(competition),
        "tracks": tracks_answer(competition),
        "quotas_shared_across_tracks": competition.quotas_shared_across_tracks,
    }


class PhasesApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [BoundedJSONParser]

    @extend_schema(
        operation_id="competition_phases_update",
        summary="Set the competition's phases (the host)",
        description="Replaces the phases, matched by their order; the competition's start and end become the "
        "first phase's start and the last one's end. A phase with submissions cannot be removed.",
        tags=["competitions"],
        request=PhasesInputSerializer,
        responses={200: PhasesAndTracksSerializer, **errors(400, 401, 403, 404)},
    )
    def put(self, request, slug):
        competition = competition_for(request.user, slug)
        data = validated(PhasesInputSerializer, request)
        plans = [
            PhasePlan(
                name=item["name"],
                description=item["description"],
                start_at=item["start_at"],
                end_at=item["end_at"],
                has_own_quotas=item["has_own_quotas"],
                limits={name: item.get(name) for name in PHASE_LIMITS},
                board_hidden_until_end=item["board_hidden_until_end"],
                carry_over=item["carry_over"],
                carry_over_count=item["carry_over_count"],
                decides=item["decides"],
                data_version=item["data_version"],
            )
            for item in data["phases"]
        ]
        set_phases(competition=competition, user=request.user, plans=plans)
        return Response(both(competition))


class TracksApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [BoundedJSONParser]

    @extend_schema(
        operation_id="competition_tracks_update",
        summary="Set the competition's tracks (the host)",
        description="Replaces the tracks, matched by slug; every track gets a board in every phase. A track "
        "with submissions cannot be removed.",
        tags=["competitions"],
        request=TracksInputSerializer,
        responses={200: PhasesAndTracksSerializer, **errors(400, 401, 403, 404)},
    )
    def put(self, request, slug):
        competition = competition_for(request.user, slug)
        data = validated(TracksInputSerializer, request)
        plans = [TrackPlan(**item) for item in data["tracks"]]
        set_tracks(
            competition=competition,
            user=request.user,
            plans=plans,
            quotas_shared=data.get("quotas_shared_across_tracks"),
        )
        return Response(both(competition))


class PairScoringApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [WholeMultiPartParser, FormParser]

    @extend_schema(
        operation_id="competition_phase_track_scoring_update",
        summary="Give a track its own solution and metric in one phase (the host)",
        description="Left empty, the track in that phase is scored with the competition's solution and metric.",
        tags=["competitions"],
        request={"multipart/form-data": PairScoringInputSerializer},
        responses={200: PairScoringSerializer, **errors(400, 401, 403, 404)},
    )
    def put(self, request, slug, number, track):
        competition = competition_for(request.user, slug)
        data = validated(PairScoringInputSerializer, request)
        phase = find_phase(competition, number)
        chosen = find_track(competition, track)
        if phase is None or chosen is None:  # the path names both; an empty one is no phase or track
            raise NotFound("Name a phase and a track.")
        params = None
        if data["metric_params"]:
            try:
                params = json.loads(data["metric_params"])
            except ValueError:
                params = None
            if not isinstance(params, dict):
                raise DomainError(
                    "metric_params must be a JSON object.", code="invalid", details={"field": "metric_params"}
                )
        pair = set_pair_scoring(
            competition=competition,
            user=request.user,
            pair=pair_of(competition, phase, chosen),
            solution=data.get("solution"),
            metric=data["metric"],
            metric_params=params,
        )
        return Response(
            PairScoringSerializer(
                {
                    "phase": pair.phase,
                    "track": pair.track,
                    "metric": pair.metric,
                    "has_own_solution": pair.has_own_solution,
                    "public_rows": pair.public_rows,
                    "private_rows": pair.private_rows,
                }
            ).data
        )
