"""What bench/throughput.py and bench/rush.py share: a Podium started as the Procfile runs it (gunicorn,
the Celery worker, beat) on PostgreSQL and Redis on loopback, its teams, the uploads, the wait for the last
score, the worker's timing lines and the engine-only reference measured in the same run.

Not a benchmark itself; it prints nothing but what the scripts ask for.
"""

import io
import json
import os
import re
import resource
import shlex
import statistics
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import psycopg
import requests

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from scoring import engine  # noqa: E402
from tests.stack import BIN, ApiClient, Stack, free_port, wait_for  # noqa: E402

POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS = "redis://127.0.0.1:6379/9"  # the benchmarks' own Redis database: broker and cache
PROCFILE = REPO / "Procfile"
TICKS = os.sysconf("SC_CLK_TCK")
MACHINE = "whole machine"
VARIANTS = 20  # distinct submission files, so the board has different scores


def percentile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of `values` fall (linear interpolation); nan when there are none."""
    return float(np.percentile(values, fraction * 100)) if values else float("nan")


def procfile_command(name: str, env: dict[str, str]) -> list[str]:
    """The Procfile's command for `name`, with its ${NAME:-default} expanded from `env` as honcho would."""
    line = next(line for line in PROCFILE.read_text().splitlines() if line.startswith(f"{name}:"))
    text = re.sub(r"\$\{(\w+):-([^}]*)\}", lambda match: env.get(match[1]) or match[2], line.split(":", 1)[1])
    words = shlex.split(text)
    return [str(BIN / words[0]), *words[1:]]


def with_option(command: list[str], option: str, value: str) -> list[str]:
    command = list(command)
    if option in command:
        command[command.index(option) + 1] = value
    else:
        command += [option, value]
    return command


def make_files(rows: int, variants: int = VARIANTS, seed: int = 11) -> tuple[str, list[str]]:
    """A binary AUC solution of `rows` ids (30% public) and `variants` shuffled submissions of varied skill."""
    rng = np.random.default_rng(seed)
    ids = np.arange(1, rows + 1)
    truth = rng.integers(0, 2, rows)
    usage = np.where(rng.random(rows) < 0.3, "Public", "Private")
    solution = pd.DataFrame({"id": ids, "target": truth, "Usage": usage}).to_csv(index=False)
    submissions = []
    for variant in range(variants):
        skill = 0.1 + 0.5 * variant / max(variants - 1, 1)
        guesses = np.round(np.clip(skill * truth + (1 - skill) * rng.random(rows), 0, 1), 6)
        order = rng.permutation(rows)
        submissions.append(pd.DataFrame({"id": ids[order], "target": guesses[order]}).to_csv(index=False))
    return solution, submissions


def engine_seconds_per_file(solution_csv: str, submissions: list[str], repeats: int) -> list[float]:
    """The engine alone, in this process, with the solution already parsed: what a worker process spends
    scoring one file, without the web, the broker or the database."""
    spec = engine.ScoringSpec(metric="roc_auc", id_column="id", target_columns=("target",))
    solution = engine.load_solution(io.BytesIO(solution_csv.encode()), spec)
    engine.score(
        solution, io.BytesIO(submissions[0].encode())
    )  # builds the id lookup, as the first file does
    times = []
    for index in range(repeats):
        data = io.BytesIO(submissions[index % len(submissions)].encode())
        started = time.perf_counter()
        engine.score(solution, data)
        times.append(time.perf_counter() - started)
    return times


@dataclass
class Upload:
    started: float  # time.time()
    seconds: float
    status: int
    refusal: str = ""  # the start of the answer (or the exception) when it was not a 2xx


@dataclass
class Reads:
    latencies: list[float] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)


@dataclass
class Contest:
    """A competition of the live Podium and the clients (one account and team each) that joined it."""

    slug: str
    id: int
    clients: list[ApiClient]


