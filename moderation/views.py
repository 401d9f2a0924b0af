"""The host disqualifies from the submissions page, through the same service as the admin and the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from config.errors import DomainError
from moderation.services import disqualify_submission, disqualify_team
from submissions.queries import submission_for


@login_required
@require_POST
def disqualify(request, slug, submission_id):
    """The host disqualifies one submission, or its whole team, from the submissions page."""
    submission = submission_for(request.user, submission_id)
    reason = request.POST.get("reason", "")
    try:
        if request.POST.get("scope") == "team":
            team = disqualify_team(team=submission.team, actor=request.user, reason=reason)
            messages.success(request, f"Team '{team.name}' is disqualified; the leaderboards are updated.")
        else:
            disqualify_submission(submission=submission, actor=request.user, reason=reason)
            messages.success(
                request, f"Submission {submission_id} is disqualified; the leaderboards are updated."
            )
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("submissions:list", slug=slug)
