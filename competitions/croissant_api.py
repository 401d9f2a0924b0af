"""Croissant JSON-LD of a competition's public data, at a stable API URL and embedded in its Data tab."""

from django.http import HttpRequest
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from competitions.models import Competition
from competitions.phases import public_data_of
from competitions.queries import competition_for
from config.api_schema import errors
from config.errors import NotFound
from datasets.croissant import CroissantAbout, CroissantLinks, croissant_document
from datasets.croissant_api import CROISSANT, JSON_LD, JsonLdRenderer, json_ld_response
from datasets.services import fill_missing_columns


def competition_croissant(request: HttpRequest, competition: Competition) -> dict:
    """The Croissant document of a competition's public data: never its solution, which lives elsewhere."""
    version = public_data_of(competition)
    if version is None:
        raise NotFound("This competition has no data files yet.")
    fill_missing_columns(version=version)
    links = CroissantLinks(
        page=request.build_absolute_uri(reverse("competitions:data", args=[competition.slug])),
        zip=request.build_absolute_uri(reverse("api-competition-zip", args=[competition.slug])),
        file=lambda name: request.build_absolute_uri(
            reverse("api-competition-file", args=[competition.slug, name])
        ),
    )
    about = CroissantAbout(
        name=f"{competition.title} data",
        description=competition.subtitle or version.dataset.description,
        license=version.dataset.license_link or version.dataset.license_label,
        creator=competition.organisation.name if competition.organisation else competition.host.username,
        creator_is_organisation=competition.organisation is not None,
    )
    return croissant_document(version, links, about)


class CompetitionCroissantApi(APIView):
    renderer_classes = [JSONRenderer, JsonLdRenderer]

    @extend_schema(
        operation_id="competition_croissant",
        summary="Croissant metadata of a competition's public data",
        tags=["competitions"],
        responses={(200, JSON_LD): CROISSANT, **errors(401, 404)},
    )
    def get(self, request, slug):
        competition = competition_for(request.user, slug)
        return json_ld_response(competition_croissant(request, competition))
