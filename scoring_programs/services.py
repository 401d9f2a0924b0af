"""Setting a pair's scoring program, its dry run, and the rule that a draft with an unchecked program is
not published (docs/scoring-programs.md)."""

from __future__ import annotations

import hashlib
import io
import json
import tempfile
from collections.abc import Mapping
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from competitions.errors import CompetitionError
from competitions.models import SAMPLE_SUBMISSION_NAME, Competition, PhaseTrack
from competitions.phase_setup import forget_pairs
from competitions.phases import scoring_setup
from competitions.queries import require_manager
from datasets.storage import private_storage, public_storage, store
from execution.archives import BadArchive, content_digest, extract_zip
from execution.runtimes import RuntimeUnavailable
from execution.sandbox import SandboxUnavailable
from scoring_programs.archive import read_program, refused
from scoring_programs.columns import check_columns, check_limits, pair_columns
from scoring_programs.errors import ProgramRefused
from scoring_programs.models import ProgramRun, ScoringProgram
from scoring_programs.runs import Inputs, SubmissionUnreadable, execute, finish
from scoring_programs.signals import program_awaits_rescore, program_change_checking

SETS_PROGRAM = "set its scoring program"


def has_scores(pair: PhaseTrack) -> bool:
    return pair.submissions.filter(status="scored").exists()


def require_no_scores(pair: PhaseTrack) -> None:
    """Participants' scores stand on the boards: the program that made them stays (a rescore's job)."""
    if has_scores(pair):
        raise ProgramRefused(
            f"{pair.phase.name} / {pair.track.name} has scored submissions; its scoring program cannot change now.",
            code="pair_has_scores",
            details={"field": "program"},
        )


def program_cap() -> int:
    return settings.PODIUM_SANDBOX_INPUT_MB * 1024**2


def check_reference(data: bytes, file_name: str) -> None:
    """The host's reference zip unpacks safely (paths, links, size) before it is stored."""
    with tempfile.TemporaryDirectory(prefix="podium-reference-") as folder:
        try:
            extract_zip(io.BytesIO(data), Path(folder), max_bytes=program_cap())
        except BadArchive as error:
            raise refused(file_name, str(error), code="bad_archive") from error


def program_fingerprint(
    *, archive: bytes, reference: bytes | None, command: list, columns: list, limits: Mapping[str, object]
) -> str:
    """What the pair's scores depend on: the program's and the reference data's content (not their zips'
    bytes, so the same files packed again change nothing), its command, columns and limits."""
    contents = [content_digest(archive), content_digest(reference) if reference else ""]
    return hashlib.sha256(
        json.dumps([*contents, command, columns, limits], sort_keys=True).encode()
    ).hexdigest()


def set_scoring_program(
    *,
    competition: Competition,
    user: User,
    pair: PhaseTrack,
    archive_name: str,
    archive: bytes,
    columns: object,
    limits: Mapping[str, object] | None = None,
    reference_name: str = "",
    reference: bytes | None = None,
    dry_run_on: str = "",
) -> ScoringProgram:
    """Check and store a program for the pair, map its scores to the pair's columns, and queue its dry run
    on the sample submission (or on `dry_run_on`, a private storage key: an imported bundle's solution);
    the pair is scored by it from now on. On a pair with scored submissions, a rescore brings it in instead
    (scoring.program_rescoring, told by a signal): the boards switch once it has scored them."""
    require_manager(user, competition, SETS_PROGRAM)
    rescores = has_scores(pair)
    if rescores:
        if not pair.program_fingerprint:
            raise ProgramRefused(
                f"{pair.phase.name} / {pair.track.name} has scored submissions; its metric scores them, so "
                "it cannot take a scoring program now.",
                code="pair_has_scores",
                details={"field": "program"},
            )
        program_change_checking.send(sender=ScoringProgram, competition=competition, pair=pair)
    parsed = read_program(archive, file_name=archive_name or "program.zip", max_bytes=program_cap())
    checked_columns = check_columns(columns)
    checked_limits = check_limits(limits or {})
    if reference is not None:
        check_reference(reference, reference_name or "reference.zip")
    folder = f"scoring-programs/{competition.slug}/phase-{pair.phase.number}-{pair.track.slug}"
    stored = store(private_storage(), folder, "program.zip", io.BytesIO(archive))
    stored_reference = (
        store(private_storage(), folder, "reference.zip", io.BytesIO(reference)) if reference else None
    )
    fields = {
        "archive_name": archive_name[:255],
        "archive_key": stored.key,
        "archive_sha256": stored.sha256,
        "reference_name": reference_name[:255] if stored_reference else "",
        "reference_key": stored_reference.key if stored_reference else "",
        "reference_sha256": stored_reference.sha256 if stored_reference else "",
        "command": parsed.command,
        "columns": checked_columns,
        **checked_limits,
        "uploaded_by": user,
        "uploaded_at": timezone.now(),
    }
    fields["fingerprint"] = program_fingerprint(
        archive=archive,
        reference=reference,
        command=parsed.command,
        columns=checked_columns,
        limits=checked_limits,
    )
    if rescores:
        if fields["fingerprint"] == pair.program_fingerprint:
            raise ProgramRefused(
                "Nothing would change: this is the program, reference data, columns and limits the pair has.",
                code="nothing_to_rescore",
                details={"field": "program"},
            )
        with transaction.atomic():
            program = ScoringProgram.objects.create(pair=pair, **fields)
            program_awaits_rescore.send(
                sender=ScoringProgram, competition=competition, user=user, pair=pair, program=program
            )
        return program
    with transaction.atomic():
        ScoringProgram.objects.filter(phase_track=pair).update(phase_track=None)
        program = ScoringProgram.objects.create(pair=pair, phase_track=pair, **fields)
        pair.program_fingerprint = program.fingerprint
        pair.program_higher_is_better = program.primary["higher_is_better"]
        pair.score_columns = pair_columns(checked_columns)
        pair.save(update_fields=["program_fingerprint", "program_higher_is_better", "score_columns"])
        forget_pairs(competition)
        start_dry_run(program, sample_key=dry_run_on)
    return program


