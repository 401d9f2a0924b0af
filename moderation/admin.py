from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from moderation.models import AuditLogEntry


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(admin.ModelAdmin):
    """The audit log: staff read and filter it; nobody adds, edits or deletes an entry, here or elsewhere."""

    list_display = ["created_at", "actor", "action", "target_link", "reason"]
    list_filter = [
        "action",
        ("actor", admin.RelatedOnlyFieldListFilter),
        ("content_type", admin.RelatedOnlyFieldListFilter),
        "created_at",
    ]
    search_fields = ["target_repr", "reason", "actor__username"]
    date_hierarchy = "created_at"
    list_select_related = ["actor", "content_type"]
    fields = ["created_at", "actor", "action", "target_link", "reason", "details"]
    readonly_fields = fields

    def get_queryset(self, request):
        # One query per kind of target for a whole page, not one per row.
        return super().get_queryset(request).prefetch_related("target")

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="target", ordering="target_repr")
    def target_link(self, entry: AuditLogEntry):
        """A link to the target's admin page while the target still exists; its name as it was, otherwise."""
        if entry.target is None:
            return entry.target_repr if entry.content_type_id is None else f"{entry.target_repr} (deleted)"
        model = entry.content_type.model_class()
        try:
            url = reverse(
                f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[entry.object_id]
            )
        except NoReverseMatch:
            return entry.target_repr
        return format_html('<a href="{}">{}</a>', url, entry.target_repr)
