from django.contrib import admin

from bundles.models import BundleImport


@admin.register(BundleImport)
class BundleImportAdmin(admin.ModelAdmin):
    list_display = ["file_name", "host", "competition", "version", "created_at"]
    list_filter = ["version"]
    search_fields = ["file_name", "host__username", "competition__title"]
    readonly_fields = [
        "host",
        "competition",
        "file_name",
        "version",
        "plan",
        "report",
        "stored_files",
        "created_at",
    ]
