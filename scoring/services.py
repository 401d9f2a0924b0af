"""Scoring a submission and keeping the queue moving: the rules the Celery tasks run."""

import json
import logging
from datetime import datetime, timedelta
from time import perf_counter

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, Subquery
from django.utils import timezone

from competitions import locks
from competitions.models import Competition, PhaseTrack, Team
from competitions.phases import ScoringSetup
from competitions.phases import scoring_setup as resolved_setup
from competitions.score_columns import engine_columns, tie_key_of
from config.errors import DATABASE_ERRORS
from datasets.storage import private_storage
from scoring import engine, leases, signals
from scoring.messages import GENERIC_FAILURE
from scoring.rescoring import resume_stalled_rescores
from scoring.solutions import solution_for
from scoring_programs.scoring import score_with_program
from scoring_programs.services import fail_pending_dry_run
from submissions import ingestion
from submissions.models import Submission
from submissions.services import enqueue_scoring

logger = logging.getLogger(__name__)
# One line per scored submission, `timings {json}`, that benchmarks parse (docs/performance.md).
timing_logger = logging.getLogger("scoring.timings")
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
    return score_with_timings(submission_id, holder or leases.new_holder())[0]


def score_with_timings(submission_id: int, holder: str) -> tuple[str, Submission | None, dict[str, int]]:
    """score_submission, also returning the submission as it read it (None if skipped) and where the time
    went: what the worker logs after each scored submission (docs/performance.md)."""
    started_at, started = timezone.now(), perf_counter()
    times = engine.PhaseTimes()
    if not leases.take(submission_id, holder):
        current = Submission.with_host_tests.filter(pk=submission_id).values_list("status", flat=True).first()
        logger.info(
            "Submission %s is not free to score (status %s); skipping duplicate delivery",
            submission_id,
            current,
        )
        return "skipped", None, {}
    submission = Submission.with_host_tests.select_related("competition", "phase_track").get(pk=submission_id)
    times.lap("database")
    outcome = score_taken(submission, holder, times)
    timings = {
        "submission": submission_id,
        "queue_ms": max(round((started_at - submission.enqueued_at).total_seconds() * 1000), 0),
        **{key: 0 for key in TIMED_PHASES},
        **times.milliseconds(),
        "total_ms": round((perf_counter() - started) * 1000),
    }
    return outcome, submission, timings


# Every key of the timing line, in this order, even when a phase did not run (a file refused early).
TIMED_PHASES = ("solution_ms", "read_ms", "parse_ms", "align_ms", "metric_ms", "database_ms")


def score_taken(submission: Submission, holder: str, times: engine.PhaseTimes) -> str:
    """Score a submission this holder has just taken, and save the result."""
    crashes = leases.crashes_of(submission)
    if crashes >= settings.PODIUM_SCORING_MAX_CRASHES:
        message = CRASHED.format(crashes=crashes)
        return record_failure(
            submission, holder, "crashed", message, f"Worker lost {crashes} times.", counts=False
        )
    setup = setup_of(submission)
    scored_with, ran_on = setup.fingerprint, code_ran_on(submission, submission.phase_track)
    try:
        with leases.kept_alive(submission.pk, holder):
            scored_file = submission.scored_file_key
            if submission.kind == Submission.Kind.CODE:  # on a sandbox worker (submissions.services)
                scored_file = ingestion.predictions_of(submission, setup)
            if setup.is_program_scored:  # the host's program, on a sandbox worker (enqueue_scoring routes it)
                scores = score_with_program(submission, setup, file_key=scored_file)
            else:
                solution = solution_for(setup)
                times.lap("solution")
                with private_storage().open(scored_file, "rb") as stream:
                    scores = engine.score(solution, stream, times, engine_columns(setup.score_columns))
    except ingestion.IngestionFailed as failure:
        return record_failure(
            submission, holder, failure.code, failure.message, failure.host_detail, counts=failure.counts
        )
    except engine.SubmissionError as error:
        if submission.kind == Submission.Kind.CODE:
            # The engine's message can quote the predictions, which the code may have filled with hidden
            # inputs: the participant gets the category, the host the detail.
            ingestion.mark_bad_predictions(submission)
            detail = f"{error.message} {error.host_detail or ''}".strip()
            message = ingestion.FAILURE_MESSAGES[ingestion.Failure.BAD_PREDICTIONS]
            return record_failure(submission, holder, "bad_predictions", message, detail, counts=True)
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
        logger.exception("Scoring submission %s failed", submission.pk)
        return record_failure(
            submission, holder, "internal_error", GENERIC_FAILURE, repr(error), counts=False
        )
    try:
        return record_scores(submission, holder, scores, scored_with, ran_on)
    except DATABASE_ERRORS:
        raise
    except Exception as error:  # a bug in saving must not leave the file scoring until it counts as a crash
        logger.exception("Saving scores of submission %s failed", submission.pk)
        return record_failure(
            submission, holder, "internal_error", GENERIC_FAILURE, repr(error), counts=False
        )
    finally:
        times.lap("database")


