from django.contrib import admin
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import format_html

from competitions.models import (
    Competition,
    CompetitionHost,
    Phase,
    PhaseTrack,
    RulesAcceptance,
    Team,
    TeamInvitation,
    TeamMembership,
    TeamMergeRequest,
    Track,
)
from competitions.phases import scoring_setup
from moderation import services as moderation
from moderation.admin_actions import WithoutPlainDelete, counted, delete_with_reason_action, moderation_action
from moderation.admin_filters import was_set_filter

# Submissions sit above competitions in the layout: reach their model through the reverse relation.
Submission = Team._meta.get_field("submissions").related_model


def count_of(queryset, field: str):
    """How many rows of `queryset` point at the listed row through `field`: one subquery per list, where a
    second joined Count would multiply the rows of the first."""
    rows = queryset.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk"))
    return Coalesce(Subquery(rows.values("n"), output_field=IntegerField()), 0)


def changelist_link(model, text: str, **filters) -> str:
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    query = "&".join(f"{name}={value}" for name, value in filters.items())
    return format_html('<a href="{}?{}">{}</a>', url, query, text)


class TeamMembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 0
    raw_id_fields = ["user"]
    fields = ["user", "is_leader", "joined_at"]
    readonly_fields = ["joined_at"]


class CoHostInline(admin.TabularInline):
    """Co-hosts and reviewers; the rule that a participant cannot be one is kept by the host's pages and
    the API (competitions.co_hosts), not here: staff may correct anything."""

    model = CompetitionHost
    extra = 0
    raw_id_fields = ["user"]
    fields = ["user", "role", "added_at"]
    readonly_fields = ["added_at"]


class PhaseInline(admin.TabularInline):
    """A competition's phases. Only the name and description change here: dates, quotas, the deciding phase
    and carry-over are set on the Host tab or the API (competitions.phase_setup), which keep phases from
    overlapping, inside the competition's window, with exactly one deciding phase, and refuse to remove a
    phase that has submissions; so no phase is added or removed here either."""

    model = Phase
    extra = 0
    can_delete = False
    show_change_link = False
    fields = [
        "number",
        "name",
        "description",
        "start_at",
        "end_at",
        "decides",
        "has_own_quotas",
        "daily_submission_limit",
        "total_submission_limit",
        "max_in_flight",
        "final_selection_limit",
        "board_hidden_until_end",
        "carry_over",
        "carry_over_count",
        "carried_over_at",
    ]
    readonly_fields = [name for name in fields if name not in ("name", "description")]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class TrackInline(admin.TabularInline):
    """A competition's tracks. Only the name and description change here: the slug (which submissions, the
    API and the CLI name), the order and the default track are set through competitions.phase_setup, which
    gives a new track its pair in every phase and refuses to remove one that has submissions."""

    model = Track
    extra = 0
    can_delete = False
    fields = ["number", "slug", "name", "description", "is_default", "setups"]
    readonly_fields = ["number", "slug", "is_default", "setups"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="setup per phase")
    def setups(self, track: Track):
        return changelist_link(PhaseTrack, "phases and scoring", track__id__exact=track.pk)


