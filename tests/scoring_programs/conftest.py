import io
import textwrap

import pytest

from competitions.phases import pairs_of
from competitions.services import publish_competition
from execution.archives import pack_zip
from scoring import services
from scoring_programs.services import execute_dry_run, latest_dry_run, set_scoring_program
from submissions.services import create_submission
from tests.factories import joined, make_competition, predictions
from tests.services import require_bubblewrap

# A program that counts the submission's rows whose label matches the solution's (both CSVs by id), the
# Codabench way: reference data in input/ref, the submission in input/res, scores.json in the output.
MATCHING = textwrap.dedent(
    """
    import csv, json, os, sys
    ref, res, out = sys.argv[1] + "/ref", sys.argv[1] + "/res", sys.argv[2]
    truth = {row["id"]: row["label"] for row in csv.DictReader(open(ref + "/solution.csv"))}
    [name] = os.listdir(res)
    given = {row["id"]: row["label"] for row in csv.DictReader(open(os.path.join(res, name)))}
    right = sum(given.get(key) == value for key, value in truth.items())
    print("scored", name)
    json.dump({"accuracy": right / len(truth), "errors": len(truth) - right}, open(out + "/scores.json", "w"))
    """
)
COLUMNS = [
    {"key": "accuracy", "label": "Accuracy", "direction": "higher", "primary": True},
    {"key": "errors", "label": "Errors", "direction": "lower", "precision": 0},
]


def program_zip(
    source: str = MATCHING, metadata: str = "command: python3 $program/score.py $input $output\n"
) -> bytes:
    return pack_zip({"metadata.yaml": metadata.encode(), "score.py": source.encode()})


@pytest.fixture
def draft(host):
    return make_competition(host=host, publish=False)


@pytest.fixture
def pair(draft):
    return pairs_of(draft)[0]


@pytest.fixture
def with_program(draft, pair, host):
    """Sets a program on the draft's pair; the dry run is run here, as a sandbox worker would."""

    def give(source: str = MATCHING, columns=None, dry_run: bool = True, **fields):
        program = set_scoring_program(
            competition=draft,
            user=host,
            pair=pair,
            archive_name="program.zip",
            archive=program_zip(source),
            columns=columns or COLUMNS,
            **fields,
        )
        if dry_run:
            execute_dry_run(latest_dry_run(program).pk)
        return program

    return give


@pytest.fixture
def scored(draft, host, with_program, participant):
    """A published competition scored by the matching program, with one participant's file scored 1.0."""
    require_bubblewrap()
    with_program()
    publish_competition(competition=draft, user=host)
    joined(draft, participant)
    labels = {2: "dog", 4: "bird", 5: "dog", 7: "bird", 8: "dog", 10: "dog"}
    submission, _ = create_submission(
        competition=draft,
        user=participant,
        file_name="p.csv",
        stream=io.BytesIO(predictions(labels).encode()),
    )
    assert services.score_submission(submission.pk) == "scored"
    return submission
