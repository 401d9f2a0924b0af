from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def reset_link_lifetime() -> str:
    """How long a password reset link works, in words: "24 hours", "1 hour", "30 minutes"."""
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    if minutes % 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = minutes // 60
    return f"{hours} hour{'s' if hours != 1 else ''}"
