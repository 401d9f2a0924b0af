"""Setting a pair's scoring program, its dry run, and the rule that a draft with an unchecked program is
not published (docs/scoring-programs.md)."""

from __future__ import annotations

import hashlib
import io
import json
import tempfile
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from competitions import locks
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
from scoring_programs.models import ProgramRun, SampleCode, ScoringProgram
from scoring_programs.runs import Inputs, SubmissionUnreadable, execute, finish
from scoring_programs.signals import program_awaits_rescore, program_change_checking
from submissions.models import Submission
from submissions.services import enqueue_scoring

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
    dry_run: bool = True,
) -> ScoringProgram:
    """Check and store a program for the pair, map its scores to the pair's columns, and queue its dry run
    on the sample submission (or on `dry_run_on`, a private storage key: an imported bundle's solution);
    the pair is scored by it from now on (`dry_run=False`: the caller starts the dry run once the pair's
    inputs are in, as for an imported bundle's code solution). On a pair with scored submissions, a rescore
    brings it in instead (scoring.program_rescoring, told by a signal): the boards switch once it has scored
    them."""
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
        "runtime": competition.sandbox_runtime,
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
        if dry_run:
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
    """Queue a dry run of the program and record on it what it runs on, so a lost task message or a second
    delivery loses nothing: `sample_key` (a private file: an imported bundle's result solution); else, where
    the pair takes code and the host gave a sample code, that code (a host test submission of kind code: the
    scoring queue runs it through ingestion on the hidden inputs, then scores its predictions in this run);
    else the competition's sample_submission.csv. `queued=False` leaves it for the caller to run (a program
    rescore runs it first)."""
    from scoring_programs.tasks import dry_run_program

    run = ProgramRun(
        program=program, program_fingerprint=program.fingerprint, purpose=ProgramRun.Purpose.DRY_RUN
    )
    sample_code = None if sample_key else usable_sample_code(program.pair)
    if sample_key:
        run.sample_key = sample_key
    elif sample_code is not None:
        run.submission = code_test_of(sample_code)
    else:
        public = sample_submission_key(program.pair.competition)
        run.sample_key, run.sample_is_public = public or "", bool(public)
    run.save()
    if queued and run.submission_id is not None:
        submission_id = run.submission_id
        transaction.on_commit(lambda: enqueue_scoring(submission_id))
    elif queued:
        transaction.on_commit(lambda: dry_run_program.delay(run.pk))
    return run


def usable_sample_code(pair: PhaseTrack) -> SampleCode | None:
    """The pair's sample code, while the pair takes code and has the hidden inputs it runs on."""
    if not (pair.takes_code and pair.code_inputs_key):
        return None
    return SampleCode.objects.filter(pair=pair).select_related("uploaded_by").first()


def code_test_of(sample: SampleCode) -> Submission:
    """A host test submission of the sample code, not yet queued: scored like any code submission (sample
    and hidden runs, then the pair's scoring), outside every board and quota; its runs' logs are the host's."""
    pair = sample.pair
    return Submission.with_host_tests.create(
        competition_id=pair.competition_id,
        phase_track=pair,
        team=None,
        submitted_by=sample.uploaded_by,
        kind=Submission.Kind.CODE,
        file_name=sample.file_name,
        file_key=sample.file_key,
        file_size=sample.file_size,
        file_sha256=sample.file_sha256,
        is_host_test=True,
        counts_against_quota=False,
    )


def execute_dry_run(run_id: int, sample_key: str = "") -> None:
    """Run a queued dry run on the file it recorded (`sample_key`, from the task message, serves runs queued
    before runs recorded it); a second delivery of a run already taken does nothing, and a code dry run is
    the scoring queue's (start_dry_run)."""
    claimed = ProgramRun.objects.filter(
        pk=run_id, status=ProgramRun.Status.QUEUED, submission__isnull=True
    ).update(status=ProgramRun.Status.RUNNING)
    if not claimed:
        return
    run = ProgramRun.objects.select_related("program__pair__competition").get(pk=run_id)
    program = run.program
    key, public = run.sample_key or sample_key, run.sample_is_public
    if not key:
        key, public = sample_submission_key(program.pair.competition) or "", True
    if not key:
        finish(run, status=ProgramRun.Status.FAILED, failure=no_sample_failure(program.pair))
        return
    storage = public_storage() if public else private_storage()
    name = SAMPLE_SUBMISSION_NAME if public else Path(key).name
    run_dry(run, program, Inputs(name=name, open=lambda: storage.open(key, "rb")))


