"""A benchmark's Papers With Code table carries the shown secondary columns beside the metric, in their
order (never a hidden one), sota-extractor reads it, and an import keeps every metric of a row."""

import json
import warnings

import pytest

from tests.community.test_benchmarks import import_file, opened
from tests.community.test_writeups import end_now
from tests.factories import joined, make_competition
from tests.moderation.conftest import ALL_RIGHT, TWO_RIGHT, scored

pytestmark = pytest.mark.django_db
COLUMNS = [
    {"label": "Balanced accuracy", "metric": "balanced_accuracy"},
    {"label": "MCC", "metric": "mcc", "shown": False},
]


@pytest.fixture
def finished(host, participant, other_participant):
    competition = make_competition(host=host, slug="columned", score_columns=COLUMNS)
    joined(competition, participant)
    joined(competition, other_participant)
    alice = scored(competition, participant, ALL_RIGHT)
    scored(competition, other_participant, TWO_RIGHT)
    end_now(competition)
    return alice


def test_the_export_carries_the_shown_columns_and_sota_extractor_reads_them(
    api_for, host, finished, tmp_path
):
    from sota_extractor.taskdb import TaskDB

    opened(api_for, host, slug="columned")
    content = api_for(None).get("/api/v1/competitions/columned/benchmark/export/").content
    path = tmp_path / "evaluation-tables.json"
    path.write_bytes(content)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        database = TaskDB()
        database.load_tasks(str(path))
    table = database.get_task("Animal Classification").datasets[0]
    assert table.sota.metrics == ["Accuracy", "Balanced accuracy"]
    assert table.sota.rows[0].metrics == {
        "Accuracy": finished.private_score,
        "Balanced accuracy": finished.private_columns["Balanced accuracy"],
    }
    assert "MCC" not in content.decode()


def test_an_import_keeps_every_metric_of_each_row(api_for, host, finished):
    opened(api_for, host, slug="columned")
    exported = json.loads(api_for(None).get("/api/v1/competitions/columned/benchmark/export/").content)
    copy = make_competition(host=host, title="Columned again", slug="columned-again", score_columns=COLUMNS)
    end_now(copy)
    opened(api_for, host, slug="columned-again", dataset_name="Animals")

    answer = import_file(api_for, host, json.dumps(exported).encode(), slug="columned-again")

    assert answer.status_code == 201, answer.json()
    copied = json.loads(api_for(None).get("/api/v1/competitions/columned-again/benchmark/export/").content)
    assert copied[0]["datasets"][0]["sota"] == exported[0]["datasets"][0]["sota"]
