from django.contrib import admin

from mail.models import MailPreference, OutgoingMail


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "recipient", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["event", "recipient__username", "recipient__email", "subject"]
    readonly_fields = [field.name for field in OutgoingMail._meta.fields]


@admin.register(MailPreference)
class MailPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "is_wanted", "updated_at"]
    list_filter = ["kind", "is_wanted"]
    search_fields = ["user__username"]
