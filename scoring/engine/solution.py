"""The hidden solution: parsing and validating the host's file once, then serving many submissions."""

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .csv_reading import CsvFile, Source, check_columns, raise_if_ragged, read_header, read_table
from .errors import SolutionError, name_some, name_some_pairs, plural, quote
from .id_lookup import IdLookup
from .metrics import (
    CLASS_PROBABILITIES,
    LABEL,
    NUMBER,
    PROBABILITY,
    RANKED_LABELS,
    Metric,
    get_metric,
    positive_class_applies,
)
from .parameters import coerce_params
from .solution_targets import TargetColumn, check_each_split_is_defined, read_target
from .target_values import stripped_text

USAGE_COLUMN = "Usage"
PUBLIC = "Public"
PRIVATE = "Private"


@dataclass(frozen=True)
class ScoringSpec:
    """How a competition scores: the metric, the solution's id column and target column(s), metric params.

    Params may be text (forms, the CLI) or typed (JSON); load_solution checks and types them.
    """

    metric: str
    id_column: str
    target_columns: tuple[str, ...]
    params: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Callers build specs from model fields and forms: accept a list, a lone name, or no params.
        targets = self.target_columns
        object.__setattr__(self, "target_columns", (targets,) if isinstance(targets, str) else tuple(targets))
        object.__setattr__(self, "params", dict(self.params or {}))


