"""Replacing the solution or changing the metric: every submission is scored again in the background, in
small batches (each a task of its own, so none nears the time limit), and the leaderboards switch to the
new scores in one transaction once every submission has its new score.

A rescore changes either the competition's setup (and rescores the phase-and-track pairs that use it) or
one pair's (and rescores that pair's submissions only): a host of a multi-phase or multi-track
competition names the pair, and the pair's own setup takes the new solution, metric and columns. A host's
new scoring program for a pair with scores is brought in the same way, one submission per task on the
sandbox queue (scoring/program_rescoring.py), and so are a pair's new hidden inputs or ingestion program,
on which its code submissions run again (scoring/code_rescoring.py)."""

import io
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import IO

from celery import current_app
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from competitions import locks
from competitions.compact_solutions import store_compact
from competitions.errors import CompetitionError
from competitions.models import Competition, PhaseTrack
from competitions.phase_setup import forget_pairs
from competitions.phases import ScoringSetup, scoring_setup
from competitions.queries import require_manager
from competitions.score_columns import check_score_columns, engine_columns, tie_key_of
from datasets.storage import private_storage, store
from scoring import code_rescoring, engine, program_rescoring, signals
from scoring.engine.parameters import coerce_params
from scoring.messages import GENERIC_FAILURE
from scoring.models import Rescore, RescoredSubmission
from scoring.solutions import parsed_solution, solution_for
from submissions import ingestion
from submissions.models import Submission

logger = logging.getLogger(__name__)
RESCORE_TASK = "scoring.tasks.continue_rescore"
BATCH = 50


def rescorable(competition: Competition, phase_track: PhaseTrack | None = None):
    """Submissions whose score depends on the solution: the scored ones, and those whose metric failed on
    hidden rows (a new solution may fix that). Files refused by validation stay refused. The host's test
    submissions are scored again too, so they keep showing what the current setup gives; they never reach a
    board, since the boards are rebuilt from participants' submissions only.

    With a pair, that pair's submissions; without, those of every pair scored on the competition's setup
    (a pair with its own solution or metric is not, see competitions.phases)."""
    submissions = Submission.with_host_tests.filter(competition=competition)
    if phase_track is not None:
        submissions = submissions.filter(phase_track=phase_track)
    else:
        # A pair with its own solution or metric is not scored on the competition's setup, nor one a
        # host's program scores (scoring_programs).
        submissions = submissions.filter(
            phase_track__solution_key="", phase_track__metric="", phase_track__program_fingerprint=""
        )
    return submissions.filter(
        Q(status=Submission.Status.SCORED)
        | Q(status=Submission.Status.FAILED, error_code__in=("metric_failed", "program_failed"))
    )


def rescorable_by(rescore: Rescore):
    """The rescore's submissions: a code rerun's are the pair's code submissions (its files keep their
    scores: the new inputs change nothing of theirs)."""
    submissions = rescorable(rescore.competition, rescore.phase_track)
    if rescore.reruns_code:
        return submissions.filter(kind=Submission.Kind.CODE)
    return submissions


def runs_on_sandbox(rescore: Rescore) -> bool:
    """A rescore that runs a host's program or participants' code runs on the sandbox workers, one
    submission per task (each run may take up to its wall clock)."""
    return rescore.program_id is not None or rescore.reruns_code


