from django.contrib import admin

from competitions.models import (
    Competition,
    RulesAcceptance,
    Team,
    TeamInvitation,
    TeamMembership,
    TeamMergeRequest,
)


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
        "private_leaderboard_built_at",
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
    list_display = ["name", "competition", "created_at", "disqualified_at"]
    list_filter = ["competition", ("disqualified_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "competition__slug", "memberships__user__username"]
    raw_id_fields = ["competition"]
    inlines = [TeamMembershipInline]


@admin.register(TeamMembership)
class TeamMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "team", "competition", "is_leader", "joined_at"]
    list_filter = ["competition", "is_leader"]
    search_fields = ["user__username", "team__name", "competition__slug"]
    raw_id_fields = ["user", "team", "competition"]


@admin.register(TeamInvitation)
class TeamInvitationAdmin(admin.ModelAdmin):
    list_display = ["invitee", "team", "competition", "invited_by", "status", "created_at", "answered_at"]
    list_filter = ["status", "team__competition", "created_at"]
    search_fields = ["invitee__username", "invited_by__username", "team__name", "team__competition__slug"]
    raw_id_fields = ["team", "invitee", "invited_by"]
    list_select_related = ["team__competition", "invitee", "invited_by"]

    @admin.display(ordering="team__competition__slug")
    def competition(self, invitation: TeamInvitation):
        return invitation.team.competition


@admin.register(TeamMergeRequest)
class TeamMergeRequestAdmin(admin.ModelAdmin):
    list_display = [
        "requester",
        "target",
        "competition",
        "requested_by",
        "status",
        "created_at",
        "answered_at",
    ]
    list_filter = ["status", "target__competition", "created_at"]
    search_fields = ["requester__name", "target__name", "requested_by__username", "target__competition__slug"]
    raw_id_fields = ["requester", "target", "requested_by"]
    list_select_related = ["requester", "target__competition", "requested_by"]

    @admin.display(ordering="target__competition__slug")
    def competition(self, merge_request: TeamMergeRequest):
        return merge_request.target.competition
