"""Scoring a submission and keeping the queue moving: the rules the Celery tasks run."""

import logging
import time
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import OperationalError, close_old_connections, transaction
from django.db.models import F
from django.utils import timezone

from competitions import locks
from competitions.models import Competition
from datasets.storage import private_storage
from scoring import engine, signals
from scoring.messages import GENERIC_FAILURE
from scoring.rescoring import resume_stalled_rescores
from scoring.solutions import solution_for
from submissions.models import Submission
from submissions.services import enqueue_scoring

logger = logging.getLogger(__name__)
Status = Submission.Status

MAX_BACKOFF_DOUBLINGS = 5
SAVE_ATTEMPTS = 3


def claim(submission_id: int) -> bool:
    """Move queued -> scoring; a second delivery of the same task finds nothing to claim."""
    claimed = Submission.objects.filter(pk=submission_id, status=Status.QUEUED).update(
        status=Status.SCORING, scoring_started_at=timezone.now()
    )
    return claimed == 1


def score_submission(submission_id: int) -> str:
    """Score one submission end to end; returns the final status, or 'skipped' if another delivery owns it."""
    if not claim(submission_id):
        current = Submission.objects.filter(pk=submission_id).values_list("status", flat=True).first()
        logger.info(
            "Submission %s is not queued (status %s); skipping duplicate delivery", submission_id, current
        )
        return "skipped"
    submission = Submission.objects.select_related("competition").get(pk=submission_id)
    scored_with = scoring_setup(submission.competition)
    try:
        solution = solution_for(submission.competition)
        with private_storage().open(submission.file_key, "rb") as stream:
            scores = engine.score(solution, stream)
    except engine.SubmissionError as error:
        return record_failure(
            submission,
            error.code,
            error.message,
            error.host_detail or "",
            counts=error.code == "metric_failed" or submission.competition.failed_submissions_count,
        )
    except SoftTimeLimitExceeded:
        return record_failure(
            submission,
            "timeout",
            "Scoring took too long and was stopped; this submission did not count against your quota.",
            "Soft time limit exceeded.",
            counts=False,
        )
    except Exception as error:
        logger.exception("Scoring submission %s failed", submission_id)
        return record_failure(submission, "internal_error", GENERIC_FAILURE, repr(error), counts=False)
    return save_scores(submission, scores, scored_with)


def score_and_settle(submission_id: int) -> str:
    """Score one submission, then tell the boards an on-time submission settled (the private board may
    have been waiting for it)."""
    outcome = score_submission(submission_id)
    submission = Submission.objects.select_related("competition").filter(pk=submission_id).first()
    if submission and not submission.is_late and outcome != "skipped":
        signals.submission_settled.send(sender=Submission, submission=submission)
    return outcome


def save_scores(submission: Submission, scores: engine.Scores, scored_with: tuple) -> str:
    """Save, retrying a locked or briefly unreachable database; a score that cannot be saved fails the
    submission with a clear message rather than leaving it in the scoring state."""
    for attempt in range(1, SAVE_ATTEMPTS + 1):
        try:
            return record_scores(submission, scores, scored_with)
        except OperationalError:
            logger.warning("Saving scores of submission %s failed (attempt %s)", submission.pk, attempt)
            close_old_connections()
            time.sleep(attempt)
        except Exception as error:
            logger.exception("Saving scores of submission %s failed", submission.pk)
            return record_failure(submission, "internal_error", GENERIC_FAILURE, repr(error), counts=False)
    return record_failure(
        submission, "internal_error", GENERIC_FAILURE, "The database refused the scores.", counts=False
    )


def scoring_setup(competition: Competition) -> tuple[str, str, dict]:
    """What a score depends on besides the file: a rescore changes it, and scores made under an older one
    are not saved."""
    return competition.solution_sha256, competition.metric, competition.metric_params or {}


def record_scores(submission: Submission, scores: engine.Scores, scored_with: tuple) -> str:
    """Save the scores and the team's entry, unless a rescore switched the solution or metric while this
    file was being scored: then it goes back to the queue to be scored under the new setup."""
    with transaction.atomic():
        competition = locks.lock_competition(submission.competition_id)
        if scoring_setup(competition) != scored_with:
            Submission.objects.filter(pk=submission.pk, status=Status.SCORING).update(status=Status.QUEUED)
            transaction.on_commit(lambda: enqueue_scoring(submission.pk))
            return "requeued"
        # The team read before scoring may have merged into another since: lock the one it belongs to now.
        team_id = Submission.objects.values_list("team_id", flat=True).get(pk=submission.pk)
        locks.lock_team(team_id)
        updated = Submission.objects.filter(pk=submission.pk, status=Status.SCORING).update(
            status=Status.SCORED,
            public_score=scores.public,
            private_score=scores.private,
            scored_at=timezone.now(),
        )
        if not updated:
            logger.warning("Submission %s left the scoring state before its scores were saved", submission.pk)
            return "skipped"
        submission.refresh_from_db()
        signals.submission_scored.send(sender=Submission, submission=submission)
    return Status.SCORED


def record_failure(submission: Submission, code: str, message: str, host_detail: str, *, counts: bool) -> str:
    """A file refused by validation gives its quota slot back; a file that scored badly on hidden data does not."""
    Submission.objects.filter(pk=submission.pk, status=Status.SCORING).update(
        status=Status.FAILED,
        error_code=code,
        error_message=message,
        host_error_detail=host_detail,
        counts_against_quota=counts,
        scored_at=timezone.now(),
    )
    return Status.FAILED


def resend_is_due(submission: Submission, now: datetime) -> bool:
    """Back off exponentially: a long queue is not a lost message, and each re-send adds one more."""
    wait = settings.PODIUM_REQUEUE_AFTER * 2 ** min(submission.enqueue_count - 1, MAX_BACKOFF_DOUBLINGS)
    return submission.enqueued_at <= now - timedelta(seconds=wait)


def sweep_stuck_submissions() -> dict:
    """Re-send submissions left queued too long, and fail those whose worker died mid-scoring.

    A queued submission is never failed for waiting: it is re-sent, less and less often, until a worker
    takes it (the claim makes the extra copies harmless).
    """
    now = timezone.now()
    waiting = Submission.objects.filter(
        status=Status.QUEUED, enqueued_at__lt=now - timedelta(seconds=settings.PODIUM_REQUEUE_AFTER)
    ).only("pk", "enqueued_at", "enqueue_count")
    resent = 0
    for submission in waiting:
        if not resend_is_due(submission, now):
            continue
        Submission.objects.filter(pk=submission.pk, status=Status.QUEUED).update(
            enqueued_at=now, enqueue_count=F("enqueue_count") + 1
        )
        enqueue_scoring(submission.pk)
        resent += 1
    dead_before = now - timedelta(seconds=settings.PODIUM_SCORING_HARD_LIMIT + 60)
    failed = Submission.objects.filter(status=Status.SCORING, scoring_started_at__lt=dead_before).update(
        status=Status.FAILED,
        error_code="interrupted",
        error_message="Scoring was interrupted (the worker stopped); this submission did not count against "
        "your quota. Please submit again.",
        host_error_detail="Left in the scoring state past the hard time limit.",
        counts_against_quota=False,
        scored_at=now,
    )
    if resent or failed:
        logger.info("Sweeper: re-sent %s waiting, failed %s interrupted", resent, failed)
    return {
        "resent": resent,
        "interrupted": failed,
        "rescores_resumed": resume_stalled_rescores(timedelta(seconds=settings.PODIUM_REQUEUE_AFTER)),
    }
