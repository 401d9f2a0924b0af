"""Benchmarks: the host keeps a finished competition open, later submissions enter a results table ranked by
private score with their write-ups' paper and code, the table exports as Papers With Code JSON (read back
by sota-extractor) and imports such files, all rows or none."""

import io
import json
import warnings

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from community.models import Benchmark, ImportedResult
from tests.community.test_writeups import PAPER, end_now
from tests.factories import make_competition
from tests.moderation.conftest import ALL_RIGHT, TWO_RIGHT, scored

pytestmark = pytest.mark.django_db
API = "/api/v1/competitions/animals/benchmark/"


@pytest.fixture
def finished(competition, participant, other_participant):
    """alice (all public rows right) and bob (two right) scored; then the end passed."""
    from tests.factories import joined

    joined(competition, participant)
    joined(competition, other_participant)
    alice, bob = (
        scored(competition, participant, ALL_RIGHT),
        scored(competition, other_participant, TWO_RIGHT),
    )
    end_now(competition)
    return {"alice": alice, "bob": bob}


def opened(api_for, host, slug="animals", **data):
    answer = api_for(host).post(
        f"/api/v1/competitions/{slug}/benchmark/", {"task": "Animal Classification", **data}, format="json"
    )
    assert answer.status_code == 201, answer.json()
    return answer.json()


def sota_file(rows, *, dataset="Animals", metrics=("Accuracy",), task="Animal Classification") -> bytes:
    return json.dumps(
        [{"task": task, "datasets": [{"dataset": dataset, "sota": {"metrics": list(metrics), "rows": rows}}]}]
    ).encode()


def import_file(api_for, user, content: bytes, slug="animals", **data):
    upload = SimpleUploadedFile("evaluation-tables.json", content, content_type="application/json")
    return api_for(user).post(
        f"/api/v1/competitions/{slug}/benchmark/import/", {"file": upload, **data}, format="multipart"
    )


RESNET = {
    "model_name": "ResNet-50",
    "metrics": {"Accuracy": "91.5%", "Top 5 Accuracy": "99.1"},
    "paper_title": "Deep Residual Learning",
    "paper_url": "https://arxiv.org/abs/1512.03385",
    "paper_date": "2015-12-10",
    "code_links": [
        {
            "title": "KaimingHe/deep-residual-networks",
            "url": "https://github.com/KaimingHe/deep-residual-networks",
        }
    ],
    "model_links": [],
    "uses_additional_data": False,
}


def test_only_the_host_opens_a_benchmark_and_only_after_the_end(api_for, competition, host, participant):
    early = api_for(host).post(API, {"task": "Animal Classification"}, format="json")
    assert early.status_code == 400
    assert early.json()["message"].startswith("A competition becomes a benchmark after it ends (")
    end_now(competition)
    assert api_for(participant).post(API, {"task": "x"}, format="json").status_code == 403
    missing = api_for(host).post(API, {"task": " "}, format="json")
    assert missing.status_code == 400
    body = opened(api_for, host)
    assert (body["task"], body["dataset_name"], body["metric"]) == (
        "Animal Classification",
        "Animals",
        "Accuracy",
    )
    again = api_for(host).post(API, {"task": "Again"}, format="json")
    assert again.status_code == 409


def test_the_table_ranks_each_teams_best_private_score_with_its_write_up(
    api_for, host, participant, finished, competition
):
    opened(api_for, host)
    api_for(participant).post(
        "/api/v1/competitions/animals/writeups/", {**PAPER, "submission": finished["alice"].pk}, format="json"
    )
    later = scored(competition, participant, ALL_RIGHT)  # after the end: scored on both splits
    assert later.is_late
    assert later.private_score is not None

    rows = api_for(None).get(API).json()["rows"]

    assert [(row["rank"], row["method_name"], row["team"]) for row in rows] == [
        (1, "Whisker features + kNN", "alice"),
        (2, "bob", "bob"),
    ]
    assert rows[0]["paper_url"] == "https://arxiv.org/abs/2106.01345v2"
    assert rows[0]["code_url"] == "https://github.com/alice/whiskers"
    assert rows[0]["score"] == finished["alice"].private_score
    assert rows[1]["paper_url"] == ""
    assert rows[1]["writeup"] is None


