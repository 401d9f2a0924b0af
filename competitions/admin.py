from django.contrib import admin

from competitions.models import Competition, RulesAcceptance, Team, TeamMembership


class TeamMembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 0
    raw_id_fields = ["user"]
    fields = ["user", "is_leader", "joined_at"]
    readonly_fields = ["joined_at"]


@admin.register(Competition)
class CompetitionAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "slug",
        "host",
        "status",
        "start_at",
        "end_at",
        "metric",
        "daily_submission_limit",
    ]
    list_filter = ["status", "metric", "start_at", "end_at"]
    search_fields = ["title", "slug", "subtitle", "host__username"]
    date_hierarchy = "start_at"
    raw_id_fields = ["host"]
    # What the stored solution was checked against cannot change here: rescoring comes with its own action.
    readonly_fields = [
        "metric",
        "metric_params",
        "id_column",
        "target_columns",
        "public_fraction",
        "solution_key",
        "solution_sha256",
        "public_rows",
        "private_rows",
        "split_seed",
        "data_version",
        "rules_version",
        "created_at",
        "published_at",
    ]


@admin.register(RulesAcceptance)
class RulesAcceptanceAdmin(admin.ModelAdmin):
    list_display = ["user", "competition", "rules_version", "accepted_at"]
    list_filter = ["competition", "accepted_at"]
    search_fields = ["user__username", "competition__slug"]
    raw_id_fields = ["user", "competition"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "competition", "created_at"]
    list_filter = ["competition"]
    search_fields = ["name", "competition__slug", "memberships__user__username"]
    raw_id_fields = ["competition"]
    inlines = [TeamMembershipInline]


@admin.register(TeamMembership)
class TeamMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "team", "competition", "is_leader", "joined_at"]
    list_filter = ["competition", "is_leader"]
    search_fields = ["user__username", "team__name", "competition__slug"]
    raw_id_fields = ["user", "team", "competition"]