def start_rescore(
    *,
    competition: Competition,
    user: User,
    solution: IO[bytes] | None = None,
    metric: str | None = None,
    metric_params: dict | None = None,
    score_columns: list | None = None,
    reason: str = "",
    phase_track: PhaseTrack | None = None,
) -> Rescore:
    """Score every submission again under a new solution, metric or secondary columns (None keeps the
    current ones, checked again against the new metric); the boards switch once all are done. With
    `phase_track`, only that pair's submissions, against that pair's current setup."""
    require_manager(user, competition, "replace the solution or change the metric")
    running = competition.rescores.filter(status=Rescore.Status.RUNNING).first()
    if running:
        raise CompetitionError(
            f"A rescore is already running ({running.done} of {running.total} done); wait for it to finish.",
            code="rescore_running",
        )
    if phase_track is not None and phase_track.competition_id != competition.pk:
        raise CompetitionError(
            "That phase and track belong to another competition.",
            code="unknown_track",
            details={"field": "track"},
        )
    if phase_track is not None and phase_track.program_fingerprint:
        raise CompetitionError(
            f"{phase_track.phase.name} / {phase_track.track.name} is scored by your scoring program: upload a new "
            "program or reference data on its scoring program page instead of rescoring it with a metric.",
            code="pair_has_program",
            details={"field": "track"},
        )
    current: Competition | ScoringSetup = (
        competition if phase_track is None else scoring_setup(phase_track, competition)
    )
    metric = metric or current.metric
    if metric_params is None:
        metric_params = current.metric_params if metric == current.metric else {}
    columns = check_score_columns(
        current.score_columns if score_columns is None else score_columns,
        metric=metric,
        metric_params=metric_params,
    )
    if (
        solution is None
        and metric == current.metric
        and same_parameters(metric, metric_params, current.metric_params)
        and columns == (current.score_columns or [])
    ):
        raise CompetitionError(
            "Nothing would change: give a new solution file, or a different metric, parameters or score columns.",
            code="nothing_to_rescore",
            details={"field": "solution"},
        )
    spec = engine.ScoringSpec(metric, current.id_column, tuple(current.target_columns), metric_params)
    parsed = parse_new_solution(current, spec, solution)
    check_same_submissions_fit(current, parsed)
    folder = f"solutions/{competition.slug}"
    if phase_track is not None:
        folder += f"/phase-{phase_track.phase.number}-{phase_track.track.slug}"
    stored = store(private_storage(), folder, "solution.csv", io.BytesIO(parsed.to_csv_bytes()))
    store_compact(parsed, solution_key=stored.key, sha256=stored.sha256)
    try:
        rescore = create_rescore(
            competition, user, reason, metric, metric_params, stored, parsed, columns, phase_track
        )
    except IntegrityError as error:
        raise CompetitionError(
            "Another rescore started a moment ago; wait for it to finish.", code="rescore_running"
        ) from error
    return rescore


def same_parameters(metric: str, first: dict, second: dict) -> bool:
    """Whether two sets of a metric's parameters score alike: the form gives every input, defaults included,
    where the competition may hold only the values its host typed."""
    try:
        scoring_metric = engine.get_metric(metric)
        return coerce_params(scoring_metric, first or {}) == coerce_params(scoring_metric, second or {})
    except engine.SolutionError:
        return first == second


def create_rescore(
    competition, user, reason, metric, metric_params, stored, parsed, columns, phase_track
) -> Rescore:
    with transaction.atomic():
        rescore = Rescore.objects.create(
            competition=competition,
            phase_track=phase_track,
            requested_by=user,
            reason=reason.strip()[:300],
            metric=metric,
            metric_params=metric_params,
            score_columns=columns,
            solution_key=stored.key,
            solution_sha256=stored.sha256,
            public_rows=parsed.public_count,
            private_rows=parsed.private_count,
            total=rescorable(competition, phase_track).count(),
        )
        transaction.on_commit(lambda: enqueue_rescore(rescore.pk))
    return rescore


def parse_new_solution(
    competition: Competition | ScoringSetup, spec: engine.ScoringSpec, solution: IO[bytes] | None
):
    """The new solution under the new spec; the current file when only the metric changes. The split is
    the competition's own, or the pair's (its fraction and seed), unless the file carries a Usage column."""
    try:
        if solution is None:
            with private_storage().open(competition.solution_key, "rb") as current:
                return engine.load_solution(
                    current, spec, public_fraction=competition.public_fraction, seed=competition.split_seed
                )
        return engine.load_solution(
            solution, spec, public_fraction=competition.public_fraction, seed=competition.split_seed
        )
    except engine.EngineError as error:
        field = "solution" if solution is not None else "metric"
        raise CompetitionError(
            f"The {field} cannot be used: {error.message}", code="invalid_rescore", details={"field": field}
        ) from error


