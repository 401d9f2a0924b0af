"""The admin side of moderation: an action asks for a reason on a confirmation page, then calls a moderation
service for each selected object and says what happened. The accounts, competitions and submissions admins
build their moderation actions with `moderation_action`."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Model, QuerySet
from django.template.response import TemplateResponse

from config.errors import DomainError

CONFIRMED = "confirm_moderation"
TEMPLATE = "admin/moderation/confirm_action.html"


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=2000, widget=forms.Textarea(attrs={"rows": 4, "cols": 80, "autofocus": True})
    )

    def __init__(self, *args, required: bool, help_text: str, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.required = required
        field.help_text = help_text
        field.label = "Reason" if required else "Reason (optional)"
        field.error_messages["required"] = "Give a reason: it is kept in the audit log."


def moderation_action(
    *,
    name: str,
    description: str,
    apply: Callable[[Model, Any, str], Any],
    summary: Callable[[list], str],
    reason_required: bool = True,
    reason_help: str = "Kept in the audit log.",
    consequence: str = "",
):
    """An admin action that confirms with a reason, then applies `apply(obj, actor, reason)` to each selected
    object in its own transaction. `summary(results)` words the success message from what each returned;
    an object the service refuses is named in a warning, and the others still go through."""

    @admin.action(description=description, permissions=["change"])
    def action(modeladmin: admin.ModelAdmin, request, queryset: QuerySet):
        form = ReasonForm(
            request.POST if CONFIRMED in request.POST else None,
            required=reason_required,
            help_text=reason_help,
        )
        if form.is_bound and form.is_valid():
            results, refusals = [], []
            for obj in queryset:
                try:
                    results.append(apply(obj, request.user, form.cleaned_data["reason"]))
                except DomainError as error:
                    refusals.append(error.message)
            if results:
                modeladmin.message_user(request, summary(results), messages.SUCCESS)
            for refusal in refusals:
                modeladmin.message_user(request, refusal, messages.WARNING)
            return None
        opts = modeladmin.model._meta
        request.current_app = modeladmin.admin_site.name
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": f"{description}?",
            "opts": opts,
            "objects": list(queryset),
            "form": form,
            "action_name": name,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "confirmed_name": CONFIRMED,
            "consequence": consequence,
            "submit_label": description,
            "media": modeladmin.media,
        }
        return TemplateResponse(request, TEMPLATE, context)

    action.__name__ = name
    return action


def counted(number: int, noun: str, plural: str = "") -> str:
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def delete_with_reason_action(noun: str):
    """The only way to delete `noun`s in the admin: superusers, with a reason, recorded in the audit log
    (moderation.services.delete_for_good). The admins that offer it turn Django's plain delete off."""
    from moderation.services import delete_for_good

    return moderation_action(
        name="delete_with_reason",
        description=f"Delete the selected {noun}s for good (superusers)",
        apply=lambda target, actor, reason: delete_for_good(target=target, actor=actor, reason=reason),
        summary=lambda done: "Deleted " + "; ".join(done) + ". The audit log keeps the reason.",
        consequence=f"A deleted {noun} is gone with everything that belongs to it; this cannot be undone. "
        "Suspending or banning keeps the record.",
    )


class WithoutPlainDelete:
    """No "Delete selected" and no Delete button: deleting goes through delete_with_reason_action."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
