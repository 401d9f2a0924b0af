from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from accounts.models import ApiToken, User


@admin.register(User)
class PodiumUserAdmin(UserAdmin):
    list_display = ["username", "email", "display_name", "is_active", "is_staff", "date_joined", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser", "date_joined"]
    search_fields = ["username", "email", "display_name", "first_name", "last_name"]
    fieldsets = UserAdmin.fieldsets + (("Podium", {"fields": ["display_name"]}),)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at"]
    list_filter = ["created_at", "last_used_at"]
    search_fields = ["name", "prefix", "user__username", "user__email"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at"]
    raw_id_fields = ["user"]
