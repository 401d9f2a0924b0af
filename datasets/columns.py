"""A CSV file's columns and the type each one seems to hold, read once from the start of the file."""

import contextlib
import csv
import io
import re
from itertools import islice
from typing import IO

SAMPLE_ROWS = 1000
# A file with no line break in its first megabyte is not a CSV we can describe, and must not be read whole.
SAMPLE_BYTES = 1024 * 1024
BOOLEANS = {"true", "false"}
# What pandas, and so most readers, take for a missing value rather than text.
MISSING = {"na", "n/a", "#n/a", "nan", "-nan", "null", "none", "<na>"}
INTEGER = re.compile(r"[+-]?[0-9]+")
FLOAT = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?inf(inity)?", re.IGNORECASE)


def is_csv(name: str) -> bool:
    return name.lower().endswith(".csv")


def sample_text(stream: IO[bytes]) -> str | None:
    """The first complete lines of the stream as text, or None when they are not UTF-8."""
    head = stream.read(SAMPLE_BYTES + 1)
    if isinstance(head, str):
        head = head.encode()
    if len(head) > SAMPLE_BYTES:
        head = head[: head.rfind(b"\n", 0, SAMPLE_BYTES) + 1]
    try:
        return head.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def value_type(values: list[str]) -> str:
    """The narrowest type every non-empty value parses as: integer, float, boolean or text."""
    values = [value.strip() for value in values]
    values = [value for value in values if value and value.lower() not in MISSING]
    if not values:
        return "text"
    if all(value.lower() in BOOLEANS for value in values):
        return "boolean"
    if all(INTEGER.fullmatch(value) for value in values):
        return "integer"
    if all(FLOAT.fullmatch(value) for value in values):
        return "float"
    return "text"


def csv_columns(stream: IO[bytes]) -> list[dict]:
    """Each column of a CSV file as {"name", "type"}, guessed from its first rows.

    Never raises on a file that is not a CSV: binary, non-UTF-8 or malformed content gives an empty list.
    Columns without a name, and repeats of a name already seen, are left out: no reader can tell them apart.
    The stream is read from its current position and rewound to the start afterwards.
    """
    try:
        text = sample_text(stream)
        if not text or "\x00" in text:
            return []
        rows = csv.reader(io.StringIO(text, newline=""), strict=True)
        header = next(rows, [])
    except (csv.Error, ValueError, OSError):
        return []
    finally:
        with contextlib.suppress(OSError, ValueError):
            stream.seek(0)
    samples = []
    try:
        for row in islice(rows, SAMPLE_ROWS):
            samples.append(row)
    except csv.Error:
        pass  # the types come from the rows before the first malformed one
    columns, seen = [], set()
    for index, raw_name in enumerate(header):
        name = raw_name.strip()
        if not name or name in seen:
            continue
        seen.add(name)
        values = [row[index] for row in samples if index < len(row)]
        columns.append({"name": raw_name, "type": value_type(values)})
    return columns
