"""Project list and paper page at scale: 10,000 public projects and a paper with 100 implementations.

    .venv/bin/python bench/projects_papers.py [--projects 10000] [--implementations 100] [--requests 200]

Creates its own PostgreSQL database (podium_bench_projects on 127.0.0.1:5432, dropped and recreated each
run, dropped at the end), migrates it, then fills it with bulk_create: one owner per 100 projects, the
public projects (created a minute apart), one version and one file row each (no storage writes: the list
pages read no files), one paper with the implementations (a few official, some rated) and 20 of the
projects linked to it as implementing it; a second paper has nothing.

Then it starts gunicorn (tests/stack.py, as bench/leaderboard.py does) and times anonymous GETs after a
warm-up: the project list page and API (first page, newest first), the paper's page and API. The
reference, measured in the same run on the same server, is the empty paper's API answer: what any request
costs. It also counts the queries of one request of each kind in-process (django.test.Client). Prints
figures; never judges them.
"""

import argparse
import os
import shlex
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# bench/scoring.py is named like the `scoring` package: import packages from the repository, not bench/.
sys.path[:] = [str(REPO)] + [
    p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent
]

import psycopg  # noqa: E402
import requests  # noqa: E402

from bench.leaderboard import machine_note, ms, p50, p95, queries_per_request, time_get  # noqa: E402
from tests.stack import Stack  # noqa: E402

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DATABASE = "podium_bench_projects"
DATABASE_URL = f"postgresql://postgres@127.0.0.1:5432/{DATABASE}"
BUDGET_MS = 50.0
LINKED_PROJECTS = 20


def recreate_database() -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{DATABASE}"')


def drop_database() -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


