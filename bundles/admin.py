from django.contrib import admin

from bundles.models import BundleImport


@admin.register(BundleImport)
class BundleImportAdmin(admin.ModelAdmin):
    list_display = ["file_name", "host", "status", "check_only", "competition", "version", "created_at"]
    list_filter = ["status", "check_only", "version"]
    search_fields = ["file_name", "host__username", "competition__title"]
    readonly_fields = [
        "host",
        "competition",
        "file_name",
        "check_only",
        "status",
        "upload_key",
        "version",
        "plan",
        "report",
        "stored_files",
        "error_code",
        "error_message",
        "errors",
        "attempts",
        "lease_holder",
        "lease_expires_at",
        "enqueued_at",
        "created_at",
        "finished_at",
    ]