def test_the_private_leaderboard_stays_as_it_was_at_the_end(
    api_for, host, participant, other_participant, finished, competition
):
    from leaderboards.private_board import build_private_leaderboard

    build_private_leaderboard(competition)
    before = api_for(host).get("/api/v1/competitions/animals/leaderboard/?split=private").json()
    opened(api_for, host)
    scored(competition, other_participant, ALL_RIGHT)
    after = api_for(host).get("/api/v1/competitions/animals/leaderboard/?split=private").json()
    assert after == before


def test_a_benchmark_that_is_not_there_is_not_found(api_for, competition):
    answer = api_for(None).get(API)
    assert answer.status_code == 404
    assert answer.json()["code"] == "not_a_benchmark"


def test_the_export_is_papers_with_code_json_that_sota_extractor_reads(
    api_for, host, participant, finished, tmp_path
):
    from sota_extractor.taskdb import TaskDB

    opened(api_for, host)
    api_for(participant).post(
        "/api/v1/competitions/animals/writeups/", {**PAPER, "submission": finished["alice"].pk}, format="json"
    )
    answer = api_for(None).get(API + "export/")
    assert answer["Content-Disposition"] == 'attachment; filename="animals-evaluation-tables.json"'
    path = tmp_path / "evaluation-tables.json"
    path.write_bytes(answer.content)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # marshmallow's deprecation notes about sota-extractor's own schema
        database = TaskDB()
        database.load_tasks(str(path))
    task = database.get_task("Animal Classification")
    table = task.datasets[0]
    assert (table.name, table.sota.metrics) == ("Animals", ["Accuracy"])
    first = table.sota.rows[0]
    assert first.model_name == "Whisker features + kNN"
    assert first.paper_url == "https://arxiv.org/abs/2106.01345v2"
    assert [link.url for link in first.code_links] == ["https://github.com/alice/whiskers"]
    assert first.metrics == {"Accuracy": finished["alice"].private_score}
    assert first.uses_additional_data is True
    assert [row.model_name for row in table.sota.rows] == ["Whisker features + kNN", "bob"]


def test_an_export_imported_into_another_benchmark_keeps_every_row(api_for, host, participant, finished):
    opened(api_for, host)
    assert import_file(api_for, host, sota_file([RESNET])).status_code == 201
    api_for(participant).post(
        "/api/v1/competitions/animals/writeups/", {**PAPER, "submission": finished["alice"].pk}, format="json"
    )
    exported = json.loads(api_for(None).get(API + "export/").content)

    copy = make_competition(host=host, title="Animals again", slug="animals-again")
    end_now(copy)
    opened(api_for, host, slug="animals-again", dataset_name="Animals")
    answer = import_file(api_for, host, json.dumps(exported).encode(), slug="animals-again")
    assert answer.status_code == 201, answer.json()
    assert answer.json() == {"imported": 3, "skipped": 0, "metric": "Accuracy"}

    copied = json.loads(api_for(None).get("/api/v1/competitions/animals-again/benchmark/export/").content)
    original_rows = exported[0]["datasets"][0]["sota"]["rows"]
    copied_rows = copied[0]["datasets"][0]["sota"]["rows"]
    assert copied_rows == original_rows
    listed = api_for(None).get("/api/v1/competitions/animals-again/benchmark/").json()["rows"]
    assert all(row["is_imported"] for row in listed)


