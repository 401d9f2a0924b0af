from django.contrib import admin

from submissions.models import Submission


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "competition",
        "team",
        "submitted_by",
        "status",
        "public_score",
        "private_score",
        "error_code",
        "counts_against_quota",
        "is_late",
        "is_final",
        "created_at",
        "scored_at",
    ]
    list_filter = [
        "status",
        "competition",
        "error_code",
        "counts_against_quota",
        "is_late",
        "is_final",
        ("disqualified_at", admin.EmptyFieldListFilter),
        ("deleted_at", admin.EmptyFieldListFilter),
        "created_at",
    ]
    search_fields = [
        "id",
        "team__name",
        "submitted_by__username",
        "description",
        "file_name",
        "competition__slug",
    ]
    date_hierarchy = "created_at"
    raw_id_fields = ["competition", "team", "submitted_by"]
    # Scores and status come from the worker only; the leaderboard is built from them.
    readonly_fields = [
        "status",
        "public_score",
        "private_score",
        "error_code",
        "counts_against_quota",
        "is_late",
        "deleted_at",
        "file_key",
        "file_size",
        "file_sha256",
        "created_at",
        "enqueued_at",
        "enqueue_count",
        "scoring_started_at",
        "scored_at",
    ]
