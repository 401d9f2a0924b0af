from rest_framework import status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from competitions.queries import (
    competition_for,
    downloadable_data,
    downloadable_file,
    viewer_state,
    visible_competitions,
)
from competitions.serializers import (
    CompetitionCreateSerializer,
    CompetitionListSerializer,
    CompetitionSerializer,
    CompetitionUpdateSerializer,
)
from competitions.services import (
    create_competition,
    join_competition,
    publish_competition,
    update_competition,
)
from datasets.downloads import dataset_file_response, version_zip_response
from datasets.queries import dataset_for
from datasets.serializers import DatasetFileSerializer
from datasets.services import NewFile


def viewer_state_json(user, competition) -> dict:
    state = viewer_state(user, competition)
    return {**state, "team": state["team"].name if state["team"] else None}


class CompetitionListApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    def get(self, request):
        competitions = visible_competitions(request.user)
        return Response(CompetitionListSerializer(competitions, many=True).data)

    def post(self, request):
        form = CompetitionCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        competition = create_competition(
            host=request.user,
            draft=form.draft(),
            solution=form.validated_data["solution"],
            data_files=[NewFile(f.name, f) for f in form.validated_data["data_files"]],
            source_dataset=dataset_for(request.user, slug)
            if (slug := form.validated_data.get("source_dataset"))
            else None,
        )
        return Response(CompetitionSerializer(competition).data, status=status.HTTP_201_CREATED)


class CompetitionDetailApi(APIView):
    parser_classes = [JSONParser, FormParser]

    def get(self, request, slug):
        competition = competition_for(request.user, slug)
        return Response(
            {**CompetitionSerializer(competition).data, "you": viewer_state_json(request.user, competition)}
        )

    def patch(self, request, slug):
        """The host changes text, rules, limits and deadlines, or extends the end."""
        competition = competition_for(request.user, slug)
        form = CompetitionUpdateSerializer(data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        changes = {name: value for name, value in form.validated_data.items() if name in request.data}
        competition = update_competition(competition=competition, user=request.user, changes=changes)
        return Response(
            {**CompetitionSerializer(competition).data, "you": viewer_state_json(request.user, competition)}
        )


class CompetitionPublishApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, FormParser]

    def post(self, request, slug):
        competition = publish_competition(competition=competition_for(request.user, slug), user=request.user)
        return Response(CompetitionSerializer(competition).data)


class CompetitionJoinApi(APIView):
    """Joining is accepting the rules: an explicit action, never a side effect of reading them."""

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, FormParser]

    def post(self, request, slug):
        competition = competition_for(request.user, slug)
        join_competition(competition=competition, user=request.user)
        return Response(viewer_state_json(request.user, competition))


class CompetitionFilesApi(APIView):
    def get(self, request, slug):
        competition = competition_for(request.user, slug)
        files = competition.data_version.files.all() if competition.data_version else []
        return Response(DatasetFileSerializer(files, many=True).data)


class CompetitionFileDownloadApi(APIView):
    def get(self, request, slug, name):
        competition = competition_for(request.user, slug)
        return dataset_file_response(downloadable_file(request.user, competition, name))


class CompetitionZipDownloadApi(APIView):
    def get(self, request, slug):
        competition = competition_for(request.user, slug)
        return version_zip_response(downloadable_data(request.user, competition))
