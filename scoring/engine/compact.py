"""A parsed solution in a compact, pickle-free form (a numpy .npz archive), to store beside the host's file:
a worker that starts cold loads it in a fraction of a second instead of parsing the file again (seconds for
millions of rows), id hash table included.

The archive names the solution file's checksum and the scoring spec it was parsed under, and a format
version; `load_compact` refuses one that does not match all three, so a stale form is never used.
"""

import io
import json
from typing import IO

import numpy as np
import pandas as pd
import pyarrow as pa

from .id_lookup import IdLookup, _HashTable
from .metrics import get_metric
from .parameters import coerce_params
from .solution import ScoringSpec, Solution
from .solution_targets import TargetColumn

FORMAT = 1


class StaleCompactForm(ValueError):
    """The archive was made for another solution file, spec or format: parse the file instead."""


def spec_fingerprint(spec: ScoringSpec) -> str:
    """The spec as canonical JSON: equal for specs that parse a solution alike (a list or a tuple of targets)."""
    return json.dumps(
        {
            "metric": spec.metric,
            "id_column": spec.id_column,
            "target_columns": list(spec.target_columns),
            "params": spec.params,
        },
        sort_keys=True,
    )


def compact_bytes(solution: Solution, *, source_sha256: str) -> bytes:
    """The solution, its id lookup built, as an .npz archive; ValueError if it cannot be stored this way
    (ids that are not text, parameters that are not JSON)."""
    if solution.ids.dtype != "str":
        raise ValueError("Only text ids are stored in compact form.")
    ids = pa.array(solution.ids.array, type=pa.large_string())
    lookup = solution.id_lookup
    table = lookup.table
    meta = {
        "format": FORMAT,
        "source_sha256": source_sha256,
        "spec": spec_fingerprint(solution.spec),
        "id_name": solution.ids.name,
        "targets": [
            {
                "labels": list(target.labels) if target.labels is not None else None,
                "positive": target.positive_label,
            }
            for target in solution._targets
        ],
        "lookup": {"distinct": lookup.has_distinct_hashes, "capacity": table.capacity if table else 0},
    }
    _, offsets, data = ids.buffers()
    arrays: dict[str, np.ndarray] = {
        "meta": np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8),
        "id_offsets": np.frombuffer(offsets, dtype=np.int64, count=len(ids) + 1),
        "id_bytes": np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8),
        "is_public": solution.is_public,
        **{f"target_{number}": target.values for number, target in enumerate(solution._targets)},
    }
    if table is not None:
        arrays |= {"table_hashes": table.hashes, "table_positions": table.positions}
    buffer = io.BytesIO()
    np.savez(buffer, allow_pickle=False, **arrays)
    return buffer.getvalue()


def load_compact(source: IO[bytes] | bytes, spec: ScoringSpec, *, source_sha256: str) -> Solution:
    """The solution stored by `compact_bytes`, if it was made from the file with this checksum under this
    spec by this format; StaleCompactForm otherwise."""
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    with np.load(stream, allow_pickle=False) as archive:
        meta = json.loads(archive["meta"].tobytes())
        if meta.get("format") != FORMAT:
            raise StaleCompactForm(f"format {meta.get('format')}, not {FORMAT}")
        if meta.get("source_sha256") != source_sha256:
            raise StaleCompactForm("made from another solution file")
        if meta.get("spec") != spec_fingerprint(spec):
            raise StaleCompactForm("made under another scoring spec")
        offsets, data = archive["id_offsets"], archive["id_bytes"]
        ids = pa.LargeStringArray.from_buffers(len(offsets) - 1, pa.py_buffer(offsets), pa.py_buffer(data))
        targets = [
            TargetColumn(
                archive[f"target_{number}"],
                tuple(target["labels"]) if target["labels"] is not None else None,
                target["positive"],
            )
            for number, target in enumerate(meta["targets"])
        ]
        is_public = archive["is_public"]
        table = None
        if meta["lookup"]["capacity"]:
            table = _HashTable.restored(
                archive["table_hashes"], archive["table_positions"], meta["lookup"]["capacity"]
            )
    solution = Solution(
        spec=spec,
        params=coerce_params(get_metric(spec.metric), spec.params),
        ids=pd.Index(pd.array(ids, dtype="str"), name=meta["id_name"]),
        is_public=is_public,
        targets=targets,
    )
    # What the first submission would build, already built (functools.cached_property reads __dict__).
    solution.__dict__["id_lookup"] = IdLookup.restored(
        solution.ids, has_distinct_hashes=meta["lookup"]["distinct"], table=table
    )
    return solution
