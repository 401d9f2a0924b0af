"""The examples behind docs/validation.md: each bad file, run through the real engine.

    .venv/bin/python docs/validation_examples.py > docs/validation.md

tests/engine/test_validation_docs.py checks the page still matches what the engine says.
"""

import io
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scoring import engine

LABELS = "id,target,Usage\n1,cat,Public\n2,dog,Public\n3,cat,Private\n4,dog,Private\n"
NUMBERS = "id,target,Usage\n1,1.5,Public\n2,2.5,Public\n3,3.5,Private\n4,4.5,Private\n"
BINARY = "id,target,Usage\n1,0,Public\n2,1,Public\n3,0,Private\n4,1,Private\n"
CLASSES = (
    "id,target,Usage\n1,ant,Public\n2,bee,Public\n3,ant,Private\n4,bee,Private\n5,cat,Public\n6,cat,Private\n"
)


@dataclass(frozen=True)
class Example:
    title: str
    metric: str
    solution: str
    submission: bytes
    params: tuple = ()
    shown: str = ""  # how to show a file whose bytes are not readable text


EXAMPLES = [
    Example("An empty file", "accuracy", LABELS, b""),
    Example(
        "Not UTF-8 text (here UTF-16)",
        "accuracy",
        LABELS,
        "id,target\n1,cat\n".encode("utf-16"),
        shown="(the lines id,target and 1,cat, saved as UTF-16)",
    ),
    Example("A row with more fields than the header", "accuracy", LABELS, b"id,target\n1,cat\n2,dog,extra\n"),
    Example("No id column", "accuracy", LABELS, b"ident,target\n1,cat\n"),
    Example("A missing prediction column", "accuracy", LABELS, b"id\n1\n2\n3\n4\n"),
    Example(
        "A column name in the wrong case", "accuracy", LABELS, b"id,Target\n1,cat\n2,dog\n3,cat\n4,dog\n"
    ),
    Example("An extra column", "accuracy", LABELS, b"id,target,notes\n1,cat,x\n2,dog,x\n3,cat,x\n4,dog,x\n"),
    Example("A column twice", "accuracy", LABELS, b"id,target,target\n1,cat,cat\n"),
    Example("A header and no rows", "accuracy", LABELS, b"id,target\n"),
    Example("An empty id", "accuracy", LABELS, b"id,target\n1,cat\n,dog\n3,cat\n4,dog\n"),
    Example("An id twice", "accuracy", LABELS, b"id,target\n1,cat\n1,dog\n2,dog\n3,cat\n4,dog\n"),
    Example("Missing ids", "accuracy", LABELS, b"id,target\n1,cat\n2,dog\n"),
    Example(
        "Ids that are not in the test set",
        "accuracy",
        LABELS,
        b"id,target\n1,cat\n2,dog\n3,cat\n4,dog\n99,cat\n",
    ),
    Example("An empty prediction", "accuracy", LABELS, b"id,target\n1,cat\n2,\n3,cat\n4,dog\n"),
    Example(
        "A label outside the allowed set", "accuracy", LABELS, b"id,target\n1,cat\n2,cow\n3,cat\n4,dog\n"
    ),
    Example("A value that is not a number", "rmse", NUMBERS, b"id,target\n1,1.0\n2,abc\n3,3.0\n4,4.0\n"),
    Example("An infinite value", "rmse", NUMBERS, b"id,target\n1,1.0\n2,inf\n3,3.0\n4,4.0\n"),
    Example(
        "A negative value where the metric takes logs", "rmsle", NUMBERS, b"id,target\n1,1\n2,-2\n3,3\n4,4\n"
    ),
    Example("A probability outside [0, 1]", "log_loss", BINARY, b"id,target\n1,0.2\n2,1.5\n3,0.3\n4,0.9\n"),
    Example("The same prediction for every row", "pearson", NUMBERS, b"id,target\n1,2\n2,2\n3,2\n4,2\n"),
    Example(
        "A class-probability row of zeros",
        "multiclass_log_loss",
        CLASSES,
        b"id,ant,bee,cat\n1,0,0,0\n2,.2,.5,.3\n3,.6,.2,.2\n4,.1,.8,.1\n5,.1,.1,.8\n6,.3,.3,.4\n",
    ),
    Example(
        "An unknown label in a ranked list",
        "map_at_k",
        CLASSES,
        b"id,target\n1,ant bee\n2,bee yak\n3,ant cat\n4,bee ant\n5,cat ant\n6,cat bee\n",
        (("k", "2"),),
    ),
]


def run(example: Example) -> engine.SubmissionError:
    spec = engine.ScoringSpec(example.metric, "id", ("target",), dict(example.params))
    solution = engine.load_solution(io.BytesIO(example.solution.encode()), spec)
    try:
        engine.score(solution, io.BytesIO(example.submission))
    except engine.SubmissionError as error:
        return error
    raise AssertionError(f"{example.title}: the engine accepted the file")


def render() -> str:
    lines = [
        "# What Podium says about a bad submission",
        "",
        "Every message below was produced by the engine on the file shown (`python docs/validation_examples.py`",
        "regenerates this page; a test keeps it in step with the engine). Messages name columns, public ids and",
        "the participant's own values, never a hidden one. A file that is valid but cannot be scored on the",
        'hidden rows gets `metric_failed`: "Your file is valid but could not be scored; the host has been',
        'notified.", and the host sees the reason. Files refused by validation give their quota slot back.',
        "",
    ]
    for example in EXAMPLES:
        error = run(example)
        shown = example.shown or example.submission.decode("utf-8")
        lines += [
            f"## {example.title} (`{error.code}`)",
            "",
            f"Metric `{example.metric}`; the file:",
            "",
            "```",
            shown.rstrip("\n") if shown.strip() else "(empty)",
            "```",
            "",
            f"> {error.message}",
            "",
        ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(render())
