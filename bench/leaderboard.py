"""Leaderboard reads at scale: 10,000 teams and 1,000,000 scored submissions on PostgreSQL, over HTTP.

    .venv/bin/python bench/leaderboard.py [--teams 10000] [--submissions 1000000] [--requests 200]
                                          [--keep] [--reuse] [--explain]

Creates its own PostgreSQL database (podium_bench_leaderboard on 127.0.0.1:5432, dropped and recreated
each run), migrates it, creates one published ROC AUC competition through the real services, then fills it
with bulk SQL (INSERT ... SELECT generate_series): one user, team and membership per team, about
submissions/teams scored submissions per team spread over 30 days (a third of the teams select two as
final), and each team's public LeaderboardEntry derived from its best submission (DISTINCT ON).

Then it starts gunicorn (tests/stack.py, as bench/bench_pipeline.py does) and times anonymous GETs, after a
warm-up: the public leaderboard API (first page of 100 rows and the last page), the leaderboard HTML page
(page 1 and the last page), and the same API pages sorted by a secondary column (`?sort=`; the competition
gets one, "Average precision", with a random value in every public entry). It moves the end into the
past, times build_private_leaderboard in this process (in a transaction holding the competition's row
lock), and times the private API and page. The
reference, measured in the same run, is the naive board computed from the submissions table on each
request (GROUP BY team, best score first, LIMIT 100). It also counts the queries of one request of each
kind in-process (django.test.Client). Prints figures; never judges them.

--keep leaves the database in place; --reuse starts from a kept database of the same size instead of
filling a new one (the private board and the end are reset first).
"""

import argparse
import os
import platform
import shlex
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# bench/scoring.py is named like the `scoring` package: import packages from the repository, not bench/.
sys.path[:] = [str(REPO)] + [
    p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent
]

import psycopg  # noqa: E402
import requests  # noqa: E402

from tests.stack import Stack  # noqa: E402

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DATABASE = "podium_bench_leaderboard"
DATABASE_URL = f"postgresql://postgres@127.0.0.1:5432/{DATABASE}"
SLUG = "bench-leaderboard"
PAGE = 100
BUDGET_MS = 30.0
# Ten rows, ids 1-4 public and 5-10 private: the competition needs a real solution, the bench never scores.
SOLUTION = "id,target,Usage\n" + "".join(
    f"{i},{i % 2},{'Public' if i <= 4 else 'Private'}\n" for i in range(1, 11)
)
RANKABLE = (
    "competition_id = %(competition)s AND status = 'scored' AND NOT is_late"
    " AND deleted_at IS NULL AND disqualified_at IS NULL"
)
NAIVE_SQL = f"""
    SELECT t.name, b.best, b.entries, b.last
    FROM (
        SELECT team_id, max(public_score) AS best, count(*) AS entries, max(created_at) AS last
        FROM submissions_submission WHERE {RANKABLE}
        GROUP BY team_id
    ) b JOIN competitions_team t ON t.id = b.team_id
    WHERE t.disqualified_at IS NULL
    ORDER BY b.best DESC, b.team_id
    LIMIT {PAGE}
"""


# --- database ---------------------------------------------------------------------------------------
def recreate_database() -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{DATABASE}"')


def drop_database() -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


def kept_database_fits(teams: int, submissions: int) -> bool:
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            return False
    with psycopg.connect(DATABASE_URL) as connection:
        try:
            found = connection.execute(
                "SELECT (SELECT count(*) FROM competitions_team t JOIN competitions_competition c"
                "        ON c.id = t.competition_id WHERE c.slug = %(slug)s),"
                "       (SELECT count(*) FROM submissions_submission s JOIN competitions_competition c"
                "        ON c.id = s.competition_id WHERE c.slug = %(slug)s)",
                {"slug": SLUG},
            ).fetchone()
        except psycopg.Error:
            return False
    return found == (teams, submissions)


