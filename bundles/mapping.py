"""competition.yaml version 2 (Codabench) into a BundlePlan, and what both versions share: pages, phase dates
and limits, board columns, and the report of what Podium leaves out."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import PurePosixPath
from typing import Any

from django.utils import timezone
from django.utils.text import slugify

from bundles.plan import BundlePlan, ColumnPlan
from bundles.reading import Reader
from competitions.logos import LogoError, check_logo, max_logo_bytes
from competitions.rules import LIMITS_BY_NAME
from competitions.score_columns import (
    LABEL_PATTERN,
    LONGEST_LABEL,
    MAX_COLUMNS,
    MAX_PRECISION,
    RESERVED_LABELS,
)
from config.plain_text import first_control_character
from config.timestamps import utc_label

LONGEST_TITLE = 200
LONGEST_SUBTITLE = 300
OPEN_ENDED = timedelta(days=365)
DEFAULT_PRECISION = 2  # Codabench's, when a column gives none

# Keys Podium reads no further than to say why, by what they are for on Codabench.
DROPPED = {
    "docker_image": "Podium runs programs in its own sandbox runtimes, not in Docker images: pick one the server "
    "offers on the Host tab's settings while the competition is a draft (docs/sandbox.md).",
    "queue": "Podium sends every run to its own sandbox workers; there are no per-competition queues.",
    "fact_sheet": "Podium asks participants no questions when they submit.",
    "registration_auto_approve": "anyone may join a public Podium competition; to approve each participant, "
    "make it unlisted with join requests on the Host tab.",
    "has_registration": "anyone may join a public Podium competition; to approve each participant, make it "
    "unlisted with join requests on the Host tab.",
    "enable_detailed_results": "Podium shows no detailed results page written by the scoring program.",
    "show_detailed_results_in_submission_panel": "Podium shows no detailed results page.",
    "make_programs_available": "programs stay private to the hosts on Podium.",
    "make_input_data_available": "input data stays private to the hosts on Podium; participants download the "
    "public data and starting kit.",
    "auto_run_submissions": "Podium scores every submission as it arrives.",
    "can_participants_make_submissions_public": "Podium does not publish participants' submissions.",
    "enable_forum": "every Podium competition has its discussion.",
    "forum_enabled": "every Podium competition has its discussion.",
    "contact_email": "participants reach the host through the competition's discussion.",
    "reward": "prizes are set on the Host tab.",
    "whitelist_emails": "use the allow-list of a private competition on the Host tab.",
    "competition_type": "Podium makes competitions; keeping one open after its end is a Host tab setting.",
    "admin_names": "add co-hosts on the Host tab, by their Podium account.",
    "force_submission_to_leaderboard": "Podium's boards take every scored submission.",
    "disallow_leaderboard_modifying": "Podium's boards take every scored submission.",
    "allow_public_submissions": "Podium does not publish participants' submissions.",
    "anonymous_leaderboard": "Podium's boards show team names.",
}
PHASE_DROPPED = {
    "auto_migrate_to_this_phase": "Podium carries each team's final selections over instead (the phase's "
    "carry-over on the Host tab).",
    "auto_migration": "Podium carries each team's final selections over instead (the phase's carry-over).",
    "hide_output": "participants never see a program's output on Podium.",
    "hide_prediction_output": "participants never see a program's output on Podium.",
    "hide_score_output": "participants never see a program's output on Podium.",
    "color": "Podium phases have no colour.",
    "is_scoring_only": "each Podium phase scores what its track's programs say.",
    "leaderboard_management_mode": "Podium publishes scores as they come.",
    "max_submissions_per_person": "Podium counts submissions per team.",
    "accepts_submissions": "a Podium phase takes submissions while it runs.",
}


def shared_report(plan: BundlePlan, data: dict, known: set[str]) -> None:
    """What is left out of the competition as a whole, with why."""
    for key in data:
        if key in DROPPED:
            plan.note("dropped", str(key), DROPPED[key])
        elif key not in known:
            plan.note("dropped", str(key), "not a key Podium knows of the Codabench format.")


def title_and_description(reader: Reader, data: dict, plan: BundlePlan) -> None:
    plan.title = reader.text(data.get("title"), "title", required=True, longest=LONGEST_TITLE)
    if plan.title and (character := first_control_character(plan.title)) is not None:
        reader.problem("title", f"must be one line of text; it holds the control character {character}.")
    description = " ".join(reader.text(data.get("description"), "description").split())
    if len(description) > LONGEST_SUBTITLE:
        plan.overview = description + "\n\n"
        description = description[: LONGEST_SUBTITLE - 1].rsplit(" ", 1)[0] + "…"
        plan.note(
            "mapped", "description", "shortened to the subtitle's 300 characters; in full atop the overview."
        )
    plan.description = description
    if plan.title:
        plan.note("mapped", "title", plan.title)


def read_logo(reader: Reader, data: dict, plan: BundlePlan) -> None:
    """`image`, the competition's logo: checked as a host's upload is (competitions.logos). A logo Podium
    cannot take is dropped with the reason; it never stops the import."""
    raw = data.get("image")
    if raw is None or raw == "":
        return
    path = PurePosixPath(raw) if isinstance(raw, str) else None
    if path is None or path.is_absolute() or ".." in path.parts or "\\" in raw or "\x00" in raw:
        plan.note("dropped", "image", f"{raw!r} is not the path of an image file inside the bundle.")
        return
    name = str(path)
    if not reader.bundle.is_file(name):
        plan.note("dropped", "image", f"'{name}' is not a file of the bundle.")
        return
    with reader.bundle.path_of(name).open("rb") as stream:
        content = stream.read(max_logo_bytes() + 1)
    try:
        image = check_logo(content)
    except LogoError as refused:
        plan.note("dropped", "image", f"'{name}': {refused.message}")
        return
    plan.logo = name
    plan.note("mapped", "image", f"'{name}', the competition's logo ({image.description}).")


def assemble_pages(plan: BundlePlan, terms: tuple[str, str] | None) -> None:
    """Podium's three texts: an Evaluation page is the evaluation, the terms are the rules, every other page
    a section of the overview under its title."""
    sections = []
    for page in plan.pages:
        kind = "HTML, sanitised" if page.source.lower().endswith((".html", ".htm")) else "Markdown"
        if page.title.strip().lower() == "evaluation" and not plan.evaluation:
            plan.evaluation = page.text
            plan.note("mapped", page.source, f"the Evaluation page ({kind}).")
        else:
            sections.append(f"## {page.title}\n\n{page.text.strip()}\n")
            plan.note("mapped", page.source, f"a section of the overview, '{page.title}' ({kind}).")
    plan.overview = (plan.overview + "\n".join(sections)).strip()
    if terms is not None:
        plan.rules, source = terms
        plan.note("mapped", source, "the rules participants accept when they join.")
    else:
        plan.note(
            "dropped", "terms", "the bundle has no terms: the rules start empty (write them on the Host tab)."
        )


def checked_limits(reader: Reader, phase: dict, key: str, names: dict[str, str]) -> dict[str, int | None]:
    """Submission limits under Podium's names (`names`: Codabench key -> Podium limit), within its bounds."""
    limits: dict[str, int | None] = {}
    for codabench, podium in names.items():
        value = reader.whole(phase.get(codabench), f"{key}.{codabench}", minimum=0)
        if value == 0:
            value = None  # Codabench's 0: no limit
        if value is not None and (message := LIMITS_BY_NAME[podium].refusal(value)):
            reader.problem(f"{key}.{codabench}", message)
        limits[podium] = value
    return limits


