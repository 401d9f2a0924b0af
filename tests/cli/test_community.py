"""podium competitions writeups and benchmark, against a live server."""

import json
from datetime import timedelta

from django.utils import timezone

from community.benchmarks import open_benchmark
from community.writeups import publish_writeup
from competitions.models import Competition
from submissions.models import Submission
from tests.cli.test_competitions import PUBLIC_RIGHT, scored
from tests.factories import joined


def ended_with_a_write_up(competition, alice, host):
    joined(competition, alice)
    submission = Submission.objects.get(pk=scored(competition, alice, PUBLIC_RIGHT))
    Competition.objects.filter(pk=competition.pk).update(end_at=timezone.now() - timedelta(seconds=1))
    competition.refresh_from_db()
    publish_writeup(
        author=alice,
        submission=submission,
        title="Cats first",
        method_name="Cat prior",
        body="Guess cat.",
        code_url="https://github.com/alice/cats",
        arxiv_id="2106.01345",
    )
    return open_benchmark(host=host, competition=competition, task="Animal Classification")


def test_writeups_lists_method_score_paper_and_code(podium, competition, alice, host):
    ended_with_a_write_up(competition, alice, host)
    result = podium("competitions", "writeups", "animals")
    assert result.returncode == 0, result.stderr
    assert "Cat prior" in result.stdout
    assert "https://github.com/alice/cats" in result.stdout
    assert "https://arxiv.org/abs/2106.01345" in result.stdout
    as_json = json.loads(podium("competitions", "writeups", "animals", "--json").stdout)
    assert as_json["results"][0]["method_name"] == "Cat prior"


def test_benchmark_prints_the_table_and_exports_it(podium, competition, alice, host, workdir):
    ended_with_a_write_up(competition, alice, host)
    shown = podium("competitions", "benchmark", "animals")
    assert shown.returncode == 0, shown.stderr
    assert "Animal Classification on Animals: Accuracy (higher is better)." in shown.stdout
    assert "Cat prior" in shown.stdout

    saved = podium("competitions", "benchmark", "animals", "--export")
    assert saved.returncode == 0, saved.stderr
    table = json.loads((workdir / "animals-evaluation-tables.json").read_text())
    assert table[0]["datasets"][0]["sota"]["rows"][0]["model_name"] == "Cat prior"


def test_benchmark_of_a_competition_that_is_not_one_fails_with_the_servers_message(podium, competition):
    result = podium("competitions", "benchmark", "animals")
    assert result.returncode == 1
    assert "Animals is not a benchmark (yet)." in result.stderr
