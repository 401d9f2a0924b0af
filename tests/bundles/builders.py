"""Codabench-format bundles written for Podium's tests, from small dicts: each zip is built in the test."""

import io
import zipfile
from datetime import timedelta

import yaml
from django.utils import timezone

from tests.images import png


def zipped(files: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content.encode() if isinstance(content, str) else content)
    return buffer.getvalue()


def day(offset: int) -> str:
    return (timezone.now() + timedelta(days=offset)).strftime("%Y-%m-%d")


SCORING = zipped(
    {
        "metadata.yaml": "command: python3 /app/program/score.py /app/input /app/output\n",
        "score.py": "import json\njson.dump({'accuracy': 1.0}, open('/app/output/scores.json', 'w'))\n",
    }
)
INGESTION = zipped(
    {"metadata": "command: python3 /app/program/ingest.py\n", "ingest.py": "print('ingesting')\n"}
)
REFERENCE = zipped({"truth.csv": "id,label\n1,0\n2,1\n"})
INPUT = zipped({"x.csv": "id,f\n1,0.5\n2,0.7\n"})


def result_only(**changes) -> dict:
    """A result competition: one task, one phase, participants upload result zips."""
    spec = {
        "version": 2,
        "title": "Toy accuracy",
        "description": "Predict the labels of two rows.",
        "image": "logo.png",
        "docker_image": "codalab/codalab-legacy:py39",
        "terms": "pages/terms.md",
        "pages": [
            {"title": "Overview", "file": "pages/overview.md"},
            {"title": "Evaluation", "file": "pages/evaluation.html"},
        ],
        "tasks": [
            {
                "index": 0,
                "name": "Labels",
                "description": "Label each row.",
                "scoring_program": "scoring_program.zip",
                "reference_data": "reference_data.zip",
            }
        ],
        "phases": [
            {
                "index": 0,
                "name": "Development",
                "start": day(1),
                "end": day(30),
                "max_submissions_per_day": 5,
                "max_submissions": 100,
                "tasks": [0],
                "starting_kit": "starting_kit",
            }
        ],
        "leaderboards": [
            {
                "title": "Results",
                "key": "main",
                "columns": [
                    {"title": "Accuracy", "key": "accuracy", "index": 0, "sorting": "desc", "precision": 3},
                    {"title": "Duration", "key": "duration", "index": 1, "sorting": "asc", "hidden": True},
                ],
            }
        ],
    }
    spec.update(changes)
    return spec


RESULT_FILES = {
    "pages/terms.md": "Be fair.\n",
    "pages/overview.md": "# Toy\n\nTwo rows to label.\n",
    "pages/evaluation.html": "<h2>Scoring</h2><p>Accuracy.</p><script>alert(1)</script>",
    "logo.png": png(3, 2),
    "scoring_program.zip": SCORING,
    "reference_data.zip": REFERENCE,
    "starting_kit/README.md": "Submit a zip with predictions.csv\n",
}


def bundle(spec: dict | str, files: dict | None = None, *, yaml_name: str = "competition.yaml") -> bytes:
    """A bundle zip: the YAML (a dict, or text as it is) and the files."""
    text = spec if isinstance(spec, str) else yaml.safe_dump(spec, sort_keys=False)
    return zipped({yaml_name: text, **(RESULT_FILES if files is None else files)})


def code_with_ingestion() -> tuple[dict, dict]:
    spec = result_only(title="Toy code")
    spec["tasks"][0].update({"ingestion_program": "ingestion_program", "input_data": "input_data.zip"})
    files = {
        **RESULT_FILES,
        "ingestion_program/metadata": "command: python3 /app/program/ingest.py\n",
        "ingestion_program/ingest.py": "print('ingesting')\n",
        "input_data.zip": INPUT,
    }
    return spec, files


