from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from config.errors import NotFound
from datasets.downloads import dataset_file_response, version_zip_response
from datasets.queries import dataset_for, require_download, version_for, visible_datasets
from datasets.serializers import DatasetCreateSerializer, DatasetListSerializer, DatasetSerializer
from datasets.services import NewFile, create_dataset


class DatasetListApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    def get(self, request):
        datasets = visible_datasets(request.user)
        return Response(DatasetListSerializer(datasets, many=True).data)

    def post(self, request):
        form = DatasetCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        dataset = create_dataset(
            owner=request.user,
            title=data["title"],
            slug=data.get("slug", ""),
            description=data.get("description", ""),
            license=data["license"],
            visibility=data["visibility"],
            files=[NewFile(f.name, f) for f in data["files"]],
        )
        return Response(DatasetSerializer(dataset).data, status=status.HTTP_201_CREATED)


class DatasetDetailApi(APIView):
    def get(self, request, slug):
        return Response(DatasetSerializer(dataset_for(request.user, slug)).data)


class DatasetFileDownloadApi(APIView):
    def get(self, request, slug, number, name):
        require_download(request.user)
        version = version_for(dataset_for(request.user, slug), number)
        dataset_file = version.files.filter(name=name).first()
        if dataset_file is None:
            raise NotFound(f"Version {number} of '{slug}' has no file '{name}'.")
        return dataset_file_response(dataset_file)


class DatasetZipDownloadApi(APIView):
    def get(self, request, slug, number):
        require_download(request.user)
        return version_zip_response(version_for(dataset_for(request.user, slug), number))
