"""`podium validate`: check a prediction file against a competition's submission format on this machine,
before it costs a submission. Standard library only (csv), so the client never needs pandas."""

import codecs
import csv
import math
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from podium_cli.client import Client, segment
from podium_cli.errors import CliError
from podium_cli.terminal import human_size
from podium_cli.transfer import download, file_sha256

NUMERIC_KINDS = {"probability", "number", "class_probabilities"}
LABEL_KINDS = {"label", "ranked_labels"}  # the allowed labels are not in the API: the server checks them
NAN_SPELLINGS = {"nan", "+nan", "-nan"}
SAMPLE_NAME = "sample_submission.csv"  # what Podium names the sample it generates
EXAMPLES = 3
SNIFF_BYTES = 8192


@dataclass
class SubmissionFormat:
    id_column: str
    columns: list[str]
    prediction: str | None = None
    prediction_range: tuple[float | None, float | None] | None = None
    sample_file: str | None = None
    max_megabytes: float | None = None
    max_rows: int | None = None

    @classmethod
    def of(cls, competition: dict) -> "SubmissionFormat":
        """From `submission_format`, or from the older `id_column` and `submission_columns` without it."""
        described = competition.get("submission_format")
        if isinstance(described, dict) and described.get("columns"):
            bounds = described.get("prediction_range")
            return cls(
                id_column=described.get("id_column") or described["columns"][0],
                columns=list(described["columns"]),
                prediction=described.get("prediction"),
                prediction_range=(bounds[0], bounds[1]) if isinstance(bounds, list | tuple) else None,
                sample_file=described.get("sample_file"),
                max_megabytes=described.get("max_megabytes"),
                max_rows=described.get("max_rows"),
            )
        columns = list(competition.get("submission_columns") or [])
        id_column = competition.get("id_column") or (columns[0] if columns else "")
        if not columns:
            raise CliError("The server does not describe this competition's submission format.")
        return cls(id_column=id_column, columns=columns)


@dataclass
class Examples:
    """How many rows have a problem, and the first few of them, as a message shows them."""

    count: int = 0
    shown: list[str] = field(default_factory=list)

    def add(self, example: str) -> None:
        self.count += 1
        if len(self.shown) < EXAMPLES:
            self.shown.append(example)

    def listing(self) -> str:
        more = f" and {self.count - len(self.shown)} more" if self.count > len(self.shown) else ""
        return ", ".join(self.shown) + more


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"


