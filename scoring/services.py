"""Scoring a submission and keeping the queue moving: the rules the Celery tasks run."""

import logging
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from competitions import locks
from competitions.models import Competition
from config.errors import DATABASE_ERRORS
from datasets.storage import private_storage
from scoring import engine, leases, signals
from scoring.messages import GENERIC_FAILURE
from scoring.rescoring import resume_stalled_rescores
from scoring.solutions import solution_for
from submissions.models import Submission
from submissions.services import enqueue_scoring

logger = logging.getLogger(__name__)
Status = Submission.Status

MAX_BACKOFF_DOUBLINGS = 5

CRASHED = (
    "Scoring this file stopped the worker {crashes} times in a row, so Podium gave up on it; this submission "
    "did not count against your quota. Check the file (its size, its rows) and submit it again."
)


def score_submission(submission_id: int, holder: str | None = None) -> str:
    """Score one submission end to end under a lease (scoring.leases); returns the final status, or
    'skipped' if another delivery holds it or it is done.

    Database errors are not caught here: the task retries them with backoff, under the same holder."""
    holder = holder or leases.new_holder()
    if not leases.take(submission_id, holder):
        current = Submission.objects.filter(pk=submission_id).values_list("status", flat=True).first()
        logger.info(
            "Submission %s is not free to score (status %s); skipping duplicate delivery",
            submission_id,
            current,
        )
        return "skipped"
    submission = Submission.objects.select_related("competition").get(pk=submission_id)
    crashes = leases.crashes_before(submission_id)
    if crashes >= settings.PODIUM_SCORING_MAX_CRASHES:
        message = CRASHED.format(crashes=crashes)
        return record_failure(
            submission, holder, "crashed", message, f"Worker lost {crashes} times.", counts=False
        )
    scored_with = scoring_setup(submission.competition)
    try:
        with leases.kept_alive(submission_id, holder):
            solution = solution_for(submission.competition)
            with private_storage().open(submission.file_key, "rb") as stream:
                scores = engine.score(solution, stream)
    except engine.SubmissionError as error:
        return record_failure(
            submission,
            holder,
            error.code,
            error.message,
            error.host_detail or "",
            counts=error.code == "metric_failed" or submission.competition.failed_submissions_count,
        )
    except SoftTimeLimitExceeded:
        return record_failure(
            submission,
            holder,
            "timeout",
            "Scoring took too long and was stopped; this submission did not count against your quota.",
            "Soft time limit exceeded.",
            counts=False,
        )
    except DATABASE_ERRORS:
        raise
    except Exception as error:
        logger.exception("Scoring submission %s failed", submission_id)
        return record_failure(
            submission, holder, "internal_error", GENERIC_FAILURE, repr(error), counts=False
        )
    try:
        return record_scores(submission, holder, scores, scored_with)
    except DATABASE_ERRORS:
        raise
    except Exception as error:  # a bug in saving must not leave the file scoring until it counts as a crash
        logger.exception("Saving scores of submission %s failed", submission_id)
        return record_failure(
            submission, holder, "internal_error", GENERIC_FAILURE, repr(error), counts=False
        )


def score_and_settle(submission_id: int, holder: str | None = None) -> str:
    """Score one submission, then tell the boards an on-time submission settled (the private board may
    have been waiting for it)."""
    holder = holder or leases.new_holder()
    outcome = score_submission(submission_id, holder)
    submission = Submission.objects.select_related("competition").filter(pk=submission_id).first()
    if submission and not submission.is_late and (outcome != "skipped" or finished_by(submission, holder)):
        signals.submission_settled.send(sender=Submission, submission=submission)
    return outcome


def finished_by(submission: Submission, holder: str) -> bool:
    """This attempt already wrote the result: a retry after the database failed between that commit and
    the settling finds the submission done, and must still settle it."""
    return submission.lease_holder == holder and submission.status in (Status.SCORED, Status.FAILED)


def scoring_setup(competition: Competition) -> tuple[str, str, dict]:
    """What a score depends on besides the file: a rescore changes it, and scores made under an older one
    are not saved."""
    return competition.solution_sha256, competition.metric, competition.metric_params or {}


