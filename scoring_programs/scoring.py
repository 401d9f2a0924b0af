"""Scoring a submission with its pair's program: called by scoring.services.score_taken, under its lease,
on a sandbox worker. The participant never reads the program's output: a failure shows them a generic
reason naming the run, the host the run's detail and logs."""

from __future__ import annotations

from competitions.phases import ScoringSetup
from datasets.storage import private_storage
from execution.runtimes import RuntimeUnavailable
from execution.sandbox import SandboxUnavailable
from scoring import engine
from scoring_programs.models import ProgramRun, ScoringProgram
from scoring_programs.runs import Inputs, SubmissionUnreadable, execute
from scoring_programs.services import pending_dry_run_of
from submissions.models import Submission

PARTICIPANT_FAILURE = (
    "The host's scoring program could not score this submission (reference: run {run}). The host can see "
    "why; ask them if you think your file is right."
)


class ProgramUnavailable(Exception):
    """This worker could not run the program at all (no bubblewrap, an unknown runtime): Podium's fault, so
    scoring records an internal error that does not count against the quota."""


def score_with_program(
    submission: Submission, setup: ScoringSetup, file_key: str = "", program: ScoringProgram | None = None
) -> engine.Scores:
    """Run the pair's program (or `program`, the new one a rescore brings in) on the submission (or on
    `file_key`, the predictions a code submission wrote); its primary column is both the public and the
    private score (one run has one value per column: programs split public and private with phases). A host
    test of the sample code is scored in the dry run it carries, by that run's program."""
    run = None if program else pending_dry_run_of(submission)
    if run is not None:  # the host's sample code: this scoring is its program's dry run
        program = run.program
    else:
        program = program or ScoringProgram.objects.get(phase_track_id=submission.phase_track_id)
        run = ProgramRun.objects.create(
            program=program,
            program_fingerprint=program.fingerprint,
            submission=submission,
            purpose=ProgramRun.Purpose.SCORING,
        )
    key = file_key or submission.file_key
    name = submission.file_name if key == submission.file_key else "predictions.csv"
    inputs = Inputs(name=name, open=lambda: private_storage().open(key, "rb"))
    try:
        execute(run, program=program, setup=setup, submission=inputs)
    except SubmissionUnreadable as error:
        raise engine.SubmissionError(
            "unreadable_zip", str(error), f"Scoring program run {run.pk}."
        ) from error
    except (SandboxUnavailable, RuntimeUnavailable) as error:
        raise ProgramUnavailable(f"Scoring program run {run.pk}: {error}") from error
    if run.status != ProgramRun.Status.SUCCEEDED:
        raise engine.SubmissionError(
            "program_failed",
            PARTICIPANT_FAILURE.format(run=run.pk),
            f"Scoring program run {run.pk}: {run.failure} "
            "Its logs are on the Host tab's scoring program page.",
        )
    primary = program.primary["label"]
    columns = {label: value for label, value in run.scores.items() if label != primary}
    return engine.Scores(
        public=run.scores[primary],
        private=run.scores[primary],
        public_columns=columns,
        private_columns=dict(columns),
    )
