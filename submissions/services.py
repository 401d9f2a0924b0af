import logging
from typing import IO

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from competitions.models import Competition, Team
from competitions.queries import require_participant
from config.errors import DomainError
from datasets.storage import private_storage, store, stream_size
from submissions.models import Submission
from submissions.quota import Quota, daily_quota

logger = logging.getLogger(__name__)

SCORE_TASK = "scoring.tasks.score_submission"
SNIFF_BYTES = 8192


class SubmissionRefused(DomainError):
    code = "submission_refused"


class QuotaExceeded(DomainError):
    code = "quota_exceeded"
    http_status = 429

    def __init__(self, quota: Quota):
        resets = quota.resets_at.strftime("%Y-%m-%d %H:%M UTC")
        super().__init__(
            f"Your team has used all {quota.limit} submissions for today. The count resets at {resets}.",
            details={"quota": {**quota.as_dict(), "resets_at": quota.resets_at.isoformat()}},
        )
        self.headers = {"Retry-After": str(int((quota.resets_at - timezone.now()).total_seconds()) + 1)}


def check_competition_open(competition: Competition) -> None:
    phase = competition.phase
    if phase == Competition.Phase.UPCOMING:
        opens = competition.start_at.strftime("%Y-%m-%d %H:%M UTC")
        raise SubmissionRefused(
            f"This competition has not started; submissions open on {opens}.", code="not_started"
        )
    if phase == Competition.Phase.FINISHED:
        ended = competition.end_at.strftime("%Y-%m-%d %H:%M UTC")
        raise SubmissionRefused(f"This competition ended on {ended}; submissions are closed.", code="ended")
    if phase == Competition.Phase.DRAFT:
        raise SubmissionRefused("This competition is not published yet.", code="not_published")


MULTIPART_OVERHEAD = 64 * 1024


def check_declared_size(content_length: str | None) -> None:
    """Refuse an upload that says it is too large before its body is read and spooled to disk."""
    limit_mb = settings.PODIUM_MAX_UPLOAD_MB
    try:
        declared = int(content_length or 0)
    except ValueError:
        return
    if declared > limit_mb * 1024 * 1024 + MULTIPART_OVERHEAD:
        error = SubmissionRefused(
            f"The upload is {declared / 2**20:.1f} MB; the limit is {limit_mb} MB.", code="file_too_large"
        )
        error.http_status = 413
        raise error


def check_upload(file_name: str, stream: IO[bytes]) -> None:
    """Refuse what cannot be a prediction CSV before it is stored or counted."""
    limit_mb = settings.PODIUM_MAX_UPLOAD_MB
    if not file_name.lower().endswith(".csv"):
        raise SubmissionRefused(
            f"'{file_name}' is not a .csv file; upload your predictions as CSV.", code="not_csv"
        )
    size = stream_size(stream)
    if size == 0:
        raise SubmissionRefused(f"'{file_name}' is empty.", code="empty_file")
    if size > limit_mb * 1024 * 1024:
        raise SubmissionRefused(
            f"'{file_name}' is {size / 2**20:.1f} MB; the limit is {limit_mb} MB.", code="file_too_large"
        )
    stream.seek(0)
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    if b"\x00" in head:
        raise SubmissionRefused(f"'{file_name}' is a binary file, not a CSV text file.", code="not_csv")


def enqueue_scoring(submission_id: int) -> None:
    """Send the scoring task; if the broker is down, the sweeper re-sends it later, so nothing is lost."""
    try:
        current_app.send_task(SCORE_TASK, args=[submission_id])
    except Exception:
        logger.exception("Could not enqueue submission %s; the sweeper will retry", submission_id)


def create_submission(
    *, competition: Competition, user: User, file_name: str, stream: IO[bytes], description: str = ""
) -> tuple[Submission, Quota]:
    """Store the file, count it against the team's daily quota, and queue it for scoring."""
    check_competition_open(competition)
    team = require_participant(user, competition, "submit")
    check_upload(file_name, stream)
    stored = store(private_storage(), f"submissions/{competition.pk}/{team.pk}", "submission.csv", stream)
    try:
        with transaction.atomic():
            Team.objects.select_for_update().get(pk=team.pk)  # serialises quota checks of one team
            quota = daily_quota(team)
            if quota.remaining <= 0:
                raise QuotaExceeded(quota)
            submission = Submission.objects.create(
                competition=competition,
                team=team,
                submitted_by=user,
                description=description.strip()[:500],
                file_name=file_name[:255],
                file_key=stored.key,
                file_size=stored.size,
                file_sha256=stored.sha256,
            )
            transaction.on_commit(lambda: enqueue_scoring(submission.pk))
    except Exception:
        private_storage().delete(stored.key)
        raise
    return submission, Quota(limit=quota.limit, used=quota.used + 1, resets_at=quota.resets_at)
