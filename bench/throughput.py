"""Sustained scoring: how many 10,000-row files a Podium scores per second, from the first upload to the last
score, with web and worker sharing this machine.

    .venv/bin/python bench/throughput.py [--files 1000] [--teams 10,50] [--workers 1,2] [--rows 10000] [--quick]

Starts the stack as the Procfile runs it (gunicorn 2 x 4 threads, the Celery worker, beat) on a fresh
PostgreSQL database and Redis db 9, loopback only. For each worker count (Celery's --concurrency: 1 and 2
show how throughput scales with worker processes on this machine) and each number of teams, it opens a
competition whose quotas let every upload in, warms the worker up (each process parses the solution once),
then has one client per team upload its share of the files back to back, and waits for the last score
(bounded: it gives up after --timeout seconds). The figure is files / (last score - first upload). The
reference, measured in the same run, is the engine alone scoring the same files in this process with the
solution parsed: what one worker process could do if the web, broker and database cost nothing. The
worker's per-task timing lines (logger scoring.timings), if it logs them, give the breakdown by phase.
Prints figures and whether each goal of the issue is met; never fails on them.

--quick: 100 files, 10 teams, 1 and 2 worker processes: about a minute.
"""

import argparse
import statistics
import tempfile
import threading
from collections import Counter
from pathlib import Path

from live_stack import (
    LivePodium,
    engine_seconds_per_file,
    make_files,
    percentile,
    print_cpu,
    print_recorded_phases,
    print_refusals,
    print_timings,
    print_waits,
    progress,
    split_files,
    verdict,
)

GOAL_PER_SECOND = 50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--teams", default="10,50", help="comma-separated: one run per number of teams")
    parser.add_argument("--workers", default="1,2", help="comma-separated worker process counts")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument(
        "--timeout", type=float, default=300, help="most seconds to wait for one run's scores"
    )
    parser.add_argument("--quick", action="store_true", help="100 files, 10 teams")
    args = parser.parse_args()
    if args.quick:
        args.files, args.teams = 100, "10"
    team_counts = [int(value) for value in args.teams.split(",")]
    worker_counts = [int(value) for value in args.workers.split(",")]

    solution_csv, submissions = make_files(args.rows)
    engine_times = engine_seconds_per_file(solution_csv, submissions, repeats=100)
    engine_each = statistics.median(engine_times)
    results = []
    with tempfile.TemporaryDirectory(prefix="podium-bench-") as directory:
        podium = LivePodium(Path(directory), clients=max(team_counts))
        try:
            progress("starting the stack (migrate, accounts, web, worker, beat)")
            podium.start(worker_counts[0])
            for workers in worker_counts:
                if workers != podium.workers:
                    podium.start_worker(workers)
                for teams in team_counts:
                    progress(f"{args.files} files from {teams} teams, {workers} worker process(es)")
                    contest = podium.open_contest(f"Throughput {workers}w {teams}t", solution_csv, teams)
                    podium.warm_up(contest, submissions[0])
                    warmed = podium.counts(contest)[0]
                    log_mark, last_id = podium.worker_log_size(), podium.last_id(contest)
                    cpu_before = podium.cpu_seconds()
                    waits: Counter = Counter()
                    sampling = threading.Event()
                    sampler = podium.sample_waits(sampling, waits)
                    uploads = podium.upload_all(contest, split_files(args.files, teams, submissions))
                    first = min(upload.started for upload in uploads)
                    accepted = sum(200 <= upload.status < 300 for upload in uploads)
                    try:
                        last_score = podium.wait_until_drained(contest, warmed + accepted, args.timeout)
                    finally:
                        sampling.set()
                        sampler.join()
                    last_upload = max(upload.started + upload.seconds for upload in uploads)
                    cpu_after = podium.cpu_seconds()
                    results.append(
                        {
                            "workers": workers,
                            "teams": teams,
                            "files": len(uploads),
                            "non_2xx": len(uploads) - accepted,
                            "failed": podium.failed(contest),
                            "seconds": last_score - first,
                            "upload_seconds": last_upload - first,
                            "upload_p50": statistics.median(upload.seconds for upload in uploads),
                            "upload_p95": percentile([upload.seconds for upload in uploads], 0.95),
                            "timings": podium.timing_lines(log_mark),
                            "uploads": uploads,
                            "troubles": podium.web_troubles(),
                            "phases": podium.recorded_phases(contest, last_id),
                            "cpu": (cpu_before, cpu_after),
                            "waits": waits,
                        }
                    )
        finally:
            podium.close()

    engine_rate = 1 / engine_each
    print(f"rows per file:            {args.rows:,} ({len(submissions[0].encode()) / 2**20:.2f} MB), ROC AUC")
    print(f"reference, engine alone:  {engine_each * 1000:.1f} ms per file p50 in one process ", end="")
    print(f"= {engine_rate:.0f} files/s per process (p95 {percentile(engine_times, 0.95) * 1000:.1f} ms)")
    print()
    print(
        "| worker processes | teams | files | first upload -> last score | scored/s | x engine (1 process) |",
        end="",
    )
    print(" uploads done in | upload p50 / p95 | non-2xx | failed |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for run in results:
        rate = run["files"] / run["seconds"]
        print(
            f"| {run['workers']} | {run['teams']} | {run['files']} | {run['seconds']:.1f} s | {rate:.1f} | "
            f"{rate / engine_rate:.2f} | {run['upload_seconds']:.1f} s | "
            f"{run['upload_p50'] * 1000:.0f} / {run['upload_p95'] * 1000:.0f} ms | {run['non_2xx']} | "
            f"{run['failed']} |"
        )
    by_workers: dict[int, list[float]] = {}
    for run in results:
        by_workers.setdefault(run["workers"], []).append(run["files"] / run["seconds"])
    if len(by_workers) > 1:
        base = min(by_workers)
        for workers, rates in sorted(by_workers.items()):
            scale = statistics.mean(rates) / statistics.mean(by_workers[base])
            print(
                f"scaling: {workers} worker process(es) score {scale:.2f}x what {base} did (mean over teams)"
            )
    print()
    for run in results:
        print(f"-- {run['workers']} worker process(es), {run['teams']} teams")
        print_timings(run["timings"])
        print_recorded_phases(run["phases"])
        print_cpu(*run["cpu"], run["files"], run["seconds"])
        print_refusals(run["uploads"], run["troubles"])
        print_waits(run["waits"])
    print()
    for run in results:
        rate = run["files"] / run["seconds"]
        print(
            f"goal, {run['workers']} worker process(es), {run['teams']} teams: at least {GOAL_PER_SECOND} "
            f"scored/s ({rate:.1f}: {verdict(rate >= GOAL_PER_SECOND)}), 0 non-2xx "
            f"({run['non_2xx']}: {verdict(run['non_2xx'] == 0)})"
        )


if __name__ == "__main__":
    main()
