from django.contrib import admin

from scoring.models import LeaderboardEntry, Rescore


@admin.register(LeaderboardEntry)
class LeaderboardEntryAdmin(admin.ModelAdmin):
    list_display = [
        "team",
        "competition",
        "split",
        "score",
        "entries",
        "public_rank",
        "best_submitted_at",
        "last_submitted_at",
    ]
    list_filter = ["split", "competition"]
    search_fields = ["team__name", "competition__slug"]
    raw_id_fields = ["competition", "team", "best_submission"]
    list_select_related = ["competition", "team"]


@admin.register(Rescore)
class RescoreAdmin(admin.ModelAdmin):
    list_display = [
        "competition",
        "status",
        "done",
        "total",
        "metric",
        "requested_by",
        "created_at",
        "finished_at",
    ]
    list_filter = ["status", "competition"]
    search_fields = ["competition__slug", "reason", "requested_by__username"]
    raw_id_fields = ["competition", "requested_by"]
    list_select_related = ["competition", "requested_by"]
    readonly_fields = ["solution_key", "solution_sha256", "done", "total", "progressed_at", "finished_at"]