class LivePodium:
    """One Podium as the Procfile runs it, with accounts for a host, a reader and `clients` uploaders."""

    def __init__(self, directory: Path, *, clients: int):
        self.stack = Stack(directory, postgres_admin_url=POSTGRES, redis_url=REDIS)
        self.stack.env["PODIUM_CACHE_URL"] = REDIS  # production's shared cache, as for the broker
        self.names = [f"team{number:03d}" for number in range(clients)]
        self.env: dict[str, str] = {}
        self.workers = 0
        self.backend_cpu: dict[int, float] = {}  # last CPU seconds seen per PostgreSQL backend

    def start(self, workers: int) -> None:
        stack = self.stack
        stack.manage("migrate", "--noinput")
        stack.add_users("bench-host", "bench-reader", *self.names)
        self.env = {**stack.env, "PORT": str(stack.port), "PODIUM_BIND": "127.0.0.1"}
        stack.spawn("web", procfile_command("web", self.env))
        wait_for(stack.web_is_up, 60, f"the web server\n{stack.log('web')}")
        self.start_worker(workers)
        stack.spawn("beat", procfile_command("beat", self.env))

    def start_read_pool(self, workers: int = 1) -> str:
        """A second gunicorn from the Procfile's web command, on its own port, as a pool that a proxy would
        send the boards' reads to; returns its base URL."""
        port = free_port()
        self.stack.spawn(
            "web-reads",
            with_option(procfile_command("web", {**self.env, "PORT": str(port)}), "--workers", str(workers)),
        )
        url = f"http://127.0.0.1:{port}"

        def answers() -> bool:
            self.stack.check_alive("web-reads")
            try:
                return requests.get(url + "/", timeout=10).status_code == 200
            except requests.RequestException:
                return False

        wait_for(answers, 60, f"the read pool\n{self.stack.log('web-reads')}")
        return url

    def start_worker(self, workers: int) -> None:
        """(Re)start the Procfile's worker with `workers` processes (Celery's --concurrency)."""
        stack = self.stack
        stack.stop("worker")
        stack.spawn(
            "worker", with_option(procfile_command("worker", self.env), "--concurrency", str(workers))
        )
        wait_for(
            lambda: stack.check_alive("worker") or " ready." in stack.log_since_start("worker"),
            60,
            f"the Celery worker\n{stack.log('worker')}",
        )
        self.workers = workers

    def open_contest(self, title: str, solution_csv: str, clients: int) -> Contest:
        """A published competition whose quotas let every upload in, joined by the first `clients` accounts."""
        slug = self.stack.client("bench-host").create_competition(
            title,
            solution_csv,
            metric="roc_auc",
            target="target",
            daily_submission_limit="1000",
            max_in_flight="1000",
        )
        joined = [self.stack.client(name) for name in self.names[:clients]]
        for client in joined:
            client.post(f"/api/v1/competitions/{slug}/join/").raise_for_status()
        with psycopg.connect(self.stack.env["DATABASE_URL"]) as connection:
            found = connection.execute("SELECT id FROM competitions_competition WHERE slug = %s", [slug])
            return Contest(slug, found.fetchone()[0], joined)

    def close(self) -> None:
        self.stack.close()

    def web_troubles(self) -> dict[str, int]:
        """How often the web servers' logs name a killed worker or an error: why a connection may drop."""
        found: dict[str, int] = {}
        for name in [name for name in ("web", "web-reads") if (self.stack.var_dir / f"{name}.log").exists()]:
            log = self.stack.log(name)
            for marker in ("WORKER TIMEOUT", "Traceback", "Error handling request", "Booting worker"):
                found[f"{name}: {marker}"] = log.count(marker)
        return found

    def warm_up(self, contest: Contest, submission_csv: str) -> None:
        """Scored files for every worker process: each parses and caches the solution on its first task."""
        client = contest.clients[0]
        sent = [client.submit(contest.slug, submission_csv) for _ in range(self.workers * 2)]
        for response in sent:
            response.raise_for_status()
            client.wait_until_finished(response.json()["id"], timeout=120)

    def counts(self, contest: Contest) -> tuple[int, int, float | None]:
        """(submissions, finished ones, the epoch second of the last score) of the competition."""
        with psycopg.connect(self.stack.env["DATABASE_URL"]) as connection:
            found = connection.execute(
                "SELECT count(*), count(*) FILTER (WHERE status IN ('scored', 'failed')), "
                "extract(epoch FROM max(scored_at)) FROM submissions_submission WHERE competition_id = %s",
                [contest.id],
            ).fetchone()
            assert found is not None
            return found[0], found[1], found[2]

    def last_id(self, contest: Contest) -> int:
        with psycopg.connect(self.stack.env["DATABASE_URL"]) as connection:
            found = connection.execute(
                "SELECT coalesce(max(id), 0) FROM submissions_submission WHERE competition_id = %s",
                [contest.id],
            ).fetchone()
            assert found is not None
            return found[0]

    def recorded_phases(self, contest: Contest, after_id: int) -> dict[str, list[float]]:
        """From the rows' own times, in ms: the wait from the upload's commit to the task taking the row,
        and the task's time from taking it to the scores committed."""
        with psycopg.connect(self.stack.env["DATABASE_URL"]) as connection:
            rows = connection.execute(
                "SELECT extract(epoch FROM scoring_started_at - created_at), "
                "extract(epoch FROM scored_at - scoring_started_at) FROM submissions_submission "
                "WHERE competition_id = %s AND id > %s AND status = 'scored'",
                [contest.id, after_id],
            ).fetchall()
        return {
            "upload -> task takes it": [float(wait) * 1000 for wait, _ in rows],
            "task takes it -> scores committed": [float(work) * 1000 for _, work in rows],
        }

    def failed(self, contest: Contest) -> int:
        with psycopg.connect(self.stack.env["DATABASE_URL"]) as connection:
            found = connection.execute(
                "SELECT count(*) FROM submissions_submission WHERE competition_id = %s AND status = 'failed'",
                [contest.id],
            ).fetchone()
            assert found is not None
            return found[0]

    def upload_all(
        self,
        contest: Contest,
        files_per_client: list[list[str]],
        *,
        rate: float = 0.0,
        keep_alive: bool = True,
    ) -> list[Upload]:
        """Every client uploads its files, one at a time, in a thread of its own: back to back, or (with
        `rate` > 0) at the moments that spread all uploads evenly at `rate` per second."""
        uploads: list[Upload] = []
        lock = threading.Lock()
        clients = len(files_per_client)
        begin = time.time() + 0.2

        def run(index: int) -> None:
            client = contest.clients[index]
            if not keep_alive:  # a connection per upload, as a proxy in front of gunicorn opens
                client.session.headers["Connection"] = "close"
            for number, text in enumerate(files_per_client[index]):
                if rate > 0:
                    time.sleep(max(begin + (number * clients + index) / rate - time.time(), 0))
                started = time.time()
                refusal = ""
                try:
                    response = client.submit(contest.slug, text)
                    status = response.status_code
                    if not 200 <= status < 300:
                        refusal = response.text[:200]
                except Exception as error:  # a dropped connection counts as a refused upload
                    status, refusal = 0, repr(error)[:200]
                with lock:
                    uploads.append(Upload(started, time.time() - started, status, refusal))

        threads = [threading.Thread(target=run, args=(index,)) for index in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return uploads

    def wait_until_drained(self, contest: Contest, expected: int, timeout: float) -> float:
        """Wait for `expected` finished submissions; the epoch second of the last score."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            _, finished, last = self.counts(contest)
            if finished >= expected and last is not None:
                return float(last)
            time.sleep(0.05)
        raise TimeoutError(
            f"only {self.counts(contest)[1]} of {expected} submissions finished in {timeout:.0f} s"
        )

    def poll_board(
        self, contest: Contest, reads: Reads, every: float = 0.1, base_url: str = ""
    ) -> threading.Thread:
        """Read the first page of the public board every `every` seconds, with a token, until told to stop
        (from the web server, or from the pool at `base_url`)."""
        reader = ApiClient(base_url or self.stack.url, self.stack.token("bench-reader"))

        def run() -> None:
            while not reads.stop.is_set():
                started = time.perf_counter()
                try:
                    status = reader.get(f"/api/v1/competitions/{contest.slug}/leaderboard/").status_code
                except Exception:
                    status = 0
                elapsed = time.perf_counter() - started
                reads.latencies.append(elapsed)
                reads.statuses.append(status)
                reads.stop.wait(max(every - elapsed, 0))

        thread = threading.Thread(target=run)
        thread.start()
        return thread

    def cpu_seconds(self) -> dict[str, float]:
        """CPU seconds used so far by each of the stack's processes with all its children (web, worker,
        beat), by this database's PostgreSQL backends, and by this benchmark's own process (the clients)."""
        used = {name: 0.0 for name in self.stack.processes}
        groups = {process.pid: name for name, process in self.stack.processes.items()}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # the process ended meanwhile
            group = int(fields[2])  # fields after the name: state, ppid, pgrp, ...
            if group in groups:
                used[groups[group]] += (int(fields[11]) + int(fields[12])) / TICKS
        with psycopg.connect(self.stack.env["DATABASE_URL"]) as connection:
            backends = connection.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchall()
        for (pid,) in backends:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            self.backend_cpu[pid] = (int(fields[11]) + int(fields[12])) / TICKS
        used["postgres"] = sum(self.backend_cpu.values())
        own = resource.getrusage(resource.RUSAGE_SELF)
        used["bench clients"] = own.ru_utime + own.ru_stime
        used[MACHINE] = machine_busy_seconds()
        return used

    def sample_waits(self, stop: threading.Event, counts: Counter, every: float = 0.05) -> threading.Thread:
        """Count what this database's busy backends are doing (pg_stat_activity), every `every` seconds until
        told to stop: waiting on a row lock, on the client, or running."""

        def run() -> None:
            with psycopg.connect(self.stack.env["DATABASE_URL"], autocommit=True) as connection:
                while not stop.wait(every):
                    rows = connection.execute(
                        "SELECT state, coalesce(wait_event_type, 'CPU'), coalesce(wait_event, 'running') "
                        "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
                        "AND state <> 'idle'"
                    ).fetchall()
                    counts["samples"] += 1
                    for state, kind, event in rows:
                        counts[f"{state}: {kind}/{event}"] += 1

        thread = threading.Thread(target=run)
        thread.start()
        return thread

    def worker_log_size(self) -> int:
        return len(self.stack.log("worker"))

    def timing_lines(self, since: int) -> list[dict]:
        """The timing lines the worker logged after `since` characters of its log."""
        return parse_timings(self.stack.log("worker")[since:])


def parse_timings(log: str) -> list[dict]:
    """The worker's `timings {json}` lines (logger scoring.timings), one per scored submission."""
    found = []
    for line in log.splitlines():
        _, marker, rest = line.partition("timings {")
        if marker:
            try:
                found.append(json.loads("{" + rest))
            except json.JSONDecodeError:
                continue
    return found


