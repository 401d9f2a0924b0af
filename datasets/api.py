from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api_input import checked, validated
from config.api_input_limits import BoundedPagination
from config.api_schema import PAGING, RANGE_HEADERS, download_answers, errors, paginated
from config.errors import NotFound
from datasets.downloads import dataset_file_response, version_zip_response
from datasets.queries import dataset_for, require_download, require_owner, search_datasets, version_for
from datasets.serializers import (
    DatasetCreateSerializer,
    DatasetListSerializer,
    DatasetSearchSerializer,
    DatasetSerializer,
    DatasetVersionCreateSerializer,
    DatasetVersionSerializer,
)
from datasets.services import NewFile, add_version, create_dataset
from organisations.queries import organisation_named


class DatasetListApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="datasets_list",
        summary="Datasets you may see",
        tags=["datasets"],
        parameters=[DatasetSearchSerializer, *PAGING],
        responses={200: paginated("PaginatedDatasetList", DatasetListSerializer), **errors(400, 401)},
    )
    def get(self, request):
        """Paginated with ?limit= and ?offset=; ?search= in title, description and slug."""
        query = checked(DatasetSearchSerializer, request.query_params)
        datasets = search_datasets(
            request.user,
            text=query.validated_data["search"].strip(),
            ordering=query.validated_data["ordering"],
        )
        paginator = BoundedPagination()
        page = paginator.paginate_queryset(datasets, request, view=self)
        return paginator.get_paginated_response(DatasetListSerializer(page, many=True).data)

    @extend_schema(
        operation_id="datasets_create",
        summary="Create a dataset with its first version",
        tags=["datasets"],
        request={"multipart/form-data": DatasetCreateSerializer},
        responses={201: DatasetSerializer, **errors(400, 401)},
    )
    def post(self, request):
        data = validated(DatasetCreateSerializer, request)
        dataset = create_dataset(
            owner=request.user,
            title=data["title"],
            slug=data.get("slug", ""),
            subtitle=data["subtitle"],
            description=data.get("description", ""),
            license=data["license"],
            license_url=data["license_url"],
            license_name=data["license_name"],
            visibility=data["visibility"],
            files=[NewFile(f.name, f) for f in data["files"]],
            organisation=organisation_named(data["organisation"]) if data.get("organisation") else None,
        )
        return Response(DatasetSerializer(dataset).data, status=status.HTTP_201_CREATED)


class DatasetDetailApi(APIView):
    @extend_schema(
        operation_id="dataset_retrieve",
        summary="One dataset with its versions",
        tags=["datasets"],
        responses={200: DatasetSerializer, **errors(401, 404)},
    )
    def get(self, request, slug):
        return Response(DatasetSerializer(dataset_for(request.user, slug)).data)


class DatasetVersionsApi(APIView):
    """GET every version, newest first; POST `files` (one part per file) and `notes` to publish a new
    version holding exactly those files (the owner only)."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="dataset_versions_list",
        summary="Every version of a dataset, newest first",
        description="Each version with its files, their sizes and SHA-256 checksums.",
        tags=["datasets"],
        responses={200: DatasetVersionSerializer(many=True), **errors(401, 404)},
    )
    def get(self, request, slug):
        versions = dataset_for(request.user, slug).versions.prefetch_related("files")
        return Response(DatasetVersionSerializer(versions, many=True).data)

    @extend_schema(
        operation_id="dataset_versions_create",
        summary="Publish a new version of your dataset",
        description="One `files` part per file, and `notes`: the new version holds exactly those files. "
        "The dataset's owner only.",
        tags=["datasets"],
        request={"multipart/form-data": DatasetVersionCreateSerializer},
        responses={201: DatasetVersionSerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request, slug):
        dataset = dataset_for(request.user, slug)
        require_owner(request.user, dataset)
        data = validated(DatasetVersionCreateSerializer, request)
        version = add_version(
            dataset=dataset,
            files=[NewFile(f.name, f) for f in data["files"]],
            notes=data["notes"].strip(),
        )
        return Response(DatasetVersionSerializer(version).data, status=status.HTTP_201_CREATED)


class DatasetVersionApi(APIView):
    @extend_schema(
        operation_id="dataset_version_retrieve",
        summary="One version of a dataset and its files",
        tags=["datasets"],
        responses={200: DatasetVersionSerializer, **errors(401, 404)},
    )
    def get(self, request, slug, number):
        return Response(DatasetVersionSerializer(version_for(dataset_for(request.user, slug), number)).data)


class DatasetFileDownloadApi(APIView):
    @extend_schema(
        operation_id="dataset_file_download",
        summary="Download one file of a dataset version (logged in)",
        tags=["datasets"],
        parameters=RANGE_HEADERS,
        responses={**download_answers("the file"), **errors(401, 404)},
    )
    def get(self, request, slug, number, name):
        require_download(request.user)
        version = version_for(dataset_for(request.user, slug), number)
        dataset_file = version.files.filter(name=name).first()
        if dataset_file is None:
            raise NotFound(f"Version {number} of '{slug}' has no file '{name}'.")
        return dataset_file_response(request, dataset_file)


class DatasetZipDownloadApi(APIView):
    @extend_schema(
        operation_id="dataset_version_download",
        summary="Download a dataset version as one zip (logged in)",
        tags=["datasets"],
        parameters=RANGE_HEADERS,
        responses={**download_answers("the zip of every file", "application/zip"), **errors(401, 404)},
    )
    def get(self, request, slug, number):
        require_download(request.user)
        return version_zip_response(request, version_for(dataset_for(request.user, slug), number))
