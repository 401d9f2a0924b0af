"""A parsed solution in a compact, pickle-free form, to store beside the host's file: a worker that starts
cold loads it in a fraction of a second instead of parsing the file again (seconds for millions of rows), id
hash table included.

The form is a magic line, the length of a JSON header, the header, then each array's raw bytes at an offset
aligned to 64 bytes: loading reads the file once and views the arrays where they lie, without a copy (an
.npz archive copied each array out of its zip member, 0.5 s of a 10M-row load). The header names each
array's dtype (numbers and booleans only) and shape, the solution file's checksum, the scoring spec it was
parsed under and a format version; `load_compact` refuses a form that does not match all three, so a stale
one is never used.
"""

import json

import numpy as np
import pandas as pd
import pyarrow as pa

from .id_lookup import IdLookup, _HashTable
from .metrics import get_metric
from .parameters import coerce_params
from .solution import ScoringSpec, Solution
from .solution_targets import TargetColumn

FORMAT = 1
MAGIC = b"podium-compact-solution\n"
ALIGN = 64


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
    """The solution, its id lookup built, in compact form; ValueError if it cannot be stored this way (ids
    that are not text, parameters that are not JSON)."""
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
        "id_offsets": np.frombuffer(offsets, dtype=np.int64, count=len(ids) + 1, offset=ids.offset * 8),
        "id_bytes": np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8),
        "is_public": solution.is_public,
        **{f"target_{number}": target.values for number, target in enumerate(solution._targets)},
    }
    if table is not None:
        arrays |= {"table_hashes": table.hashes, "table_positions": table.positions}
    return _pack(meta, arrays)


def _pack(meta: dict, arrays: dict[str, np.ndarray]) -> bytes:
    layout: dict[str, dict] = {}
    offset = 0
    for name, array in arrays.items():
        offset = -(-offset // ALIGN) * ALIGN
        layout[name] = {"dtype": array.dtype.str, "shape": list(array.shape), "offset": offset}
        offset += array.nbytes
    header = json.dumps({**meta, "arrays": layout}).encode()
    start = -(-(len(MAGIC) + 8 + len(header)) // ALIGN) * ALIGN
    out = bytearray(start + offset)
    out[: len(MAGIC)] = MAGIC
    out[len(MAGIC) : len(MAGIC) + 8] = len(header).to_bytes(8, "little")
    out[len(MAGIC) + 8 : len(MAGIC) + 8 + len(header)] = header
    for name, array in arrays.items():
        at = start + layout[name]["offset"]
        out[at : at + array.nbytes] = np.ascontiguousarray(array).tobytes()
    return bytes(out)


def _unpack(data: bytes) -> tuple[dict, dict[str, np.ndarray]]:
    if not data.startswith(MAGIC):
        raise StaleCompactForm("not a compact solution")
    length = int.from_bytes(data[len(MAGIC) : len(MAGIC) + 8], "little")
    meta = json.loads(data[len(MAGIC) + 8 : len(MAGIC) + 8 + length])
    start = -(-(len(MAGIC) + 8 + length) // ALIGN) * ALIGN
    arrays = {}
    for name, where in meta.pop("arrays").items():
        dtype = np.dtype(where["dtype"])
        if dtype.kind not in "biuf":  # never an object array: nothing in the file is ever unpickled
            raise StaleCompactForm(f"array {name} has dtype {dtype}")
        count = int(np.prod(where["shape"]))
        if start + where["offset"] + count * dtype.itemsize > len(data):
            raise StaleCompactForm("the file is cut short")
        array = np.frombuffer(data, dtype=dtype, count=count, offset=start + where["offset"])
        arrays[name] = array.reshape(where["shape"])
    return meta, arrays


def load_compact(source: bytes, spec: ScoringSpec, *, source_sha256: str) -> Solution:
    """The solution stored by `compact_bytes`, if it was made from the file with this checksum under this
    spec by this format; StaleCompactForm otherwise."""
    meta, arrays = _unpack(source)
    if meta.get("format") != FORMAT:
        raise StaleCompactForm(f"format {meta.get('format')}, not {FORMAT}")
    if meta.get("source_sha256") != source_sha256:
        raise StaleCompactForm("made from another solution file")
    if meta.get("spec") != spec_fingerprint(spec):
        raise StaleCompactForm("made under another scoring spec")
    offsets, data = arrays["id_offsets"], arrays["id_bytes"]
    ids = pa.LargeStringArray.from_buffers(len(offsets) - 1, pa.py_buffer(offsets), pa.py_buffer(data))
    targets = [
        TargetColumn(
            arrays[f"target_{number}"],
            tuple(target["labels"]) if target["labels"] is not None else None,
            target["positive"],
        )
        for number, target in enumerate(meta["targets"])
    ]
    is_public = arrays["is_public"]
    table = None
    if meta["lookup"]["capacity"]:
        table = _HashTable.restored(
            arrays["table_hashes"], arrays["table_positions"], meta["lookup"]["capacity"]
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
