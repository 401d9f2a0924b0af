from django.contrib import admin
from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.template.defaultfilters import filesizeformat

from datasets.models import Dataset, DatasetFile, DatasetVersion


class DatasetVersionInline(admin.TabularInline):
    model = DatasetVersion
    extra = 0
    fields = ["number", "notes", "file_list", "zip_size", "created_at"]
    readonly_fields = ["number", "file_list", "zip_size", "created_at"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("files")

    @admin.display(description="files")
    def file_list(self, version: DatasetVersion) -> str:
        return ", ".join(f"{f.name} ({filesizeformat(f.size)})" for f in version.files.all()) or "-"


class DatasetFileInline(admin.TabularInline):
    model = DatasetFile
    extra = 0
    fields = ["name", "size", "sha256"]
    readonly_fields = ["name", "size", "sha256"]
    can_delete = False


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "owner", "visibility", "license", "versions", "created_at"]
    list_filter = ["visibility", "license", "created_at"]
    search_fields = ["title", "slug", "description", "owner__username"]
    raw_id_fields = ["owner"]
    list_select_related = ["owner"]
    inlines = [DatasetVersionInline]

    def get_queryset(self, request):
        counts = (
            DatasetVersion.objects.filter(dataset=OuterRef("pk"))
            .order_by()
            .values("dataset")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(version_count=Coalesce(Subquery(counts, output_field=IntegerField()), 0))
        )

    @admin.display(description="versions", ordering="version_count")
    def versions(self, dataset: Dataset) -> int:
        return dataset.version_count


@admin.register(DatasetVersion)
class DatasetVersionAdmin(admin.ModelAdmin):
    list_display = ["dataset", "number", "file_count", "total_size", "zip_size", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["dataset__title", "dataset__slug", "notes"]
    raw_id_fields = ["dataset"]
    list_select_related = ["dataset"]
    inlines = [DatasetFileInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(files_counted=Count("files"), files_size=Sum("files__size"))
        )

    @admin.display(description="files", ordering="files_counted")
    def file_count(self, version: DatasetVersion) -> int:
        return version.files_counted

    @admin.display(description="size of the files", ordering="files_size")
    def total_size(self, version: DatasetVersion) -> str:
        return filesizeformat(version.files_size or 0)


@admin.register(DatasetFile)
class DatasetFileAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "size", "sha256"]
    search_fields = ["name", "version__dataset__slug", "sha256"]
    raw_id_fields = ["version"]
    list_select_related = ["version__dataset"]
