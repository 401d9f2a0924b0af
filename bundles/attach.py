"""Attaching an imported bundle's programs and data to its draft's phase-track pairs, so the draft runs and
scores as on Codabench: each pair gets its task's scoring program (with the leaderboard's columns and the
reference data), its ingestion program and input data where the task runs code, and a dry run of the program
on the task's result solution, or else on its code solution (the pair's sample code). Each outcome is a line of the import's report (docs/codabench.md)."""

from __future__ import annotations

import io
import zipfile
from contextlib import ExitStack
from pathlib import Path

from django.conf import settings

from bundles.models import BundleImport
from competitions.errors import CompetitionError
from competitions.models import Competition, PhaseTrack
from competitions.phases import pairs_of
from config.errors import DomainError
from datasets.storage import private_storage
from scoring_programs.errors import ProgramRefused
from scoring_programs.models import ScoringProgram
from scoring_programs.sample_code import set_sample_code
from scoring_programs.services import set_scoring_program, start_dry_run
from submissions.code import ENTRY_POINTS, set_code_inputs


def report_line(status: str, subject: str, detail: str) -> dict:
    return {"status": status, "subject": subject, "detail": detail}


def attach_imported(imported: BundleImport) -> list[dict]:
    """Set each pair's scoring program and code inputs from the bundle; the report lines of what was
    attached, queued or could not be (a program Podium refuses leaves its pair unscored, and publishing is
    refused until the host sets it)."""
    competition = imported.competition
    attachments = imported.plan.get("attachments", [])
    columns = program_columns(imported.plan.get("columns", []))
    lines: list[dict] = []
    for pair in pairs_of(competition):
        attachment, borrowed = attachment_for(pair, attachments)
        subject = f"phase '{pair.phase.name}' / track '{pair.track.name}'"
        if attachment is None:
            lines.append(report_line("not attached", subject, "the bundle gives no scoring program for it."))
            continue
        if borrowed:
            lines.append(
                report_line(
                    "attached",
                    subject,
                    f"the phase does not list this task; it is scored as in phase {attachment['phase']}, by "
                    "the task's own programs.",
                )
            )
        try:
            lines.extend(attach_pair(imported, pair, attachment, columns, subject))
        except DomainError as error:
            lines.append(report_line("not attached", subject, f"{error.message} Set it on the Host tab."))
    return lines


def attachment_for(pair: PhaseTrack, attachments: list[dict]) -> tuple[dict | None, bool]:
    """The bundle's programs for this phase and track; for a phase that does not list the task, the task's
    programs from another phase (a Codabench task carries its programs into every phase)."""
    of_track = [entry for entry in attachments if entry["track"] == pair.track.slug]
    exact = next((entry for entry in of_track if entry["phase"] == pair.phase.number), None)
    if exact is not None:
        return exact, False
    return (of_track[0], True) if of_track else (None, False)


def program_columns(planned: list[dict]) -> list[dict]:
    """The leaderboard's columns as a scoring program's: the first (Codabench's ranking order) is primary,
    and shown even where the bundle hides it, since it ranks the board."""
    return [
        {
            "key": column["key"],
            "label": column["label"],
            "direction": "higher" if column["higher_is_better"] else "lower",
            "precision": column["precision"],
            "shown": position == 0 or not column["hidden"],
            "primary": position == 0,
        }
        for position, column in enumerate(planned)
    ]


def read_private(key: str) -> bytes:
    with private_storage().open(key, "rb") as stream:
        return stream.read()


def attach_pair(
    imported: BundleImport, pair: PhaseTrack, attachment: dict, columns: list[dict], subject: str
) -> list[dict]:
    files = attachment["files"]
    lines: list[dict] = []
    if not columns:
        return [report_line("not attached", subject, "the bundle's leaderboard has no columns to fill.")]
    if "scoring_program" not in files:
        return [report_line("not attached", subject, "the bundle gives no scoring program for it.")]
    sample = result_solution(attachment["solutions"])
    code_solution = None if sample else first_code_solution(attachment["solutions"])
    limits, capped = run_limits(attachment.get("execution_time_limit"))
    reference = files.get("reference_data")
    program = set_scoring_program(
        competition=imported.competition,
        user=imported.host,
        pair=pair,
        archive_name="scoring_program.zip",
        archive=with_metadata_yaml(read_private(files["scoring_program"]["key"])),
        columns=columns,
        limits=limits,
        reference_name="reference_data.zip" if reference else "",
        reference=read_private(reference["key"]) if reference else None,
        dry_run_on=sample or "",
        dry_run=code_solution is None,  # a code solution's dry run waits for the pair's code inputs
    )
    detail = "the scoring program is attached, scoring the columns " + ", ".join(
        column["label"] for column in columns
    )
    detail += "; its reference data is in /app/input/ref." if reference else "; it has no reference data."
    if capped:
        detail += f" Its run limit is this server's maximum, {limits['wall_seconds']} s, not the bundle's {capped} s."
    lines.append(report_line("attached", subject, detail))
    if sample:
        lines.append(
            report_line(
                "attached",
                subject,
                "the program's dry run is queued on the task's solution; publishing waits until it passes.",
            )
        )
    lines.extend(attach_code(imported, pair, files, subject))
    if code_solution:
        lines.append(attach_code_solution(imported, pair, program, code_solution, subject))
    elif not sample:
        lines.append(report_line("not attached", subject, NO_DRY_RUN))
    return lines


