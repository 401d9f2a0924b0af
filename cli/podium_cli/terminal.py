"""What the command prints: tables that fit the terminal, a progress bar on stderr, and value formats."""

import json
import re
import shutil
import sys
import time
from datetime import UTC, datetime

ELLIPSIS = "…"
COLUMN_GAP = "  "
MIN_COLUMN = 4


def print_json(data) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def terminal_width() -> int:
    return max(shutil.get_terminal_size(fallback=(120, 24)).columns, 20)


def truncate(text: str, width: int) -> str:
    if len(text) <= width:
        return text
    return text[: max(width - 1, 0)] + ELLIPSIS


def fit_widths(natural: list[int], minimum: list[int], available: int, flexible: list[bool]) -> list[int]:
    """Shrink the widest columns until the row fits (never below each column's minimum): first the
    flexible ones (free text such as titles), then the rest (dates, ids)."""
    widths = list(natural)
    excess = sum(widths) + len(COLUMN_GAP) * (len(widths) - 1) - available
    for round_flexible in (True, False):
        while excess > 0:
            shrinkable = [
                i for i, w in enumerate(widths) if w > minimum[i] and (flexible[i] or not round_flexible)
            ]
            if not shrinkable:
                break
            widest = max(shrinkable, key=lambda i: widths[i])
            second = max((widths[i] for i in shrinkable if i != widest), default=minimum[widest])
            step = min(excess, widths[widest] - max(second, minimum[widest]) or 1)
            widths[widest] -= step
            excess -= step
    return widths


def looks_numeric(values: list[str]) -> bool:
    present = [v for v in values if v not in ("", "-")]
    if not present:
        return False
    try:
        for value in present:
            float(value.lstrip("+"))
    except ValueError:
        return False
    return True


# Control characters from the server (C0, C1, DEL and the marks that reorder text) are shown escaped, so a
# name cannot move the cursor, clear the screen or add a row to a table.
UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def printable(text: str, keep: str = "") -> str:
    """The text with every control character but those in `keep` written as a JSON-style escape (ESC as
    \\u001b, U+202E as \\u202e), which reads the same in a table and inside --json output."""
    return UNPRINTABLE.sub(
        lambda found: found.group() if found.group() in keep else f"\\u{ord(found.group()):04x}", text
    )


class PrintableStream:
    """Wraps stdout or stderr so that nothing the server sent can reach the terminal raw; the CLI's own
    newlines (and the progress bar's carriage return on stderr) pass."""

    def __init__(self, stream, keep: str):
        self.stream = stream
        self.keep = keep

    def write(self, text: str) -> int:
        return self.stream.write(printable(text, self.keep))

    def __getattr__(self, name: str):
        return getattr(self.stream, name)


def guard_terminal() -> None:
    if not isinstance(sys.stdout, PrintableStream):
        sys.stdout = PrintableStream(sys.stdout, keep="\n")
    if not isinstance(sys.stderr, PrintableStream):
        sys.stderr = PrintableStream(sys.stderr, keep="\n\r")


FLEXIBLE = {"title", "description", "team", "name", "sha256", "subtitle", "error"}


def print_table(rows: list[dict], columns: list[tuple[str, str]], *, out=None) -> None:
    """rows: dicts of already formatted strings; columns: (key, header). Numeric columns align right;
    free-text columns give up their width first when the terminal is narrow."""
    out = out or sys.stdout
    headers = [header for _, header in columns]
    cells = [[printable(str(row.get(key, ""))) for key, _ in columns] for row in rows]
    natural = [max([len(headers[i])] + [len(r[i]) for r in cells]) for i in range(len(columns))]
    minimum = [min(natural[i], max(MIN_COLUMN, min(len(headers[i]), 12))) for i in range(len(columns))]
    flexible = [key in FLEXIBLE for key, _ in columns]
    widths = fit_widths(natural, minimum, terminal_width(), flexible)
    right = [looks_numeric([r[i] for r in cells]) for i in range(len(columns))]

    def line(values: list[str]) -> str:
        parts = []
        for i, value in enumerate(values):
            text = truncate(value, widths[i])
            parts.append(text.rjust(widths[i]) if right[i] else text.ljust(widths[i]))
        return COLUMN_GAP.join(parts).rstrip()

    print(line(headers), file=out)
    print(COLUMN_GAP.join("-" * w for w in widths), file=out)
    for row in cells:
        print(line(row), file=out)


class Progress:
    """A one-line progress bar on stderr, drawn only when stderr is a terminal (silent in pipes and CI)."""

    def __init__(self, label: str, total: int | None, *, stream=None):
        self.stream = stream or sys.stderr
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.label = label
        self.total = total
        self.done = 0
        self.started = time.monotonic()
        self.drawn_at = 0.0

    def advance(self, amount: int) -> None:
        self.update(self.done + amount)

    def update(self, done: int) -> None:
        self.done = done
        now = time.monotonic()
        if self.enabled and (now - self.drawn_at >= 0.1 or (self.total and done >= self.total)):
            self.drawn_at = now
            self.draw(now)

    def draw(self, now: float) -> None:
        elapsed = max(now - self.started, 1e-6)
        speed = f"{human_size(int(self.done / elapsed))}/s"
        if self.total:
            fraction = min(self.done / self.total, 1.0)
            figures = f"{fraction:4.0%}  {human_size(self.done)}/{human_size(self.total)}  {speed}"
        else:
            fraction = None
            figures = f"{human_size(self.done)}  {speed}"
        width = terminal_width()
        label = truncate(self.label, max(width // 3, 10))
        bar_width = max(width - len(label) - len(figures) - 6, 0)
        if fraction is not None and bar_width >= 10:
            filled = int(bar_width * fraction)
            bar = " [" + "#" * filled + "." * (bar_width - filled) + "]"
        else:
            bar = ""
        self.stream.write(f"\r{label}{bar}  {figures}"[: width - 1].ljust(width - 1))
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.draw(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()


def human_size(size: int | None) -> str:
    if size is None:
        return "-"
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TB"


def parse_time(value) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def format_time(value) -> str:
    """ISO timestamps from the API, shown in UTC to the minute."""
    moment = parse_time(value)
    if moment is None:
        return str(value or "-")
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def format_score(value) -> str:
    """Six decimals, as the site shows scores."""
    if value is None:
        return "-"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:.6f}"
    return str(value)
