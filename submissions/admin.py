from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from moderation import services as moderation
from moderation.admin_actions import counted, moderation_action
from moderation.admin_filters import was_set_filter
from submissions.cleanup import GRACE, clean_storage
from submissions.models import CodeRun, Submission

disqualify_submissions = moderation_action(
    name="disqualify_submissions",
    description="Disqualify the selected submissions",
    apply=lambda submission, actor, reason: moderation.disqualify_submission(
        submission=submission, actor=actor, reason=reason
    ),
    summary=lambda done: f"Disqualified {counted(len(done), 'submission')}; the leaderboards are updated.",
    reason_help="Kept in the audit log and shown to the team.",
    consequence="A disqualified submission leaves the leaderboards and can no longer be selected as final; "
    "its team stays in the competition.",
)


class CodeRunInline(admin.StackedInline):
    """A code submission's runs, logs included: staff see everything, as the host does."""

    model = CodeRun
    extra = 0
    can_delete = False
    readonly_fields = [
        "inputs",
        "status",
        "failure",
        "exit_code",
        "killed_by",
        "wall_seconds",
        "peak_memory_bytes",
        "started_at",
        "finished_at",
        "stdout",
        "stderr",
        "rescore_id",
        "awaits_switch",
    ]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    inlines = [CodeRunInline]
    list_display = [
        "id",
        "kind",
        "competition",
        "team",
        "submitted_by",
        "status",
        "public_score",
        "private_score",
        "error_code",
        "host_error",
        "is_late",
        "is_final",
        "is_disqualified",
        "created_at",
        "file",
    ]
    list_filter = [
        "status",
        "kind",
        "competition",
        "is_late",
        "is_final",
        was_set_filter("disqualified_at", "disqualified"),
        was_set_filter("deleted_at", "deleted"),
        "counts_against_quota",
        "error_code",
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
    list_select_related = ["competition", "team", "submitted_by"]
    actions = [disqualify_submissions]
    # Scores and status come from the worker only; the leaderboard is built from them. Disqualification goes
    # through its action, so it reaches the leaderboards and the audit log.
    readonly_fields = [
        "kind",
        "predictions_key",
        "status",
        "public_score",
        "private_score",
        "error_code",
        "error_message",
        "host_error_detail",
        "counts_against_quota",
        "is_late",
        "deleted_at",
        "disqualified_at",
        "disqualification_reason",
        "file",
        "file_key",
        "file_size",
        "file_sha256",
        "created_at",
        "enqueued_at",
        "enqueue_count",
        "scoring_started_at",
        "scored_at",
        "idempotency_key",
    ]

    def get_urls(self):
        cleanup = path(
            "storage-cleanup/",
            self.admin_site.admin_view(self.storage_cleanup_view),
            name="submissions_submission_storage_cleanup",
        )
        return [cleanup, *super().get_urls()]

    def storage_cleanup_view(self, request):
        """What the hourly cleanup would remove now (a dry run), and a button to remove it at once."""
        if not self.has_delete_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            done = clean_storage()
            messages.success(request, f"Removed {done.summary()}.")
            return redirect("admin:submissions_submission_storage_cleanup")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Storage cleanup",
            "would_remove": clean_storage(dry_run=True),
            "grace_minutes": int(GRACE.total_seconds() // 60),
        }
        return TemplateResponse(request, "admin/submissions/storage_cleanup.html", context)

    @admin.display(description="host-only error", ordering="host_error_detail")
    def host_error(self, submission: Submission) -> str:
        """What went wrong on hidden rows, for the host and staff only; the participant sees error_message."""
        return Truncator(submission.host_error_detail).chars(80)

    @admin.display(description="disqualified", boolean=True, ordering="disqualified_at")
    def is_disqualified(self, submission: Submission) -> bool:
        return submission.disqualified_at is not None

    @admin.display(description="file")
    def file(self, submission: Submission):
        url = reverse("api-submission-file", kwargs={"submission_id": submission.pk})
        return format_html('<a href="{}" download>{}</a>', url, submission.file_name)
