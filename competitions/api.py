from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from competitions.logos import read_upload, remove_competition_logo, set_competition_logo
from competitions.phase_setup import ONE_PHASE, shape_new_competition, tracks_named
from competitions.phases import public_data_of
from competitions.queries import (
    competition_for,
    downloadable_data,
    downloadable_file,
    search_competitions,
    viewer_state,
)
from competitions.serializers import (
    CompetitionCreateSerializer,
    CompetitionDetailSerializer,
    CompetitionListSerializer,
    CompetitionSearchSerializer,
    CompetitionSerializer,
    CompetitionUpdateSerializer,
    LogoInputSerializer,
    ViewerStateSerializer,
)
from competitions.services import (
    create_competition,
    join_competition,
    publish_competition,
    update_competition,
)
from config.api_input import checked, validated
from config.api_input_limits import BoundedJSONParser, BoundedPagination, WholeMultiPartParser
from config.api_schema import PAGING, RANGE_HEADERS, download_answers, errors, paginated
from datasets.downloads import dataset_file_response, version_zip_response
from datasets.queries import dataset_for
from datasets.serializers import DatasetFileSerializer
from datasets.services import NewFile
from organisations.queries import organisation_named


def competition_detail(user, competition) -> dict:
    """A competition as its detail answers show it: settings, the submission format and the viewer's state."""
    return CompetitionDetailSerializer(competition, context={"user": user}).data


