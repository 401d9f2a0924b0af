from django.db.models import QuerySet

from accounts.models import User
from competitions.models import Competition
from competitions.queries import can_review, team_for
from config.errors import NotFound
from submissions.models import Submission


def visible_submissions(user: User, competition: Competition) -> QuerySet[Submission]:
    """A participant sees their team's submissions (also while the competition is suspended: they are
    kept); the host, co-hosts, reviewers and staff see every submission."""
    submissions = Submission.objects.filter(competition=competition).select_related("team", "submitted_by")
    if can_review(user, competition):
        return submissions
    team = team_for(user, competition)
    if team is None:
        return submissions.none()
    return submissions.filter(team=team)


def submission_for(user: User, submission_id: int) -> Submission:
    """One submission, if the user may see it: their team's, or any in a competition they host."""
    submission = (
        Submission.objects.select_related("competition", "team", "submitted_by")
        .filter(pk=submission_id)
        .first()
    )
    if (
        submission is None
        or not visible_submissions(user, submission.competition).filter(pk=submission_id).exists()
    ):
        raise NotFound(f"No submission {submission_id} that you may see.")
    return submission