def print_timings(timings: list[dict], warm_up: int = 0) -> None:
    """Median and p95 of each phase of the worker's timing lines, or say there are none."""
    timings = timings[warm_up:]
    if not timings:
        print("per-task breakdown:    no timings in the worker log")
        return
    keys = [key for key in timings[0] if key.endswith("_ms")]
    print(f"per-task breakdown ({len(timings)} timing lines from the worker log, ms):")
    print("| phase | median | p95 |")
    print("|---|---|---|")
    for key in keys:
        values = [line[key] for line in timings if key in line]
        print(f"| {key} | {statistics.median(values):.0f} | {percentile(values, 0.95):.0f} |")


def print_refusals(uploads: list[Upload], troubles: dict[str, int] | None = None) -> None:
    """How many uploads got each non-2xx answer, with the first answer of each kind, and what the web
    servers' logs say about their workers."""
    kinds: dict[int, list[Upload]] = {}
    for upload in uploads:
        if not 200 <= upload.status < 300:
            kinds.setdefault(upload.status, []).append(upload)
    for status, refused in sorted(kinds.items()):
        print(
            f"non-2xx uploads answered {status or 'no answer'}: {len(refused)}, e.g. {refused[0].refusal!r}"
        )
    if kinds and troubles:
        print("web logs: " + ", ".join(f"{name} x{count}" for name, count in troubles.items()))


