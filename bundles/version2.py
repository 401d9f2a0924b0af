"""competition.yaml version 2 (Codabench): tasks are tracks, phases run some of them, leaderboards hold the
columns the scoring program writes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

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
    unique_slug,
)
from bundles.plan import (
    PROGRAM_KINDS,
    PUBLIC_KINDS,
    BundlePlan,
    PagePlan,
    PairPlanned,
    PhasePlanned,
    TaskPlanned,
)
from bundles.reading import Reader

KNOWN = {
    "version",
    "title",
    "description",
    "image",
    "terms",
    "pages",
    "phases",
    "tasks",
    "solutions",
    "leaderboards",
}
TASK_KEYS = {
    "index",
    "name",
    "description",
    "scoring_program",
    "ingestion_program",
    "input_data",
    "reference_data",
}
PHASE_KEYS = {
    "index", "name", "description", "start", "end", "max_submissions_per_day", "max_submissions",
    "execution_time_limit", "tasks", "solutions", *PUBLIC_KINDS,
}  # fmt: skip
LIMIT_NAMES = {
    "max_submissions_per_day": "daily_submission_limit",
    "max_submissions": "total_submission_limit",
}


def map_version2(reader: Reader, data: dict) -> BundlePlan:
    plan = new_plan("2")
    title_and_description(reader, data, plan)
    shared_report(plan, data, KNOWN)
    read_logo(reader, data, plan)
    read_pages(reader, data, plan)
    tasks = read_tasks(reader, data, plan)
    solutions = read_solutions(reader, data, plan, tasks)
    read_phases(reader, data, plan, tasks, solutions)
    read_leaderboards(reader, data, plan)
    return plan


def read_pages(reader: Reader, data: dict, plan: BundlePlan) -> None:
    for position, raw in enumerate(reader.sequence(data.get("pages"), "pages")):
        key = f"pages[{position}]"
        page = reader.mapping(raw, key)
        title = reader.text(page.get("title"), f"{key}.title", required=True, longest=100)
        found = reader.page(page.get("file"), f"{key}.file") if page.get("file") else None
        if page and not page.get("file"):
            reader.problem(f"{key}.file", "is required: the Markdown or HTML file of the page.")
        if found and title:
            plan.pages.append(PagePlan(title=title, text=found[0], source=found[1]))
    terms = reader.page(data["terms"], "terms") if data.get("terms") else None
    assemble_pages(plan, terms)


def read_tasks(reader: Reader, data: dict, plan: BundlePlan) -> dict[int, TaskPlanned]:
    tasks: dict[int, TaskPlanned] = {}
    slugs: set[str] = set()
    raw_tasks = reader.sequence(data.get("tasks"), "tasks")
    if not raw_tasks and "tasks" not in data:
        reader.problem(
            "tasks", "is required: a version 2 bundle names its tasks, each with a scoring program."
        )
    for position, raw in enumerate(raw_tasks):
        key = f"tasks[{position}]"
        task = reader.mapping(raw, key)
        if not task:
            continue
        index = reader.whole(task.get("index"), f"{key}.index")
        if index is None and "index" not in task:
            reader.problem(f"{key}.index", "is required: phases name their tasks by it.")
        if index in tasks:
            reader.problem(f"{key}.index", f"task {index} is defined twice.")
            continue
        name = reader.text(task.get("name"), f"{key}.name", required=True, longest=100)
        planned = TaskPlanned(
            index=index if index is not None else -1 - position,
            name=name,
            slug=unique_slug(name, slugs, position + 1),
            description=reader.text(task.get("description"), f"{key}.description"),
        )
        if task.get("key") and not task.get("scoring_program"):
            reader.problem(
                f"{key}.key",
                "names a task kept on a Codabench server; Podium imports only tasks the bundle holds (give its "
                "scoring_program and data as files of the bundle).",
            )
        elif not task.get("scoring_program"):
            reader.problem(f"{key}.scoring_program", "is required: every task has a scoring program.")
        for kind in ("scoring_program", "ingestion_program", "input_data", "reference_data"):
            if task.get(kind):
                path = reader.resource(task[kind], f"{key}.{kind}", is_program=kind in PROGRAM_KINDS)
                if path:
                    planned.files[kind] = path
        for extra in sorted(set(task) - TASK_KEYS, key=str):
            plan.note("dropped", f"{key}.{extra}", "not a task setting Podium has.")
        tasks[planned.index] = planned
        plan.tasks.append(planned)
        plan.note(
            "mapped",
            key,
            f"track '{planned.name}' ({planned.slug})" + (", the default" if position == 0 else "") + ".",
        )
    return tasks


def read_solutions(reader: Reader, data: dict, plan: BundlePlan, tasks: dict[int, TaskPlanned]) -> set[int]:
    indexes: set[int] = set()
    for position, raw in enumerate(reader.sequence(data.get("solutions"), "solutions")):
        key = f"solutions[{position}]"
        solution = reader.mapping(raw, key)
        if not solution:
            continue
        index = reader.whole(solution.get("index"), f"{key}.index")
        if index is not None:
            indexes.add(index)
        path = reader.resource(solution.get("path"), f"{key}.path") if solution.get("path") else None
        if not solution.get("path"):
            reader.problem(f"{key}.path", "is required: the zip or folder of the solution.")
        for number, task_index in enumerate(reader.sequence(solution.get("tasks"), f"{key}.tasks")):
            if task_index not in tasks:
                reader.problem(f"{key}.tasks[{number}]", f"task {task_index} does not exist.")
            elif path:
                tasks[task_index].solutions.append(path)
        if path:
            plan.note(
                "stored",
                key,
                f"'{path}', kept privately with its tasks; submit it yourself to check the board.",
            )
    return indexes


def read_phases(
    reader: Reader, data: dict, plan: BundlePlan, tasks: dict[int, TaskPlanned], solutions: set[int]
) -> None:
    raw_phases = reader.sequence(data.get("phases"), "phases")
    if not raw_phases:
        reader.problem("phases", "is required: a competition has at least one phase.")
        return
    keys: list[str] = []
    starts: list[datetime] = []
    ends: list[datetime | None] = []
    planned: list[tuple[str, dict]] = []
    for position, raw in enumerate(raw_phases):
        key = f"phases[{position}]"
        phase = reader.mapping(raw, key)
        if not phase:
            continue
        start = reader.moment(phase.get("start"), f"{key}.start")
        if start is None and not phase.get("start"):
            reader.problem(f"{key}.start", "is required: the date the phase opens.")
        end = reader.moment(phase.get("end"), f"{key}.end")
        if start is None:
            continue
        keys.append(key)
        starts.append(start)
        ends.append(end)
        planned.append((key, phase))
    resolved = phase_end(reader, plan, ends, starts, keys)
    for (key, phase), start, end in zip(planned, starts, resolved, strict=True):
        plan.phases.append(read_phase(reader, plan, phase, key, start, end, tasks, solutions))
    check_phase_dates(reader, plan, keys)
    pair_phases_and_tasks(plan, tasks)


def pair_phases_and_tasks(plan: BundlePlan, tasks: dict[int, TaskPlanned]) -> None:
    """Each phase with each task it runs gets the task's programs; Podium has every track in every phase."""
    for planned_phase in plan.phases:
        for task in tasks.values():
            if task.index in planned_phase.tasks:
                plan.pairs.append(
                    PairPlanned(phase=planned_phase.index, task=task.index, files=dict(task.files))
                )
            else:
                plan.note(
                    "dropped",
                    f"phase '{planned_phase.name}' / task '{task.name}'",
                    "the phase does not run this task on Codabench; on Podium every track is in every phase: "
                    "it is there without programs until you attach them.",
                )