class CompetitionListApi(APIView):
    parser_classes = [WholeMultiPartParser, FormParser]

    @extend_schema(
        operation_id="competitions_list",
        summary="Competitions you may see",
        tags=["competitions"],
        parameters=[CompetitionSearchSerializer, *PAGING],
        responses={200: paginated("PaginatedCompetitionList", CompetitionListSerializer), **errors(400, 401)},
    )
    def get(self, request):
        """Paginated with ?limit= and ?offset=; filtered by ?search=, ?status= and ?prediction=."""
        query = checked(CompetitionSearchSerializer, request.query_params)
        paginator = BoundedPagination()
        page = paginator.paginate_queryset(
            search_competitions(request.user, query.as_search()), request, view=self
        )
        return paginator.get_paginated_response(CompetitionListSerializer(page, many=True).data)

    @extend_schema(
        operation_id="competitions_create",
        summary="Create a draft competition from a solution file and data files",
        tags=["competitions"],
        request={"multipart/form-data": CompetitionCreateSerializer},
        responses={201: CompetitionSerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request):
        form = checked(CompetitionCreateSerializer, request.data)
        names = (form.validated_data.get("extra_tracks") or "").split(",")
        tracks = tracks_named([name.strip() for name in names if name.strip()])
        with transaction.atomic():  # made with its phases and tracks, or not at all
            competition = create_competition(
                host=request.user,
                draft=form.draft(),
                solution=form.validated_data["solution"],
                data_files=[NewFile(f.name, f) for f in form.validated_data["data_files"]],
                source_dataset=dataset_for(request.user, slug)
                if (slug := form.validated_data.get("source_dataset"))
                else None,
                organisation=organisation_named(org_slug)
                if (org_slug := form.validated_data.get("organisation"))
                else None,
            )
            shape_new_competition(
                competition=competition,
                user=request.user,
                template=form.validated_data.get("phase_template") or ONE_PHASE,
                tracks=tracks,
            )
        return Response(CompetitionSerializer(competition).data, status=status.HTTP_201_CREATED)


class CompetitionDetailApi(APIView):
    parser_classes = [BoundedJSONParser, FormParser]

    @extend_schema(
        operation_id="competition_retrieve",
        summary="One competition, its submission format and where you stand in it",
        tags=["competitions"],
        responses={200: CompetitionDetailSerializer, **errors(401, 404)},
    )
    def get(self, request, slug):
        return Response(competition_detail(request.user, competition_for(request.user, slug)))

    @extend_schema(
        operation_id="competition_update",
        summary="Change a competition (the host)",
        tags=["competitions"],
        request=CompetitionUpdateSerializer,
        responses={200: CompetitionDetailSerializer, **errors(400, 401, 403, 404)},
    )
    def patch(self, request, slug):
        """The host changes text, rules, limits and deadlines, or extends the end."""
        competition = competition_for(request.user, slug)
        data = validated(CompetitionUpdateSerializer, request, partial=True)
        changes = {name: value for name, value in data.items() if name in request.data}
        competition = update_competition(competition=competition, user=request.user, changes=changes)
        return Response(competition_detail(request.user, competition))


class CompetitionLogoApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [WholeMultiPartParser, FormParser]

    @extend_schema(
        operation_id="competition_logo_update",
        summary="Give the competition a logo, or replace it (the host or a co-host)",
        description="Multipart: `logo`, a PNG, JPEG, GIF or WebP image read by its content (at most "
        "PODIUM_LOGO_MAX_KB, each side at most 4096 pixels). Refusals name the field `logo`: `logo_empty`, "
        "`logo_too_large`, `logo_not_image`, `logo_svg_refused`, `logo_bad_dimensions`.",
        tags=["competitions"],
        request={"multipart/form-data": LogoInputSerializer},
        responses={200: CompetitionDetailSerializer, **errors(400, 401, 403, 404)},
    )
    def put(self, request, slug):
        competition = competition_for(request.user, slug)
        data = validated(LogoInputSerializer, request)
        competition = set_competition_logo(
            competition=competition, user=request.user, content=read_upload(data["logo"])
        )
        return Response(competition_detail(request.user, competition))

    @extend_schema(
        operation_id="competition_logo_destroy",
        summary="Remove the competition's logo (the host or a co-host)",
        tags=["competitions"],
        responses={204: None, **errors(400, 401, 403, 404)},
    )
    def delete(self, request, slug):
        remove_competition_logo(competition=competition_for(request.user, slug), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CompetitionPublishApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [BoundedJSONParser, FormParser]

    @extend_schema(
        operation_id="competition_publish",
        summary="Publish a draft competition (the host)",
        tags=["competitions"],
        request=None,
        responses={200: CompetitionSerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request, slug):
        competition = publish_competition(competition=competition_for(request.user, slug), user=request.user)
        return Response(CompetitionSerializer(competition).data)


class CompetitionJoinApi(APIView):
    """Joining is accepting the rules: an explicit action, never a side effect of reading them."""

    permission_classes = [IsAuthenticated]
    parser_classes = [BoundedJSONParser, FormParser]

    @extend_schema(
        operation_id="competition_join",
        summary="Join a competition by accepting its current rules",
        tags=["competitions"],
        request=None,
        responses={200: ViewerStateSerializer, **errors(400, 401, 404)},
    )
    def post(self, request, slug):
        competition = competition_for(request.user, slug)
        join_competition(competition=competition, user=request.user)
        return Response(ViewerStateSerializer(viewer_state(request.user, competition)).data)


class CompetitionFilesApi(APIView):
    @extend_schema(
        operation_id="competition_files_list",
        summary="The competition's data files",
        tags=["competitions"],
        responses={200: DatasetFileSerializer(many=True), **errors(401, 404)},
    )
    def get(self, request, slug):
        competition = competition_for(request.user, slug)
        version = public_data_of(competition)
        files = version.files.all() if version is not None else []
        return Response(DatasetFileSerializer(files, many=True).data)


class CompetitionFileDownloadApi(APIView):
    @extend_schema(
        operation_id="competition_file_download",
        summary="Download one data file (participants and the host)",
        tags=["competitions"],
        parameters=RANGE_HEADERS,
        responses={**download_answers("the file"), **errors(401, 403, 404)},
    )
    def get(self, request, slug, name):
        competition = competition_for(request.user, slug)
        return dataset_file_response(request, downloadable_file(request.user, competition, name))


class CompetitionZipDownloadApi(APIView):
    @extend_schema(
        operation_id="competition_download",
        summary="Download every data file as one zip (participants and the host)",
        tags=["competitions"],
        parameters=RANGE_HEADERS,
        responses={
            **download_answers("the zip of every data file", "application/zip"),
            **errors(401, 403, 404),
        },
    )
    def get(self, request, slug):
        competition = competition_for(request.user, slug)
        return version_zip_response(request, downloadable_data(request.user, competition))