def check_same_submissions_fit(competition: Competition | ScoringSetup, parsed: engine.Solution) -> None:
    """Participants' files were made for the current sample submission: the new setup must take the same
    ids and the same columns, or every submission would fail."""
    if list(parsed.submission_columns) != list(competition.submission_columns):
        raise CompetitionError(
            f"The new metric expects the columns {', '.join(parsed.submission_columns)}, but submissions have "
            f"{', '.join(competition.submission_columns)}; create a new competition for a different format.",
            code="invalid_rescore",
            details={"field": "metric"},
        )
    current_ids = set(solution_for(competition).ids)
    new_ids = set(parsed.ids)
    if new_ids != current_ids:
        raise CompetitionError(
            f"The new solution must have the same ids as the current one: it has {len(new_ids - current_ids)} "
            f"new and lacks {len(current_ids - new_ids)} of them.",
            code="invalid_rescore",
            details={"field": "solution"},
        )


def enqueue_rescore(rescore_id: int, *, on_sandbox: bool = False) -> None:
    """Queue the rescore's next batch; a rescore that runs a host's program runs on the sandbox workers."""
    try:
        current_app.send_task(RESCORE_TASK, args=[rescore_id], queue="sandbox" if on_sandbox else None)
    except Exception:
        logger.exception("Could not enqueue rescore %s; the sweeper will resume it", rescore_id)


def waiting_for_rescore(rescore: Rescore):
    return rescorable_by(rescore).exclude(
        pk__in=RescoredSubmission.objects.filter(rescore=rescore).values("submission_id")
    )


def continue_rescore(rescore_id: int) -> str:
    """Score one batch under the new setup; switch when none is left, else queue the next batch.

    An unexpected error (the new solution unreadable, the database gone) is recorded on the rescore for the
    host and the batch is left for the sweeper to resume; after PODIUM_RESCORE_MAX_RESUMES resumes in a row
    without progress the rescore fails, so a broken one never blocks the competition's next rescore."""
    rescore = Rescore.objects.select_related("competition", "phase_track").filter(pk=rescore_id).first()
    if rescore is None or rescore.status != Rescore.Status.RUNNING:
        return "skipped"
    try:
        return run_batch(rescore)
    except (program_rescoring.ProgramRescoreFailed, code_rescoring.CodeRescoreFailed) as error:
        end_rescore(rescore, Rescore.Status.FAILED, str(error))
        return "failed"
    except Exception as error:
        logger.exception("Rescore %s stalled", rescore_id)
        Rescore.objects.filter(pk=rescore_id, status=Rescore.Status.RUNNING).update(error=describe(error))
        return "stalled"


def run_batch(rescore: Rescore) -> str:
    on_sandbox = runs_on_sandbox(rescore)
    if rescore.reruns_code:  # one code run (and its scoring) per task
        scorer, size = code_rescoring.code_scorer(rescore), 1
    elif on_sandbox:  # one program run per task, each up to the program's wall clock
        scorer, size = program_rescoring.program_scorer(rescore), 1
    else:
        scorer, size = metric_scorer(rescore), BATCH
    batch = list(waiting_for_rescore(rescore)[:size])
    for submission in batch:
        RescoredSubmission.objects.get_or_create(
            rescore=rescore, submission=submission, defaults=scorer(submission)
        )
        record_progress(rescore)
    record_progress(
        rescore,
        done=RescoredSubmission.objects.filter(rescore=rescore).count(),
        total=rescorable_by(rescore).count(),
        error="",
    )
    if not batch and rescore.reruns_code:
        code_rescoring.refuse_if_every_submission_failed(rescore)
    elif not batch and on_sandbox:
        program_rescoring.refuse_if_every_submission_failed(rescore)
    if batch or not switch(rescore):
        enqueue_rescore(rescore.pk, on_sandbox=on_sandbox)
        return "continuing"
    return "switched"


def metric_scorer(rescore: Rescore) -> Callable[[Submission], dict]:
    current: Competition | ScoringSetup = rescore.competition
    if rescore.phase_track is not None:
        current = scoring_setup(rescore.phase_track, rescore.competition)
    spec = engine.ScoringSpec(
        rescore.metric, current.id_column, tuple(current.target_columns), dict(rescore.metric_params)
    )
    solution = parsed_solution(rescore.solution_key, rescore.solution_sha256, spec)
    columns = engine_columns(rescore.score_columns)
    return lambda submission: score_again(solution, submission, columns)


