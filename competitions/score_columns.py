"""A competition's secondary score columns: what a host may set, checked once for the form and the API, and
how scoring, the boards and the exports read them.

The primary metric (Competition.metric) ranks; each secondary column is another catalogue metric scored on
the same file from the same parse (scoring.engine.columns). Ties on the primary score break on the columns
in the order listed, then on time. A hidden column is scored and kept but shown to the host only.

Stored as a JSON list on the competition, each column a dict with the keys of `ScoreColumnSetup`; a future
Phase model takes the list over as it is.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

from competitions.errors import CompetitionError
from scoring import engine
from scoring.engine.parameters import coerce_params

MAX_COLUMNS = 10
MAX_PRECISION = 10
DEFAULT_PRECISION = 4
LONGEST_LABEL = 40
LABEL_PATTERN = re.compile(r"[\w][\w .()@%/+-]*")
# Headers the board's CSV, API rows and Papers With Code tables already use for something else.
RESERVED_LABELS = frozenset(
    {"rank", "team", "score", "entries", "last_submitted_at", "public_rank", "shake_up", "medal"}
)
KEYS = ("label", "metric", "params", "higher_is_better", "precision", "shown")


@dataclass(frozen=True)
class ScoreColumnSetup:
    """One secondary column as the host set it."""

    label: str
    metric: str
    params: dict
    higher_is_better: bool
    precision: int = DEFAULT_PRECISION
    shown: bool = True

    def as_dict(self) -> dict:
        return asdict(self)

    def format(self, value: float | None) -> str:
        return "" if value is None else f"{value:.{self.precision}f}"


def column_error(number: int, part: str, message: str) -> CompetitionError:
    """A refusal naming the column (1-based, as the host counts them) and the part of it that is wrong."""
    return CompetitionError(
        f"Score column {number}, {part}: {message}",
        code="invalid_score_columns",
        details={"field": "score_columns", "column": number, "part": part},
    )


def check_score_columns(given: object, *, metric: str, metric_params: Mapping | None) -> list[dict]:
    """The host's columns, checked and typed, in their order (the tie-break order), as the competition
    stores them; CompetitionError naming the column, the field and the rule otherwise."""
    if given in (None, ""):
        return []
    if not isinstance(given, list):
        raise CompetitionError(
            "score_columns must be a list of columns, each an object with a label and a metric.",
            code="invalid_score_columns",
            details={"field": "score_columns"},
        )
    if len(given) > MAX_COLUMNS:
        raise CompetitionError(
            f"A competition has at most {MAX_COLUMNS} secondary score columns; {len(given)} were given.",
            code="invalid_score_columns",
            details={"field": "score_columns"},
        )
    primary = engine.get_metric(metric)
    try:
        primary_params = coerce_params(primary, metric_params or {})
    except engine.SolutionError:
        primary_params = dict(metric_params or {})  # the primary's own check reports it, on its field
    checked: list[dict] = []
    labels: set[str] = set()
    for number, raw in enumerate(given, start=1):
        column = check_column(number, raw, primary, primary_params)
        folded = column.label.casefold()
        if folded in labels:
            raise column_error(
                number, "label", f"{column.label!r} is used twice; each column needs its own label."
            )
        labels.add(folded)
        checked.append(column.as_dict())
    return checked


def label_problem(label: str) -> str | None:
    """What is wrong with a column's (stripped) label as a board heading, or None: the one rule for catalogue
    columns and a scoring program's columns."""
    if len(label) > LONGEST_LABEL:
        return f"write at most {LONGEST_LABEL} characters."
    if not LABEL_PATTERN.fullmatch(label):
        return f"{label!r} must start with a letter or digit and hold only letters, digits, spaces and . ( ) @ % / + -."
    if label.casefold() in RESERVED_LABELS:
        return f"{label!r} is a heading the board already has; choose another."
    return None


def check_column(number: int, raw: object, primary: engine.Metric, primary_params: dict) -> ScoreColumnSetup:
    if not isinstance(raw, Mapping):
        raise column_error(number, "column", "must be an object with a label and a metric.")
    unknown = sorted(str(key) for key in raw if key not in KEYS)
    if unknown:
        raise column_error(number, unknown[0], f"is not a setting of a column; use {', '.join(KEYS)}.")
    label = raw.get("label")
    if not isinstance(label, str) or not label.strip():
        raise column_error(number, "label", "a column needs a label, the heading the boards show.")
    label = label.strip()
    if problem := label_problem(label):
        raise column_error(number, "label", problem)
    metric_key = raw.get("metric")
    metric = engine.METRICS.get(metric_key) if isinstance(metric_key, str) else None
    if metric is None:
        raise column_error(
            number,
            "metric",
            f"{metric_key!r} is not a metric Podium knows; choose one of: {', '.join(sorted(engine.METRICS))}.",
        )
    params = raw.get("params") or {}
    if not isinstance(params, Mapping):
        raise column_error(number, "params", "must be an object of the metric's parameters.")
    try:
        column = engine.ScoreColumn.checked(label, metric.key, params, primary, primary_params)
    except engine.SolutionError as error:
        part = "metric" if error.code == "column_metric_mismatch" else "params"
        raise column_error(number, part, error.message) from error
    higher = raw.get("higher_is_better")
    if higher is None:
        higher = metric.higher_is_better
    if not isinstance(higher, bool):
        raise column_error(number, "higher_is_better", "must be true or false.")
    precision = raw.get("precision", DEFAULT_PRECISION)
    if precision is None:
        precision = DEFAULT_PRECISION
    if isinstance(precision, bool) or not isinstance(precision, int) or not 0 <= precision <= MAX_PRECISION:
        raise column_error(
            number,
            "precision",
            f"must be a whole number of decimals from 0 to {MAX_PRECISION}, not {precision!r}.",
        )
    shown = raw.get("shown", True)
    if not isinstance(shown, bool):
        raise column_error(number, "shown", "must be true or false.")
    return ScoreColumnSetup(label, metric.key, column.params, higher, precision, shown)


def columns_of(setup: Sequence[Mapping] | None) -> list[ScoreColumnSetup]:
    """The stored list as typed columns, in tie-break order."""
    return [ScoreColumnSetup(**{key: column[key] for key in KEYS if key in column}) for column in setup or []]


def engine_columns(setup: Sequence[Mapping] | None) -> list[engine.ScoreColumn]:
    """What the engine scores: each column's label, metric and parameters (checked when the host set them)."""
    return [engine.ScoreColumn(column.label, column.metric, column.params) for column in columns_of(setup)]


def tie_key_of(setup: Sequence[Mapping] | None, values: Mapping[str, float]) -> str:
    """The text that breaks ties on the primary score, best first (scoring.engine.columns.tie_key)."""
    columns = columns_of(setup)
    if not columns:
        return ""
    return engine.tie_key([values[c.label] for c in columns], [c.higher_is_better for c in columns])


def visible_columns(setup: Sequence[Mapping] | None, *, sees_hidden: bool) -> list[ScoreColumnSetup]:
    """The columns a viewer sees: the shown ones, plus the hidden ones for the host and staff."""
    return [column for column in columns_of(setup) if column.shown or sees_hidden]
