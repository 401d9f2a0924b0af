"""The host's sample code for a phase and track that takes code: what the scoring program's dry run runs on
where no sample_submission.csv fits (a Codabench task with only a code solution, or none). Each dry run
makes a host test submission of kind code from it, which the scoring queue runs through the pair's
ingestion on the hidden inputs and then scores in the dry run (docs/scoring-programs.md)."""

from __future__ import annotations

from typing import IO

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from competitions.models import Competition, PhaseTrack
from competitions.queries import require_manager
from datasets.storage import private_storage, store
from scoring_programs.errors import ProgramRefused
from scoring_programs.models import SampleCode, ScoringProgram
from scoring_programs.services import code_test_of, start_dry_run
from submissions.code import CodeRefused, check_code_zip
from submissions.models import Submission
from submissions.services import enqueue_scoring

SETS_SAMPLE_CODE = "set its sample code"
FIELD = "sample_code"


def refused(message: str, code: str) -> ProgramRefused:
    return ProgramRefused(f"Sample code: {message}", code=code, details={"field": FIELD})


def check_sample_code(pair: PhaseTrack, file_name: str, stream: IO[bytes]) -> None:
    """The pair runs code, on hidden inputs, and the zip is code that can run (submissions.code's checks,
    the ones a participant's zip passes)."""
    where = f"{pair.phase.name} / {pair.track.name}"
    if not pair.takes_code:
        raise refused(
            f"{where} takes prediction files only, so its dry run scores a file (sample_submission.csv); "
            "let it take code on the Host tab first.",
            "pair_takes_files_only",
        )
    if not pair.code_inputs_key:
        raise refused(
            f"{where} has no hidden inputs yet for the code to run on; upload them on the Host tab first.",
            "hidden_inputs_missing",
        )
    try:
        check_code_zip(file_name, stream)
    except CodeRefused as error:
        raise refused(error.message, error.code) from error


def set_sample_code(
    *, competition: Competition, user: User, pair: PhaseTrack, file_name: str, stream: IO[bytes]
) -> SampleCode:
    """Store the pair's sample code (replacing any earlier one) and run it: as the dry run of the pair's
    scoring program, or, where a catalogue metric scores the pair, as a host test submission."""
    require_manager(user, competition, SETS_SAMPLE_CODE)
    check_sample_code(pair, file_name, stream)
    folder = f"scoring-programs/{competition.slug}/phase-{pair.phase.number}-{pair.track.slug}/sample-code"
    stored = store(private_storage(), folder, "code.zip", stream)
    with transaction.atomic():
        sample, _ = SampleCode.objects.update_or_create(
            pair=pair,
            defaults={
                "file_name": file_name[:255],
                "file_key": stored.key,
                "file_size": stored.size,
                "file_sha256": stored.sha256,
                "uploaded_by": user,
                "uploaded_at": timezone.now(),
            },
        )
        program = ScoringProgram.objects.filter(phase_track=pair).first()
        if program is not None:
            start_dry_run(program)
        else:
            run_as_host_test(code_test_of(sample))
    return sample


def run_as_host_test(submission: Submission) -> None:
    transaction.on_commit(lambda: enqueue_scoring(submission.pk))
