"""`make run` seeds a demo benchmark and a demo discussion after the demo competitions; running it again
changes nothing."""

import pytest
from django.core.management import call_command

from community.benchmarks import benchmark_rows
from community.models import Benchmark, Comment, WriteUp

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
    page = client.get("/competitions/wine-benchmark/benchmark/").content.decode()
    assert "Tabular Classification on Wine cultivars" in page
    assert "Logistic regression (example import)" in page
