from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from competitions.phases import named_pair
from competitions.queries import competition_for, require_reviewer
from config.api_input import validated
from config.api_input_limits import BoundedJSONField, BoundedJSONParser, MetricParamsField, loads_bounded
from config.api_schema import errors
from config.errors import DomainError
from scoring.rescoring import cancel_rescore, start_rescore
from scoring.serializers import RescoreSerializer


@extend_schema_serializer(component_name="NewRescore")
class RescoreRequestSerializer(serializers.Serializer):
    """Only an uploaded file is a solution: a text value is never opened as a path on the server."""

    solution = serializers.FileField(required=False)
    metric = serializers.CharField(required=False, allow_blank=True, max_length=50)
    metric_params = MetricParamsField(required=False)
    score_columns = BoundedJSONField(
        required=False,
        help_text="The secondary score columns after the rescore (a JSON list, as at creation; [] removes "
        "them); left out, the current ones stay.",
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
    phase = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Rescore one phase-and-track pair alone (with `track`; left out: the current phase). "
        "Neither given: the competition's setup and every pair that uses it.",
    )
    track = serializers.SlugField(
        required=False,
        allow_blank=True,
        max_length=50,
        help_text="Rescore one phase-and-track pair alone (with `phase`; left out: the default track).",
    )


# drf-spectacular's own way to say "this component or null" in OpenAPI 3.0 (as for allow_null fields).
NULLABLE_RESCORE = OpenApiResponse(
    {"allOf": [{"$ref": "#/components/schemas/Rescore"}], "nullable": True},
    description="The latest rescore, or null if the competition has never been rescored.",
)


class RescoreApi(APIView):
    """GET the latest rescore's progress (host only); POST a new solution file and/or a metric to rescore
    every submission: multipart with optional `solution`, `metric`, `metric_params` (JSON object), `reason`;
    DELETE cancels the running rescore."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser, BoundedJSONParser]

    @extend_schema(
        operation_id="rescore_retrieve",
        summary="The latest rescore's progress (the host); null if there has been none",
        description="The leaderboards keep the old scores until every submission has its new one.",
        tags=["leaderboards"],
        responses={200: NULLABLE_RESCORE, **errors(401, 403, 404)},
    )
    def get(self, request, slug):
        competition = competition_for(request.user, slug)
        require_reviewer(request.user, competition, "see its rescores")
        latest = competition.rescores.first()
        return Response(RescoreSerializer(latest).data if latest else None)

    @extend_schema(
        operation_id="rescore_create",
        summary="Score every submission again with a new solution and/or metric (the host)",
        description="Multipart with an optional `solution` file, `metric`, `metric_params` (a JSON object) and "
        "`reason`; JSON will do when no file is sent. The leaderboards switch to the new scores in one step "
        "once every submission has its new one. With `phase` and/or `track`, only that pair's submissions "
        "are scored again and the pair keeps the new setup as its own.",
        tags=["leaderboards"],
        request={
            "multipart/form-data": RescoreRequestSerializer,
            "application/json": RescoreRequestSerializer,
        },
        responses={202: RescoreSerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request, slug):
        competition = competition_for(request.user, slug)
        data = validated(RescoreRequestSerializer, request)
        params = data.get("metric_params")
        if isinstance(params, str):
            params = parse_json_object(params, "metric_params")
        if params is not None and not isinstance(params, dict):
            raise DomainError(
                'Give metric_params as a JSON object, for example {"k": 5}.',
                code="invalid",
                details={"field": "metric_params"},
            )
        rescore = start_rescore(
            competition=competition,
            user=request.user,
            solution=data.get("solution"),
            metric=data.get("metric") or None,
            metric_params=params,
            score_columns=data.get("score_columns"),
            reason=data.get("reason", ""),
            phase_track=named_pair(competition, data.get("phase"), data.get("track")),
        )
        return Response(RescoreSerializer(rescore).data, status=202)

    @extend_schema(
        operation_id="rescore_cancel",
        summary="Cancel the running rescore (the host)",
        description="The leaderboards keep the scores they have; the answer is the cancelled rescore.",
        tags=["leaderboards"],
        responses={200: RescoreSerializer, **errors(400, 401, 403, 404)},
    )
    def delete(self, request, slug):
        competition = competition_for(request.user, slug)
        return Response(RescoreSerializer(cancel_rescore(competition=competition, user=request.user)).data)


def parse_json_object(text: str, field: str) -> dict:
    try:
        value = loads_bounded(text, f"'{field}'")
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise DomainError(
            f'Give {field} as a JSON object, for example {{"k": 5}}.',
            code="invalid",
            details={"field": field},
        )
    return value
