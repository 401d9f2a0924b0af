"""The one way Podium writes a moment for people: `2026-12-04 16:53 UTC`, in messages, pages and e-mails.

Pages wrap it in `<time data-local>` so a small script can add the reader's own time beside it; the text
itself is always UTC, the time zone every deadline and daily quota is counted in. The `podium` CLI cannot
import the server's code and keeps its own copy of the format (cli/podium_cli/terminal.py).
"""

import math
from datetime import UTC, datetime, timedelta

from django import template
from django.utils.html import format_html

UTC_FORMAT = "%Y-%m-%d %H:%M UTC"

register = template.Library()


def utc_label(moment: datetime) -> str:
    """`2026-12-04 16:53 UTC`, whatever zone the moment is in."""
    return moment.astimezone(UTC).strftime(UTC_FORMAT)


@register.filter(name="utc")
def utc_filter(moment: datetime | None) -> str:
    return utc_label(moment) if moment else ""


@register.filter
def local_time(moment: datetime | None) -> str:
    """The moment in UTC, marked up for the script that also shows it in the reader's zone."""
    if not moment:
        return ""
    return format_html('<time data-local datetime="{}">{}</time>', moment.isoformat(), utc_label(moment))


@register.filter
def timedelta_minutes(span: timedelta | None) -> str:
    """A wait in whole minutes, rounded up: `1 minute`, `15 minutes`."""
    minutes = max(1, math.ceil(span.total_seconds() / 60)) if span else 1
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
