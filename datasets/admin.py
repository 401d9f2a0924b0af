from django.contrib import admin

from datasets.models import Dataset, DatasetFile, DatasetVersion


class DatasetVersionInline(admin.TabularInline):
    model = DatasetVersion
    extra = 0
    fields = ["number", "notes", "zip_size", "created_at"]
    readonly_fields = ["number", "zip_size", "created_at"]
    show_change_link = True


class DatasetFileInline(admin.TabularInline):
    model = DatasetFile
    extra = 0
    fields = ["name", "size", "sha256"]
    readonly_fields = ["name", "size", "sha256"]
    can_delete = False


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "owner", "visibility", "license", "created_at"]
    list_filter = ["visibility", "license", "created_at"]
    search_fields = ["title", "slug", "description", "owner__username"]
    raw_id_fields = ["owner"]
    inlines = [DatasetVersionInline]


@admin.register(DatasetVersion)
class DatasetVersionAdmin(admin.ModelAdmin):
    list_display = ["dataset", "number", "created_at", "zip_size"]
    list_filter = ["created_at"]
    search_fields = ["dataset__title", "dataset__slug", "notes"]
    raw_id_fields = ["dataset"]
    inlines = [DatasetFileInline]


@admin.register(DatasetFile)
class DatasetFileAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "size", "sha256"]
    search_fields = ["name", "version__dataset__slug", "sha256"]
    raw_id_fields = ["version"]
