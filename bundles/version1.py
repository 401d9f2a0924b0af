"""competition.yaml version 1.5 (CodaLab Competitions), where it maps: one track, each phase with its own
programs and data, HTML pages by role, and columns declared under `leaderboard.columns`."""

from __future__ import annotations

from datetime import datetime

from bundles.mapping import (
    PHASE_DROPPED,
    assemble_pages,
    check_phase_dates,
    checked_column,
    checked_limits,
    finish_columns,
    new_plan,
    phase_end,
    read_logo,
    shared_report,
    title_and_description,
)
from bundles.plan import (
    DATA_KINDS,
    PROGRAM_KINDS,
    PUBLIC_KINDS,
    BundlePlan,
    PagePlan,
    PairPlanned,
    PhasePlanned,
    TaskPlanned,
)
from bundles.reading import Reader

KNOWN = {"version", "title", "description", "image", "end_date", "html", "phases", "leaderboard"}
PHASE_KEYS = {
    "phasenumber", "label", "description", "start_date", "max_submissions", "max_submissions_per_day",
    "execution_time_limit", *PROGRAM_KINDS, *DATA_KINDS, *PUBLIC_KINDS,
}  # fmt: skip
LIMIT_NAMES = {
    "max_submissions_per_day": "daily_submission_limit",
    "max_submissions": "total_submission_limit",
}
PAGE_ROLES = {"overview": "Overview", "evaluation": "Evaluation", "data": "Data"}


def map_version1(reader: Reader, data: dict) -> BundlePlan:
    plan = new_plan("1.5")
    title_and_description(reader, data, plan)
    shared_report(plan, data, KNOWN)
    read_logo(reader, data, plan)
    read_html(reader, data, plan)
    task = TaskPlanned(index=0, name="Main", slug="main", description="")
    plan.tasks.append(task)
    plan.note(
        "mapped",
        "phases",
        "a version 1.5 bundle has no tasks: one track, 'Main', with each phase's programs.",
    )
    read_phases(reader, data, plan)
    read_columns(reader, data, plan)
    return plan


def read_html(reader: Reader, data: dict, plan: BundlePlan) -> None:
    html = reader.mapping(data.get("html"), "html")
    terms = reader.page(html["terms"], "html.terms") if html.get("terms") else None
    for role, path in html.items():
        if role == "terms" or not path:
            continue
        found = reader.page(path, f"html.{role}")
        if found:
            title = PAGE_ROLES.get(str(role), str(role).replace("_", " ").capitalize())
            plan.pages.append(PagePlan(title=title, text=found[0], source=found[1]))
    assemble_pages(plan, terms)


def read_phases(reader: Reader, data: dict, plan: BundlePlan) -> None:
    phases = reader.mapping(data.get("phases"), "phases")
    if not phases:
        reader.problem("phases", "is required: a competition has at least one phase.")
        return
    ordered = sorted(phases.items(), key=lambda item: (reader_number(item[1], item[0])))
    keys, starts, raw = [], [], []
    for name, phase_raw in ordered:
        key = f"phases.{name}"
        phase = reader.mapping(phase_raw, key)
        start = reader.moment(phase.get("start_date"), f"{key}.start_date")
        if start is None and not phase.get("start_date"):
            reader.problem(f"{key}.start_date", "is required: the date the phase opens.")
        if start is None:
            continue
        keys.append(key)
        starts.append(start)
        raw.append(phase)
    if not starts:
        return
    last_end = reader.moment(data.get("end_date"), "end_date")
    ends = [*starts[1:], last_end]
    resolved = phase_end(reader, plan, ends, starts, keys)
    for key, phase, start, end in zip(keys, raw, starts, resolved, strict=True):
        read_phase(reader, plan, phase, key, start, end)
    check_phase_dates(reader, plan, keys, start="start_date", end="end_date")


def reader_number(phase: object, name: object) -> int:
    number = phase.get("phasenumber") if isinstance(phase, dict) else None
    for value in (number, name):
        try:
            return int(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            continue
    return 0


def read_phase(
    reader: Reader, plan: BundlePlan, phase: dict, key: str, start: datetime, end: datetime
) -> None:
    limits = checked_limits(reader, phase, key, LIMIT_NAMES)
    planned = PhasePlanned(
        index=len(plan.phases),
        name=reader.text(phase.get("label"), f"{key}.label", longest=100) or f"Phase {len(plan.phases) + 1}",
        description=reader.text(phase.get("description"), f"{key}.description"),
        start_at=start,
        end_at=end,
        daily_submission_limit=limits["daily_submission_limit"],
        total_submission_limit=limits["total_submission_limit"],
        execution_time_limit=reader.whole(
            phase.get("execution_time_limit"), f"{key}.execution_time_limit", minimum=1
        ),
        tasks=[0],
    )
    if not phase.get("scoring_program"):
        reader.problem(f"{key}.scoring_program", "is required: every phase has a scoring program.")
    files = {}
    for kind in (*PROGRAM_KINDS, *DATA_KINDS):
        if phase.get(kind) and (
            path := reader.resource(phase[kind], f"{key}.{kind}", is_program=kind in PROGRAM_KINDS)
        ):
            files[kind] = path
    for kind in PUBLIC_KINDS:
        if phase.get(kind) and (path := reader.resource(phase[kind], f"{key}.{kind}")):
            planned.public_files[kind] = path
    plan.phases.append(planned)
    plan.pairs.append(PairPlanned(phase=planned.index, task=0, files=files))
    plan.note("mapped", key, f"phase '{planned.name}'.")
    for kind, path in planned.public_files.items():
        plan.note("mapped", f"{key}.{kind}", f"'{path}', downloadable by participants from the Data tab.")
    for extra in sorted(set(phase) - PHASE_KEYS, key=str):
        plan.note("dropped", f"{key}.{extra}", PHASE_DROPPED.get(extra, "not a phase setting Podium has."))


def read_columns(reader: Reader, data: dict, plan: BundlePlan) -> None:
    leaderboard = reader.mapping(data.get("leaderboard"), "leaderboard")
    raw_columns = reader.mapping(leaderboard.get("columns"), "leaderboard.columns")
    ordered = sorted(raw_columns.items(), key=lambda item: rank_of(item[1]))
    columns = []
    for score_key, raw in ordered:
        key = f"leaderboard.columns.{score_key}"
        column = dict(reader.mapping(raw, key))
        column.setdefault("key", score_key)
        board = column.get("leaderboard")
        title = board.get("label", "Results") if isinstance(board, dict) else "Results"
        checked = checked_column(reader, column, key, str(title), "sort", "numeric_format")
        if checked:
            columns.append((key, *checked))
    finish_columns(reader, plan, columns)


def rank_of(column: object) -> int:
    rank = column.get("rank") if isinstance(column, dict) else None
    return rank if isinstance(rank, int) and not isinstance(rank, bool) else 10_000