suspend = moderation_action(
    name="suspend",
    description="Suspend the selected competitions",
    apply=lambda competition, actor, reason: moderation.suspend_competition(
        competition=competition, actor=actor, reason=reason
    ),
    summary=lambda done: f"Suspended {counted(len(done), 'competition')}: hidden from visitors and the lists, "
    "closed to submissions, joins and team changes.",
    reason_help="Kept in the audit log and shown to the host and the participants.",
    consequence="A suspended competition is hidden from visitors and the lists (its host, staff and "
    "participants still see it, with the reason), and takes no submissions, new participants or team changes "
    "until it is restored.",
)
restore = moderation_action(
    name="restore",
    description="Restore the selected suspended competitions",
    apply=lambda competition, actor, reason: moderation.restore_competition(
        competition=competition, actor=actor, reason=reason
    ),
    summary=lambda done: f"Restored {counted(len(done), 'competition')}: listed and open again.",
    reason_required=False,
)
feature = moderation_action(
    name="feature",
    description="Feature the selected competitions",
    apply=lambda competition, actor, reason: moderation.feature_competition(
        competition=competition, actor=actor, reason=reason
    ),
    summary=lambda done: f"Featured {counted(len(done), 'competition')}.",
    reason_required=False,
)
unfeature = moderation_action(
    name="unfeature",
    description="Stop featuring the selected competitions",
    apply=lambda competition, actor, reason: moderation.unfeature_competition(
        competition=competition, actor=actor, reason=reason
    ),
    summary=lambda done: f"Stopped featuring {counted(len(done), 'competition')}.",
    reason_required=False,
)
rescore = moderation_action(
    name="rescore",
    description="Rescore the selected competitions",
    apply=lambda competition, actor, reason: moderation.rescore_competition(
        competition=competition, actor=actor, reason=reason
    ),
    summary=lambda rescores: f"Started a rescore of {counted(len(rescores), 'competition')} "
    f"({counted(sum(r.total for r in rescores), 'submission')} to score again) with the current solution and "
    "metric; the leaderboards switch when every submission has its new score.",
    consequence="Every scored submission is scored again with the current solution and metric, in the "
    "background; the leaderboards keep the old scores until all are done.",
)
remove_logo = moderation_action(
    name="remove_logo",
    description="Remove the logo of the selected competitions",
    apply=lambda competition, actor, reason: moderation.remove_logo(
        competition=competition, actor=actor, reason=reason
    ),
    summary=lambda done: f"Removed the logo of {counted(len(done), 'competition')}.",
    consequence="The logo disappears from the competition's page and its cards; its host may upload another.",
)
disqualify_teams = moderation_action(
    name="disqualify_teams",
    description="Disqualify the selected teams",
    apply=lambda team, actor, reason: moderation.disqualify_team(team=team, actor=actor, reason=reason),
    summary=lambda done: f"Disqualified {counted(len(done), 'team')}; they left the leaderboards.",
    reason_help="Kept in the audit log and shown to the team.",
    consequence="A disqualified team leaves the leaderboards and can no longer submit or change its members.",
)


@admin.register(Competition)
class CompetitionAdmin(WithoutPlainDelete, admin.ModelAdmin):
    list_display = [
        "title",
        "slug",
        "host",
        "status",
        "start_at",
        "end_at",
        "metric",
        "teams",
        "submissions",
        "featured",
        "is_suspended",
        "private_leaderboard_built_at",
    ]
    list_filter = [
        "status",
        "featured",
        was_set_filter("suspended_at", "suspended"),
        "metric",
        "start_at",
        "end_at",
    ]
    search_fields = ["title", "slug", "subtitle", "host__username"]
    date_hierarchy = "start_at"
    raw_id_fields = ["host", "organisation"]
    list_select_related = ["host"]
    inlines = [PhaseInline, TrackInline, CoHostInline]
    actions = [
        suspend,
        restore,
        feature,
        unfeature,
        remove_logo,
        rescore,
        delete_with_reason_action("competition"),
    ]
    # What the stored solution was checked against cannot change here: rescoring comes with its own action.
    # Suspension and featuring change through the actions only, so each lands in the audit log.
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
        "suspended_at",
        "suspension_reason",
        "featured",
        "teams",
        "submissions",
        "logo",
        "logo_key",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                team_count=count_of(Team.objects, "competition"),
                submission_count=count_of(Submission.objects, "competition"),
            )
        )

    @admin.display(description="teams", ordering="team_count")
    def teams(self, competition: Competition):
        return changelist_link(Team, str(competition.team_count), competition__id__exact=competition.pk)

    @admin.display(description="submissions", ordering="submission_count")
    def submissions(self, competition: Competition):
        return changelist_link(
            Submission, str(competition.submission_count), competition__id__exact=competition.pk
        )

    @admin.display(description="logo")
    def logo(self, competition: Competition):
        """The logo as the site shows it; the "Remove the logo" action takes it down (and logs why)."""
        if not competition.logo_url:
            return "None"
        return format_html(
            '<img src="{}" alt="{}" width="160">',
            competition.logo_url,
            competition.title,
        )

    @admin.display(description="suspended", boolean=True, ordering="suspended_at")
    def is_suspended(self, competition: Competition) -> bool:
        return competition.is_suspended