def several_tasks_two_phases() -> tuple[dict, dict]:
    spec = result_only(title="Two tasks")
    spec["tasks"].append(
        {
            "index": 1,
            "name": "Labels (hard)",
            "scoring_program": "scoring_program.zip",
            "reference_data": "reference_hard.zip",
        }
    )
    spec["phases"] = [
        {"index": 0, "name": "Development", "start": day(1), "end": day(20), "tasks": [0, 1]},
        {
            "index": 1,
            "name": "Final",
            "start": day(20),
            "end": day(30),
            "max_submissions": 3,
            "tasks": [1],
            "auto_migrate_to_this_phase": True,
        },
    ]
    spec["solutions"] = [{"index": 0, "tasks": [0, 1], "path": "solution"}]
    files = {
        **RESULT_FILES,
        "reference_hard.zip": REFERENCE,
        "solution/predictions.csv": "id,label\n1,0\n2,1\n",
    }
    return spec, files


def version_1_5() -> tuple[dict, dict]:
    spec = {
        "title": "Old style",
        "description": "A CodaLab competition.",
        "html": {
            "overview": "overview.html",
            "evaluation": "evaluation.html",
            "terms": "terms.html",
            "data": "data.html",
        },
        "phases": {
            1: {
                "phasenumber": 1,
                "label": "Practice",
                "start_date": day(1),
                "max_submissions_per_day": 3,
                "scoring_program": "program.zip",
                "reference_data": "reference.zip",
                "color": "green",
            },
            2: {
                "phasenumber": 2,
                "label": "Test",
                "start_date": day(10),
                "scoring_program": "program.zip",
                "reference_data": "reference.zip",
            },
        },
        "end_date": day(40),
        "leaderboard": {
            "leaderboards": {"Results": {"label": "Results", "rank": 1}},
            "columns": {
                "rmse": {
                    "leaderboard": {"label": "Results", "rank": 1},
                    "label": "RMSE",
                    "numeric_format": 4,
                    "rank": 1,
                    "sort": "asc",
                },
                "r2": {"leaderboard": {"label": "Results", "rank": 1}, "label": "R2", "rank": 2},
            },
        },
    }
    files = {
        "overview.html": "<p>Old <b>style</b></p>",
        "evaluation.html": "<p>RMSE</p>",
        "terms.html": "<p>Terms</p>",
        "data.html": "<p>Data</p>",
        "program.zip": zipped(
            {"metadata": "command: python $program/evaluate.py $input $output\n", "evaluate.py": ""}
        ),
        "reference.zip": REFERENCE,
    }
    return spec, files


# Bundles whose programs run for real: the scoring program compares input/res/predictions.csv with the
# reference data's truth.csv, Codabench's way (version 2 writes scores.json, version 1.5 scores.txt).
SCORE_PY = """
import csv, json, sys
ref, res, out = sys.argv[1] + "/ref", sys.argv[1] + "/res", sys.argv[2]
truth = {row["id"]: row["label"] for row in csv.DictReader(open(ref + "/truth.csv"))}
given = {row["id"]: row["label"] for row in csv.DictReader(open(res + "/predictions.csv"))}
right = sum(given.get(key) == value for key, value in truth.items())
print("scored", len(given), "rows")
json.dump({"accuracy": right / len(truth), "duration": 0.5}, open(out + "/scores.json", "w"))
"""
SCORE_TXT_PY = SCORE_PY.replace(
    'json.dump({"accuracy": right / len(truth), "duration": 0.5}, open(out + "/scores.json", "w"))',
    'open(out + "/scores.txt", "w").write(f"accuracy: {right / len(truth)}\\nduration: 0.5\\n")',
)
RUNNING_SCORING = zipped(
    {"metadata.yaml": "command: python3 $program/score.py $input $output\n", "score.py": SCORE_PY}
)
# The host's ingestion program: calls the participant's predict() on each row of the input data.
INGEST_PY = """
import csv, sys
sys.path.insert(0, "/app/ingested_program")
from model import predict
rows = list(csv.DictReader(open("/app/input_data/x.csv")))
with open("/app/output/predictions.csv", "w") as out:
    out.write("id,label\\n")
    for row in rows:
        out.write(f"{row['id']},{predict(float(row['f']))}\\n")
print("ingested", len(rows), "rows")
"""
RIGHT_PREDICTIONS = "id,label\n1,0\n2,1\n"
HALF_RIGHT_PREDICTIONS = "id,label\n1,1\n2,1\n"
MODEL_PY = "def predict(f):\n    return 1 if f > 0.6 else 0\n"