def no_sample_failure(pair: PhaseTrack) -> str:
    if pair.takes_code:
        return (
            f"The competition has no {SAMPLE_SUBMISSION_NAME} in its public data and {pair.phase.name} / "
            f"{pair.track.name} has no sample code: upload a sample code submission on the Host tab's scoring "
            "program page (its predictions are what the program runs on)."
        )
    return f"The competition has no {SAMPLE_SUBMISSION_NAME} in its public data to run the program on."


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


def run_programs_in_new_runtime(sender: type, competition: Competition, **kwargs: object) -> None:
    """competitions.signals.sandbox_runtime_changed (a draft's): its programs take the runtime and run their
    dry runs again in it, on what the last ones ran on, so publishing waits until they pass there too."""
    current = ScoringProgram.objects.filter(phase_track__competition=competition)
    current.update(runtime=competition.sandbox_runtime)
    for program in current:
        start_dry_run(program, sample_key=hosts_own_sample(program))


CODE_HINT = " This track takes code: its dry run can run a sample code submission you upload there instead."


def dry_run_input(run: ProgramRun | None) -> str:
    return "the sample code" if run is not None and run.submission_id else "the sample submission"


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
                f"run on {dry_run_input(run)} {state}. Open the Host tab's scoring program page to see why."
                + (CODE_HINT if pair.takes_code and not (run and run.submission_id) else ""),
                code="scoring_program_not_checked",
                details={"phase": pair.phase.number, "track": pair.track.slug},
            )


UNFINISHED = (ProgramRun.Status.QUEUED, ProgramRun.Status.RUNNING)


def rerun_dry_run(*, competition: Competition, user: User, pair: PhaseTrack) -> ProgramRun:
    """Queue the pair's program's dry run again, on the file the last one ran on if it was the host's (an
    imported bundle's solution), else on what start_dry_run finds now (the sample code, the sample
    submission); refused while the latest one is waiting or running (unless it is lost, is_lost), so a
    double click queues one run."""
    require_manager(user, competition, SETS_PROGRAM)
    with transaction.atomic():
        locks.lock_competition(competition.pk)  # one rerun at a time: a double click queues one run
        program = ScoringProgram.objects.filter(phase_track=pair).first()
        if program is None:
            raise ProgramRefused(
                f"{pair.phase.name} / {pair.track.name} has no scoring program to dry-run: its metric scores it.",
                code="no_scoring_program",
                details={"field": "program"},
            )
        unfinished = latest_dry_run(program)
        if unfinished is not None and unfinished.status in UNFINISHED and not is_lost(unfinished):
            raise ProgramRefused(
                f"Dry run {unfinished.pk} of this program is still {unfinished.get_status_display().lower()}; "
                "wait for it to finish before running it again.",
                code="dry_run_running",
                details={"field": "program", "run": unfinished.pk},
            )
        return start_dry_run(program, sample_key=hosts_own_sample(program))


def hosts_own_sample(program: ScoringProgram) -> str:
    """The private file the program's latest dry run ran on (an imported bundle's solution), which a new
    dry run keeps; "" when it ran on what start_dry_run finds by itself."""
    latest = latest_dry_run(program)
    return latest.sample_key if latest and not latest.sample_is_public else ""


def is_lost(run: ProgramRun) -> bool:
    """A dry run still unfinished past the longest it could take (the sweeper's wait, then three sandbox
    runs: the sample code's two and the program's) lost its task message or its worker: it no longer holds
    up the host's "run it again"."""
    longest = settings.PODIUM_REQUEUE_AFTER + 3 * (
        settings.PODIUM_SANDBOX_WALL_SECONDS + settings.PODIUM_SANDBOX_TASK_MARGIN
    )
    return run.created_at < timezone.now() - timedelta(seconds=longest)


def pending_dry_run_of(submission: Submission) -> ProgramRun | None:
    """The code dry run a host test submission carries (start_dry_run), while it has not finished: its
    scoring runs that dry run's program in that run."""
    if not submission.is_host_test:
        return None
    return (
        ProgramRun.objects.filter(
            submission=submission, purpose=ProgramRun.Purpose.DRY_RUN, status__in=UNFINISHED
        )
        .select_related("program")
        .first()
    )


def fail_pending_dry_run(submission: Submission, failure: str) -> None:
    """The sample code's submission failed before its program could score it (its code crashed, wrote no
    predictions, or Podium could not run it): its dry run failed, and says why."""
    run = pending_dry_run_of(submission)
    if run is not None:
        finish(run, status=ProgramRun.Status.FAILED, failure=failure)
