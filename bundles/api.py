from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from bundles.importing import queue_import
from bundles.queries import import_for
from bundles.serializers import BundleImportSerializer, BundleUploadSerializer
from config.api_input import validated
from config.api_input_limits import WholeMultiPartParser
from config.api_schema import errors


class BundleImportListApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [WholeMultiPartParser, FormParser]

    @extend_schema(
        operation_id="bundles_import",
        summary="Queue a Codabench bundle's import as a draft competition (or only its check)",
        tags=["competitions"],
        request={"multipart/form-data": BundleUploadSerializer},
        responses={202: BundleImportSerializer, **errors(400, 401)},
    )
    def post(self, request):
        """The upload is kept and its import queued (202, status queued; Location and `url` name where to
        poll): a worker reads and checks it, then makes the draft (or, with check_only=true, only reports). A
        refused bundle ends as status failed, with every problem in error.details.errors; only a bundle over
        the size limit is refused here (400)."""
        data = validated(BundleUploadSerializer, request)
        upload = data["bundle"]
        imported = queue_import(
            host=request.user, upload=upload, file_name=upload.name, check_only=data["check_only"]
        )
        answer = BundleImportSerializer(imported).data
        return Response(answer, status=status.HTTP_202_ACCEPTED, headers={"Location": answer["url"]})


class BundleImportDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="bundles_import_retrieve",
        summary="One bundle import: its status, then its report or every problem found (its host)",
        tags=["competitions"],
        responses={200: BundleImportSerializer, **errors(401, 404)},
    )
    def get(self, request, import_id):
        return Response(BundleImportSerializer(import_for(request.user, import_id)).data)
