"""A host's new scoring program for a pair that participants already have scores on (scoring_programs
tells scoring with its signals): the new program waits beside the current one while a rescore
(scoring.rescoring) scores every scored submission again with it, one submission per task on the sandbox workers and under the program's own limits; the boards switch to it
once all are done. Its dry run on the sample submission goes first: a program that fails it, or that fails
every submission, fails the rescore, and the current program and its scores stand.

A code submission is not run again: a program change leaves the hidden inputs as they were, so the
predictions its code wrote are scored by the new program."""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, transaction

from accounts.models import User
from competitions.models import Competition, PhaseTrack
from competitions.phases import ScoringSetup, scoring_setup
from scoring import engine
from scoring import rescoring as rescores  # imports this module: its names are read at call time
from scoring.models import Rescore, RescoredSubmission
from scoring_programs.columns import pair_columns
from scoring_programs.errors import ProgramRefused
from scoring_programs.models import ProgramRun, ScoringProgram
from scoring_programs.scoring import score_with_program
from scoring_programs.services import execute_dry_run, latest_dry_run, start_dry_run
from submissions.models import Submission

# The last lines of a failed dry run's error output the rescore's reason quotes (the host's only).
QUOTED_LOG_CHARACTERS = 1000


class ProgramRescoreFailed(Exception):
    """The new program cannot take over: the message, for the host, says why and where its logs are."""


def refuse_while_a_rescore_runs(sender: type, competition: Competition, **kwargs: object) -> None:
    """scoring_programs.signals.program_change_checking: one rescore at a time per competition."""
    running = competition.rescores.filter(status=Rescore.Status.RUNNING).first()
    if running:
        raise ProgramRefused(
            f"A rescore is already running ({running.done} of {running.total} done); wait for it to finish or "
            "cancel it before you change the scoring program.",
            code="rescore_running",
            details={"field": "program"},
        )


def rescore_with_new_program(
    sender: type,
    competition: Competition,
    user: User,
    pair: PhaseTrack,
    program: ScoringProgram,
    **kwargs: object,
) -> Rescore:
    """scoring_programs.signals.program_awaits_rescore: queue the rescore that brings `program` (not yet
    the pair's) in, inside the transaction that stored it. Its dry run is queued for the rescore's first task, not on its own."""
    setup = scoring_setup(pair, competition)
    ProgramRun.objects.create(
        program=program, program_fingerprint=program.fingerprint, purpose=ProgramRun.Purpose.DRY_RUN
    )
    try:
        with transaction.atomic():
            rescore = Rescore.objects.create(
                competition=competition,
                phase_track=pair,
                requested_by=user,
                reason=f"New scoring program {program.archive_name}"[:300],
                metric=setup.metric,
                metric_params=setup.metric_params,
                score_columns=pair_columns(program.columns),
                solution_key=setup.solution_key,
                solution_sha256=setup.solution_sha256,
                public_rows=setup.public_rows,
                private_rows=setup.private_rows,
                program=program,
                total=rescores.rescorable(competition, pair).count(),
            )
    except IntegrityError as error:
        raise ProgramRefused(
            "Another rescore started a moment ago; wait for it to finish.",
            code="rescore_running",
            details={"field": "program"},
        ) from error
    transaction.on_commit(lambda: rescores.enqueue_rescore(rescore.pk, on_sandbox=True))
    return rescore


def program_scorer(rescore: Rescore) -> Callable[[Submission], dict]:
    """What scores each submission again under the rescore's program, once its dry run has passed (run here,
    on this sandbox worker, the first time). Raises ProgramRescoreFailed when the dry run fails."""
    program = rescore.program
    if program is None:
        raise ProgramRescoreFailed("The new scoring program was deleted.")
    run = latest_dry_run(program)
    if run is None or run.status == ProgramRun.Status.RUNNING:  # a lost worker's run: start over
        with transaction.atomic():
            run = start_dry_run(program, queued=False)
    if run.status == ProgramRun.Status.QUEUED:
        if run.submission_id is not None:  # the sample code: its test submission is scored here, in this run
            from scoring.services import score_submission  # scoring.services imports this module's callers

            score_submission(run.submission_id)
        else:
            execute_dry_run(run.pk)
        run.refresh_from_db()
    if run.status != ProgramRun.Status.SUCCEEDED:
        log = run.stderr[-QUOTED_LOG_CHARACTERS:].strip()
        raise ProgramRescoreFailed(
            f"The new program's dry run on the sample submission failed (run {run.pk}): {run.failure} "
            f"{'Its error output ends: ' + log if log else ''}".strip()
            + " The current program and its scores stand."
        )
    setup = scoring_setup(rescore.phase_track, rescore.competition)
    return lambda submission: score_again_with_program(program, setup, submission)


def score_again_with_program(program: ScoringProgram, setup: ScoringSetup, submission: Submission) -> dict:
    """The file's scores under the new program, or why it fails; a worker that cannot run programs at all
    (ProgramUnavailable) stops the batch instead, so the sweeper resumes it elsewhere."""
    try:
        scores = score_with_program(submission, setup, file_key=submission.scored_file_key, program=program)
    except engine.SubmissionError as error:
        return rescores.failure_of(submission, error)
    return {
        "public_score": scores.public,
        "private_score": scores.private,
        "public_columns": scores.public_columns,
        "private_columns": scores.private_columns,
    }


def refuse_if_every_submission_failed(rescore: Rescore) -> None:
    """A program that passes its dry run but fails every participant's file is broken, not the files: the
    rescore fails rather than wipe the board."""
    results = RescoredSubmission.objects.filter(rescore=rescore)
    if not results.exists() or results.filter(error_code="").exists():
        return
    detail = results.exclude(host_error_detail="").values_list("host_error_detail", flat=True).first() or ""
    raise ProgramRescoreFailed(
        f"The new program failed on every submission, so it was not brought in. {detail}".strip()
        + " The current program and its scores stand."
    )


def bring_in_program(rescore: Rescore, pair: PhaseTrack) -> None:
    """At the switch: the rescore's program becomes the pair's, and the one it replaces keeps its runs."""
    program = ScoringProgram.objects.get(pk=rescore.program_id)
    ScoringProgram.objects.filter(phase_track=pair).exclude(pk=program.pk).update(phase_track=None)
    ScoringProgram.objects.filter(pk=program.pk).update(phase_track=pair)
    pair.program_fingerprint = program.fingerprint
    pair.program_higher_is_better = program.primary["higher_is_better"]
    pair.score_columns = rescore.score_columns
    pair.save(update_fields=["program_fingerprint", "program_higher_is_better", "score_columns"])