def record_progress(rescore: Rescore, **fields: object) -> None:
    """Every file scored again is progress, not only a whole batch: the sweeper resumes a rescore with no
    progress for PODIUM_REQUEUE_AFTER seconds and fails it after PODIUM_RESCORE_MAX_RESUMES resumes, and a
    batch of slow files can take far longer than that while it works."""
    Rescore.objects.filter(pk=rescore.pk, status=Rescore.Status.RUNNING).update(
        progressed_at=timezone.now(), resumes=0, **fields
    )


def describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def score_again(
    solution: engine.Solution, submission: Submission, columns: list[engine.ScoreColumn] | None = None
) -> dict:
    """The file's new scores, or why it fails under the new setup. A file that breaks the scorer itself fails
    alone, with the generic message for the team and the detail for the host, and the rescore goes on."""
    try:
        with private_storage().open(submission.scored_file_key, "rb") as stream:
            scores = engine.score(solution, stream, columns=columns or ())
    except engine.SubmissionError as error:
        return failure_of(submission, error)
    except Exception as error:
        logger.exception("Rescoring submission %s failed", submission.pk)
        return {
            "error_code": "internal_error",
            "error_message": GENERIC_FAILURE,
            "host_error_detail": describe(error),
        }
    return {
        "public_score": scores.public,
        "private_score": scores.private,
        "public_columns": scores.public_columns,
        "private_columns": scores.private_columns,
    }


def failure_of(submission: Submission, error: engine.SubmissionError) -> dict:
    """Why a file fails under the new setup: the team's message and the host's detail."""
    if submission.kind == Submission.Kind.CODE:  # its message can quote what the code wrote
        return {
            "error_code": "bad_predictions",
            "error_message": ingestion.FAILURE_MESSAGES[ingestion.Failure.BAD_PREDICTIONS],
            "host_error_detail": f"{error.message} {error.host_detail or ''}".strip(),
        }
    return {
        "error_code": error.code,
        "error_message": error.message,
        "host_error_detail": error.host_detail or "",
    }


def switch(rescore: Rescore) -> bool:
    """Apply every new score, the new setup and rebuilt leaderboards in one transaction; False if a
    submission scored meanwhile still lacks its new score (the next batch takes it)."""
    with transaction.atomic():
        competition = locks.lock_competition(rescore.competition_id)
        if not Rescore.objects.filter(pk=rescore.pk, status=Rescore.Status.RUNNING).exists():
            return True  # cancelled or failed meanwhile: nothing to switch, nothing more to queue
        if waiting_for_rescore(rescore).exists():
            return False
        apply_results(rescore)
        take_new_setup(rescore, competition)
        signals.scores_replaced.send(sender=Competition, competition=competition)
        Rescore.objects.filter(pk=rescore.pk).update(
            status=Rescore.Status.DONE, finished_at=timezone.now(), done=rescore.total
        )
    logger.info("Rescore %s of %s switched", rescore.pk, competition.slug)
    return True


def take_new_setup(rescore: Rescore, competition: Competition) -> None:
    """The competition's setup, or the rescored pair's own, becomes the rescore's (or its program the
    pair's, or its new hidden inputs and ingestion program)."""
    if rescore.reruns_code:
        code_rescoring.bring_in_inputs(rescore, PhaseTrack.objects.get(pk=rescore.phase_track_id))
        forget_pairs(competition)
        return
    if rescore.program_id is not None:
        program_rescoring.bring_in_program(rescore, PhaseTrack.objects.get(pk=rescore.phase_track_id))
        forget_pairs(competition)
        return
    target: Competition | PhaseTrack = competition
    if rescore.phase_track_id is not None:
        target = PhaseTrack.objects.get(pk=rescore.phase_track_id)
    target.metric = rescore.metric
    target.metric_params = rescore.metric_params
    target.score_columns = rescore.score_columns
    target.solution_key = rescore.solution_key
    target.solution_sha256 = rescore.solution_sha256
    target.public_rows = rescore.public_rows
    target.private_rows = rescore.private_rows
    target.save()
    forget_pairs(competition)