def create_competition_through_services():
    import io

    from django.utils import timezone

    from accounts.models import User
    from competitions.models import Competition
    from competitions.services import CompetitionDraft, create_competition, publish_competition
    from datasets.services import NewFile

    host = User.objects.create_user("bench-host", "bench-host@example.com", password=None)
    now = timezone.now()
    draft = CompetitionDraft(
        title="Bench leaderboard",
        slug=SLUG,
        start_at=now - timedelta(days=31),
        end_at=now + timedelta(days=1),
        metric="roc_auc",
        id_column="id",
        target_columns=["target"],
        rules="Play fair.",
    )
    test_csv = "id,feature\n" + "".join(f"{i},{i * 0.5}\n" for i in range(1, 11))
    competition = create_competition(
        host=host,
        draft=draft,
        solution=io.BytesIO(SOLUTION.encode()),
        data_files=[NewFile("test.csv", io.BytesIO(test_csv.encode()))],
    )
    publish_competition(competition=competition, user=host)
    return Competition.objects.get(pk=competition.pk)


def fill(competition_id: int, teams: int, submissions: int) -> dict[str, float]:
    """Users, teams, memberships, submissions and public entries, all in bulk SQL; returns seconds per step."""
    steps: dict[str, float] = {}
    params = {"competition": competition_id, "teams": teams, "submissions": submissions}
    with psycopg.connect(DATABASE_URL) as connection:
        connection.execute("SET synchronous_commit = off")
        start = connection.execute(
            "SELECT start_at FROM competitions_competition WHERE id = %s", [competition_id]
        ).fetchone()[0]
        params["start"] = start
        # The competition's one phase and track (competitions.phases): every submission and entry names it.
        params["pair"] = connection.execute(
            "SELECT id FROM competitions_phasetrack WHERE competition_id = %s", [competition_id]
        ).fetchone()[0]

        def step(name: str, sql: str) -> None:
            started = time.perf_counter()
            connection.execute(sql, params)
            steps[name] = steps.get(name, 0.0) + time.perf_counter() - started

        step(
            "users, teams, memberships",
            """
            INSERT INTO accounts_user (password, last_login, is_superuser, username, first_name, last_name,
                                       email, is_staff, is_active, date_joined, display_name, banned_at,
                                       ban_reason, confirmed_email)
            SELECT '!bench', NULL, false, 'bench' || g, '', '', 'bench' || g || '@example.com', false, true,
                   %(start)s, 'Bench user ' || g, NULL, '', ''
            FROM generate_series(1, %(teams)s) g
            """,
        )
        step(
            "users, teams, memberships",
            """
            INSERT INTO competitions_team (competition_id, name, created_at, disqualified_at,
                                           disqualification_reason, prize_ineligible_at,
                                           prize_ineligibility_reason)
            SELECT %(competition)s, 'Team ' || g, %(start)s + (g %% 1440) * interval '1 minute', NULL, '',
                   NULL, ''
            FROM generate_series(1, %(teams)s) g
            """,
        )
        step(
            "users, teams, memberships",
            """
            CREATE TEMP TABLE bench_map AS
            SELECT g AS k, t.id AS team_id, u.id AS user_id
            FROM generate_series(1, %(teams)s) g
            JOIN competitions_team t ON t.competition_id = %(competition)s AND t.name = 'Team ' || g
            JOIN accounts_user u ON u.username = 'bench' || g
            """,
        )
        step("users, teams, memberships", "ALTER TABLE bench_map ADD PRIMARY KEY (k)")
        step(
            "users, teams, memberships",
            """
            INSERT INTO competitions_teammembership (competition_id, team_id, user_id, is_leader, joined_at)
            SELECT %(competition)s, team_id, user_id, true, %(start)s FROM bench_map
            """,
        )
        step(
            "users, teams, memberships",
            """
            INSERT INTO competitions_rulesacceptance (competition_id, user_id, rules_version, accepted_at)
            SELECT %(competition)s, user_id, 1, %(start)s FROM bench_map
            """,
        )
        # Submission s belongs to team k = s % teams + 1; the team's skill sets the centre of its scores,
        # the private score drifts from the public one. Rounded to 6 digits, so some scores tie.
        # A third of the teams select their first two submissions (s < 2 * teams) as final.
        step(
            "submissions",
            """
            INSERT INTO submissions_submission (
                competition_id, phase_track_id, team_id, submitted_by_id, description, file_name, file_key,
                file_size, file_sha256, status, public_score, private_score, error_code, error_message,
                host_error_detail, counts_against_quota, is_late, is_final, deleted_at, disqualified_at,
                disqualification_reason, enqueue_count, created_at, enqueued_at, scoring_started_at,
                scored_at, team_number, public_columns, private_columns, public_tie_key, private_tie_key,
                is_host_test, lease_holder, scoring_attempts, idempotency_key)
            SELECT %(competition)s, %(pair)s, m.team_id, m.user_id, '', 'predictions.csv',
                   'submissions/bench/' || x.s || '.csv', 1400000, md5(x.s::text) || md5(x.k::text),
                   'scored', x.public_score, round(least(1.0, greatest(0.0,
                       x.public_score + (random() - 0.5) * 0.08))::numeric, 6)::float8,
                   '', '', '', true, false, (x.s < 2 * %(teams)s AND x.k %% 3 = 0), NULL, NULL, '', 1,
                   x.created_at, x.created_at, x.created_at, x.created_at + interval '2 seconds',
                   x.s / %(teams)s + 1, '{}', '{}', '', '', false, '', 1, ''
            FROM (
                SELECT s, k, created_at,
                       round((0.6 + 0.3 * ((k * 7919) %% %(teams)s)::float8 / %(teams)s
                              + 0.08 * random())::numeric, 6)::float8 AS public_score
                FROM (
                    SELECT s, s %% %(teams)s + 1 AS k,
                           %(start)s + random() * interval '30 days' AS created_at
                    FROM generate_series(0, %(submissions)s - 1) s
                ) raw
            ) x JOIN bench_map m ON m.k = x.k
            """,
        )
        # Fresh statistics first: without them the planner guesses a handful of rows and the query below
        # takes minutes instead of seconds.
        step("public entries", "ANALYZE submissions_submission")
        # Each team's public entry as record_on_leaderboard leaves it: the best public score, the earlier
        # submission on a tie (then the lower id), the count of scored submissions and the latest one.
        step(
            "public entries",
            f"""
            INSERT INTO scoring_leaderboardentry (competition_id, phase_track_id, team_id, split, score,
                                                  columns, tie_key, best_submission_id, best_submitted_at,
                                                  entries, last_submitted_at, public_rank)
            SELECT DISTINCT ON (team_id) competition_id, phase_track_id, team_id, 'public', public_score,
                   '{{}}', '', id, created_at, count(*) OVER per_team, max(created_at) OVER per_team, NULL
            FROM submissions_submission WHERE {RANKABLE}
            WINDOW per_team AS (PARTITION BY team_id)
            ORDER BY team_id, public_score DESC, created_at, id
            """,
        )
        connection.commit()
    started = time.perf_counter()
    with psycopg.connect(DATABASE_URL, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
    steps["vacuum analyze"] = time.perf_counter() - started
    return steps


COLUMN = "Average precision"


def add_score_column(competition_id: int) -> None:
    """A secondary column on the competition and a value of it in every public entry, for the sorted reads."""
    from competitions.models import Competition
    from competitions.score_columns import check_score_columns

    columns = check_score_columns(
        [{"label": COLUMN, "metric": "average_precision"}], metric="roc_auc", metric_params={}
    )
    Competition.objects.filter(pk=competition_id).update(score_columns=columns)
    with psycopg.connect(DATABASE_URL, autocommit=True) as connection:
        connection.execute(
            "UPDATE scoring_leaderboardentry SET columns = jsonb_build_object(%s::text, round(random()::numeric, 6))"
            " WHERE competition_id = %s",
            [COLUMN, competition_id],
        )
        connection.execute("VACUUM ANALYZE scoring_leaderboardentry")


def reset_kept(competition_id: int) -> None:
    """A kept database comes back as a fresh run leaves it after filling: running, no private board."""
    with psycopg.connect(DATABASE_URL) as connection:
        connection.execute(
            "DELETE FROM scoring_leaderboardentry WHERE competition_id = %s AND split = 'private'",
            [competition_id],
        )
        connection.execute(
            "UPDATE competitions_competition SET end_at = now() + interval '1 day',"
            " private_leaderboard_built_at = NULL WHERE id = %s",
            [competition_id],
        )


# --- timing -----------------------------------------------------------------------------------------
def time_get(session: requests.Session, url: str, count: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        session.get(url, timeout=60).raise_for_status()
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        response = session.get(url, timeout=60)
        response.content  # noqa: B018 - the body is part of the request
        timings.append(time.perf_counter() - started)
        response.raise_for_status()
    return timings


def p50(timings: list[float]) -> float:
    return statistics.median(timings)


def p95(timings: list[float]) -> float:
    return statistics.quantiles(timings, n=20)[-1] if len(timings) >= 2 else timings[0]


def time_naive(competition_id: int, repeats: int) -> list[float]:
    timings = []
    with psycopg.connect(DATABASE_URL, autocommit=True) as connection:
        connection.execute(NAIVE_SQL, {"competition": competition_id}).fetchall()  # warm-up
        for _ in range(repeats):
            started = time.perf_counter()
            rows = connection.execute(NAIVE_SQL, {"competition": competition_id}).fetchall()
            timings.append(time.perf_counter() - started)
    assert len(rows) == PAGE, len(rows)
    return timings


def queries_per_request(paths: list[str]) -> dict[str, tuple[int, float, float]]:
    """In-process: (queries, SQL ms, total ms) of one anonymous GET of each path, after one warm-up."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    found = {}
    for path in paths:
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            total = time.perf_counter() - started
        assert response.status_code == 200, (path, response.status_code)
        sql_ms = sum(float(query["time"]) for query in captured.captured_queries) * 1000
        found[path] = (len(captured.captured_queries), sql_ms, total * 1000)
    return found


def explain(competition, split: str, offset: int) -> str:
    from django.db import connection

    from leaderboards.queries import ranked_entries

    sql, params = ranked_entries(competition, split)[offset : offset + PAGE].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def build_private(competition_id: int) -> tuple[float, int]:
    from django.db import transaction

    from competitions.locks import lock_competition
    from leaderboards.private_board import build_private_leaderboard

    started = time.perf_counter()
    with transaction.atomic():
        locked = lock_competition(competition_id)
        teams = build_private_leaderboard(locked)
    return time.perf_counter() - started, teams


# --- report -----------------------------------------------------------------------------------------
def machine_note() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        server = admin.execute("SHOW server_version").fetchone()[0].split()[0]
        autovacuum = admin.execute("SHOW autovacuum").fetchone()[0]
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 2**20:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{os.cpu_count()} cores ({model or platform.processor()}){memory}, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, PostgreSQL {server} (autovacuum {autovacuum}), "
        f"gunicorn 2 workers x 8 threads"
    )


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=10_000)
    parser.add_argument("--submissions", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per endpoint")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--naive-repeats", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="leave the database in place")
    parser.add_argument("--reuse", action="store_true", help="start from a kept database of this size")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of the page queries")
    args = parser.parse_args()
    if args.teams < 2 * PAGE or args.submissions < args.teams:
        parser.error(f"use at least {2 * PAGE} teams and one submission per team")
    command = shlex.join([".venv/bin/python", "bench/leaderboard.py", *sys.argv[1:]])
    run_started = time.perf_counter()

    with tempfile.TemporaryDirectory(prefix="podium-bench-") as directory:
        stack = Stack(Path(directory))
        stack.env["DATABASE_URL"] = DATABASE_URL
        stack.env["PODIUM_LOG_LEVEL"] = "WARNING"
        stack.env["PODIUM_API_RATE_ANON"] = "1000000/min"  # the burst limit stays on, far above the run
        # Repeated reads of a first page would come from the board cache: time the database's path instead.
        stack.env["PODIUM_BOARD_CACHE_SECONDS"] = "0"
        for name in (
            "PODIUM_VAR_DIR",
            "DJANGO_SECRET_KEY",
            "DATABASE_URL",
            "PODIUM_LOG_LEVEL",
            "PODIUM_API_RATE_ANON",
            "PODIUM_BOARD_CACHE_SECONDS",
        ):
            os.environ[name] = stack.env[name]
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django

        django.setup()
        from django.core.management import call_command

        from competitions.models import Competition

        reused = args.reuse and kept_database_fits(args.teams, args.submissions)
        steps: dict[str, float] = {}
        started = time.perf_counter()
        if reused:
            competition = Competition.objects.get(slug=SLUG)
            reset_kept(competition.pk)
            print(f"reusing the kept database {DATABASE}", flush=True)
        else:
            recreate_database()
            call_command("migrate", "--noinput", verbosity=0)
            competition = create_competition_through_services()
            steps["migrate + competition"] = time.perf_counter() - started
            print(
                f"migrated, competition created ({steps['migrate + competition']:.1f} s); filling", flush=True
            )
            steps.update(fill(competition.pk, args.teams, args.submissions))
        add_score_column(competition.pk)
        fill_seconds = time.perf_counter() - started
        for name, seconds in steps.items():
            print(f"  {name}: {seconds:.1f} s", flush=True)

        base = f"/api/v1/competitions/{SLUG}/leaderboard/"
        page = f"/competitions/{SLUG}/leaderboard/"
        last_offset = args.teams - PAGE
        last_page = (args.teams + PAGE - 1) // PAGE
        api_first = "API public, first 100 rows"
        html_first = "HTML page 1"
        public_endpoints = {
            api_first: f"{base}?split=public&limit={PAGE}",
            f"API public, offset {last_offset:,}": f"{base}?split=public&offset={last_offset}&limit={PAGE}",
            html_first: f"{page}?page=1",
            f"HTML page {last_page}": f"{page}?page={last_page}",
            "API public sorted by a column, first 100 rows": f"{base}?split=public&limit={PAGE}&sort=Average%20precision",
            f"API public sorted by a column, offset {last_offset:,}": (
                f"{base}?split=public&offset={last_offset}&limit={PAGE}&sort=Average%20precision"
            ),
            "HTML page 1 sorted by a column": f"{page}?page=1&sort=Average%20precision",
        }
        private_endpoints = {
            "API private, first 100 rows": f"{base}?split=private&limit={PAGE}",
            f"API private, offset {last_offset:,}": f"{base}?split=private&offset={last_offset}&limit={PAGE}",
            "HTML private page 1": f"{page}?split=private&page=1",
        }
        timings: dict[str, list[float]] = {}

        def time_all(endpoints: dict[str, str], suffix: str = "") -> None:
            session = requests.Session()
            for label, path in endpoints.items():
                print(f"timing {label}{suffix}", flush=True)
                timings[label + suffix] = time_get(session, stack.url + path, args.requests, args.warmup)

        try:
            stack.start_web()
            body = requests.get(stack.url + public_endpoints[api_first], timeout=60).json()
            assert body["count"] == args.teams, body["count"]
            assert len(body["results"]) == PAGE, len(body["results"])
            time_all(public_endpoints)
            queries = queries_per_request([public_endpoints[api_first], public_endpoints[html_first]])
            if args.explain:
                for offset in (0, last_offset):
                    print(f"\nEXPLAIN ANALYZE, public page at offset {offset}:")
                    print(explain(competition, "public", offset))

            Competition.objects.filter(pk=competition.pk).update(
                end_at=Competition.objects.get(pk=competition.pk).start_at + timedelta(days=30, minutes=1)
            )
            print("building the private leaderboard", flush=True)
            build_seconds, private_teams = build_private(competition.pk)
            # Timed at once, as the first readers after the end see it: before any ANALYZE of the new rows.
            time_all(private_endpoints)
            body = requests.get(
                stack.url + private_endpoints["API private, first 100 rows"], timeout=60
            ).json()
            assert body["final"], body
            assert body["count"] == private_teams, body["count"]
            queries.update(
                queries_per_request(
                    [
                        private_endpoints["API private, first 100 rows"],
                        private_endpoints["HTML private page 1"],
                    ]
                )
            )
            if args.explain:
                print("\nEXPLAIN ANALYZE, private page 1, before ANALYZE:")
                print(explain(competition, "private", 0))
            with psycopg.connect(DATABASE_URL, autocommit=True) as connection:
                connection.execute("VACUUM ANALYZE scoring_leaderboardentry")
            time_all(dict(list(private_endpoints.items())[:1]), " (after VACUUM ANALYZE)")

            # The same server opening a database connection per request, to show what persistence saves.
            stack.stop("web")
            stack.env["DATABASE_CONN_MAX_AGE"] = "0"
            stack.start_web()
            persistent = {label: public_endpoints[label] for label in (api_first, html_first)}
            persistent["API private, first 100 rows"] = private_endpoints["API private, first 100 rows"]
            time_all(persistent, " (DATABASE_CONN_MAX_AGE=0: a connection per request)")
        finally:
            stack.close()

    print("timing the naive reference", flush=True)
    naive = time_naive(competition.pk, args.naive_repeats)
    from django.db import connections

    connections.close_all()
    if not args.keep:
        drop_database()
    runtime = time.perf_counter() - run_started

    api_p50 = p50(timings[api_first])
    print()
    print(f"Command: `{command}`")
    print(f"Machine: {machine_note()}")
    print(
        f"Data: 1 competition, {args.teams:,} teams (one user each), {args.submissions:,} scored submissions,"
        f" {args.teams:,} public entries; {'reused a kept database' if reused else 'filled'} in"
        f" {fill_seconds:.1f} s; whole run {runtime:.0f} s"
    )
    print(
        f"Timed: {args.requests} anonymous GETs per row after {args.warmup} warm-up, one keep-alive client;"
        " the server as configured by default (persistent connections, DATABASE_CONN_MAX_AGE=60) unless the row says otherwise"
    )
    print()
    print("| | p50 | p95 |")
    print("|---|---|---|")
    for label, values in timings.items():
        note = f" (budget: under {BUDGET_MS:.0f} ms)" if label == api_first else ""
        print(f"| {label} | {ms(p50(values))}{note} | {ms(p95(values))} |")
    print(
        f"| reference: naive GROUP BY team over {args.submissions:,} submissions, LIMIT {PAGE} (SQL only,"
        f" {args.naive_repeats} runs) | {ms(p50(naive))} ({p50(naive) / api_p50:.1f}x the API first page) |"
        f" {ms(p95(naive))} |"
    )
    print(f"| build_private_leaderboard ({private_teams:,} teams, row lock held) | {build_seconds:.2f} s | |")
    print()
    print("| in-process, one request (django.test.Client, connection kept) | queries | SQL | total |")
    print("|---|---|---|---|")
    for path, (count, sql_ms, total_ms) in queries.items():
        print(f"| `{path}` | {count} | {sql_ms:.1f} ms | {total_ms:.1f} ms |")
    if args.keep:
        print(f"\nKept the database {DATABASE}: re-run with --reuse to skip the filling.")


if __name__ == "__main__":
    main()
