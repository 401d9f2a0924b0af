"""`make run` seeds a demo benchmark and a demo discussion after the demo competitions; running it again
changes nothing."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from community.benchmarks import benchmark_rows
from community.models import Benchmark, Comment, ImportedResult, Paper, Rating, WriteUp
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


def test_the_demo_papers_have_implementations_results_and_a_rated_implementation(client):
    """Three papers, each with a repository and a result on the benchmark (two cited by write-ups, one by an
    imported row); the demo users rate one implementation; a second run changes nothing."""
    call_command("seed_demo", verbosity=0)
    call_command("seed_community_demo", verbosity=0)
    call_command("seed_community_demo", verbosity=0)

    papers = {paper.title: paper for paper in Paper.objects.all()}
    assert sorted(papers) == [
        "LightGBM: A Highly Efficient Gradient Boosting Decision Tree",
        "Nearest neighbor pattern classification",
        "Random Forests",
    ]
    repositories = {
        title: [i.repository_url for i in paper.implementations.all()] for title, paper in papers.items()
    }
    assert repositories == {
        "LightGBM: A Highly Efficient Gradient Boosting Decision Tree": [
            "https://github.com/microsoft/LightGBM"
        ],
        "Nearest neighbor pattern classification": ["https://github.com/scikit-learn/scikit-learn"],
        "Random Forests": ["https://github.com/scikit-learn/scikit-learn"],
    }
    assert dict(WriteUp.objects.values_list("author__username", "paper__title")) == {
        "ada": "LightGBM: A Highly Efficient Gradient Boosting Decision Tree",
        "grace": "Nearest neighbor pattern classification",
    }
    assert list(
        ImportedResult.objects.filter(paper__isnull=False).values_list("method_name", "paper__title")
    ) == [("Random forest (example import)", "Random Forests")]
    rated = papers["Random Forests"].implementations.get()
    assert (rated.rating_count, rated.rating_sum) == (3, 14)
    assert Rating.objects.count() == 6  # three on the dataset, three on the implementation
    for title in papers:
        page = client.get(f"/papers/{papers[title].pk}/").content.decode()
        assert "Wine cultivars" in page
    page = client.get(f"/papers/{papers['Random Forests'].pk}/").content.decode()
    assert "Random forest (example import)" in page


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