def check_phase_dates(
    reader: Reader, plan: BundlePlan, keys: list[str], *, start: str = "start", end: str = "end"
) -> None:
    """Phases follow each other without overlapping and end in the future (a draft's end may not have passed:
    Podium could not move it afterwards)."""
    now = timezone.now()
    for position, phase in enumerate(plan.phases):
        key = keys[position]
        if phase.end_at <= phase.start_at:
            reader.problem(f"{key}.{end}", f"the phase ends ({utc_label(phase.end_at)}) before it starts.")
        if position > 0 and phase.start_at < plan.phases[position - 1].end_at:
            reader.problem(
                f"{key}.{start}",
                f"phase {position + 1} starts on {utc_label(phase.start_at)}, before phase {position} ends on "
                f"{utc_label(plan.phases[position - 1].end_at)}: phases may not overlap.",
            )
    if plan.phases and plan.phases[-1].end_at <= now:
        reader.problem(
            f"{keys[-1]}.{end}",
            f"the last phase ended on {utc_label(plan.phases[-1].end_at)}; move the dates to the future to "
            "import it as a new competition.",
        )


def phase_end(
    reader: Reader, plan: BundlePlan, ends: list[datetime | None], starts: list[datetime], keys: list[str]
) -> list[datetime]:
    """Each phase's end: given, else the next phase's start, else a year after its start (noted)."""
    resolved = []
    for position, end in enumerate(ends):
        if end is not None:
            resolved.append(end)
        elif position + 1 < len(starts):
            resolved.append(starts[position + 1])
            plan.note("mapped", f"{keys[position]}.end", "no end given: it ends when the next phase starts.")
        else:
            resolved.append(starts[position] + OPEN_ENDED)
            plan.note(
                "mapped",
                f"{keys[position]}.end",
                "no end given (open-ended on Codabench); Podium needs one: a year after the start, change it on "
                "the Host tab.",
            )
    return resolved


