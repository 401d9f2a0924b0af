from django.contrib import admin

from scoring.models import Rescore


@admin.register(Rescore)
class RescoreAdmin(admin.ModelAdmin):
    list_display = [
        "competition",
        "status",
        "done",
        "total",
        "metric",
        "reruns_code",
        "requested_by",
        "created_at",
        "finished_at",
    ]
    list_filter = ["status", "competition"]
    search_fields = ["competition__slug", "reason", "requested_by__username"]
    raw_id_fields = ["competition", "requested_by"]
    list_select_related = ["competition", "requested_by"]
    readonly_fields = [
        "solution_key",
        "solution_sha256",
        "reruns_code",
        "code_inputs_key",
        "code_inputs_sha256",
        "ingestion_program_key",
        "done",
        "total",
        "progressed_at",
        "finished_at",
    ]