def delete_scoring_program(*, competition: Competition, user: User, pair: PhaseTrack) -> None:
    """Score the pair with its catalogue metric again."""
    require_manager(user, competition, SETS_PROGRAM)
    require_no_scores(pair)
    with transaction.atomic():
        deleted, _ = ScoringProgram.objects.filter(phase_track=pair).delete()
        if not deleted:
            raise ProgramRefused(
                f"{pair.phase.name} / {pair.track.name} has no scoring program.",
                code="no_scoring_program",
                details={},
            )
        pair.program_fingerprint, pair.program_higher_is_better, pair.score_columns = "", None, None
        pair.save(update_fields=["program_fingerprint", "program_higher_is_better", "score_columns"])
        forget_pairs(competition)


def start_dry_run(program: ScoringProgram, *, sample_key: str = "", queued: bool = True) -> ProgramRun:
    """Queue a run of the program on the competition's sample submission (or the private file at
    `sample_key`), on the sandbox workers (or leave it for the caller to run, `queued=False`: a program
    rescore runs it first)."""
    from scoring_programs.tasks import dry_run_program

    run = ProgramRun.objects.create(
        program=program, program_fingerprint=program.fingerprint, purpose=ProgramRun.Purpose.DRY_RUN
    )
    if queued:
        transaction.on_commit(lambda: dry_run_program.delay(run.pk, sample_key))
    return run


def execute_dry_run(run_id: int, sample_key: str = "") -> None:
    """Run a queued dry run (on the private file at `sample_key` when given); a second delivery of a run
    already taken does nothing."""
    claimed = ProgramRun.objects.filter(pk=run_id, status=ProgramRun.Status.QUEUED).update(
        status=ProgramRun.Status.RUNNING
    )
    if not claimed:
        return
    run = ProgramRun.objects.select_related("program__pair__competition").get(pk=run_id)
    program = run.program
    if sample_key:
        inputs = Inputs(name=Path(sample_key).name, open=lambda: private_storage().open(sample_key, "rb"))
        run_dry(run, program, inputs)
        return
    sample = sample_submission_key(program.pair.competition)
    if sample is None:
        finish(
            run,
            status=ProgramRun.Status.FAILED,
            failure=f"The competition has no {SAMPLE_SUBMISSION_NAME} in its public data to run the program on.",
        )
        return
    inputs = Inputs(name=SAMPLE_SUBMISSION_NAME, open=lambda: public_storage().open(sample, "rb"))
    run_dry(run, program, inputs)


def run_dry(run: ProgramRun, program: ScoringProgram, inputs: Inputs) -> None:
    pair = program.pair
    try:
        execute(run, program=program, setup=scoring_setup(pair, pair.competition), submission=inputs)
    except (SubmissionUnreadable, SandboxUnavailable, RuntimeUnavailable, BadArchive):
        return  # recorded on the run


def sample_submission_key(competition: Competition) -> str | None:
    """The public storage key of the sample submission Podium generated from the solution, if any."""
    version = competition.data_version
    if version is None:
        return None
    found = version.files.filter(name=SAMPLE_SUBMISSION_NAME).values_list("storage_key", flat=True)
    return found.first()


def latest_dry_run(program: ScoringProgram) -> ProgramRun | None:
    """The newest dry run of the program as it is now (a new upload or mapping starts a new one)."""
    return (
        ProgramRun.objects.filter(
            program=program, purpose=ProgramRun.Purpose.DRY_RUN, program_fingerprint=program.fingerprint
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def refuse_publishing_until_dry_run_passes(sender: type, competition: Competition, **kwargs: object) -> None:
    """competitions.signals.publishing: a draft whose scoring program has not passed its dry run stays a
    draft, so a broken program is found before participants submit."""
    current = ScoringProgram.objects.filter(phase_track__competition=competition)
    for program in current.select_related("pair__phase", "pair__track"):
        run = latest_dry_run(program)
        if run is None or run.status != ProgramRun.Status.SUCCEEDED:
            state = "has not finished" if run is None or not run.is_finished else "failed"
            pair = program.pair
            raise CompetitionError(
                f"The scoring program of {pair.phase.name} / {pair.track.name} cannot be published yet: its dry "
                f"run on the sample submission {state}. Open the Host tab's scoring program page to see why.",
                code="scoring_program_not_checked",
                details={"phase": pair.phase.number, "track": pair.track.slug},
            )
