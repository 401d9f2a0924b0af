"""The engine's errors, and how their messages name columns, ids and values."""

from collections.abc import Iterable

SHOWN_VALUES = 5
LONGEST_SHOWN_VALUE = 40


class EngineError(Exception):
    """Base of the engine's errors: a stable `code` and a `message` written for the person who reads it."""

    code: str
    message: str

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    def __reduce__(self) -> tuple[type["EngineError"], tuple[str | None, ...]]:
        # Exceptions pickle through `args` by default, which would lose the code (Celery pickles errors).
        return (type(self), (self.code, self.message))


class SubmissionError(EngineError):
    """A participant's file is unusable or could not be scored.

    `message` is safe to show the participant: it names columns and public ids, never a hidden value.
    `host_detail` is extra detail only the host may see (for example why a metric failed on hidden data).
    """

    def __init__(self, code: str, message: str, host_detail: str | None = None):
        super().__init__(code, message)
        self.host_detail = host_detail

    def __reduce__(self) -> tuple[type["EngineError"], tuple[str | None, ...]]:
        return (type(self), (self.code, self.message, self.host_detail))


class SolutionError(EngineError):
    """The host's solution file or scoring spec is unusable; the message is for the host, naming anything."""


def quote(value: object) -> str:
    """One value as it appears in a message: quoted, escaped, and cut short if long."""
    text = str(value)
    if len(text) > LONGEST_SHOWN_VALUE:
        text = text[: LONGEST_SHOWN_VALUE - 1] + "…"
    return repr(text)


def name_some(
    values: Iterable[object], total: int | None = None, limit: int = SHOWN_VALUES, *, quoted: bool = True
) -> str:
    """'a', 'b' and 'c', or the first `limit` of them then "and N more" (`total` counts all of them)."""
    shown: list[str] = []
    counted = 0
    for value in values:
        if len(shown) < limit:
            shown.append(quote(value) if quoted else str(value))
        counted += 1
        if total is not None and counted >= limit:
            break
    if total is None:
        total = counted
    if total > len(shown):
        return f"{', '.join(shown)} and {total - len(shown):,} more"
    if len(shown) == 1:
        return shown[0]
    return f"{', '.join(shown[:-1])} and {shown[-1]}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 row', '3 rows'."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count:,} {word}"


def name_some_pairs(ids: Iterable[object], values: Iterable[object], total: int) -> str:
    """ "id 'a' ('x'), id 'b' ('y') and N more": rows named by id with the value written there."""
    pairs = [
        f"{quote(row_id)} ({quote(value)})"
        for row_id, value, _ in zip(ids, values, range(SHOWN_VALUES), strict=False)
    ]
    return name_some(pairs, total, quoted=False)


def is_are(count: int) -> str:
    return "is" if count == 1 else "are"