NO_DRY_RUN = (
    "no dry run: the bundle has no solution for this task to run the program on. Where the track takes code, "
    "upload a sample code submission on the Host tab's scoring program page (the dry run runs it through the "
    "ingestion, then the program on its predictions); otherwise add a sample_submission.csv (a result the "
    "program reads) to the competition's data and run the dry run again there, or import the bundle with a "
    "result solution. Publishing waits until a dry run passes."
)


def attach_code_solution(
    imported: BundleImport, pair: PhaseTrack, program: ScoringProgram, key: str, subject: str
) -> dict:
    """The task's code solution as the pair's sample code: the program's dry run runs it through the pair's
    ingestion on the input data and scores its predictions. Where the pair cannot run it (no input data),
    the dry run is queued on what there is, and fails saying so."""
    try:
        with private_storage().open(key, "rb") as stream:
            set_sample_code(
                competition=pair.competition,
                user=imported.host,
                pair=pair,
                file_name=Path(key).name,
                stream=stream,
            )
    except ProgramRefused as error:
        start_dry_run(program)
        return report_line("not attached", subject, f"the code solution: {error.message} {NO_DRY_RUN}")
    return report_line(
        "attached",
        subject,
        "the program's dry run is queued on the task's code solution: it runs through the ingestion on the "
        "input data, then the program scores its predictions; publishing waits until it passes.",
    )


def attach_code(imported: BundleImport, pair: PhaseTrack, files: dict, subject: str) -> list[dict]:
    """A task with input data runs participants' code on it (with its own ingestion program, or Podium's
    default one); result zips stay welcome, as on Codabench, where a zip's content says which it is."""
    if "input_data" not in files:
        if "ingestion_program" in files:
            return [
                report_line(
                    "not attached",
                    subject,
                    "the ingestion program: the task has no input_data for it to run on, so the track takes "
                    "result zips only.",
                )
            ]
        return []
    ingestion = files.get("ingestion_program")
    with ExitStack() as streams:
        inputs = streams.enter_context(private_storage().open(files["input_data"]["key"], "rb"))
        program = streams.enter_context(private_storage().open(ingestion["key"], "rb")) if ingestion else None
        set_code_inputs(
            competition=imported.competition,
            user=imported.host,
            pair=pair,
            accepts=PhaseTrack.Accepts.BOTH,
            hidden_inputs=(Path(files["input_data"]["key"]).name, inputs),
            ingestion_program=("ingestion_program.zip", program) if program else None,
        )
    program_text = "its ingestion program" if ingestion else "Podium's default ingestion (model.py)"
    return [
        report_line(
            "attached",
            subject,
            f"takes code and result zips: code runs with {program_text} on the input data (in "
            "/app/input_data, never shown to participants); a zip with model.py, main.py or a metadata file "
            "is code, any other zip a result.",
        )
    ]


def with_metadata_yaml(archive: bytes) -> bytes:
    """The program's zip with its `metadata` file also as `metadata.yaml`, the name Podium's scoring programs
    read (Codabench accepts both; the bundle's reading has checked it names a command)."""
    with zipfile.ZipFile(io.BytesIO(archive)) as source:
        names = set(source.namelist())
        if "metadata.yaml" in names or "metadata" not in names:
            return archive
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                target.writestr(info, source.read(info))
            target.writestr("metadata.yaml", source.read("metadata"))
    return buffer.getvalue()


def result_solution(solutions: list[dict]) -> str | None:
    """The first of the task's solutions that is a result (not code): what the dry run scores."""
    for solution in solutions:
        if not is_code_archive(solution["key"]):
            return solution["key"]
    return None


def first_code_solution(solutions: list[dict]) -> str | None:
    """The first of the task's solutions that is code: the pair's sample code, where it has no result one."""
    return next((solution["key"] for solution in solutions if is_code_archive(solution["key"])), None)


def is_code_archive(key: str) -> bool:
    with private_storage().open(key, "rb") as stream:
        try:
            with zipfile.ZipFile(stream) as archive:
                top = {name for name in archive.namelist() if "/" not in name}
        except zipfile.BadZipFile:
            return False
    return bool(top & set(ENTRY_POINTS))


def run_limits(seconds: object) -> tuple[dict, int | None]:
    """The bundle's execution_time_limit as the program's wall clock, within the operator's maximum; the
    bundle's figure when it had to be lowered."""
    if not isinstance(seconds, int) or isinstance(seconds, bool) or seconds < 1:
        return {}, None
    maximum = settings.PODIUM_SANDBOX_WALL_SECONDS
    return {"wall_seconds": min(seconds, maximum)}, seconds if seconds > maximum else None


def refuse_publishing_unattached_pairs(sender: type, competition: Competition, **kwargs: object) -> None:
    """competitions.signals.publishing: every phase and track of an imported draft needs its scoring program
    (one the bundle gave, or one the host set), or its submissions would have nothing to score them."""
    if not BundleImport.objects.filter(competition=competition).exists() or competition.metric:
        return
    for pair in pairs_of(competition):
        if not pair.program_fingerprint:
            raise CompetitionError(
                f"{pair.phase.name} / {pair.track.name} has no scoring program: the bundle's could not be "
                "attached (the import's report says why). Set one on the Host tab before publishing.",
                code="pair_without_scoring",
                details={"phase": pair.phase.number, "track": pair.track.slug},
            )
