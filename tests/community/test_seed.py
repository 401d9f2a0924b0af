"""`make run` seeds a demo benchmark and a demo discussion after the demo competitions; running it again
changes nothing."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from community.benchmarks import benchmark_rows
from community.models import Benchmark, Comment, WriteUp
from competitions.models import Competition
from datasets.models import Dataset
from leaderboards.models import LeaderboardEntry
from submissions.models import Submission

pytestmark = pytest.mark.django_db


def test_the_demo_benchmark_has_teams_write_ups_and_imported_results(client):
    call_command("seed_demo", verbosity=0)
    call_command("seed_community_demo", verbosity=0)
    call_command("seed_community_demo", verbosity=0)

    benchmark = Benchmark.objects.get()
    rows = benchmark_rows(benchmark)
    assert len(rows) == 5
    assert sum(row.is_imported for row in rows) == 2
    assert next(row.method_name for row in rows if not row.is_imported) == "LightGBM, 200 trees"
    assert WriteUp.objects.count() == 2
    assert Comment.objects.count() == 2
    iris = Dataset.objects.get(slug="iris")
    assert (iris.rating_count, iris.rating_sum) == (3, 13)
    page = client.get("/competitions/wine-benchmark/benchmark/").content.decode()
    assert "Tabular Classification on Wine cultivars" in page
    assert "Logistic regression (example import)" in page


def test_the_demo_benchmark_times_tell_one_story(client):
    """Every submission was made and scored while the competition ran, so its boards say "weeks ago" in
    units that cannot be misread, never "1m"."""
    call_command("seed_demo", verbosity=0)
    call_command("seed_community_demo", verbosity=0)

    competition = Competition.objects.get(slug="wine-benchmark")
    submissions = Submission.objects.filter(competition=competition)
    assert submissions.count() == 3
    for submission in submissions:
        assert competition.start_at < submission.created_at < submission.scored_at < competition.end_at
    entries = LeaderboardEntry.objects.filter(competition=competition)
    assert {entry.split for entry in entries} == {"public", "private"}
    assert all(entry.last_submitted_at < competition.end_at for entry in entries)
    assert competition.end_at < timezone.now() - timedelta(days=7)
    page = client.get("/competitions/wine-benchmark/leaderboard/?split=private").content.decode()
    ages = re.findall(r'<time datetime="[^"]+">([^<]+)</time>', page)
    assert sorted(ages) == ["2 mo", "2 mo", "3 mo"]  # 100, 80 and 60 days ago