def test_importing_the_same_file_twice_skips_what_is_there(api_for, host, finished):
    opened(api_for, host)
    import_file(api_for, host, sota_file([RESNET]))
    again = import_file(api_for, host, sota_file([RESNET]))
    assert again.json() == {"imported": 0, "skipped": 1, "metric": "Accuracy"}
    assert ImportedResult.objects.get().score == pytest.approx(0.915)


@pytest.mark.parametrize(
    ("content", "code", "message"),
    [
        (b"\xff\xfe\x00", "import_not_json", "The file is not UTF-8 text"),
        (b'[{"task": "x",', "import_not_json", "The file is not JSON: Expecting"),
        (b'"hello"', "import_bad_shape", "Expected a list of tasks"),
        (b'[{"task": "x", "datasets": []}]', "import_no_table", "The file holds no dataset tables."),
        (sota_file([]), "import_no_rows", "Dataset 'Animals' has an empty results table."),
        (
            sota_file([RESNET], metrics=["Top 5 Accuracy"]),
            "import_no_metric",
            "The table has no 'Accuracy' column",
        ),
        (
            sota_file([{**RESNET, "model_name": ""}, {**RESNET, "metrics": {"Accuracy": "n/a"}}]),
            "import_bad_rows",
            "Nothing was imported: 2 rows cannot be read. Row 1 has no model_name. "
            "Row 2 (ResNet-50): 'Accuracy' is \"n/a\", not a number.",
        ),
        (
            sota_file([{**RESNET, "paper_date": "2015-13-40"}]),
            "import_bad_rows",
            'Row 1 (ResNet-50): paper_date "2015-13-40" is not a date (YYYY-MM-DD).',
        ),
        (
            sota_file([{**RESNET, "code_links": ["https://github.com/x/y"]}]),
            "import_bad_rows",
            "Row 1 (ResNet-50): 'code_links' must be a list of {title, url}.",
        ),
        (
            json.dumps(
                [
                    {
                        "task": "t",
                        "datasets": [
                            {"dataset": "A", "sota": {"rows": [RESNET]}},
                            {"dataset": "B", "sota": {"rows": [RESNET]}},
                        ],
                    }
                ]
            ).encode(),
            "import_no_table",
            "The file holds 2 dataset tables and none is named 'Animals'",
        ),
    ],
)
def test_malformed_files_import_nothing_and_say_why(api_for, host, finished, content, code, message):
    opened(api_for, host)
    answer = import_file(api_for, host, content)
    assert answer.status_code == 400
    assert answer.json()["code"] == code
    assert message in answer.json()["message"]
    assert not ImportedResult.objects.exists()


def test_a_column_named_otherwise_is_chosen_by_the_host(api_for, host, finished):
    opened(api_for, host)
    answer = import_file(
        api_for, host, sota_file([RESNET], metrics=["Top 5 Accuracy"]), metric="top 5 accuracy"
    )
    assert answer.json()["metric"] == "Top 5 Accuracy"
    assert ImportedResult.objects.get().score == pytest.approx(99.1)


def test_only_the_host_imports_and_the_file_has_a_size_limit(
    api_for, host, participant, finished, monkeypatch
):
    opened(api_for, host)
    assert import_file(api_for, participant, sota_file([RESNET])).status_code == 403
    monkeypatch.setattr("community.pwc.MAX_IMPORT_BYTES", 10)
    too_big = import_file(api_for, host, sota_file([RESNET]))
    assert too_big.json()["code"] == "import_too_large"