def code_ran_on(submission: Submission, pair: PhaseTrack) -> tuple:
    """What a code submission's score depends on besides the setup: the pair's hidden inputs and ingestion
    program its run used (a code rerun's switch replaces them); nothing for a file."""
    if submission.kind != Submission.Kind.CODE:
        return ()
    return (pair.code_inputs_sha256, pair.ingestion_program_key)


def score_and_settle(submission_id: int, holder: str | None = None) -> str:
    """Score one submission, then tell the boards an on-time submission settled (the private board may
    have been waiting for it); log where the time of a scored one went."""
    holder = holder or leases.new_holder()
    outcome, submission, timings = score_with_timings(submission_id, holder)
    if submission is None:  # skipped: this attempt may still have finished it before the database failed
        submission = Submission.with_host_tests.select_related("competition").filter(pk=submission_id).first()
        settles = submission is not None and finished_by(submission, holder)
    else:
        settles = outcome != "skipped"
    if submission and not submission.is_late and not submission.is_host_test and settles:
        if submission.competition.phase == Competition.Phase.FINISHED:  # the board waits only after the end
            submission.competition.refresh_from_db(fields=["private_leaderboard_built_at"])
        signals.submission_settled.send(sender=Submission, submission=submission)
    if submission and not submission.is_host_test and settles:
        signals.submission_finished.send(sender=Submission, submission=submission)
    if outcome == Status.SCORED:
        timing_logger.info("timings %s", json.dumps(timings))
    return outcome


def finished_by(submission: Submission, holder: str) -> bool:
    """This attempt already wrote the result: a retry after the database failed between that commit and
    the settling finds the submission done, and must still settle it."""
    return submission.lease_holder == holder and submission.status in (Status.SCORED, Status.FAILED)


def setup_of(submission: Submission) -> ScoringSetup:
    """What scores the submission: its phase and track's setup, the competition's where the pair has none."""
    return resolved_setup(submission.phase_track, submission.competition)


def score_fields(competition: Competition | ScoringSetup, scores: engine.Scores) -> dict:
    """The submission's fields a scoring writes: both scores, each secondary column's values and the keys
    that break ties on them; one UPDATE whatever the number of columns."""
    return {
        "public_score": scores.public,
        "private_score": scores.private,
        "public_columns": scores.public_columns,
        "private_columns": scores.private_columns,
        "public_tie_key": tie_key_of(competition.score_columns, scores.public_columns),
        "private_tie_key": tie_key_of(competition.score_columns, scores.private_columns),
    }


# A merge moving the submission while the lock is taken costs one more look; a chain of merges, a few.
TEAM_LOOKUPS = 3


