"""The profile's mail section: the profile page includes it by tag, so accounts never imports mail."""

from django import template

from mail.forms import MailPreferencesForm
from mail.services import mail_preferences

register = template.Library()


@register.inclusion_tag("mail/_preferences.html", takes_context=True)
def mail_preferences_form(context, user):
    return {
        "form": MailPreferencesForm(initial=mail_preferences(user)),
        "user": user,
        "csrf_token": context.get("csrf_token"),
    }
