"""The write-up API: a competition's write-ups best first, publish one on your team's submission, read, edit
and delete one."""

from datetime import UTC, datetime

from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from community.models import WriteUp
from community.targets import writeup_for
from community.writeups import (
    RankedWriteUp,
    delete_writeup,
    edit_writeup,
    publish_writeup,
    ranked_writeup,
    ranked_writeups,
    submission_of_team,
)
from competitions.queries import competition_for
from config.api_input import OrderingField, checked, validated
from config.api_input_limits import BoundedPagination, IdField
from config.api_schema import PAGING, errors, paginated


def http_url(value: str) -> str:
    if value and not value.lower().startswith(("http://", "https://")):
        raise serializers.ValidationError("Give an http:// or https:// address.")
    return value


class WriteUpFieldsSerializer(serializers.Serializer):
    method_name = serializers.CharField(
        max_length=120,
        required=False,
        allow_blank=True,
        help_text="Shown in results tables; the title if empty.",
    )
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(help_text="Markdown.")
    code_url = serializers.URLField(
        max_length=500,
        required=False,
        allow_blank=True,
        validators=[http_url],
        help_text="The code repository.",
    )
    paper_url = serializers.URLField(max_length=500, required=False, allow_blank=True, validators=[http_url])
    arxiv_id = serializers.CharField(
        max_length=60, required=False, allow_blank=True, help_text="e.g. 2106.01345"
    )
    paper_title = serializers.CharField(max_length=300, required=False, allow_blank=True)
    paper_authors = serializers.CharField(max_length=500, required=False, allow_blank=True)
    venue = serializers.CharField(max_length=120, required=False, allow_blank=True)
    year = serializers.IntegerField(required=False, allow_null=True, min_value=1900, max_value=9999)
    framework = serializers.CharField(
        max_length=60, required=False, allow_blank=True, help_text="e.g. PyTorch"
    )
    uses_extra_data = serializers.BooleanField(required=False, default=False)

    def validate_year(self, year):
        if year is not None and year > datetime.now(UTC).year + 1:
            raise serializers.ValidationError(f"{year} is in the future.")
        return year


class WriteUpCreateSerializer(WriteUpFieldsSerializer):
    submission = IdField(help_text="The id of your team's scored submission it describes.")


class WriteUpSerializer(serializers.Serializer):
    """A write-up with the score of the submission it describes (a community.writeups.RankedWriteUp: the
    private score once the reader may see it)."""

    id = serializers.IntegerField(source="writeup.pk")
    competition = serializers.CharField(source="writeup.competition.slug")
    team = serializers.CharField(source="writeup.team.name")
    submission = serializers.IntegerField(source="writeup.submission_id")
    author = serializers.CharField(source="writeup.author.username")
    method_name = serializers.CharField(source="writeup.method_name")
    title = serializers.CharField(source="writeup.title")
    body = serializers.CharField(source="writeup.body")
    body_html = serializers.CharField(source="writeup.body_html")
    code_url = serializers.CharField(source="writeup.code_url")
    paper_url = serializers.CharField(
        source="writeup.paper_link", help_text="The arXiv page when an arXiv id is given."
    )
    arxiv_id = serializers.CharField(source="writeup.arxiv_id")
    paper_title = serializers.CharField(source="writeup.paper_title")
    paper_authors = serializers.CharField(source="writeup.paper_authors")
    venue = serializers.CharField(source="writeup.venue")
    year = serializers.IntegerField(source="writeup.year", allow_null=True)
    framework = serializers.CharField(source="writeup.framework")
    uses_extra_data = serializers.BooleanField(source="writeup.uses_extra_data")
    paper = serializers.IntegerField(
        source="writeup.paper_id", allow_null=True, help_text="The paper it cites: /api/v1/papers/{paper}/."
    )
    score = serializers.FloatField(allow_null=True)
    score_split = serializers.ChoiceField(source="split", choices=["public", "private"])
    vote_count = serializers.IntegerField(source="writeup.vote_count")
    created_at = serializers.DateTimeField(source="writeup.created_at")
    updated_at = serializers.DateTimeField(source="writeup.updated_at")
    url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField())
    def get_url(self, ranked: RankedWriteUp) -> str:
        return reverse("community:writeup", args=[ranked.writeup.competition.slug, ranked.writeup.pk])


def writeup_answer(user, writeup: WriteUp) -> dict:
    """One write-up with the score its reader may see."""
    return WriteUpSerializer(ranked_writeup(user, writeup)).data


class WriteUpOrderingSerializer(serializers.Serializer):
    """The list's query string: ?ordering=score|votes."""

    ordering = OrderingField(
        ["score", "votes"],
        default="score",
        help_text="Empty or score: best score first; votes: most votes first.",
    )


class CompetitionWriteUpsApi(APIView):
    @extend_schema(
        operation_id="writeups_list",
        summary="A competition's write-ups, best score first",
        tags=["community"],
        parameters=[WriteUpOrderingSerializer, *PAGING],
        responses={200: paginated("PaginatedWriteUpList", WriteUpSerializer), **errors(400, 401, 404)},
    )
    def get(self, request, slug):
        competition = competition_for(request.user, slug)
        ordering = checked(WriteUpOrderingSerializer, request.query_params).validated_data["ordering"]
        ranked = ranked_writeups(request.user, competition, ordering=ordering)
        paginator = BoundedPagination()
        page = paginator.paginate_queryset(ranked, request, view=self)
        return paginator.get_paginated_response(WriteUpSerializer(page, many=True).data)

    @extend_schema(
        operation_id="writeups_create",
        summary="Publish a write-up of one of your team's scored submissions",
        description="After the end, or before it when the host allows. One write-up per submission.",
        tags=["community"],
        request=WriteUpCreateSerializer,
        responses={201: WriteUpSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, slug):
        competition = competition_for(request.user, slug)
        data = dict(validated(WriteUpCreateSerializer, request))
        submission = submission_of_team(request.user, competition, data.pop("submission"))
        writeup = publish_writeup(author=request.user, submission=submission, **data)
        return Response(writeup_answer(request.user, writeup), status=status.HTTP_201_CREATED)


class WriteUpApi(APIView):
    @extend_schema(
        operation_id="writeup_retrieve",
        summary="One write-up",
        tags=["community"],
        responses={200: WriteUpSerializer, **errors(401, 404)},
    )
    def get(self, request, writeup_id):
        return Response(writeup_answer(request.user, writeup_for(request.user, str(writeup_id))))

    @extend_schema(
        operation_id="writeup_update",
        summary="Edit your team's write-up",
        tags=["community"],
        request=WriteUpFieldsSerializer,
        responses={200: WriteUpSerializer, **errors(400, 401, 403, 404)},
    )
    def patch(self, request, writeup_id):
        writeup = writeup_for(request.user, str(writeup_id))
        data = validated(WriteUpFieldsSerializer, request, partial=True)
        writeup = edit_writeup(editor=request.user, writeup=writeup, **data)
        return Response(writeup_answer(request.user, writeup))

    @extend_schema(
        operation_id="writeup_delete",
        summary="Delete your team's write-up",
        tags=["community"],
        request=None,
        responses={204: None, **errors(401, 403, 404)},
    )
    def delete(self, request, writeup_id):
        delete_writeup(user=request.user, writeup=writeup_for(request.user, str(writeup_id)))
        return Response(status=status.HTTP_204_NO_CONTENT)