def apply_results(rescore: Rescore) -> None:
    results = RescoredSubmission.objects.filter(rescore=rescore).select_related("submission")
    changed = []
    for result in results.iterator(chunk_size=2000):
        submission = result.submission
        if result.error_code:
            submission.status = Submission.Status.FAILED
            submission.public_score = submission.private_score = None
            submission.public_columns, submission.private_columns = {}, {}
            submission.public_tie_key = submission.private_tie_key = ""
        else:
            submission.status = Submission.Status.SCORED
            submission.public_score, submission.private_score = result.public_score, result.private_score
            submission.public_columns, submission.private_columns = (
                result.public_columns,
                result.private_columns,
            )
            submission.public_tie_key = tie_key_of(rescore.score_columns, result.public_columns)
            submission.private_tie_key = tie_key_of(rescore.score_columns, result.private_columns)
        submission.error_code = result.error_code
        submission.error_message = result.error_message
        submission.host_error_detail = result.host_error_detail
        if rescore.reruns_code:  # the code ran on the new inputs: what it wrote there is scored from now on
            submission.predictions_key = result.predictions_key
        changed.append(submission)
    fields = [
        "status",
        "public_score",
        "private_score",
        "public_columns",
        "private_columns",
        "public_tie_key",
        "private_tie_key",
        "error_code",
        "error_message",
        "host_error_detail",
        *(["predictions_key"] if rescore.reruns_code else []),
    ]
    Submission.with_host_tests.bulk_update(changed, fields, batch_size=2000)


def resume_stalled_rescores(stalled_for: timedelta) -> int:
    """Re-send the next batch of a rescore whose task was lost (a broker restart, a dead worker) or stalled
    on an error; fail the rescore once it has been resumed PODIUM_RESCORE_MAX_RESUMES times in a row
    without progress."""
    now = timezone.now()
    stalled = Rescore.objects.filter(status=Rescore.Status.RUNNING, progressed_at__lt=now - stalled_for)
    resumed = 0
    for rescore in stalled:
        if rescore.resumes >= settings.PODIUM_RESCORE_MAX_RESUMES:
            give_up(rescore)
            continue
        if Rescore.objects.filter(pk=rescore.pk, progressed_at=rescore.progressed_at).update(
            progressed_at=now, resumes=F("resumes") + 1
        ):
            enqueue_rescore(rescore.pk, on_sandbox=runs_on_sandbox(rescore))
            resumed += 1
    return resumed


def give_up(rescore: Rescore) -> None:
    last = rescore.error or "its task was lost each time"
    reason = f"Stopped after {rescore.resumes} attempts without progress. Last error: {last}"
    if end_rescore(rescore, Rescore.Status.FAILED, reason):
        logger.warning("Rescore %s failed: %s", rescore.pk, reason)


def cancel_rescore(*, competition: Competition, user: User) -> Rescore:
    """The host stops the running rescore; the leaderboards keep the scores they have."""
    require_manager(user, competition, "cancel a rescore")
    running = competition.rescores.filter(status=Rescore.Status.RUNNING).first()
    if running is None or not end_rescore(
        running, Rescore.Status.CANCELLED, f"Cancelled by {user.username}."
    ):
        raise CompetitionError("No rescore is running.", code="no_rescore_running")
    running.refresh_from_db()
    return running


def end_rescore(rescore: Rescore, status: str, reason: str) -> bool:
    """Move a running rescore to `status`, under the competition's lock so it cannot cross a switch, and drop
    the scores it held aside; False if it was no longer running."""
    with transaction.atomic():
        locks.lock_competition(rescore.competition_id)
        ended = Rescore.objects.filter(pk=rescore.pk, status=Rescore.Status.RUNNING).update(
            status=status, error=reason[:2000], finished_at=timezone.now()
        )
        if ended:
            results = RescoredSubmission.objects.filter(rescore=rescore)
            predictions = list(results.exclude(predictions_key="").values_list("predictions_key", flat=True))
            results.delete()
            transaction.on_commit(lambda: forget_files(predictions))
    return bool(ended)


def forget_files(keys: list[str]) -> None:
    """The predictions a code rerun wrote for scores that never came in."""
    for key in keys:
        try:
            private_storage().delete(key)
        except Exception:
            logger.exception("Could not delete %s; it stays in the private storage", key)