@locks.retried_on_conflict
def record_scores(
    submission: Submission, holder: str, scores: engine.Scores, scored_with: tuple, ran_on: tuple = ()
) -> str:
    """Save the scores and the team's entry if `holder` still holds the lease, unless a rescore switched the
    solution or metric while this file was being scored (or, for code, the hidden inputs or ingestion program
    its run used, `ran_on`): then it goes back to the queue to be scored (and run) under the new setup.

    Four statements: the competition read under a shared lock (a rescore's switch waits for it, other
    scorers do not), the submission's current team locked, the scores written by compare-and-set on the
    lease, and the team's entry upserted by the boards (scoring.signals)."""
    with transaction.atomic():
        competition, pair = locks.share_competition_and_pair(
            submission.competition_id, submission.phase_track_id
        )
        setup = resolved_setup(pair, competition)
        inputs_replaced = code_ran_on(submission, pair) != ran_on
        if setup.fingerprint != scored_with or inputs_replaced:
            # Code that ran on hidden inputs or an ingestion program replaced meanwhile runs again.
            forgotten = {"predictions_key": ""} if inputs_replaced else {}
            Submission.with_host_tests.filter(leases.held_by(holder), pk=submission.pk).update(
                status=Status.QUEUED, lease_holder="", lease_expires_at=None, scoring_attempts=0, **forgotten
            )
            transaction.on_commit(lambda: enqueue_scoring(submission.pk))
            return "requeued"
        if submission.is_host_test:  # no team, no board: only the scores are saved
            return record_host_test_scores(submission, holder, score_fields(setup, scores))
        # The team read before scoring may have merged into another since: lock the one it belongs to now.
        current_team = Submission.with_host_tests.filter(pk=submission.pk).values("team_id")
        for _ in range(TEAM_LOOKUPS):
            team = locks.lock_team_row(Subquery(current_team))
            if team is not None:
                break
        else:
            raise Team.DoesNotExist(f"The team of submission {submission.pk} keeps merging away.")
        scored_at = timezone.now()
        fields = score_fields(setup, scores)
        updated = Submission.with_host_tests.filter(leases.held_by(holder), pk=submission.pk).update(
            status=Status.SCORED, scored_at=scored_at, **fields
        )
        if not updated:
            logger.warning("Submission %s was taken over before %s saved its scores", submission.pk, holder)
            return "skipped"
        team.competition = submission.competition = pair.competition = competition
        submission.phase_track = pair
        submission.team = team
        submission.status, submission.scored_at = Status.SCORED, scored_at
        for name, value in fields.items():
            setattr(submission, name, value)
        signals.submission_scored.send(sender=Submission, submission=submission)
    return Status.SCORED


def record_host_test_scores(submission: Submission, holder: str, fields: dict) -> str:
    """A host's test submission belongs to no team and stands on no board: its scores are saved (by
    compare-and-set on the lease, as any submission's) and nothing is told to the boards."""
    updated = Submission.with_host_tests.filter(leases.held_by(holder), pk=submission.pk).update(
        status=Status.SCORED, scored_at=timezone.now(), **fields
    )
    if not updated:
        logger.warning("Submission %s was taken over before %s saved its scores", submission.pk, holder)
        return "skipped"
    return Status.SCORED


def record_failure(
    submission: Submission, holder: str, code: str, message: str, host_detail: str, *, counts: bool
) -> str:
    """A file refused by validation gives its quota slot back; a file that scored badly on hidden data does
    not. Written only while `holder` still holds the lease."""
    updated = Submission.with_host_tests.filter(leases.held_by(holder), pk=submission.pk).update(
        status=Status.FAILED,
        error_code=code,
        error_message=message,
        host_error_detail=host_detail,
        counts_against_quota=counts and not submission.is_host_test,
        scored_at=timezone.now(),
    )
    if updated and submission.is_host_test:
        fail_pending_dry_run(
            submission,
            f"The sample code {submission.file_name} failed before the program ran ({code}): "
            f"{host_detail or message} The code's runs and their logs are shown with the dry run.",
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
    candidates = Submission.with_host_tests.filter(
        Q(status=Status.QUEUED, enqueued_at__lt=overdue) | abandoned
    ).only("pk", "status", "enqueued_at", "enqueue_count", "lease_expires_at")
    resent = taken_over = 0
    for submission in candidates:
        if not (holder_died_since_last_send(submission) or resend_is_due(submission, now)):
            continue
        Submission.with_host_tests.filter(pk=submission.pk, status=submission.status).update(
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