def checked_column(
    reader: Reader, raw: Any, key: str, leaderboard: str, sort_key: str, precision_key: str
) -> tuple[ColumnPlan, bool] | None:
    """The column and whether Codabench computes it from others (Podium does not)."""
    column = reader.mapping(raw, key)
    if not column:
        return None
    score_key = reader.text(column.get("key"), f"{key}.key", required=True)
    label = reader.text(column.get("title") or column.get("label") or score_key, f"{key}.title")
    if label and (len(label) > LONGEST_LABEL or not LABEL_PATTERN.fullmatch(label)):
        reader.problem(
            f"{key}.title",
            f"'{label}' must be at most {LONGEST_LABEL} characters, start with a letter or digit and hold only "
            "letters, digits, spaces and . ( ) @ % / + -.",
        )
    elif label.casefold() in RESERVED_LABELS:
        reader.problem(
            f"{key}.title", f"'{label}' is a heading Podium's boards already have; choose another."
        )
    sorting = column.get(sort_key, "desc")
    if sorting not in ("asc", "desc"):
        reader.problem(
            f"{key}.{sort_key}", f"must be asc (lower is better) or desc (higher is better), not {sorting!r}."
        )
    precision = reader.whole(column.get(precision_key), f"{key}.{precision_key}", minimum=0)
    if precision is not None and precision > MAX_PRECISION:
        reader.problem(
            f"{key}.{precision_key}", f"must be at most {MAX_PRECISION} decimals, not {precision}."
        )
    hidden = reader.flag(column.get("hidden"), f"{key}.hidden")
    planned = ColumnPlan(
        key=score_key,
        label=label,
        higher_is_better=sorting != "asc",
        precision=DEFAULT_PRECISION if precision is None else precision,
        hidden=hidden,
        leaderboard=leaderboard,
    )
    return planned, bool(column.get("computation") or column.get("computed"))


COMPUTED = "Podium does not compute a column from others; the scoring program must write this key."


def finish_columns(reader: Reader, plan: BundlePlan, columns: list[tuple[str, ColumnPlan, bool]]) -> None:
    """One board per phase and track on Podium: every leaderboard's columns, in order, the first ranking."""
    seen: dict[str, str] = {}
    labels: set[str] = set()
    for key, column, computed in columns:
        if column.key in seen:
            reader.problem(f"{key}.key", f"'{column.key}' is also the key of {seen[column.key]}.")
            continue
        if column.label.casefold() in labels:
            reader.problem(f"{key}.title", f"'{column.label}' is the title of another column.")
            continue
        seen[column.key] = key
        labels.add(column.label.casefold())
        if computed:
            plan.note("dropped", f"{key}.computation", COMPUTED)
        plan.columns.append(column)
    if len(plan.columns) > MAX_COLUMNS + 1:
        reader.problem(
            "leaderboards",
            f"Podium boards have at most {MAX_COLUMNS + 1} columns; the bundle has {len(plan.columns)}.",
        )
    if not plan.columns and not reader.problems:
        reader.problem(
            "leaderboards", "the bundle has no leaderboard column: the scoring program's scores need one."
        )
    for position, column in enumerate(plan.columns):
        direction = "higher" if column.higher_is_better else "lower"
        role = (
            "ranks the board" if position == 0 else "breaks ties in order" if not column.hidden else "hidden"
        )
        plan.note(
            "mapped",
            f"column {column.key}",
            f"'{column.label}', {direction} is better, {column.precision} decimals, {role}"
            + ("; shown to the hosts only" if column.hidden and position else "")
            + ".",
        )


def unique_slug(name: str, taken: set[str], index: int) -> str:
    slug = slugify(name)[:40].strip("-") or f"task-{index}"
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    taken.add(candidate)
    return candidate


def new_plan(version: str) -> BundlePlan:
    return BundlePlan(
        version=version,
        title="",
        description="",
        overview="",
        evaluation="",
        rules="",
        pages=[],
        phases=[],
        tasks=[],
        columns=[],
    )
