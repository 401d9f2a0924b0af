from rest_framework import serializers

from config.api_input import OrderingField
from datasets import licences
from datasets.models import Dataset, DatasetFile, DatasetVersion
from datasets.queries import DATASET_ORDERINGS


class DatasetFileSerializer(serializers.ModelSerializer):
    class Meta:
        model = DatasetFile
        fields = ["name", "size", "sha256"]


class DatasetVersionSerializer(serializers.ModelSerializer):
    files = DatasetFileSerializer(many=True, read_only=True)

    class Meta:
        model = DatasetVersion
        fields = ["number", "notes", "created_at", "zip_size", "zip_sha256", "files"]


LICENSE_HELP = f"The licence's SPDX id: one of {licences.ACCEPTED}."


class LicenceFields(serializers.Serializer):
    """A dataset's licence as answers give it: the id, the name the page shows and the address of its terms."""

    license = serializers.CharField(read_only=True, help_text=LICENSE_HELP)
    license_name = serializers.CharField(
        source="license_label", read_only=True, help_text="As the page names it."
    )
    license_url = serializers.CharField(
        source="license_link",
        read_only=True,
        help_text="SPDX's page of the licence, or the address of other terms.",
    )


ORGANISATION = {
    "slug_field": "slug",
    "read_only": True,
    "allow_null": True,
    "help_text": "The organisation that publishes it, shown as its owner (null: `owner` alone).",
}


class DatasetSerializer(serializers.ModelSerializer, LicenceFields):
    owner = serializers.CharField(source="owner.username", read_only=True)
    organisation = serializers.SlugRelatedField(**ORGANISATION)
    versions = DatasetVersionSerializer(many=True, read_only=True)
    rating_count = serializers.IntegerField(read_only=True, help_text="How many readers rated it.")
    rating_average = serializers.FloatField(
        read_only=True, allow_null=True, help_text="The mean of its ratings, 1 to 5 stars (null: none yet)."
    )

    class Meta:
        model = Dataset
        fields = [
            "slug",
            "title",
            "subtitle",
            "description",
            "license",
            "license_name",
            "license_url",
            "visibility",
            "owner",
            "organisation",
            "created_at",
            "vote_count",
            "rating_count",
            "rating_average",
            "versions",
        ]


class DatasetListSerializer(serializers.ModelSerializer, LicenceFields):
    owner = serializers.CharField(source="owner.username", read_only=True)
    organisation = serializers.SlugRelatedField(**ORGANISATION)
    rating_count = serializers.IntegerField(read_only=True, help_text="How many readers rated it.")
    rating_average = serializers.FloatField(
        read_only=True, allow_null=True, help_text="The mean of its ratings, 1 to 5 stars (null: none yet)."
    )

    class Meta:
        model = Dataset
        fields = [
            "slug",
            "title",
            "subtitle",
            "license",
            "license_name",
            "license_url",
            "visibility",
            "owner",
            "organisation",
            "created_at",
            "vote_count",
            "rating_count",
            "rating_average",
        ]


class DatasetSearchSerializer(serializers.Serializer):
    """The list's query string: ?search= and ?ordering=newest|votes|rating|title."""

    search = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        default="",
        help_text="Text in the title, description or slug.",
    )
    ordering = OrderingField(
        DATASET_ORDERINGS,
        default="newest",
        help_text="Empty or newest: latest created first; votes: most votes first; rating: best rated first, "
        "by the damped average (docs/community.md#ratings); title: alphabetical.",
    )


class DatasetVersionCreateSerializer(serializers.Serializer):
    notes = serializers.CharField(max_length=5000, help_text="What changed in this version.")
    files = serializers.ListField(child=serializers.FileField(), allow_empty=False, min_length=1)


class DatasetCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    organisation = serializers.SlugField(
        required=False,
        allow_blank=True,
        help_text="Slug of an organisation you belong to, to publish on its behalf (shown as the owner).",
    )
    slug = serializers.SlugField(max_length=100, required=False, allow_blank=True)
    subtitle = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False, allow_blank=True)
    license = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text=f'{LICENSE_HELP} Any case and common spellings ("CC BY 4.0", "MIT License") are '
        "understood; a licence's web address means other with that URL. Empty: CC-BY-4.0.",
    )
    license_url = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text="With license=other: the address of the licence's terms (http or https).",
    )
    license_name = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="With license=other: its name.",
    )
    visibility = serializers.ChoiceField(
        choices=[Dataset.Visibility.PUBLIC, Dataset.Visibility.PRIVATE], default=Dataset.Visibility.PUBLIC
    )
    files = serializers.ListField(child=serializers.FileField(), allow_empty=False, min_length=1)