@admin.register(RulesAcceptance)
class RulesAcceptanceAdmin(admin.ModelAdmin):
    list_display = ["user", "competition", "rules_version", "accepted_at"]
    list_filter = ["competition", "accepted_at"]
    search_fields = ["user__username", "competition__slug"]
    raw_id_fields = ["user", "competition"]
    list_select_related = ["user", "competition"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "competition", "members", "submissions", "created_at", "disqualified_at"]
    list_filter = ["competition", was_set_filter("disqualified_at", "disqualified")]
    search_fields = ["name", "competition__slug", "memberships__user__username"]
    raw_id_fields = ["competition"]
    list_select_related = ["competition"]
    inlines = [TeamMembershipInline]
    actions = [disqualify_teams]
    # Disqualification goes through its action, so it reaches the leaderboards and the audit log.
    readonly_fields = ["created_at", "disqualified_at", "disqualification_reason", "submissions"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                member_count=count_of(TeamMembership.objects, "team"),
                submission_count=count_of(Submission.objects, "team"),
            )
        )

    @admin.display(description="members", ordering="member_count")
    def members(self, team: Team) -> int:
        return team.member_count

    @admin.display(description="submissions", ordering="submission_count")
    def submissions(self, team: Team):
        return changelist_link(Submission, str(team.submission_count), team__id__exact=team.pk)


@admin.register(TeamMembership)
class TeamMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "team", "competition", "is_leader", "joined_at"]
    list_filter = ["competition", "is_leader"]
    search_fields = ["user__username", "team__name", "competition__slug"]
    raw_id_fields = ["user", "team", "competition"]
    list_select_related = ["user", "team", "competition"]


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


@admin.register(PhaseTrack)
class PhaseTrackAdmin(admin.ModelAdmin):
    """What scores each track in each phase, read only: a pair's solution is parsed and stored, and its
    setup checked, by competitions.phase_setup.set_pair_scoring (the API), and changes only while it has no
    scored submission; the competition's setup changes by a rescore."""

    list_display = ["competition", "phase", "track", "metric_used", "solution_used", "public_rows_used"]
    list_filter = ["competition"]
    search_fields = ["competition__slug", "competition__title", "phase__name", "track__slug", "track__name"]
    list_select_related = ["competition", "phase", "track"]
    fields = [
        "competition",
        "phase",
        "track",
        "metric",
        "metric_params",
        "score_columns",
        "id_column",
        "target_columns",
        "submission_columns",
        "public_fraction",
        "split_seed",
        "solution_key",
        "solution_sha256",
        "public_rows",
        "private_rows",
        "setup_used",
    ]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="metric")
    def metric_used(self, pair: PhaseTrack) -> str:
        return pair.metric or f"{pair.competition.metric} (the competition's)"

    @admin.display(description="solution")
    def solution_used(self, pair: PhaseTrack) -> str:
        return "its own" if pair.has_own_solution else "the competition's"

    @admin.display(description="public / private rows")
    def public_rows_used(self, pair: PhaseTrack) -> str:
        setup = scoring_setup(pair)
        return f"{setup.public_rows} / {setup.private_rows}"

    @admin.display(description="setup used (empty fields are the competition's)")
    def setup_used(self, pair: PhaseTrack):
        setup = scoring_setup(pair)
        return format_html(
            "metric {} with {}; id column {}; targets {}; public fraction {}; solution {}",
            setup.metric,
            setup.metric_params or "no parameters",
            setup.id_column,
            ", ".join(setup.target_columns),
            setup.public_fraction,
            setup.solution_key or "none",
        )
