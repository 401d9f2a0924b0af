"""Reading the engine's CSV files (paths or binary file objects) and explaining why one cannot be read."""

import codecs
import csv
import io
import os
import re
import warnings
from collections.abc import Iterator, Sequence
from typing import IO, BinaryIO

import pandas as pd
import pyarrow as pa
from pyarrow import csv as pa_csv

from .errors import EngineError, name_some, plural, quote

# A path, or a binary file object (an open file, io.BytesIO, a Django storage's File).
Source = str | os.PathLike[str] | IO[bytes]

SEPARATOR_LOOKALIKES = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}
COLUMNS_SHOWN = 30


class CsvFile:
    """A CSV source that can be opened more than once: the diagnostics re-read a file that failed.

    `owner` starts every message ("Your file", "The solution file") and `error` is the error class to raise.
    A file object is read once, from its current position, and kept in memory.
    """

    def __init__(self, source: Source, *, owner: str, error: type[EngineError]):
        self.owner = owner
        self.error = error
        self._path: str | None = None
        self._data: bytes | None = None
        if isinstance(source, str | os.PathLike):
            self._path = os.fspath(source)
        elif hasattr(source, "read"):
            data = source.read()
            self._data = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        else:
            raise TypeError(f"Expected a path or a binary file object, got {type(source).__name__}")

    def open(self) -> BinaryIO:
        if self._path is not None:
            return open(self._path, "rb")
        assert self._data is not None
        return io.BytesIO(self._data)

    def fail(self, code: str, message: str) -> EngineError:
        return self.error(code, message)

    def bad_csv(self, detail: str) -> EngineError:
        return self.fail("bad_csv", f"{self.owner} is not a valid CSV file: {detail}")


def _is_blank(row: Sequence[str]) -> bool:
    # pandas skips these lines too, so they count as neither header nor data.
    return not row or (len(row) == 1 and not row[0].strip())


def _records(csv_file: CsvFile) -> Iterator[tuple[int, list[str]]]:
    """(first line, fields) of each non-blank record, as Python's csv module reads them."""
    with csv_file.open() as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text:
        reader = csv.reader(text)
        first_line = 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise csv_file.bad_csv(f"line {reader.line_num}: {error}.") from None
            if not _is_blank(row):
                yield first_line, row
            first_line = reader.line_num + 1


def _encoding_error(csv_file: CsvFile) -> EngineError:
    line = _first_bad_utf8_line(csv_file)
    where = f" (line {line:,} is the first with such bytes)" if line else ""
    return csv_file.fail(
        "encoding",
        f"{csv_file.owner} is not UTF-8 text{where}. "
        "Save it as UTF-8 (in Excel: 'CSV UTF-8') and upload it again.",
    )