def read_phase(
    reader: Reader,
    plan: BundlePlan,
    phase: dict,
    key: str,
    start: datetime,
    end: datetime,
    tasks: dict[int, TaskPlanned],
    solutions: set[int],
) -> PhasePlanned:
    limits = checked_limits(reader, phase, key, LIMIT_NAMES)
    task_indexes = []
    for number, task_index in enumerate(reader.sequence(phase.get("tasks"), f"{key}.tasks")):
        if task_index not in tasks:
            reader.problem(f"{key}.tasks[{number}]", f"task {task_index} does not exist.")
        else:
            task_indexes.append(task_index)
    if "tasks" not in phase:
        reader.problem(f"{key}.tasks", "is required: the tasks the phase runs.")
    for number, solution_index in enumerate(reader.sequence(phase.get("solutions"), f"{key}.solutions")):
        if solution_index not in solutions:
            reader.problem(f"{key}.solutions[{number}]", f"solution {solution_index} does not exist.")
    planned = PhasePlanned(
        index=len(plan.phases),
        name=reader.text(phase.get("name"), f"{key}.name", required=True, longest=100),
        description=reader.text(phase.get("description"), f"{key}.description"),
        start_at=start,
        end_at=end,
        daily_submission_limit=limits["daily_submission_limit"],
        total_submission_limit=limits["total_submission_limit"],
        execution_time_limit=reader.whole(
            phase.get("execution_time_limit"), f"{key}.execution_time_limit", minimum=1
        ),
        tasks=task_indexes,
    )
    for kind in PUBLIC_KINDS:
        if phase.get(kind) and (path := reader.resource(phase[kind], f"{key}.{kind}")):
            planned.public_files[kind] = path
    note_phase(plan, planned, phase, key)
    return planned