def quoted(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


def check_file(path: Path, fmt: SubmissionFormat, sample_ids: list[str] | None) -> tuple[list[str], int]:
    """(problems, data rows) for the file; an empty list means it matches the format."""
    name = path.name
    size = path.stat().st_size
    problems: list[str] = []
    if not name.lower().endswith(".csv"):
        problems.append(f"{name} is not a .csv file; Podium takes predictions as CSV files named *.csv.")
    if fmt.max_megabytes and size > fmt.max_megabytes * 1024 * 1024:  # the server refuses it unread
        return [*problems, f"{name} is {human_size(size)}; the limit is {fmt.max_megabytes} MB."], 0
    if size == 0:
        return [f"{name} is empty; it needs a header row and one row per test id."], 0
    with open(path, "rb") as raw:
        if b"\x00" in raw.read(SNIFF_BYTES):
            return [*problems, f"{name} is a binary file, not CSV text."], 0
    bad_line = first_non_utf8_line(path)
    if bad_line:
        return [
            *problems,
            f"{name} is not UTF-8 text (line {bad_line} is the first with such bytes). "
            "Save it as UTF-8 (in Excel: 'CSV UTF-8').",
        ], 0
    with open(path, encoding="utf-8-sig", newline="") as text:
        try:
            return check_rows(csv.reader(text), name, fmt, sample_ids, problems)
        except csv.Error as error:
            return [*problems, f"{name} is not a valid CSV file: {error}."], 0


def first_non_utf8_line(path: Path) -> int | None:
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as raw:
        for number, line in enumerate(raw, start=1):
            try:
                decoder.decode(line)
            except UnicodeDecodeError:
                return number
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return number
    return None


def header_problems(header: list[str], fmt: SubmissionFormat) -> list[str]:
    """The columns must be the expected ones, each once; like the server, any order is accepted."""
    expected = fmt.columns
    if sorted(header) == sorted(expected):
        return []
    problems = []
    repeated = [column for column, n in Counter(header).items() if n > 1]
    missing = [column for column in expected if column not in header]
    extra = [column for column in header if column not in expected]
    if repeated:
        problems.append(f"The header has {quoted(repeated)} more than once; each column must appear once.")
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing {plural(len(missing), 'column')}: {quoted(missing)}")
        if extra:
            parts.append(f"unexpected {plural(len(extra), 'column')}: {quoted(extra)}")
        hints = [
            f"'{e}' should be '{m}'" for e in extra for m in missing if e.strip().lower() == m.strip().lower()
        ]
        hint = f" (did you mean: {'; '.join(hints)}?)" if hints else ""
        problems.append(
            f"The header must have the columns {','.join(expected)}; yours is {','.join(header)}: "
            f"{'; '.join(parts)}{hint}."
        )
    return problems


def check_rows(
    rows, name: str, fmt: SubmissionFormat, sample_ids, problems: list[str]
) -> tuple[list[str], int]:
    header = None
    for row in rows:
        if row and any(cell.strip() for cell in row):
            header = row
            break
    if header is None:
        return [*problems, f"{name} is empty; it needs a header row and one row per test id."], 0
    header = [cell.strip() for cell in header]
    problems.extend(header_problems(header, fmt))
    positions = {column: i for i, column in enumerate(header)}
    if fmt.id_column not in positions:
        return problems, 0
    id_at = positions[fmt.id_column]
    predictions = [c for c in fmt.columns if c != fmt.id_column and c in positions]
    numeric = fmt.prediction in NUMERIC_KINDS
    low, high = fmt.prediction_range or (None, None)
    wrong_width, empty_ids = Examples(), Examples()
    empty_values, not_numbers, not_finite, out_of_range = Examples(), Examples(), Examples(), Examples()
    counts: Counter[str] = Counter()
    data_rows = 0
    for row in rows:
        if not row or not any(cell.strip() for cell in row):
            continue  # blank lines are skipped, as the server skips them
        data_rows += 1
        line = rows.line_num
        if len(row) != len(header):
            wrong_width.add(f"line {line} has {len(row)}")
            continue
        row_id = row[id_at].strip()
        if not row_id:
            empty_ids.add(f"line {line}")
            continue
        counts[row_id] += 1
        for column in predictions:
            value = row[positions[column]].strip()
            where = f"'{row_id}'" if len(predictions) == 1 else f"'{row_id}' ({column})"
            if not value or value.lower() in NAN_SPELLINGS:
                empty_values.add(where)
                continue
            if not numeric:
                continue
            try:
                number = float(value)
            except ValueError:
                not_numbers.add(f"{where} ('{value}')")
                continue
            if not math.isfinite(number):
                not_finite.add(f"{where} ('{value}')")
            elif (low is not None and number < low) or (high is not None and number > high):
                out_of_range.add(f"{where} ({value})")
    if wrong_width.count:
        problems.append(
            f"{plural(wrong_width.count, 'row')} with another number of fields than the header's "
            f"{len(header)}: {wrong_width.listing()}. Quote values that contain commas."
        )
    if empty_ids.count:
        problems.append(
            f"{plural(empty_ids.count, 'row')} with an empty '{fmt.id_column}': {empty_ids.listing()}."
        )
    if empty_values.count:
        problems.append(
            f"{plural(empty_values.count, 'empty or NaN prediction')}, for id {empty_values.listing()}. "
            "Every test id needs a prediction."
        )
    if not_numbers.count:
        problems.append(
            f"{plural(not_numbers.count, 'prediction')} that {'is' if not_numbers.count == 1 else 'are'} "
            f"not a number, for id {not_numbers.listing()}; this competition scores numbers ({fmt.prediction})."
        )
    if not_finite.count:
        problems.append(f"{plural(not_finite.count, 'infinite prediction')}, for id {not_finite.listing()}.")
    if out_of_range.count:
        bounds = f"[{'-inf' if low is None else f'{low:g}'}, {'inf' if high is None else f'{high:g}'}]"
        problems.append(
            f"{plural(out_of_range.count, 'prediction')} outside {bounds}, for id {out_of_range.listing()}."
        )
    if data_rows == 0:
        problems.append(f"{name} has a header but no data rows; it needs one row per test id.")
    problems.extend(id_problems(counts, sample_ids))
    return problems, data_rows


def id_problems(counts: Counter, sample_ids: list[str] | None) -> list[str]:
    problems = []
    repeated = [(row_id, n) for row_id, n in counts.items() if n > 1]
    if repeated:
        shown = ", ".join(f"'{row_id}' ({n} times)" for row_id, n in repeated[:EXAMPLES])
        more = f" and {len(repeated) - EXAMPLES} more" if len(repeated) > EXAMPLES else ""
        problems.append(
            f"{plural(len(repeated), 'id')} appear{'s' if len(repeated) == 1 else ''} more than once: "
            f"{shown}{more}. Each test id must appear exactly once."
        )
    if sample_ids is None:
        return problems
    expected = set(sample_ids)
    missing = [row_id for row_id in sample_ids if row_id not in counts]
    unknown = [row_id for row_id in counts if row_id not in expected]
    if missing:
        more = f" and {len(missing) - EXAMPLES} more" if len(missing) > EXAMPLES else ""
        problems.append(
            f"{plural(len(missing), 'test id')} of the sample submission {'is' if len(missing) == 1 else 'are'} "
            f"missing: {quoted(missing[:EXAMPLES])}{more}. It needs one row for each of the "
            f"{len(expected)} test ids."
        )
    if unknown:
        more = f" and {len(unknown) - EXAMPLES} more" if len(unknown) > EXAMPLES else ""
        problems.append(
            f"{plural(len(unknown), 'id')} {'is' if len(unknown) == 1 else 'are'} not in the sample "
            f"submission: {quoted(unknown[:EXAMPLES])}{more}. Remove the rows of ids outside the test set."
        )
    return problems


def sample_ids_from(path: Path, id_column: str) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as text:
        reader = csv.reader(text)
        header = [cell.strip() for cell in next(reader, [])]
        if id_column not in header:
            raise CliError(f"The sample submission has no id column '{id_column}'.")
        at = header.index(id_column)
        return [row[at].strip() for row in reader if row and any(c.strip() for c in row) and len(row) > at]


def cached_sample(client: Client, slug: str, name: str) -> Path:
    """The competition's sample file, kept under ~/.podium/cache/ by its SHA-256 so it is fetched once."""
    listed = {item.get("name"): item for item in client.get_json(f"competitions/{segment(slug)}/files/")}
    if name not in listed:
        raise CliError(f"Competition '{slug}' has no file '{name}'.")
    sha256 = (listed[name].get("sha256") or "").lower()
    cache = Path.home() / ".podium" / "cache"
    if sha256:
        target = cache / f"{sha256}-{Path(name).name}"
        if target.is_file() and file_sha256(target) == sha256:
            return target
    else:
        target = cache / f"{slug}-{Path(name).name}"
    download(client, f"competitions/{segment(slug)}/files/{segment(name)}", target, force=True)
    return target


def validate(client: Client, args) -> int:
    """`podium validate C FILE`: exit 0 and say OK, or list every problem and exit 1."""
    slug = args.competition
    path = Path(args.file).expanduser()
    if not path.is_file():
        raise CliError(f"{path} is not a file.")
    competition = client.get_json(f"competitions/{segment(slug)}/")
    fmt = SubmissionFormat.of(competition)
    sample_ids = None
    not_joined = False
    sample_name = fmt.sample_file if "submission_format" in competition else SAMPLE_NAME
    if sample_name:
        try:
            sample_ids = sample_ids_from(cached_sample(client, slug, sample_name), fmt.id_column)
        except CliError as error:
            not_joined = getattr(error, "code", "") == "rules_not_accepted"
            join = f" Run: podium competitions join {slug}" if not_joined else ""
            print(f"Warning: ids not checked: {error.message}{join}", file=sys.stderr)
    else:
        print("Warning: ids not checked: the competition has no sample submission.", file=sys.stderr)
    problems, rows = check_file(path, fmt, sample_ids)
    if fmt.max_rows and rows > fmt.max_rows:
        join = f" Run `podium competitions join {slug}` to check its ids." if not_joined else ""
        problems.append(f"{path.name} has {rows} rows; the competition has {fmt.max_rows} test ids.{join}")
    if problems:
        print(f"{path.name} does not match the submission format of '{slug}':")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    labels = "; the label values are checked when it is scored" if fmt.prediction in LABEL_KINDS else ""
    print(f"OK: {path.name} matches the submission format of {slug} ({rows} rows{labels})")
    return 0
