"""A host's new hidden inputs or ingestion program for a pair with scored code submissions (submissions tells
scoring with its code_awaits_rerun signal): they wait beside the current ones while a rescore
(scoring.rescoring) runs every scored code submission again on them, one submission per task on the sandbox
workers and under the limits of a first run, and scores its predictions with the pair's scoring (catalogue
metric or the host's program). The pair takes them, the submissions their new predictions and scores, and
the boards switch, in one transaction once all are done. If every submission fails, the rescore fails and
the current inputs and their scores stand."""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, transaction

from accounts.models import User
from competitions.models import Competition, PhaseTrack
from competitions.phases import ScoringSetup, scoring_setup
from competitions.score_columns import engine_columns
from datasets.storage import private_storage
from scoring import engine
from scoring import rescoring as rescores  # imports this module: its names are read at call time
from scoring.models import Rescore, RescoredSubmission
from scoring.solutions import solution_for
from scoring_programs.scoring import score_with_program
from submissions import ingestion
from submissions.code import CodeRefused
from submissions.models import CodeRun, Submission


class CodeRescoreFailed(Exception):
    """The new inputs cannot take over: the message, for the host, says why."""


def rerun_code_on_new_inputs(
    sender: type,
    competition: Competition,
    user: User,
    pair: PhaseTrack,
    code_inputs_key: str,
    code_inputs_sha256: str,
    ingestion_program_key: str,
    reason: str,
    **kwargs: object,
) -> Rescore:
    """submissions.signals.code_awaits_rerun: queue the rescore that brings the new hidden inputs or
    ingestion program in, inside the transaction that stored them."""
    setup = scoring_setup(pair, competition)
    try:
        with transaction.atomic():
            rescore = Rescore.objects.create(
                competition=competition,
                phase_track=pair,
                requested_by=user,
                reason=reason[:300],
                metric=setup.metric,
                metric_params=setup.metric_params,
                score_columns=setup.score_columns,
                solution_key=setup.solution_key,
                solution_sha256=setup.solution_sha256,
                public_rows=setup.public_rows,
                private_rows=setup.private_rows,
                reruns_code=True,
                code_inputs_key=code_inputs_key,
                code_inputs_sha256=code_inputs_sha256,
                ingestion_program_key=ingestion_program_key,
            )
            rescore.total = rescores.rescorable_by(rescore).count()
            rescore.save(update_fields=["total"])
    except IntegrityError as error:
        raise CodeRefused(
            "Another rescore started a moment ago; wait for it to finish.",
            code="rescore_running",
            details={"field": "hidden_inputs"},
        ) from error
    transaction.on_commit(lambda: rescores.enqueue_rescore(rescore.pk, on_sandbox=True))
    return rescore


def code_scorer(rescore: Rescore) -> Callable[[Submission], dict]:
    """What runs each submission's code again on the rescore's inputs and scores its predictions with the
    pair's scoring (its program, or the metric and solution it has now)."""
    setup = scoring_setup(rescore.phase_track, rescore.competition)
    score_predictions = predictions_scorer(setup)

    def run_and_score(submission: Submission) -> dict:
        try:
            predictions_key = ingestion.run_for_rescore(
                submission,
                setup,
                inputs_key=rescore.code_inputs_key,
                ingestion_program_key=rescore.ingestion_program_key,
                rescore_id=rescore.pk,
            )
        except ingestion.IngestionFailed as failure:
            return {
                "error_code": failure.code,
                "error_message": failure.message,
                "host_error_detail": failure.host_detail,
            }
        try:
            scores = score_predictions(submission, predictions_key)
        except engine.SubmissionError as error:
            ingestion.mark_bad_predictions(submission, rescore_id=rescore.pk)
            return {**rescores.failure_of(submission, error), "predictions_key": predictions_key}
        return {
            "public_score": scores.public,
            "private_score": scores.private,
            "public_columns": scores.public_columns,
            "private_columns": scores.private_columns,
            "predictions_key": predictions_key,
        }

    return run_and_score


def predictions_scorer(setup: ScoringSetup) -> Callable[[Submission, str], engine.Scores]:
    """Scores a run's predictions as a first run's are (scoring.services.score_taken): the pair's program
    on a sandbox run, or its metric. A worker that cannot run the program (ProgramUnavailable) stops the
    batch, so the sweeper resumes it elsewhere."""
    if setup.is_program_scored:
        return lambda submission, key: score_with_program(submission, setup, file_key=key)
    solution, columns = solution_for(setup), engine_columns(setup.score_columns)

    def with_metric(submission: Submission, key: str) -> engine.Scores:
        with private_storage().open(key, "rb") as stream:
            return engine.score(solution, stream, columns=columns)

    return with_metric


def refuse_if_every_submission_failed(rescore: Rescore) -> None:
    """New inputs or an ingestion program on which every submission's code fails are broken, not the code:
    the rescore fails rather than empty the boards, and the host reads the first failure's detail."""
    results = RescoredSubmission.objects.filter(rescore=rescore)
    first = results.order_by("submission_id").first()
    if first is None or results.filter(error_code="").exists():
        return
    raise CodeRescoreFailed(
        f"Every code submission failed when run again ({rescore.reason}), so the change was not "
        f"brought in. First failure, submission {first.submission_id}: "
        f"{first.host_error_detail or first.error_message} The current hidden inputs, ingestion and scores "
        "stand."
    )


def bring_in_inputs(rescore: Rescore, pair: PhaseTrack) -> None:
    """At the switch: the pair takes the rescore's hidden inputs and ingestion program, and the rescore's
    runs become the hidden runs the participants see."""
    pair.code_inputs_key = rescore.code_inputs_key
    pair.code_inputs_sha256 = rescore.code_inputs_sha256
    pair.ingestion_program_key = rescore.ingestion_program_key
    pair.save(update_fields=["code_inputs_key", "code_inputs_sha256", "ingestion_program_key"])
    CodeRun.objects.filter(rescore_id=rescore.pk).update(awaits_switch=False)
