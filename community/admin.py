"""Moderators find flagged comments first and hide or restore them with a reason (kept in the audit log)."""

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.utils.html import format_html

from community.models import (
    Comment,
    CommentFlag,
    Notification,
    Paper,
    PaperImplementation,
    Rating,
    Task,
    WriteUp,
)
from community.queries import comment_url
from community.ratings import ratable_kind
from community.targets import KINDS
from moderation import services as moderation
from moderation.admin_actions import counted, moderation_action


class FlagInline(admin.TabularInline):
    model = CommentFlag
    extra = 0
    fields = ["created_at", "flagged_by", "reason", "note"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class FlaggedFilter(admin.SimpleListFilter):
    title = "flags"
    parameter_name = "flagged"

    def lookups(self, request, model_admin):
        return [("yes", "Flagged"), ("no", "Not flagged")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(flag_count__gt=0)
        if self.value() == "no":
            return queryset.filter(flag_count=0)
        return queryset


class CommentTargetFilter(admin.SimpleListFilter):
    """What a comment is on: only the kinds that can carry comments (community.targets), not every model."""

    title = "target type"
    parameter_name = "target"

    def lookups(self, request, model_admin):
        return [(name, kind.model._meta.verbose_name.capitalize()) for name, kind in KINDS.items()]

    def queryset(self, request, queryset):
        kind = KINDS.get(self.value() or "")
        if kind is None:
            return queryset
        return queryset.filter(content_type=ContentType.objects.get_for_model(kind.model))


class HiddenFilter(admin.SimpleListFilter):
    title = "visibility"
    parameter_name = "hidden"

    def lookups(self, request, model_admin):
        return [("yes", "Hidden by moderators"), ("no", "Shown"), ("deleted", "Deleted by author")]

    def queryset(self, request, queryset):
        return {
            "yes": queryset.filter(hidden_at__isnull=False),
            "no": queryset.filter(hidden_at__isnull=True, deleted_at__isnull=True),
            "deleted": queryset.filter(deleted_at__isnull=False),
        }.get(self.value(), queryset)


hide = moderation_action(
    name="hide",
    description="Hide the selected comments",
    apply=lambda comment, actor, reason: moderation.hide_comment(
        moderator=actor, comment=comment, reason=reason
    ),
    summary=lambda done: f"Hid {counted(len(done), 'comment')}: only their authors and staff see them now.",
    reason_help="Kept in the audit log and shown to the comment's author.",
    consequence="A hidden comment disappears for everyone but its author and staff; replies to it stay.",
)
restore = moderation_action(
    name="restore",
    description="Restore the selected hidden comments",
    apply=lambda comment, actor, reason: moderation.restore_comment(
        moderator=actor, comment=comment, reason=reason
    ),
    summary=lambda done: f"Restored {counted(len(done), 'comment')}: shown to everyone again, flags cleared.",
)


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "excerpt",
        "author",
        "target_link",
        "flag_count",
        "vote_count",
        "state",
        "created_at",
    ]
    list_filter = [FlaggedFilter, HiddenFilter, CommentTargetFilter, "created_at"]
    search_fields = ["body", "author__username"]
    ordering = ["-flag_count", "-created_at"]
    list_select_related = ["author", "content_type"]
    date_hierarchy = "created_at"
    actions = [hide, restore]
    inlines = [FlagInline]
    fields = [
        "author",
        "target_link",
        "parent",
        "body",
        "created_at",
        "edited_at",
        "deleted_at",
        "hidden_at",
        "hidden_by",
        "hidden_reason",
        "flag_count",
        "vote_count",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("target")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="comment")
    def excerpt(self, comment: Comment) -> str:
        return (comment.body[:80] + "…") if len(comment.body) > 80 else comment.body or "(deleted)"

    @admin.display(description="on")
    def target_link(self, comment: Comment):
        if comment.target is None:
            return "(gone)"
        return format_html('<a href="{}">{}</a>', comment_url(comment), comment.target)

    @admin.display(description="state")
    def state(self, comment: Comment) -> str:
        if comment.is_hidden:
            return "hidden"
        return "deleted" if comment.is_deleted else "shown"


remove_ratings = moderation_action(
    name="remove_ratings",
    description="Remove the selected ratings (they abuse the system)",
    apply=lambda rating, actor, reason: moderation.remove_rating(
        moderator=actor, rating=rating, reason=reason
    ),
    summary=lambda done: f"Removed {counted(len(done), 'rating')}; the averages are counted again.",
    consequence="Each rated item's average and count are counted again without the removed ratings. "
    "The audit log keeps who gave each one, its stars and your reason.",
)


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    """Ratings are read here and removed only through the moderation action, with a reason."""

    list_display = ["id", "user", "stars", "target_link", "updated_at"]
    list_filter = ["stars", ("content_type", admin.RelatedOnlyFieldListFilter), "updated_at"]
    search_fields = ["user__username"]
    list_select_related = ["user", "content_type"]
    date_hierarchy = "updated_at"
    actions = [remove_ratings]
    fields = ["user", "target_link", "stars", "created_at", "updated_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("target")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="on")
    def target_link(self, rating: Rating):
        if rating.target is None:
            return "(gone)"
        kind = ratable_kind(rating.target)
        return format_html('<a href="{}">{}</a>', kind.page_url(rating.target), rating.target)


@admin.register(WriteUp)
class WriteUpAdmin(admin.ModelAdmin):
    list_display = ["title", "method_name", "competition", "team", "vote_count", "created_at"]
    list_filter = ["competition", "uses_extra_data", "created_at"]
    search_fields = ["title", "method_name", "team__name", "paper_title", "code_url"]
    list_select_related = ["competition", "team"]
    raw_id_fields = ["submission", "author", "team"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "kind", "comment", "created_at", "read_at"]
    list_filter = ["kind", "created_at"]
    list_select_related = ["recipient", "comment__author"]
    raw_id_fields = ["recipient", "comment"]


class ImplementationInline(admin.TabularInline):
    model = PaperImplementation
    extra = 0
    fields = ["repository_url", "framework", "is_official"]


@admin.register(Paper)
class PaperAdmin(admin.ModelAdmin):
    list_display = ["title", "arxiv_id", "doi", "published_on"]
    search_fields = ["title", "arxiv_id", "doi"]
    inlines = [ImplementationInline]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