def note_phase(plan: BundlePlan, planned: PhasePlanned, phase: dict, key: str) -> None:
    limits = [
        f"{value} a day" if name == "daily_submission_limit" else f"{value} in all"
        for name, value in (
            ("daily_submission_limit", planned.daily_submission_limit),
            ("total_submission_limit", planned.total_submission_limit),
        )
        if value is not None
    ]
    plan.note(
        "mapped",
        key,
        f"phase '{planned.name}'" + (f", submissions: {', '.join(limits)}" if limits else "") + ".",
    )
    if planned.execution_time_limit:
        plan.note(
            "stored",
            f"{key}.execution_time_limit",
            f"{planned.execution_time_limit} s per run, kept for when scoring programs run.",
        )
    for kind, path in planned.public_files.items():
        plan.note("mapped", f"{key}.{kind}", f"'{path}', downloadable by participants from the Data tab.")
    for extra in sorted(set(phase) - PHASE_KEYS, key=str):
        plan.note("dropped", f"{key}.{extra}", PHASE_DROPPED.get(extra, "not a phase setting Podium has."))


def read_leaderboards(reader: Reader, data: dict, plan: BundlePlan) -> None:
    columns = []
    boards = reader.sequence(data.get("leaderboards"), "leaderboards")
    for position, raw in enumerate(boards):
        key = f"leaderboards[{position}]"
        board = reader.mapping(raw, key)
        title = reader.text(board.get("title"), f"{key}.title") or f"Leaderboard {position + 1}"
        raw_columns: list[Any] = reader.sequence(board.get("columns"), f"{key}.columns")
        for number, raw_column in sorted(enumerate(raw_columns), key=column_order):
            checked = checked_column(
                reader, raw_column, f"{key}.columns[{number}]", title, "sorting", "precision"
            )
            if checked:
                columns.append((f"{key}.columns[{number}]", *checked))
        for extra in ("submission_rule", "hidden"):
            if extra in board:
                plan.note(
                    "dropped",
                    f"{key}.{extra}",
                    "Podium's boards keep their own rules for which submissions count and who sees them.",
                )
    if len(boards) > 1:
        plan.note(
            "mapped",
            "leaderboards",
            "Podium has one board per phase and track: the columns of every leaderboard are its columns, in order.",
        )
    finish_columns(reader, plan, columns)


def column_order(item: tuple[int, Any]) -> int:
    """A column's `index` (Codabench's order: 0 ranks), or its place in the list when it gives none."""
    position, column = item
    index = column.get("index") if isinstance(column, dict) else None
    return index if isinstance(index, int) and not isinstance(index, bool) else position
