from django.conf import settings
from django.shortcuts import render
from django.urls import reverse

from competitions.queries import can_see_private_scores, competition_for
from competitions.views import competition_context
from submissions.queries import visible_submissions
from submissions.quota import team_quota


def my_submissions(request, slug):
    """The team's submissions and the upload form; uploading goes through the API so the page shows progress."""
    competition = competition_for(request.user, slug)
    context = competition_context(request, competition, "submissions")
    team = context["team"]
    context.update(
        submissions=visible_submissions(request.user, competition)[:200]
        if request.user.is_authenticated
        else [],
        quota=team_quota(team) if team else None,
        show_private=can_see_private_scores(request.user, competition),
        submit_url=reverse("api-competition-submissions", kwargs={"slug": slug}),
        quota_url=reverse("api-competition-quota", kwargs={"slug": slug}),
        expected_header=",".join(competition.submission_columns),
        max_upload_mb=settings.PODIUM_MAX_UPLOAD_MB,
    )
    return render(request, "submissions/list.html", context)
