from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.api_input import OrderingField
from datasets.serializers import LICENSE_HELP, LicenceFields
from projects.models import Project, ProjectFile, ProjectVersion
from projects.queries import PROJECT_ORDERINGS


class ProjectFileSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProjectFile
        fields = ["name", "size", "sha256", "kind", "framework", "render_note"]


class ProjectVersionSerializer(serializers.ModelSerializer):
    files = ProjectFileSerializer(many=True, read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True, allow_null=True)

    class Meta:
        model = ProjectVersion
        fields = ["number", "notes", "created_at", "created_by", "files"]


class ProjectListSerializer(serializers.ModelSerializer, LicenceFields):
    owner = serializers.CharField(
        source="owner.username",
        read_only=True,
        help_text="Who created it (for an organisation's project, the member who published it).",
    )
    organisation = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text="The organisation that publishes it, shown as its owner (null: `owner` alone).",
    )
    rating_average = serializers.FloatField(read_only=True, allow_null=True, help_text="1 to 5 stars.")
    forked_from = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    visibility = serializers.ChoiceField(choices=Project.Visibility.values, read_only=True)

    class Meta:
        model = Project
        fields = [
            "slug",
            "title",
            "subtitle",
            "owner",
            "organisation",
            "license",
            "license_name",
            "license_url",
            "tags",
            "visibility",
            "forked_from",
            "fork_count",
            "rating_count",
            "rating_average",
            "created_at",
            "updated_at",
        ]


class ProjectSerializer(ProjectListSerializer):
    datasets = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    competitions = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    papers = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="Ids of the papers it implements."
    )
    submission = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    latest_version = serializers.SerializerMethodField()

    class Meta(ProjectListSerializer.Meta):
        fields = [
            *ProjectListSerializer.Meta.fields,
            "description",
            "datasets",
            "competitions",
            "papers",
            "submission",
            "latest_version",
        ]

    @extend_schema_field(ProjectVersionSerializer(allow_null=True))
    def get_latest_version(self, project) -> dict | None:
        version = project.versions.prefetch_related("files").order_by("-number").first()
        return ProjectVersionSerializer(version).data if version else None


class ProjectSearchSerializer(serializers.Serializer):
    search = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    ordering = OrderingField(
        PROJECT_ORDERINGS,
        default="newest",
        help_text="newest, forks (most forked first), title, or rating: best rated first by the damped "
        "average (C × m + sum of stars) ÷ (C + number of ratings), m the site's mean project rating and C "
        "PODIUM_RATING_PRIOR_WEIGHT.",
    )


def words(help_text: str) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, default=list, help_text=help_text
    )


class ProjectCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    organisation = serializers.SlugField(
        required=False,
        allow_blank=True,
        help_text="Slug of an organisation you belong to, to publish on its behalf (shown as the owner; its "
        "members may add versions). Empty: yourself.",
    )
    slug = serializers.SlugField(
        max_length=100, required=False, allow_blank=True, help_text="Empty: from the title."
    )
    subtitle = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False, allow_blank=True, default="", help_text="Markdown.")
    license = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text=f"{LICENSE_HELP} Empty: CC-BY-4.0.",
    )
    license_url = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    license_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    tags = words("One part per tag.")
    visibility = serializers.ChoiceField(choices=Project.Visibility.values, default=Project.Visibility.PUBLIC)
    shared_with = words("Usernames who may see a private project.")
    datasets = words("Slugs of the datasets it uses.")
    competitions = words("Slugs of the competitions it belongs to.")
    papers = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        default=list,
        help_text="Ids of the papers it implements, one part per paper.",
    )
    submission = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Id of your team's submission it produced."
    )
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    files = serializers.ListField(child=serializers.FileField(), allow_empty=False, min_length=1)


class ProjectVersionCreateSerializer(serializers.Serializer):
    notes = serializers.CharField(max_length=5000, help_text="What changed in this version.")
    files = serializers.ListField(child=serializers.FileField(), allow_empty=False, min_length=1)


class ProjectUpdateSerializer(serializers.Serializer):
    """A project's details, each optional: only those sent change (lists are replaced whole)."""

    title = serializers.CharField(max_length=200)
    subtitle = serializers.CharField(max_length=200, allow_blank=True)
    description = serializers.CharField(allow_blank=True, help_text="Markdown.")
    license = serializers.CharField(max_length=500, allow_blank=True, help_text=LICENSE_HELP)
    license_url = serializers.CharField(max_length=500, allow_blank=True)
    license_name = serializers.CharField(max_length=200, allow_blank=True)
    tags = serializers.ListField(child=serializers.CharField(max_length=100))
    visibility = serializers.ChoiceField(choices=Project.Visibility.values)
    shared_with = serializers.ListField(child=serializers.CharField(max_length=100), help_text="Usernames.")
    datasets = serializers.ListField(child=serializers.CharField(max_length=100), help_text="Slugs.")
    competitions = serializers.ListField(child=serializers.CharField(max_length=100), help_text="Slugs.")
    papers = serializers.ListField(child=serializers.IntegerField(min_value=1), help_text="Paper ids.")
    organisation = serializers.SlugField(
        allow_blank=True,
        help_text="Slug of an organisation you belong to, to publish it on its behalf; empty: as yours alone.",
    )
