from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from bundles.queries import import_for
from bundles.serializers import BundleCheckSerializer, BundleImportSerializer, BundleUploadSerializer
from bundles.services import import_bundle, inspect_bundle
from config.api_input import validated
from config.api_input_limits import WholeMultiPartParser
from config.api_schema import errors


class BundleImportListApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [WholeMultiPartParser, FormParser]

    @extend_schema(
        operation_id="bundles_import",
        summary="Import a Codabench bundle as a draft competition (or only check it)",
        tags=["competitions"],
        request={"multipart/form-data": BundleUploadSerializer},
        responses={
            200: BundleCheckSerializer,
            201: BundleImportSerializer,
            **errors(400, 401),
        },
    )
    def post(self, request):
        """With check_only=true, the report of what would be imported (200); otherwise the draft competition
        is made (201). A refused bundle answers 400 with every problem in details.errors."""
        data = validated(BundleUploadSerializer, request)
        upload = data["bundle"]
        if data["check_only"]:
            plan = inspect_bundle(upload=upload)
            return Response(BundleCheckSerializer(plan).data)
        imported = import_bundle(host=request.user, upload=upload, file_name=upload.name)
        return Response(BundleImportSerializer(imported).data, status=status.HTTP_201_CREATED)


class BundleImportDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="bundles_import_retrieve",
        summary="One bundle import and its report (its host)",
        tags=["competitions"],
        responses={200: BundleImportSerializer, **errors(401, 404)},
    )
    def get(self, request, import_id):
        return Response(BundleImportSerializer(import_for(request.user, import_id)).data)
