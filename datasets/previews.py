"""The first rows of a public CSV data file, for the data tab and dataset pages.

A preview reads at most the first PREVIEW_BYTES of the file, from the public data storage only (a
competition's solution lives in the private storage, so it can never be previewed), and is cached by the
file's SHA-256: the same bytes always give the same preview, so a page view reads no file once it is warm.
"""

import contextlib
import csv
import io
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.files.storage import Storage

from datasets.columns import is_csv, value_type
from datasets.models import DatasetFile
from datasets.storage import public_storage

PREVIEW_BYTES = 64 * 1024
PREVIEW_ROWS = 10
PREVIEW_COLUMNS = 20
CELL_CHARACTERS = 40
NUMBERS = {"integer", "float"}
CACHE_SECONDS = 7 * 24 * 3600
CACHE_VERSION = 1  # raise it when what a preview holds changes

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Preview:
    """A CSV file's header and first rows, cut to size; `problem` says why there is none."""

    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    numeric: list[bool] = field(default_factory=list)
    hidden_columns: int = 0
    problem: str = ""

    @property
    def columns(self) -> list[tuple[str, bool]]:
        """Each shown column's name and whether it holds numbers (the page aligns those right)."""
        return list(zip(self.header, self.numeric, strict=True))

    @property
    def cells(self) -> list[list[tuple[str, bool]]]:
        return [list(zip(row, self.numeric, strict=True)) for row in self.rows]


def no_preview(problem: str) -> Preview:
    return Preview(problem=problem)


def shorten(cell: str) -> str:
    cell = " ".join(cell.split())  # line breaks inside quoted cells would break the table's rows
    return cell if len(cell) <= CELL_CHARACTERS else cell[: CELL_CHARACTERS - 1] + "…"


def parse_preview(head: bytes, *, whole_file: bool) -> Preview:
    """The preview of a file's first bytes; `whole_file` says whether they are the entire file (if not,
    the last, probably cut line is dropped)."""
    if not head.strip():
        return no_preview("The file is empty.")
    if b"\x00" in head:
        return no_preview("The file looks binary, not like CSV text.")
    if not whole_file:
        cut = head.rfind(b"\n")
        if cut == -1:
            return no_preview(f"The first line is longer than {PREVIEW_BYTES // 1024} KiB.")
        head = head[: cut + 1]
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError:
        return no_preview("The file is not UTF-8 text.")
    try:
        lines = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        return no_preview("The file could not be read as CSV.")
    lines = [line for line in lines if line]
    if not lines:
        return no_preview("The file is empty.")
    header, rows = lines[0], lines[1 : PREVIEW_ROWS + 1]
    width = min(len(header), PREVIEW_COLUMNS)
    rows = [row[:width] + [""] * (width - len(row)) for row in rows]
    return Preview(
        header=[shorten(name) for name in header[:width]],
        rows=[[shorten(cell) for cell in row] for row in rows],
        numeric=[
            bool(rows) and value_type([row[index] for row in rows]) in NUMBERS for index in range(width)
        ],
        hidden_columns=len(header) - width,
    )


def read_head(storage: Storage, key: str, limit: int) -> bytes:
    """The first `limit` bytes of a stored file, without fetching the rest."""
    with storage.open(key, "rb") as stream:
        s3_object = getattr(stream, "obj", None)
        if s3_object is not None:  # an S3 file downloads the whole object on its first read()
            return s3_object.get(Range=f"bytes=0-{limit - 1}")["Body"].read()
        return stream.read(limit)


def read_preview(dataset_file: DatasetFile) -> Preview:
    """Read a public data file's preview from storage; raises OSError when the storage cannot be read."""
    if dataset_file.size == 0:
        return no_preview("The file is empty.")
    head = read_head(public_storage(), dataset_file.storage_key, PREVIEW_BYTES)
    return parse_preview(head, whole_file=dataset_file.size <= PREVIEW_BYTES)


def cache_key(dataset_file: DatasetFile) -> str:
    return f"podium:preview:{CACHE_VERSION}:{dataset_file.sha256}"


def file_previews(files: Iterable[DatasetFile]) -> dict[int, Preview]:
    """The preview of each CSV file among the given public data files, by file id: from the cache in one
    call, reading only the files not cached yet. Other files get no entry."""
    csv_files = [dataset_file for dataset_file in files if is_csv(dataset_file.name)]
    try:
        found = cache.get_many([cache_key(dataset_file) for dataset_file in csv_files])
    except Exception:  # the cache (Redis) is down: read the files, the page still answers
        logger.warning("Previews are not cached: the cache cannot be reached", exc_info=True)
        found = {}
    fresh = {}
    for dataset_file in csv_files:
        key = cache_key(dataset_file)
        if key in found:
            continue
        try:
            found[key] = fresh[key] = read_preview(dataset_file)
        except Exception:  # a storage outage must not break the page, nor be remembered
            logger.warning("Could not read %s for its preview", dataset_file.storage_key, exc_info=True)
            found[key] = no_preview("The preview is not available right now.")
    if fresh:
        with contextlib.suppress(Exception):  # the cache being down costs a re-read next time, nothing more
            cache.set_many(fresh, CACHE_SECONDS)
    return {dataset_file.pk: found[cache_key(dataset_file)] for dataset_file in csv_files}


def with_previews(files: Iterable[DatasetFile], previews: dict[int, Preview]) -> list[DatasetFile]:
    """The files, each carrying its preview (None for a file that is not a CSV, or one not to be previewed);
    the first previewed file is the one a page shows open."""
    files = list(files)
    for dataset_file in files:
        dataset_file.preview = previews.get(dataset_file.pk)
        dataset_file.preview_open = False
    first = next((dataset_file for dataset_file in files if dataset_file.preview), None)
    if first is not None:
        first.preview_open = True
    return files