def running_result() -> tuple[dict, dict]:
    """A result competition open today, with a result solution the dry run scores."""
    spec = result_only(title="Running results")
    spec["phases"][0]["start"] = day(-1)
    spec["tasks"][0]["scoring_program"] = "scoring_program"
    spec["solutions"] = [{"index": 0, "tasks": [0], "path": "solution"}]
    files = {
        **RESULT_FILES,
        "scoring_program/metadata.yaml": "command: python3 $program/score.py $input $output\n",
        "scoring_program/score.py": SCORE_PY,
        "solution/predictions.csv": RIGHT_PREDICTIONS,
    }
    del files["scoring_program.zip"]
    return spec, files


def running_code() -> tuple[dict, dict]:
    """Code with the host's ingestion program on input data; a code solution and a result one."""
    spec, files = running_result()
    spec["title"] = "Running code"
    spec["tasks"][0].update({"ingestion_program": "ingestion_program", "input_data": "input_data.zip"})
    spec["solutions"] = [
        {"index": 0, "tasks": [0], "path": "code_solution"},
        {"index": 1, "tasks": [0], "path": "solution"},
    ]
    files.update(
        {
            "ingestion_program/metadata": "command: python3 $program/ingest.py\n",
            "ingestion_program/ingest.py": INGEST_PY,
            "input_data.zip": INPUT,
            "code_solution/model.py": MODEL_PY,
        }
    )
    return spec, files


def running_code_only() -> tuple[dict, dict]:
    """A task whose only solution is code: no result for the program to dry-run on, so the dry run runs the
    code solution through the ingestion and scores its predictions."""
    spec, files = running_code()
    spec["title"] = "Running code only"
    spec["solutions"] = [{"index": 0, "tasks": [0], "path": "code_solution"}]
    del files["solution/predictions.csv"]
    return spec, files


# A version 1.5 program that scores predictions.csv against truth.csv and writes scores.txt (rmse, r2).
V1_SCORE_PY = """
import csv, sys
ref, res, out = sys.argv[1] + "/ref", sys.argv[1] + "/res", sys.argv[2]
truth = {row["id"]: row["label"] for row in csv.DictReader(open(ref + "/truth.csv"))}
given = {row["id"]: row["label"] for row in csv.DictReader(open(res + "/predictions.csv"))}
wrong = sum(given.get(key) != value for key, value in truth.items())
print("compared", len(given), "rows")
open(out + "/scores.txt", "w").write(f"rmse: {(wrong / len(truth)) ** 0.5}\\nr2: {1 - wrong / len(truth)}\\n")
"""


def running_version_1_5() -> tuple[dict, dict]:
    """A version 1.5 bundle (no solutions, no code) whose program runs for real."""
    spec, files = version_1_5()
    spec["phases"][1]["start_date"] = day(-1)
    files["program.zip"] = zipped(
        {"metadata": "command: python3 $program/evaluate.py $input $output\n", "evaluate.py": V1_SCORE_PY}
    )
    return spec, files


def running_tasks() -> tuple[dict, dict]:
    """Two tasks in one phase, each with its own reference data."""
    spec, files = running_result()
    spec["title"] = "Running tasks"
    spec["tasks"].append(
        {"index": 1, "name": "Flipped", "scoring_program": "scoring_program", "reference_data": "flipped.zip"}
    )
    spec["phases"][0]["tasks"] = [0, 1]
    spec["solutions"] = [{"index": 0, "tasks": [0, 1], "path": "solution"}]
    files["flipped.zip"] = zipped({"truth.csv": "id,label\n1,1\n2,1\n"})
    return spec, files


def running_two_phases() -> tuple[dict, dict]:
    """One task over two phases; its program writes scores.txt (as version 1.5 programs do)."""
    spec, files = running_result()
    spec["title"] = "Running phases"
    spec["phases"] = [
        {"index": 0, "name": "Development", "start": day(-1), "end": day(10), "tasks": [0]},
        {"index": 1, "name": "Final", "start": day(10), "end": day(30), "tasks": [0]},
    ]
    files["scoring_program/score.py"] = SCORE_TXT_PY
    return spec, files