def test_the_benchmark_tab_shows_the_table_the_chart_and_the_host_forms(client, api_for, host, finished):
    from tests.factories import PASSWORD

    assert client.login(username=host.username, password=PASSWORD)
    page = client.get("/competitions/animals/benchmark/").content.decode()
    assert 'id="open-benchmark"' in page
    client.post(
        "/competitions/animals/benchmark/open/", {"task": "Animal Classification", "dataset_name": "Animals"}
    )
    assert Benchmark.objects.get().task.name == "Animal Classification"
    upload = io.BytesIO(sota_file([RESNET]))
    upload.name = "evaluation-tables.json"
    done = client.post(
        "/competitions/animals/benchmark/import/", {"file": upload}, follow=True
    ).content.decode()
    assert "Imported 1 results from &#x27;Accuracy&#x27;" in done
    assert 'id="benchmark-table"' in done
    assert "ResNet-50" in done
    assert 'class="badge imported"' in done
    assert 'id="sota-chart"' in done
    assert "Best Accuracy over time" in done
    assert 'id="import-results"' in done
    bad = io.BytesIO(b"nope")
    bad.name = "bad.json"
    refused = client.post(
        "/competitions/animals/benchmark/import/", {"file": bad}, follow=True
    ).content.decode()
    assert "The file is not JSON" in refused
    export = client.get("/competitions/animals/benchmark/evaluation-tables.json")
    assert json.loads(export.content)[0]["task"] == "Animal Classification"


def test_participants_see_the_benchmark_tab_only_once_it_is_open(
    client, api_for, host, participant, finished
):
    from tests.factories import PASSWORD

    assert client.login(username=participant.username, password=PASSWORD)
    assert ">Benchmark</a>" not in client.get("/competitions/animals/").content.decode()
    opened(api_for, host)
    overview = client.get("/competitions/animals/").content.decode()
    assert ">Benchmark</a>" in overview
    assert "open as a benchmark" in overview
    assert "not a benchmark" not in client.get("/competitions/animals/benchmark/").content.decode()


def test_an_import_without_a_file_names_the_field(api_for, host, finished):
    opened(api_for, host)
    answer = api_for(host).post(API + "import/", {"metric": "Accuracy"}, format="multipart")
    assert answer.status_code == 400
    assert "file" in answer.json()["details"]["fields"]
    assert not ImportedResult.objects.exists()


def test_a_newcomer_joins_a_benchmark_after_the_end_and_enters_its_table_not_the_frozen_board(
    api_for, client, host, finished, competition
):
    from leaderboards.private_board import build_private_leaderboard
    from tests.factories import UserFactory

    build_private_leaderboard(competition)
    frozen = api_for(host).get("/api/v1/competitions/animals/leaderboard/?split=private").json()
    opened(api_for, host)
    carol = UserFactory(username="carol")
    client.force_login(carol)
    assert 'id="accept-rules"' in client.get("/competitions/animals/rules/").content.decode()
    assert api_for(carol).get("/api/v1/competitions/animals/").json()["you"]["may_join"] is True

    joined = api_for(carol).post("/api/v1/competitions/animals/join/")
    late = scored(competition, carol, ALL_RIGHT)

    assert joined.status_code == 200
    assert late.is_late
    assert late.public_score == 1.0
    assert late.private_score is not None  # scored on both splits
    assert api_for(host).get("/api/v1/competitions/animals/leaderboard/?split=private").json() == frozen
    table = api_for(carol).get(API).json()
    assert "carol" in [row.get("team") for row in table["rows"]]


def test_a_competition_that_is_simply_over_turns_newcomers_away_on_the_page_and_the_api(
    api_for, client, finished
):
    from tests.factories import UserFactory

    carol = UserFactory(username="carol")
    client.force_login(carol)

    answer = api_for(carol).post("/api/v1/competitions/animals/join/")

    assert answer.status_code == 400
    assert answer.json()["code"] == "entry_closed"
    assert answer.json()["message"].startswith("This competition ended on ")
    assert api_for(carol).get("/api/v1/competitions/animals/").json()["you"]["may_join"] is False
    for tab in ("rules", "data", "submissions", "team"):
        page = client.get(f"/competitions/animals/{tab}/").content.decode()
        assert 'id="accept-rules"' not in page, tab
        assert "This competition has ended: new participants can no longer join." in page, tab
        assert "Accept the competition's rules" not in page, tab
