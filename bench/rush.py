"""A deadline rush: many clients upload at once while a reader polls the public board.

    .venv/bin/python bench/rush.py [--files 1000] [--clients 50] [--rate 50] [--workers 2] [--quick]

Starts the stack as the Procfile runs it (gunicorn 2 x 4 threads, the Celery worker with --workers
processes, beat) on a fresh PostgreSQL database and Redis db 9, loopback only. --clients accounts, a team
each, upload --files 10,000-row files between them, spread evenly at --rate uploads per second in all (the
sustained scoring budget, 50/s, by default; --rate 0 sends them back to back, as fast as the web answers),
while one more account polls the first page of the public board every 100 ms with its token. It times each
upload, each read, and the queue's drain after the last upload (bounded by --timeout). The reference,
measured in the same run, is the engine alone scoring the same file in this process. With --read-pool a
second gunicorn from the Procfile's web command (one process) starts on its own port, as a pool a proxy
would send the boards' reads to, and a second reader polls it at the same time as the first polls the
shared web server. Prints figures and whether each goal of the issue is met; never fails on them.

--quick: 200 files from 50 clients: under a minute.
"""

import argparse
import statistics
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from live_stack import (
    LivePodium,
    Reads,
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

GOAL_UPLOAD_P95 = 0.300
GOAL_READ_P95 = 0.100
GOAL_DRAIN = 5.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--clients", "--teams", type=int, default=50, help="uploading clients, a team each")
    parser.add_argument("--rate", type=float, default=50, help="uploads per second in all; 0: back to back")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (Celery's --concurrency)")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--timeout", type=float, default=300, help="most seconds to wait for the drain")
    parser.add_argument(
        "--read-pool",
        action="store_true",
        help="also start a second gunicorn (1 process) for reads and poll the board there too",
    )
    parser.add_argument(
        "--fresh-connections",
        action="store_true",
        help="a new connection per upload (Connection: close), as nginx opens to gunicorn, instead of keep-alive",
    )
    parser.add_argument("--quick", action="store_true", help="200 files: under a minute")
    args = parser.parse_args()
    if args.quick:
        args.files = 200

    solution_csv, submissions = make_files(args.rows)
    engine_times = engine_seconds_per_file(solution_csv, submissions, repeats=100)
    reads, pool_reads = Reads(), Reads()
    with tempfile.TemporaryDirectory(prefix="podium-bench-") as directory:
        podium = LivePodium(Path(directory), clients=args.clients)
        try:
            progress("starting the stack (migrate, accounts, web, worker, beat)")
            podium.start(args.workers)
            pool_url = podium.start_read_pool() if args.read_pool else ""
            contest = podium.open_contest("Rush", solution_csv, args.clients)
            podium.warm_up(contest, submissions[0])
            warmed = podium.counts(contest)[0]
            log_mark, last_id = podium.worker_log_size(), podium.last_id(contest)
            cpu_before = podium.cpu_seconds()
            progress(f"{args.files} files from {args.clients} clients at {args.rate or 'full'} per second")
            sampling, waits = threading.Event(), Counter()
            sampler = podium.sample_waits(sampling, waits)
            readers = [podium.poll_board(contest, reads)]
            if pool_url:
                readers.append(podium.poll_board(contest, pool_reads, base_url=pool_url))
            try:
                uploads = podium.upload_all(
                    contest,
                    split_files(args.files, args.clients, submissions),
                    rate=args.rate,
                    keep_alive=not args.fresh_connections,
                )
                last_upload = max(upload.started + upload.seconds for upload in uploads)
                accepted = sum(200 <= upload.status < 300 for upload in uploads)
                read_count_in_rush = len(reads.latencies)
                pool_count_in_rush = len(pool_reads.latencies)
                last_score = podium.wait_until_drained(contest, warmed + accepted, args.timeout)
                drained = time.time()
                cpu_after = podium.cpu_seconds()
            finally:
                sampling.set()
                sampler.join()
                for polled, reader in zip((reads, pool_reads), readers, strict=False):
                    polled.stop.set()
                    reader.join()
            failed = podium.failed(contest)
            timings = podium.timing_lines(log_mark)
            phases = podium.recorded_phases(contest, last_id)
            troubles = podium.web_troubles()
        finally:
            podium.close()

    first = min(upload.started for upload in uploads)
    upload_times = [upload.seconds for upload in uploads]
    rush_reads = reads.latencies[:read_count_in_rush]
    non_2xx = len(uploads) - accepted
    read_errors = sum(not 200 <= status < 300 for status in reads.statuses)
    drain = max(last_score - last_upload, 0.0)
    engine_each = statistics.median(engine_times)
    upload_p95, read_p95 = percentile(upload_times, 0.95), percentile(rush_reads, 0.95)

    print(
        f"files:                     {len(uploads)} of {args.rows:,} rows from {args.clients} clients, ",
        end="",
    )
    print(
        f"{'back to back' if not args.rate else f'paced at {args.rate:g}/s'}, {args.workers} worker process(es)"
    )
    print(f"reference, engine alone:   {engine_each * 1000:.1f} ms per file p50 in one process")
    print()
    print("| | p50 | p95 | max | count |")
    print("|---|---|---|---|---|")
    print(
        f"| upload (POST -> 202) | {statistics.median(upload_times) * 1000:.0f} ms | {upload_p95 * 1000:.0f} ms | "
        f"{max(upload_times) * 1000:.0f} ms | {len(uploads)} ({non_2xx} non-2xx) |"
    )
    print(
        f"| board read during the rush | {statistics.median(rush_reads) * 1000:.0f} ms | {read_p95 * 1000:.0f} ms "
        f"| {max(rush_reads) * 1000:.0f} ms | {len(rush_reads)} ({read_errors} non-2xx in all) |"
    )
    if pool_url:
        pool_rush = pool_reads.latencies[:pool_count_in_rush]
        pool_errors = sum(not 200 <= status < 300 for status in pool_reads.statuses)
        print(
            f"| board read during the rush, from a read pool of its own | "
            f"{statistics.median(pool_rush) * 1000:.0f} ms | {percentile(pool_rush, 0.95) * 1000:.0f} ms | "
            f"{max(pool_rush) * 1000:.0f} ms | {len(pool_rush)} ({pool_errors} non-2xx in all) |"
        )
    print()
    print(
        f"uploads sent over:         {last_upload - first:.1f} s ({len(uploads) / (last_upload - first):.1f}/s)"
    )
    print(
        f"first upload -> last score: {last_score - first:.1f} s ({len(uploads) / (last_score - first):.1f} scored/s)"
    )
    print(f"queue drained after the last upload: {drain:.1f} s (checked until {drained - last_upload:.1f} s)")
    print(f"failed scores:             {failed}")
    print_refusals(uploads, troubles)
    print(f"upload p95 / engine p50:   {upload_p95 / engine_each:.0f}x")
    print()
    print_timings(timings)
    print_recorded_phases(phases)
    print_cpu(cpu_before, cpu_after, len(uploads), last_score - first)
    print_waits(waits)
    print()
    print(
        f"goal: upload p95 under 300 ms ({upload_p95 * 1000:.0f} ms: {verdict(upload_p95 < GOAL_UPLOAD_P95)})"
    )
    print(f"goal: 0 non-2xx uploads ({non_2xx}: {verdict(non_2xx == 0)})")
    print(
        f"goal: board reads p95 under 100 ms in the rush ({read_p95 * 1000:.0f} ms: {verdict(read_p95 < GOAL_READ_P95)})"
    )
    if pool_url:
        pool_p95 = percentile(pool_rush, 0.95)
        print(
            f"goal: board reads p95 under 100 ms in the rush, from the read pool ({pool_p95 * 1000:.0f} ms: "
            f"{verdict(pool_p95 < GOAL_READ_P95)})"
        )
    print(
        f"goal: queue drained within 5 s of the last upload ({drain:.1f} s: {verdict(drain <= GOAL_DRAIN)})"
    )


if __name__ == "__main__":
    main()