def print_recorded_phases(phases: dict[str, list[float]]) -> None:
    print("from the submissions' own timestamps (ms):")
    print("| span | median | p95 |")
    print("|---|---|---|")
    for name, values in phases.items():
        if values:
            print(f"| {name} | {statistics.median(values):.0f} | {percentile(values, 0.95):.0f} |")


def print_waits(counts: Counter) -> None:
    """The busy PostgreSQL backends by what they waited on, as an average number at any moment."""
    samples = counts.pop("samples", 0)
    if not samples:
        return
    print(f"PostgreSQL backends of this stack not idle, on average over {samples} samples:")
    print("| state: wait | backends |")
    print("|---|---|")
    for name, count in counts.most_common(8):
        print(f"| {name} | {count / samples:.2f} |")


def machine_busy_seconds() -> float:
    """CPU seconds every process of the machine has used since boot (/proc/stat: all but idle and iowait)."""
    fields = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / TICKS


def print_cpu(before: dict[str, float], after: dict[str, float], files: int, seconds: float) -> None:
    """CPU per file by process, the rate at which this machine's cores would be used up, and how busy other
    people's processes kept the machine meanwhile."""
    spent = {name: after[name] - before.get(name, 0.0) for name in after if name != MACHINE}
    total = sum(spent.values())
    machine = after[MACHINE] - before[MACHINE]
    cores = os.cpu_count() or 1
    parts = ", ".join(f"{name} {value / files * 1000:.0f}" for name, value in spent.items())
    print(f"CPU per file (ms): {parts}; all {total / files * 1000:.0f} ms")
    print(
        f"cores busy over the run: {total / seconds:.2f} of {cores} by this stack and benchmark, "
        f"{max(machine - total, 0) / seconds:.2f} by other processes of the machine; at this CPU per file "
        f"{cores} free cores would allow {cores * files / total:.0f} files/s"
    )


def split_files(files: int, clients: int, submissions: list[str]) -> list[list[str]]:
    """`files` uploads dealt out to `clients` in turn, cycling through the submission variants."""
    dealt: list[list[str]] = [[] for _ in range(clients)]
    for number in range(files):
        dealt[number % clients].append(submissions[number % len(submissions)])
    return dealt


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def progress(message: str) -> None:
    """What the run is doing, on stderr, so the figures on stdout stay a clean table."""
    print(message, file=sys.stderr, flush=True)
