from django.contrib import admin

from leaderboards.models import LeaderboardEntry


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