def record_scores(submission: Submission, holder: str, scores: engine.Scores, scored_with: tuple) -> str:
    """Save the scores and the team's entry if `holder` still holds the lease, unless a rescore switched the
    solution or metric while this file was being scored: then it goes back to the queue to be scored under
    the new setup."""
    with transaction.atomic():
        competition = locks.lock_competition(submission.competition_id)
        if scoring_setup(competition) != scored_with:
            Submission.objects.filter(leases.held_by(holder), pk=submission.pk).update(
                status=Status.QUEUED, lease_holder="", lease_expires_at=None, scoring_attempts=0
            )
            transaction.on_commit(lambda: enqueue_scoring(submission.pk))
            return "requeued"
        # The team read before scoring may have merged into another since: lock the one it belongs to now.
        team_id = Submission.objects.values_list("team_id", flat=True).get(pk=submission.pk)
        locks.lock_team(team_id)
        updated = Submission.objects.filter(leases.held_by(holder), pk=submission.pk).update(
            status=Status.SCORED,
            public_score=scores.public,
            private_score=scores.private,
            scored_at=timezone.now(),
        )
        if not updated:
            logger.warning("Submission %s was taken over before %s saved its scores", submission.pk, holder)
            return "skipped"
        submission.refresh_from_db()
        signals.submission_scored.send(sender=Submission, submission=submission)
    return Status.SCORED


def record_failure(
    submission: Submission, holder: str, code: str, message: str, host_detail: str, *, counts: bool
) -> str:
    """A file refused by validation gives its quota slot back; a file that scored badly on hidden data does
    not. Written only while `holder` still holds the lease."""
    updated = Submission.objects.filter(leases.held_by(holder), pk=submission.pk).update(
        status=Status.FAILED,
        error_code=code,
        error_message=message,
        host_error_detail=host_detail,
        counts_against_quota=counts,
        scored_at=timezone.now(),
    )
    return Status.FAILED if updated else "skipped"


def resend_is_due(submission: Submission, now: datetime) -> bool:
    """Back off exponentially: a long queue is not a lost message, and each re-send adds one more."""
    wait = settings.PODIUM_REQUEUE_AFTER * 2 ** min(submission.enqueue_count - 1, MAX_BACKOFF_DOUBLINGS)
    return submission.enqueued_at <= now - timedelta(seconds=wait)


def holder_died_since_last_send(submission: Submission) -> bool:
    """A scoring row whose lease ran out after it was last sent: send it again at once, for a takeover."""
    expired = submission.lease_expires_at
    return submission.status == Status.SCORING and (expired is None or submission.enqueued_at < expired)


def sweep_stuck_submissions() -> dict:
    """Re-send submissions left queued too long, and those whose lease expired (their worker died): a worker
    takes them over. Nothing is failed for waiting or for a crash here; the claim decides that.

    Re-sends back off exponentially (the claim makes the extra copies harmless)."""
    now = timezone.now()
    overdue = now - timedelta(seconds=settings.PODIUM_REQUEUE_AFTER)
    abandoned = Q(status=Status.SCORING) & (Q(lease_expires_at__lt=now) | Q(lease_expires_at__isnull=True))
    candidates = Submission.objects.filter(Q(status=Status.QUEUED, enqueued_at__lt=overdue) | abandoned).only(
        "pk", "status", "enqueued_at", "enqueue_count", "lease_expires_at"
    )
    resent = taken_over = 0
    for submission in candidates:
        if not (holder_died_since_last_send(submission) or resend_is_due(submission, now)):
            continue
        Submission.objects.filter(pk=submission.pk, status=submission.status).update(
            enqueued_at=now, enqueue_count=F("enqueue_count") + 1
        )
        enqueue_scoring(submission.pk)
        if submission.status == Status.QUEUED:
            resent += 1
        else:
            taken_over += 1
    if resent or taken_over:
        logger.info("Sweeper: re-sent %s waiting and %s whose worker died", resent, taken_over)
    return {
        "resent": resent,
        "abandoned": taken_over,
        "rescores_resumed": resume_stalled_rescores(timedelta(seconds=settings.PODIUM_REQUEUE_AFTER)),
    }