class Solution:
    """A parsed, validated hidden solution, reusable across many submissions (workers cache it by checksum).

    `truth` holds the hidden targets in solution order, encoded for the metric as `metrics.py` describes
    (two-dimensional, one column per target, for multi-target metrics). Never show it, or anything derived
    from it, to a participant. `params` are the metric's parameters, typed, with defaults filled in.
    `submission_columns` is the exact header a submission must have (in any order), id column first.
    """

    def __init__(
        self,
        *,
        spec: ScoringSpec,
        params: dict,
        ids: pd.Index,
        is_public: np.ndarray,
        targets: list[TargetColumn],
    ):
        metric = get_metric(spec.metric)
        self.spec = spec
        self.params = params
        self.ids = ids
        self.is_public = is_public
        if metric.multi_target:
            self.truth = np.column_stack([target.values for target in targets])
        else:
            self.truth = targets[0].values
        self.public_count = int(is_public.sum())
        self.private_count = len(ids) - self.public_count
        self.class_labels = targets[0].labels  # what label codes index; (negative, positive) when binary
        self.allowed_labels = self.class_labels if metric.prediction in (LABEL, RANKED_LABELS) else None
        self.positive_label = targets[0].positive_label
        if metric.prediction == CLASS_PROBABILITIES:
            assert self.class_labels is not None
            self.submission_columns: tuple[str, ...] = (spec.id_column, *self.class_labels)
        else:
            self.submission_columns = (spec.id_column, *spec.target_columns)
        self._targets = targets
        for array in (is_public, self.truth):
            array.setflags(write=False)  # shared by every submission a worker scores

    @cached_property
    def id_lookup(self) -> IdLookup:
        """The ids in Arrow form with their hash table, built on the first submission and kept."""
        return IdLookup(self.ids)

    def split(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """The positions of the "public" or "private" rows and their truth, computed once per solution."""
        return self._splits[name]

    @cached_property
    def _splits(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        splits = {}
        for name, is_in_split in (("public", self.is_public), ("private", ~self.is_public)):
            rows = np.flatnonzero(is_in_split)
            truth = self.truth[rows]
            for array in (rows, truth):
                array.setflags(write=False)
            splits[name] = (rows, truth)
        return splits

    def __repr__(self) -> str:
        return (
            f"<Solution {self.spec.metric} on {self.spec.id_column!r}: "
            f"{self.public_count} public + {self.private_count} private rows>"
        )

    def to_csv_bytes(self) -> bytes:
        """The canonical solution: id column, target column(s), then `Usage` (Public/Private) for the split."""
        columns: dict[str, object] = {self.spec.id_column: self.ids.to_numpy()}
        for name, target in zip(self.spec.target_columns, self._targets, strict=True):
            if target.labels is None:
                columns[name] = target.values
            else:
                columns[name] = np.asarray(target.labels, dtype=object)[target.values]
        columns[USAGE_COLUMN] = np.where(self.is_public, PUBLIC, PRIVATE)
        return pd.DataFrame(columns).to_csv(index=False, lineterminator="\n").encode("utf-8")


def load_solution(
    source: Source, spec: ScoringSpec, *, public_fraction: float = 0.3, seed: int = 0
) -> Solution:
    """Parse and validate the host's solution file and metric parameters; without a `Usage` column, draw a
    seeded split."""
    metric = get_metric(spec.metric)
    params = coerce_params(metric, spec.params)
    _check_spec(spec, metric, params)
    if not 0 < public_fraction < 1:
        raise SolutionError(
            "bad_public_fraction",
            f"The public fraction must be between 0 and 1 (exclusive), not {public_fraction}.",
        )
    csv_file = CsvFile(source, owner="The solution file", error=SolutionError)
    header = read_header(csv_file)
    check_columns(
        csv_file,
        header,
        id_column=spec.id_column,
        target_columns=spec.target_columns,
        optional=(USAGE_COLUMN,),
        names_typed=True,
    )
    dtype = {spec.id_column: str, USAGE_COLUMN: str}
    if metric.prediction != NUMBER:
        dtype |= dict.fromkeys(spec.target_columns, str)
    table = read_table(csv_file, header, {name: kind for name, kind in dtype.items() if name in header})
    if len(table) == 0:
        raise SolutionError("no_rows", "The solution file has a header but no data rows.")

    index = _solution_ids(csv_file, header, spec.id_column, table[spec.id_column])
    targets = [
        read_target(csv_file, header, metric, params, name, table, index) for name in spec.target_columns
    ]
    if metric.prediction == CLASS_PROBABILITIES and spec.id_column in (targets[0].labels or ()):
        raise SolutionError(
            "bad_column_name",
            f"The class label {quote(spec.id_column)} is also the name of the id column, and a submission has "
            "one column per class label. Rename the id column.",
        )
    if USAGE_COLUMN in header:
        is_public = _usage_split(table[USAGE_COLUMN], index)
    else:
        is_public = _seeded_split(len(index), public_fraction, seed)
    if metric.needs_both_classes:
        check_each_split_is_defined(metric, list(spec.target_columns), targets, is_public, (PUBLIC, PRIVATE))
    order = _canonical_order(index)
    targets = [TargetColumn(t.values[order], t.labels, t.positive_label) for t in targets]
    return Solution(spec=spec, params=params, ids=index[order], is_public=is_public[order], targets=targets)


def sample_submission_csv(solution: Solution) -> bytes:
    """A valid submission for every id, in the exact header: the first label (the first few, for ranked
    lists), 0.5 for a probability, an equal share per class, 0 for a number."""
    metric = get_metric(solution.spec.metric)
    prediction_columns = solution.submission_columns[1:]
    default: object
    if metric.prediction == LABEL:
        assert solution.allowed_labels
        default = solution.allowed_labels[0]
    elif metric.prediction == RANKED_LABELS:
        assert solution.allowed_labels
        default = " ".join(solution.allowed_labels[: solution.params.get("k") or 1])
    elif metric.prediction == PROBABILITY:
        default = 0.5
    elif metric.prediction == CLASS_PROBABILITIES:
        default = 1 / len(prediction_columns)
    else:
        default = 0
    frame = pd.DataFrame({solution.spec.id_column: solution.ids.to_numpy()})
    for name in prediction_columns:
        frame[name] = default
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def _check_spec(spec: ScoringSpec, metric: Metric, params: dict) -> None:
    targets = spec.target_columns
    if len(targets) != 1 and not (metric.multi_target and targets):
        needed = "at least one target column" if metric.multi_target else "exactly one target column"
        raise SolutionError(
            "target_count",
            f"{metric.name} scores {needed}; {len(targets)} were given"
            + (f" ({name_some(targets, len(targets))})." if targets else "."),
        )
    names = [spec.id_column, *targets]
    if any(not isinstance(name, str) or not name.strip() for name in names):
        raise SolutionError("bad_column_name", "Name both the id column and the target column.")
    if len(set(names)) != len(names):
        raise SolutionError(
            "bad_column_name", "The id column and the target column must be different columns."
        )
    if USAGE_COLUMN in names:
        raise SolutionError(
            "bad_column_name",
            f"{quote(USAGE_COLUMN)} is reserved for the public/private split; rename that column.",
        )
    if params.get("positive_label") is not None and not positive_class_applies(metric, params):
        raise SolutionError(
            "bad_param",
            f"The parameter 'positive_label' of {metric.name} only applies with average 'binary', "
            f"not {quote(params.get('average'))}.",
        )


def _solution_ids(csv_file: CsvFile, header: list[str], id_column: str, column: pd.Series) -> pd.Index:
    ids = stripped_text(column)
    empty_ids = (ids == "").to_numpy()
    if empty_ids.any():
        raise_if_ragged(csv_file, len(header))
        rows = np.flatnonzero(empty_ids) + 1
        raise SolutionError(
            "empty_id",
            f"The solution file has {plural(len(rows), 'row')} with an empty {quote(id_column)} "
            f"(data {'row' if len(rows) == 1 else 'rows'} {name_some(rows, len(rows), quoted=False)}, "
            "counting from the first row after the header).",
        )
    index = pd.Index(ids, name=id_column)
    if not _is_unique(index):
        duplicated = index[index.duplicated()].unique()
        raise SolutionError(
            "duplicate_id",
            f"The solution file has {plural(len(duplicated), 'id')} more than once: "
            f"{name_some(duplicated, len(duplicated))}. Each id must appear exactly once.",
        )
    return index


def _is_unique(index: pd.Index) -> bool:
    # Distinct hashes prove distinct ids without the Python string per id that pandas' check makes.
    lookup = IdLookup(index)
    return lookup.has_distinct_hashes or index.is_unique


def _canonical_order(ids: pd.Index) -> np.ndarray:
    """Ids sorted (numerically when all are numbers), so no order a participant sees can follow the host's
    file, which is often grouped by Usage: the sample submission and error messages would give the split away."""
    # Arrow keeps a large solution's ids compact: pandas would make a Python string of each.
    text = pa.array(ids.array, type=pa.large_string()) if ids.dtype == "str" else None
    if text is None:
        as_numbers = pd.to_numeric(pd.Series(ids, copy=False), errors="coerce")
        if not as_numbers.isna().any():
            return np.argsort(as_numbers.to_numpy(), kind="stable")
        return np.argsort(ids.to_numpy(dtype=str), kind="stable")
    try:
        numbers = pc.cast(text, pa.float64()).to_numpy()
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        numbers = None
    if numbers is not None and not np.isnan(numbers).any():
        return np.argsort(numbers, kind="stable")
    # UTF-8 bytes sort as code points do; Arrow's sort is stable.
    return pc.array_sort_indices(text).to_numpy()


def _usage_split(column: pd.Series, ids: pd.Index) -> np.ndarray:
    usage = stripped_text(column).str.lower()
    bad = ~usage.isin(["public", "private"]).to_numpy()
    if bad.any():
        count = int(bad.sum())
        raise SolutionError(
            "bad_usage",
            f"The {quote(USAGE_COLUMN)} column may only hold Public or Private, but it holds something else "
            f"for {plural(count, 'id')}: {name_some_pairs(ids[bad], column[bad], count)}.",
        )
    is_public = (usage == "public").to_numpy()
    if is_public.all() or not is_public.any():
        empty_split = PRIVATE if is_public.all() else PUBLIC
        raise SolutionError(
            "empty_split",
            f"The {quote(USAGE_COLUMN)} column marks no row {empty_split}; both the public and the private "
            "leaderboard need at least one row.",
        )
    return is_public


def _seeded_split(row_count: int, public_fraction: float, seed: int) -> np.ndarray:
    """round(public_fraction * n) public rows (at least one of each), drawn with numpy's default_rng(seed)."""
    if row_count < 2:
        raise SolutionError(
            "too_few_rows", "The solution file needs at least 2 rows: one public and one private at least."
        )
    public_count = min(max(round(public_fraction * row_count), 1), row_count - 1)
    chosen = np.random.default_rng(seed).choice(row_count, size=public_count, replace=False)
    is_public = np.zeros(row_count, dtype=bool)
    is_public[chosen] = True
    return is_public
