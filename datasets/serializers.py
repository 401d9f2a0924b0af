from rest_framework import serializers

from config.api_input import OrderingField
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


class DatasetSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.username", read_only=True)
    versions = DatasetVersionSerializer(many=True, read_only=True)

    class Meta:
        model = Dataset
        fields = [
            "slug",
            "title",
            "description",
            "license",
            "visibility",
            "owner",
            "created_at",
            "vote_count",
            "versions",
        ]


class DatasetListSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.username", read_only=True)

    class Meta:
        model = Dataset
        fields = ["slug", "title", "license", "visibility", "owner", "created_at", "vote_count"]


class DatasetSearchSerializer(serializers.Serializer):
    """The list's query string: ?search= and ?ordering=newest|votes|title."""

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
        help_text="Empty or newest: latest created first; votes: most votes first; title: alphabetical.",
    )


class DatasetVersionCreateSerializer(serializers.Serializer):
    notes = serializers.CharField(max_length=5000, help_text="What changed in this version.")
    files = serializers.ListField(child=serializers.FileField(), allow_empty=False, min_length=1)


class DatasetCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    slug = serializers.SlugField(max_length=100, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    license = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="CC BY 4.0", help_text="Empty: CC BY 4.0."
    )
    visibility = serializers.ChoiceField(
        choices=[Dataset.Visibility.PUBLIC, Dataset.Visibility.PRIVATE], default=Dataset.Visibility.PUBLIC
    )
    files = serializers.ListField(child=serializers.FileField(), allow_empty=False, min_length=1)