def fill(projects: int, implementations: int) -> tuple[int, int]:
    """Owners, projects, versions, files, two papers and the implementations; returns the two papers' ids."""
    from django.db import connection

    from accounts.models import User
    from community.models import Paper, PaperImplementation
    from projects.models import Project, ProjectFile, ProjectVersion

    owners = User.objects.bulk_create(
        User(username=f"bench{k}", email=f"bench{k}@example.com", display_name=f"Owner {k}")
        for k in range(projects // 100 + 1)
    )
    made = Project.objects.bulk_create(
        (
            Project(
                owner=owners[k // 100],
                title=f"Bench project {k}",
                slug=f"bench-project-{k}",
                subtitle="A notebook and a model",
                description="Trains a model.",
                tags=["tabular", "baseline"],
                rating_count=k % 7,
                rating_sum=(k % 7) * 4,
            )
            for k in range(projects)
        ),
        batch_size=2000,
    )
    versions = ProjectVersion.objects.bulk_create(
        (ProjectVersion(project=p, number=1, created_by=p.owner) for p in made), batch_size=2000
    )
    ProjectFile.objects.bulk_create(
        (
            ProjectFile(
                version=v,
                name="train.py",
                storage_key=f"projects/bench/{v.pk}/train.py",
                size=1200,
                sha256="0" * 64,
                kind=ProjectFile.Kind.CODE,
                rendered_html="<pre>print(1)</pre>",
            )
            for v in versions
        ),
        batch_size=2000,
    )
    with connection.cursor() as cursor:  # a minute apart, the newest last
        cursor.execute(
            "UPDATE projects_project SET created_at = now() - (%s - id) * interval '1 minute',"
            " updated_at = now() - (%s - id) * interval '1 minute'",
            [made[-1].pk, made[-1].pk],
        )
    paper = Paper.objects.create(
        title="A bench paper", authors=["A. Author", "B. Author"], abstract="Abstract.", arxiv_id="2101.00001"
    )
    empty = Paper.objects.create(title="An empty paper", arxiv_id="2101.00002")
    PaperImplementation.objects.bulk_create(
        PaperImplementation(
            paper=paper,
            repository_url=f"https://github.com/bench/impl-{k}",
            framework=("pytorch", "tf", "jax")[k % 3],
            is_official=k < 3,
            rating_count=k % 5,
            rating_sum=(k % 5) * 3,
        )
        for k in range(implementations)
    )
    Project.papers.through.objects.bulk_create(
        Project.papers.through(project_id=p.pk, paper_id=paper.pk) for p in made[:LINKED_PROJECTS]
    )
    connection.close()
    with psycopg.connect(DATABASE_URL, autocommit=True) as raw:
        raw.execute("VACUUM ANALYZE")
    return paper.pk, empty.pk


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--implementations", type=int, default=100)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per endpoint")
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args()
    if args.projects < LINKED_PROJECTS:
        parser.error(f"use at least {LINKED_PROJECTS} projects")
    command = shlex.join([".venv/bin/python", "bench/projects_papers.py", *sys.argv[1:]])
    run_started = time.perf_counter()

    with tempfile.TemporaryDirectory(prefix="podium-bench-") as directory:
        stack = Stack(Path(directory))
        stack.env["DATABASE_URL"] = DATABASE_URL
        stack.env["PODIUM_LOG_LEVEL"] = "WARNING"
        stack.env["PODIUM_API_RATE_ANON"] = "1000000/min"
        for name in (
            "PODIUM_VAR_DIR",
            "DJANGO_SECRET_KEY",
            "DATABASE_URL",
            "PODIUM_LOG_LEVEL",
            "PODIUM_API_RATE_ANON",
        ):
            os.environ[name] = stack.env[name]
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django

        django.setup()
        from django.core.management import call_command

        started = time.perf_counter()
        recreate_database()
        call_command("migrate", "--noinput", verbosity=0)
        print(f"migrated ({time.perf_counter() - started:.1f} s); filling", flush=True)
        paper_id, empty_id = fill(args.projects, args.implementations)
        fill_seconds = time.perf_counter() - started

        reference = "reference: API, a paper with nothing"
        endpoints = {
            "HTML /projects/ (first 24)": "/projects/",
            "API /api/v1/projects/ (first page)": "/api/v1/projects/",
            "HTML /projects/?ordering=rating (damped average)": "/projects/?ordering=rating",
            "API /api/v1/projects/?ordering=rating": "/api/v1/projects/?ordering=rating",
            f"HTML /papers/{{id}}/ ({args.implementations} implementations)": f"/papers/{paper_id}/",
            f"API /api/v1/papers/{{id}}/ ({args.implementations} implementations)": f"/api/v1/papers/{paper_id}/",
            reference: f"/api/v1/papers/{empty_id}/",
        }
        timings: dict[str, list[float]] = {}
        try:
            stack.start_web()
            body = requests.get(
                stack.url + endpoints["API /api/v1/projects/ (first page)"], timeout=60
            ).json()
            assert body["count"] == args.projects, body["count"]
            body = requests.get(stack.url + f"/api/v1/papers/{paper_id}/", timeout=60).json()
            assert len(body["implementations"]) == args.implementations, len(body["implementations"])
            assert len(body["projects"]) == LINKED_PROJECTS, len(body["projects"])
            session = requests.Session()
            for label, path in endpoints.items():
                print(f"timing {label}", flush=True)
                timings[label] = time_get(session, stack.url + path, args.requests, args.warmup)
            queries = queries_per_request(list(endpoints.values()))
        finally:
            stack.close()

    from django.db import connections

    connections.close_all()
    drop_database()
    runtime = time.perf_counter() - run_started

    floor = p50(timings[reference])
    print()
    print(f"Command: `{command}`")
    print(f"Machine: {machine_note()}")
    print(
        f"Data: {args.projects:,} public projects (one version and one file row each, {args.projects // 100 + 1}"
        f" owners), 1 paper with {args.implementations} implementations and {LINKED_PROJECTS} implementing"
        f" projects; filled in {fill_seconds:.1f} s; whole run {runtime:.0f} s"
    )
    print(
        f"Timed: {args.requests} anonymous GETs per row after {args.warmup} warm-up, one keep-alive client,"
        " the server as configured by default"
    )
    print()
    print(f"| | p50 (budget: under {BUDGET_MS:.0f} ms) | p95 | p50 / reference |")
    print("|---|---|---|---|")
    for label, values in timings.items():
        print(f"| {label} | {ms(p50(values))} | {ms(p95(values))} | {p50(values) / floor:.1f}x |")
    print()
    print("| in-process, one request (django.test.Client, connection kept) | queries | SQL | total |")
    print("|---|---|---|---|")
    for path, (count, sql_ms, total_ms) in queries.items():
        print(f"| `{path}` | {count} | {sql_ms:.1f} ms | {total_ms:.1f} ms |")


if __name__ == "__main__":
    main()
