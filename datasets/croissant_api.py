"""Croissant JSON-LD of datasets, at stable API URLs and embedded in their pages (competitions/croissant_api.py
describes a competition's public data with the same document builder)."""

import json

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from config.api_schema import errors
from config.errors import DomainError, NotFound
from datasets.croissant import CroissantAbout, CroissantLinks, croissant_document
from datasets.models import Dataset, DatasetVersion
from datasets.queries import dataset_for, version_for
from datasets.services import fill_missing_columns

JSON_LD = "application/ld+json"


class JsonLdRenderer(JSONRenderer):
    """Lets clients ask for application/ld+json; errors still come back in the API's JSON shape."""

    media_type = JSON_LD
    format = "jsonld"


def requested_version(dataset: Dataset, raw: str | None) -> DatasetVersion:
    if raw is None:
        return version_for(dataset)
    if not (raw.isascii() and raw.isdigit()):
        raise DomainError(
            f"'{raw}' is not a version number; use ?version=1 or another whole number.",
            code="invalid_version",
            details={"field": "version"},
        )
    if int(raw) < 1:
        raise NotFound(f"Dataset '{dataset.slug}' has no version {int(raw)}.")
    return version_for(dataset, int(raw))


def dataset_croissant(request: HttpRequest, dataset: Dataset, version: DatasetVersion) -> dict:
    """The Croissant document of a version the caller has checked the user may see."""
    fill_missing_columns(version=version)
    page = reverse("datasets:detail", args=[dataset.slug])
    if dataset.versions.order_by("-number").values_list("number", flat=True).first() != version.number:
        page += f"?version={version.number}"
    links = CroissantLinks(
        page=request.build_absolute_uri(page),
        zip=request.build_absolute_uri(reverse("api-dataset-zip", args=[dataset.slug, version.number])),
        file=lambda name: request.build_absolute_uri(
            reverse("api-dataset-file", args=[dataset.slug, version.number, name])
        ),
    )
    about = CroissantAbout(
        name=dataset.title,
        description=dataset.description,
        license=dataset.license_link or dataset.license_label,
        creator=dataset.organisation.name if dataset.organisation else dataset.owner.username,
        creator_is_organisation=dataset.organisation is not None,
    )
    return croissant_document(version, links, about)


def json_ld_response(document: dict) -> HttpResponse:
    return HttpResponse(json.dumps(document, indent=2), content_type=JSON_LD)


CROISSANT = OpenApiResponse(OpenApiTypes.OBJECT, description="A Croissant 1.0 JSON-LD document.")


class DatasetCroissantApi(APIView):
    renderer_classes = [JSONRenderer, JsonLdRenderer]

    @extend_schema(
        operation_id="dataset_croissant",
        summary="A dataset version's Croissant metadata",
        tags=["datasets"],
        parameters=[
            OpenApiParameter("version", int, description="The version number; the latest unless given.")
        ],
        responses={(200, JSON_LD): CROISSANT, **errors(400, 401, 404)},
    )
    def get(self, request, slug):
        dataset = dataset_for(request.user, slug)
        version = requested_version(dataset, request.query_params.get("version"))
        return json_ld_response(dataset_croissant(request, dataset, version))