def _first_bad_utf8_line(csv_file: CsvFile) -> int | None:
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines_before = 0
    with csv_file.open() as raw:
        while chunk := raw.read(1 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                return lines_before + chunk.count(b"\n", 0, max(error.start, 0)) + 1
            lines_before += chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return lines_before + 1
    return None


def read_header(csv_file: CsvFile) -> list[str]:
    """The header's column names; also refuses a first data row of another width (pandas would misread it)."""
    try:
        records = _records(csv_file)
        header_record = next(records, None)
        if header_record is None:
            raise csv_file.fail(
                "empty_file", f"{csv_file.owner} is empty; it needs a header row and data rows."
            )
        _, header = header_record
        first_row = next(records, None)
    except UnicodeDecodeError:
        raise _encoding_error(csv_file) from None
    if first_row is not None and len(first_row[1]) != len(header):
        raise _ragged(csv_file, first_row[0], len(first_row[1]), len(header))
    return header


def _ragged(csv_file: CsvFile, line: int, fields: int, width: int) -> EngineError:
    advice = " Quote values that contain commas." if fields > width else ""
    return csv_file.bad_csv(
        f"line {line:,} has {plural(fields, 'field')}, but the header has {width}.{advice}"
    )


def raise_if_ragged(csv_file: CsvFile, width: int) -> None:
    """Refuse a data row with too few fields; pandas fills those with empty values instead of failing."""
    records = _records(csv_file)
    next(records, None)
    for line, row in records:
        if len(row) != width:
            raise _ragged(csv_file, line, len(row), width)


def _same_but_for_case_or_spaces(found: str, name: str) -> bool:
    return found != name and found.strip().casefold() == name.strip().casefold()


def _hint(name: str, candidates: Sequence[str]) -> str:
    for candidate in candidates:
        if _same_but_for_case_or_spaces(name, candidate):
            return f" Did you mean {quote(candidate)}?"
    return ""


def check_columns(
    csv_file: CsvFile,
    header: list[str],
    *,
    id_column: str,
    target_columns: Sequence[str],
    optional: Sequence[str] = (),
    names_typed: bool = False,
) -> None:
    """The header holds the id column and the targets exactly once each, in any order, and nothing else.

    With `names_typed`, the expected names are what the host typed (a solution's columns), so a near miss
    says which name the file has and which was typed, rather than asking the file to change."""
    expected = [id_column, *target_columns]
    expected_text = name_some(expected, len(expected), COLUMNS_SHOWN)
    if optional:
        expected_text += f" (and optionally {' and '.join(quote(name) for name in optional)})"
    seen: set[str] = set()
    duplicated: list[str] = []
    for name in header:
        if name in seen:
            duplicated.append(name)
        seen.add(name)
    if duplicated:
        raise csv_file.fail(
            "duplicate_column",
            f"{csv_file.owner} has the column {name_some(dict.fromkeys(duplicated))} more than once; "
            "each column must appear exactly once.",
        )
    for name in expected:
        if name in seen:
            continue
        code = "missing_id_column" if name == id_column else "missing_column"
        role = "id" if name == id_column else "target"
        message = f"{csv_file.owner} has no {role} column {quote(name)}."
        near = [found for found in header if _same_but_for_case_or_spaces(found, name)]
        if near and names_typed:
            message += (
                f" The file has {quote(near[0])}, and {quote(name)} was typed: names must match exactly, "
                "including case and spaces."
            )
        elif near:
            message += f" It has {quote(near[0])}; did you mean {quote(name)}?"
        elif len(header) == 1:
            message += _separator_hint(header[0])
        raise csv_file.fail(
            code, f"{message} The header must have the columns {expected_text}, in any order."
        )
    allowed = [*expected, *optional]
    extra = [(position, name) for position, name in enumerate(header, start=1) if name not in allowed]
    if extra:
        described = [name if name.strip() else f"<unnamed column {position}>" for position, name in extra]
        hints = "".join(_hint(name, allowed) for _, name in extra[:1])
        trailing = " (a trailing comma in the header?)" if any(not name.strip() for _, name in extra) else ""
        raise csv_file.fail(
            "unexpected_column",
            f"{csv_file.owner} has {'an unexpected column' if len(extra) == 1 else 'unexpected columns'} "
            f"{name_some(described)}{trailing}.{hints} "
            f"The header must have exactly the columns {expected_text}.",
        )


def _separator_hint(only_column: str) -> str:
    for separator, word in SEPARATOR_LOOKALIKES.items():
        if separator in only_column:
            return f" Its header looks separated by {word}; Podium reads comma-separated files."
    return ""


_PANDAS_LINE = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def read_table(csv_file: CsvFile, header: Sequence[str], dtype: dict) -> pd.DataFrame:
    """All rows, with pandas' C parser; text columns stay exactly as written ("NA" is a value, not a gap)."""
    try:
        # pandas warns when the header and the rows differ in width; the check below names the problem.
        with csv_file.open() as raw, warnings.catch_warnings():
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            table = pd.read_csv(
                raw,
                dtype=dtype,
                encoding="utf-8",
                engine="c",
                keep_default_na=False,
                na_filter=False,
                index_col=False,
            )
    except UnicodeDecodeError:
        raise _encoding_error(csv_file) from None
    except pd.errors.EmptyDataError:
        raise csv_file.fail(
            "empty_file", f"{csv_file.owner} is empty; it needs a header row and data rows."
        ) from None
    except pd.errors.ParserError as error:
        raise _explain_parser_error(csv_file, header, str(error)) from None
    if list(table.columns) != list(header):
        # Both readers agree on any ordinary header; a stray quote or line break in it can set them apart.
        raise csv_file.bad_csv(
            "its header row cannot be read unambiguously; remove anything above the column names "
            "(a line holding only quotes?) and check the quotes in the header."
        )
    return table


def _explain_parser_error(csv_file: CsvFile, header: Sequence[str], reason: str) -> EngineError:
    # pandas counts records, not lines; re-reading with the csv module finds the line a person can look up.
    try:
        records = _records(csv_file)
        next(records, None)
        last_line = None
        for line, row in records:
            if len(row) != len(header):
                return _ragged(csv_file, line, len(row), len(header))
            last_line = line
    except UnicodeDecodeError:
        return _encoding_error(csv_file)
    if "EOF inside string" in reason and last_line is not None:
        return csv_file.bad_csv(f'a quoted value starting on line {last_line:,} is never closed (a stray ").')
    match = _PANDAS_LINE.search(reason)
    if match:
        expected, line, saw = (int(group) for group in match.groups())
        return _ragged(csv_file, line, saw, expected)
    return csv_file.bad_csv(reason.replace("Error tokenizing data. C error: ", "").strip())


def read_arrow_table(
    csv_file: CsvFile, header: Sequence[str], column_types: dict, *, expected_rows: int, row_limit: int
) -> pa.Table | None:
    """All rows with pyarrow's reader, for the fast path; None when it cannot read the file exactly as the
    header says (a missing or malformed value, an odd header), and the caller reads it again with
    `read_table` to explain. Stops reading past `row_limit` rows, far more than the `expected_rows`."""
    convert_options = pa_csv.ConvertOptions(
        column_types=column_types,
        null_values=[],
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
        check_utf8=True,
    )
    batches = []
    rows = 0
    try:
        with csv_file.open() as raw, pa_csv.open_csv(raw, convert_options=convert_options) as reader:
            for batch in reader:
                rows += batch.num_rows
                if rows > row_limit:
                    raise csv_file.fail(
                        "too_many_rows",
                        f"{csv_file.owner} has more than {row_limit:,} data rows, and it needs exactly "
                        f"{expected_rows:,}, one for each id. Is it the right file?",
                    )
                batches.append(batch)
            schema = reader.schema
    except (pa.ArrowException, ValueError, UnicodeError):
        return None
    if schema.names != list(header) or any(
        schema.field(name).type != kind for name, kind in column_types.items()
    ):
        return None
    return pa.Table.from_batches(batches, schema=schema)
