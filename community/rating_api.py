"""Ratings through the API: GET the summary, PUT {"stars": 1-5} to rate or change, DELETE to take it back.
Addressed as votes are, by kind and key (`/api/v1/ratings/dataset/iris/`)."""

from django.http import QueryDict
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from community import ratings
from community.ratings import as_whole_number
from config.api_input import validated
from config.api_schema import errors

KIND = OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=list(ratings.RATABLE))
KEY = OpenApiParameter("key", str, OpenApiParameter.PATH, description="The item's slug.")


@extend_schema_field(serializers.IntegerField(min_value=1, max_value=5))
class StarsField(serializers.Field):
    """Taken as sent, but for a form's text "1" to "5" (a form carries only text): the service says what is
    wrong with anything else (not a whole number, outside 1-5), with its own code, as the page does. In a
    JSON body only a JSON integer is one."""

    def to_internal_value(self, data):
        if isinstance(self.parent.initial_data, QueryDict):
            return as_whole_number(data)
        return data


class RatingInputSerializer(serializers.Serializer):
    stars = StarsField(help_text='A whole number from 1 to 5; nothing else (no 4.5, no true, no "4 stars").')


class RatingSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(ratings.RATABLE))
    target = serializers.CharField(help_text="The item's slug.")
    rating_count = serializers.IntegerField(source="summary.count")
    rating_average = serializers.FloatField(
        source="summary.average", allow_null=True, help_text="The plain mean, 1 to 5 (null: no rating yet)."
    )
    your_stars = serializers.IntegerField(
        source="summary.yours", allow_null=True, help_text="Your rating (null: you have not rated it)."
    )


def rating_answer(request, kind: str, key: str, target) -> dict:
    state = {"kind": kind, "target": key, "summary": ratings.summary(request.user, target)}
    return RatingSerializer(state).data


class RatingApi(APIView):
    @extend_schema(
        operation_id="rating_retrieve",
        summary="The average rating and count of a dataset, and your rating",
        tags=["community"],
        parameters=[KIND, KEY],
        responses={200: RatingSerializer, **errors(401, 404)},
    )
    def get(self, request, kind, key):
        return Response(rating_answer(request, kind, key, ratings.rated_target(request.user, kind, key)))

    @extend_schema(
        operation_id="rating_put",
        summary="Rate a dataset from 1 to 5 stars, or change your rating",
        description="One rating per reader per item, never on your own work (403 `own_work`); new accounts "
        "may rate a few items an hour (429 with Retry-After past that).",
        tags=["community"],
        parameters=[KIND, KEY],
        request=RatingInputSerializer,
        responses={200: RatingSerializer, **errors(400, 401, 403, 404, 429)},
    )
    def put(self, request, kind, key):
        target = ratings.rated_target(request.user, kind, key)
        data = validated(RatingInputSerializer, request)
        ratings.rate(user=request.user, target=target, stars=data["stars"])
        return Response(rating_answer(request, kind, key, target))

    @extend_schema(
        operation_id="rating_delete",
        summary="Take your rating back",
        tags=["community"],
        parameters=[KIND, KEY],
        request=None,
        responses={200: RatingSerializer, **errors(401, 404)},
    )
    def delete(self, request, kind, key):
        target = ratings.rated_target(request.user, kind, key)
        ratings.unrate(user=request.user, target=target)
        return Response(rating_answer(request, kind, key, target))
