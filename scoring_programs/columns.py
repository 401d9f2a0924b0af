"""What a host maps a program's scores.json keys to, and the limits of one run: checked once for the page
and the API, each refusal naming the field (and the column) and the rule."""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings

from competitions.score_columns import (
    DEFAULT_PRECISION,
    MAX_COLUMNS,
    MAX_PRECISION,
    label_problem,
)
from scoring_programs.errors import ProgramRefused

COLUMN_KEYS = ("key", "label", "direction", "precision", "shown", "primary")
LONGEST_KEY = 100
DIRECTIONS = {"higher": True, "lower": False}
# The host's limit field, the operator's maximum (a setting), and the unit the messages use.
LIMITS = {
    "wall_seconds": ("PODIUM_SANDBOX_WALL_SECONDS", "seconds"),
    "cpu_seconds": ("PODIUM_SANDBOX_CPU_SECONDS", "CPU seconds"),
    "memory_mb": ("PODIUM_SANDBOX_MEMORY_MB", "MB"),
}
DEFAULT_LIMITS = {"wall_seconds": 300, "cpu_seconds": 300, "memory_mb": 2048}


def column_error(number: int | None, part: str, message: str) -> ProgramRefused:
    where = f"Column {number}, {part}: " if number else ""
    return ProgramRefused(
        f"{where}{message}",
        code="invalid_program_columns",
        details={"field": "columns", "column": number, "part": part},
    )


def check_columns(given: object) -> list[dict]:
    """The host's columns in tie-break order, each {key, label, higher_is_better, precision, shown, primary},
    exactly one primary; ProgramRefused naming the column and the part otherwise."""
    if not isinstance(given, list) or not given:
        raise column_error(
            None, "columns", "give a list of columns, each an object with the key it reads in scores.json."
        )
    if len(given) > MAX_COLUMNS + 1:
        raise column_error(
            None, "columns", f"a program fills at most {MAX_COLUMNS + 1} columns; {len(given)} were given."
        )
    checked = [check_column(number, raw) for number, raw in enumerate(given, start=1)]
    for part in ("key", "label"):
        seen: set[str] = set()
        for number, column in enumerate(checked, start=1):
            folded = column[part].casefold()
            if folded in seen:
                raise column_error(
                    number, part, f"{column[part]!r} is used twice; each column needs its own {part}."
                )
            seen.add(folded)
    primaries = [number for number, column in enumerate(checked, start=1) if column["primary"]]
    if len(primaries) != 1:
        raise column_error(
            None, "primary", f"exactly one column must be primary (it ranks the board); {len(primaries)} are."
        )
    if not checked[primaries[0] - 1]["shown"]:
        raise column_error(
            primaries[0], "shown", "the primary column ranks the board, so it cannot be hidden."
        )
    return checked


def check_column(number: int, raw: object) -> dict:
    if not isinstance(raw, Mapping):
        raise column_error(number, "column", "must be an object with a key and a label.")
    unknown = sorted(str(key) for key in raw if key not in COLUMN_KEYS)
    if unknown:
        raise column_error(number, unknown[0], f"is not a setting of a column; use {', '.join(COLUMN_KEYS)}.")
    key = raw.get("key")
    if not isinstance(key, str) or not key.strip() or len(key) > LONGEST_KEY:
        raise column_error(
            number, "key", f"give the key scores.json holds the value under (1 to {LONGEST_KEY} characters)."
        )
    key = key.strip()
    label = raw.get("label") or key
    if not isinstance(label, str):
        raise column_error(number, "label", "must be text.")
    label = label.strip()
    if problem := label_problem(label):
        raise column_error(number, "label", problem)
    direction = raw.get("direction", "higher")
    if direction not in DIRECTIONS:
        raise column_error(
            number, "direction", f"must be 'higher' or 'lower' (which is better), not {direction!r}."
        )
    precision = raw.get("precision", DEFAULT_PRECISION)
    if isinstance(precision, bool) or not isinstance(precision, int) or not 0 <= precision <= MAX_PRECISION:
        raise column_error(
            number,
            "precision",
            f"must be a whole number of decimals from 0 to {MAX_PRECISION}, not {precision!r}.",
        )
    flags = {}
    for flag, default in (("shown", True), ("primary", False)):
        value = raw.get(flag, default)
        if not isinstance(value, bool):
            raise column_error(number, flag, "must be true or false.")
        flags[flag] = value
    return {
        "key": key,
        "label": label,
        "higher_is_better": DIRECTIONS[direction],
        "precision": precision,
        **flags,
    }


def check_limits(given: Mapping[str, object]) -> dict[str, int]:
    """The host's wall seconds, CPU seconds and memory for one run, each at most the operator's maximum."""
    limits = {}
    for field, (setting, unit) in LIMITS.items():
        value = given.get(field)
        maximum = getattr(settings, setting)
        if value in (None, ""):
            limits[field] = min(DEFAULT_LIMITS[field], maximum)
            continue
        try:
            number = int(str(value))
        except ValueError:
            number = -1
        if isinstance(value, bool) or number < 1:
            raise ProgramRefused(
                f"{field}: give a whole number of {unit} from 1 to {maximum}, not {value!r}.",
                code="invalid_program_limits",
                details={"field": field},
            )
        if number > maximum:
            raise ProgramRefused(
                f"{field}: {number} {unit} is over this server's maximum of {maximum} ({setting}).",
                code="program_limit_too_high",
                details={"field": field, "maximum": maximum},
            )
        limits[field] = number
    return limits


def pair_columns(columns: list[dict]) -> list[dict]:
    """The secondary columns as the pair's score_columns (competitions.score_columns), so the boards, the
    CSV and the API show them as they show a metric's: labels, directions, precision, hidden."""
    return [
        {
            "label": column["label"],
            "metric": "program",
            "params": {"key": column["key"]},
            "higher_is_better": column["higher_is_better"],
            "precision": column["precision"],
            "shown": column["shown"],
        }
        for column in columns
        if not column["primary"]
    ]
