from django.contrib import admin

from projects.models import Project, ProjectFile, ProjectVersion


class ProjectFileInline(admin.TabularInline):
    model = ProjectFile
    fields = ["name", "kind", "framework", "size", "sha256", "render_note"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    """Moderators see every project, private ones too, and can make one private or fix what it says."""

    list_display = ["slug", "title", "owner", "visibility", "fork_count", "created_at"]
    list_filter = ["visibility", "license"]
    search_fields = ["slug", "title", "owner__username"]
    raw_id_fields = ["owner", "forked_from", "submission"]
    filter_horizontal = ["datasets", "competitions", "shared_with"]
    readonly_fields = ["fork_count", "created_at", "updated_at"]


@admin.register(ProjectVersion)
class ProjectVersionAdmin(admin.ModelAdmin):
    list_display = ["project", "number", "created_by", "created_at"]
    search_fields = ["project__slug"]
    raw_id_fields = ["project", "created_by"]
    inlines = [ProjectFileInline]
