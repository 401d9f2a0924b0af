"""The Host tab's test submissions, put on the page by a template tag so competitions' view needs no
import of this app."""

from django import template
from django.conf import settings
from django.urls import reverse

from submissions.host_tests import PENDING, host_test_submissions

register = template.Library()

SHOWN = 20


@register.inclusion_tag("submissions/_host_tests.html", takes_context=True)
def host_test_section(context, competition):
    """The upload form and the latest test submissions, with both scores: only those who may manage the competition see it."""
    tests = list(host_test_submissions(competition)[:SHOWN])
    return {
        "competition": competition,
        "csrf_token": context.get("csrf_token"),
        "tests": tests,
        "pending": any(test.status in PENDING for test in tests),
        "list_url": reverse("api-host-test-submissions", kwargs={"slug": competition.slug}),
        "expected_header": ",".join(competition.submission_columns),
        "max_upload_mb": settings.PODIUM_MAX_UPLOAD_MB,
    }
