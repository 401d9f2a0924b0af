"""/api/v1/projects/: list, read, download and publish projects and their versions."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api_input import checked, validated
from config.api_input_limits import BoundedJSONParser, BoundedPagination
from config.api_schema import PAGING, RANGE_HEADERS, download_answers, errors, paginated
from projects.downloads import project_file_response
from projects.queries import (
    project_for,
    require_owner,
    require_version_author,
    search_projects,
    version_for,
)
from projects.serializers import (
    ProjectCreateSerializer,
    ProjectListSerializer,
    ProjectSearchSerializer,
    ProjectSerializer,
    ProjectUpdateSerializer,
    ProjectVersionCreateSerializer,
    ProjectVersionSerializer,
)
from projects.services import NewFile, add_version, create_project, fork_project, update_project
from projects.uploads import ProjectUploadParser, name_as_sent

TAGS = ["projects"]


class ProjectListApi(APIView):
    parser_classes = [ProjectUploadParser, FormParser]

    @extend_schema(
        operation_id="projects_list",
        summary="Projects you may see",
        tags=TAGS,
        parameters=[ProjectSearchSerializer, *PAGING],
        responses={200: paginated("PaginatedProjectList", ProjectListSerializer), **errors(400, 401)},
    )
    def get(self, request):
        """Public projects and your own, paginated with ?limit= and ?offset=; ?search= in title and slug."""
        query = checked(ProjectSearchSerializer, request.query_params).validated_data
        projects = search_projects(request.user, text=query["search"].strip(), ordering=query["ordering"])
        paginator = BoundedPagination()
        page = paginator.paginate_queryset(projects, request, view=self)
        return paginator.get_paginated_response(ProjectListSerializer(page, many=True).data)

    @extend_schema(
        operation_id="projects_create",
        summary="Publish a project with its first version",
        tags=TAGS,
        request={"multipart/form-data": ProjectCreateSerializer},
        responses={201: ProjectSerializer, **errors(400, 401)},
    )
    def post(self, request):
        data = validated(ProjectCreateSerializer, request)
        project = create_project(
            owner=request.user,
            files=[NewFile(name_as_sent(f), f) for f in data.pop("files")],
            submission_id=data.pop("submission"),
            **data,
        )
        return Response(ProjectSerializer(project).data, status=status.HTTP_201_CREATED)


class ProjectDetailApi(APIView):
    # JSON only: a form would send each list as a lone string, read as a list of one.
    parser_classes = [BoundedJSONParser]

    @extend_schema(
        operation_id="project_retrieve",
        summary="One project with its latest version",
        tags=TAGS,
        responses={200: ProjectSerializer, **errors(401, 404)},
    )
    def get(self, request, slug):
        return Response(ProjectSerializer(project_for(request.user, slug)).data)

    @extend_schema(
        operation_id="project_update",
        summary="Edit your project's details and links",
        description="Send only what changes; a list (tags, shared_with, datasets, competitions, papers) "
        "replaces the old one. The slug, versions and files stay.",
        tags=TAGS,
        request=ProjectUpdateSerializer,
        responses={200: ProjectSerializer, **errors(400, 401, 403, 404)},
    )
    def patch(self, request, slug):
        project = project_for(request.user, slug)
        require_owner(request.user, project, "edit it")
        changes = validated(ProjectUpdateSerializer, request, partial=True)
        project = update_project(project=project, user=request.user, changes=changes)
        return Response(ProjectSerializer(project).data)


class ProjectVersionsApi(APIView):
    parser_classes = [ProjectUploadParser, FormParser]

    @extend_schema(
        operation_id="project_versions_list",
        summary="Every version of a project, newest first",
        tags=TAGS,
        responses={200: ProjectVersionSerializer(many=True), **errors(401, 404)},
    )
    def get(self, request, slug):
        versions = (
            project_for(request.user, slug).versions.prefetch_related("files").select_related("created_by")
        )
        return Response(ProjectVersionSerializer(versions.order_by("-number"), many=True).data)

    @extend_schema(
        operation_id="project_versions_create",
        summary="Save a new version of your project",
        description="One `files` part per file, and `notes`: the new version holds exactly those files.",
        tags=TAGS,
        request={"multipart/form-data": ProjectVersionCreateSerializer},
        responses={201: ProjectVersionSerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request, slug):
        project = project_for(request.user, slug)
        require_version_author(request.user, project)
        data = validated(ProjectVersionCreateSerializer, request)
        version = add_version(
            project=project,
            user=request.user,
            files=[NewFile(name_as_sent(f), f) for f in data["files"]],
            notes=data["notes"],
        )
        return Response(ProjectVersionSerializer(version).data, status=status.HTTP_201_CREATED)


class ProjectVersionApi(APIView):
    @extend_schema(
        operation_id="project_version_retrieve",
        summary="One version of a project and its files",
        tags=TAGS,
        responses={200: ProjectVersionSerializer, **errors(401, 404)},
    )
    def get(self, request, slug, number):
        return Response(ProjectVersionSerializer(version_for(project_for(request.user, slug), number)).data)


class ProjectFileDownloadApi(APIView):
    @extend_schema(
        operation_id="project_file_download",
        summary="Download one file of a project version",
        tags=TAGS,
        parameters=RANGE_HEADERS,
        responses={**download_answers("the file"), **errors(401, 404)},
    )
    def get(self, request, slug, number, name):
        return project_file_response(request, version_for(project_for(request.user, slug), number), name)


class ProjectForkApi(APIView):
    @extend_schema(
        operation_id="project_fork",
        summary="Fork a project: copy its latest version into a new project of yours",
        tags=TAGS,
        request=None,
        responses={201: ProjectSerializer, **errors(400, 401, 404)},
    )
    def post(self, request, slug):
        fork = fork_project(project=project_for(request.user, slug), user=request.user)
        return Response(ProjectSerializer(fork).data, status=status.HTTP_201_CREATED)
