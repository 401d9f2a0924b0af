from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from accounts.models import ApiToken, User
from moderation import services as moderation
from moderation.admin_actions import WithoutPlainDelete, counted, delete_with_reason_action, moderation_action
from moderation.admin_filters import was_set_filter

ban = moderation_action(
    name="ban",
    description="Ban the selected users",
    apply=lambda user, actor, reason: moderation.ban_user(user=user, actor=actor, reason=reason),
    summary=lambda disqualified: f"Banned {counted(len(disqualified), 'user')}: they can no longer log in or "
    f"use their API tokens, and {counted(sum(disqualified), 'submission')} they made "
    f"{'was' if sum(disqualified) == 1 else 'were'} disqualified and left the leaderboards.",
    reason_help="Kept in the audit log; each disqualified submission's team sees 'Account banned: <reason>'.",
    consequence="A banned account cannot log in or use its API tokens, and every submission it made is "
    "disqualified, in every competition. Unbanning lets the account in again but does not undo the "
    "disqualifications.",
)
unban = moderation_action(
    name="unban",
    description="Unban the selected users",
    apply=lambda user, actor, reason: moderation.unban_user(user=user, actor=actor, reason=reason),
    summary=lambda done: f"Unbanned {counted(len(done), 'user')}: they can log in again. The submissions "
    "disqualified by the ban stay disqualified.",
    reason_required=False,
    consequence="The account can log in and use its API tokens again; the submissions disqualified by the "
    "ban stay disqualified.",
)


@admin.register(User)
class PodiumUserAdmin(WithoutPlainDelete, UserAdmin):
    list_display = [
        "username",
        "email",
        "display_name",
        "is_active",
        "is_banned",
        "is_staff",
        "date_joined",
        "last_login",
    ]
    list_filter = [
        "is_active",
        was_set_filter("banned_at", "banned"),
        "is_staff",
        "is_superuser",
        "date_joined",
    ]
    search_fields = ["username", "email", "display_name", "first_name", "last_name"]
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Podium", {"fields": ["display_name"]}),
        ("Moderation", {"fields": ["banned_at", "ban_reason"]}),
    )
    # A ban changes through its actions only, so it disqualifies the submissions and lands in the audit log.
    readonly_fields = ["banned_at", "ban_reason"]
    actions = [ban, unban, delete_with_reason_action("user")]

    @admin.display(description="banned", boolean=True, ordering="banned_at")
    def is_banned(self, user: User) -> bool:
        return user.banned_at is not None


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at"]
    list_filter = ["created_at", "last_used_at"]
    search_fields = ["name", "prefix", "user__username", "user__email"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at"]
    raw_id_fields = ["user"]
    list_select_related = ["user"]
