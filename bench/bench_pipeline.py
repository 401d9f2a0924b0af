"""Upload to leaderboard with a real worker, Redis and PostgreSQL, for a 100k-row binary AUC file.

    .venv/bin/python bench/bench_pipeline.py [--rows 100000] [--uploads 15]

Starts gunicorn and one Celery worker (tests/stack.py) on a fresh PostgreSQL database and Redis db 15,
creates a competition through the API, then times each upload from the POST to the moment the API reports
it scored (polling every 20 ms). The reference, measured in the same run, is the engine scoring the same
file in this process with the solution already parsed: the ratio shows what the web, broker, worker and
database add around scoring. Prints figures; never judges them.
"""

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from scoring import engine  # noqa: E402
from tests.stack import Stack, wait_for  # noqa: E402

POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS = "redis://127.0.0.1:6379/15"


def make_files(rows: int) -> tuple[str, str]:
    rng = np.random.default_rng(7)
    ids = np.arange(1, rows + 1)
    truth = rng.integers(0, 2, rows)
    solution = pd.DataFrame({"id": ids, "target": truth}).to_csv(index=False)
    guesses = np.round(np.clip(0.3 * truth + 0.7 * rng.random(rows), 0, 1), 6)
    submission = pd.DataFrame({"id": ids[::-1], "target": guesses[::-1]}).to_csv(index=False)
    return solution, submission


def time_engine(solution_csv: str, submission_csv: str, repeats: int) -> list[float]:
    spec = engine.ScoringSpec(metric="roc_auc", id_column="id", target_columns=("target",))
    solution = engine.load_solution(as_stream(solution_csv), spec)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        engine.score(solution, as_stream(submission_csv))
        times.append(time.perf_counter() - started)
    return times


def as_stream(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--uploads", type=int, default=15)
    args = parser.parse_args()
    solution_csv, submission_csv = make_files(args.rows)

    with tempfile.TemporaryDirectory(prefix="podium-bench-") as directory:
        stack = Stack(Path(directory), postgres_admin_url=POSTGRES, redis_url=REDIS)
        try:
            stack.prepare()
            stack.start_web()
            stack.start_worker(concurrency=1)
            host, participant = stack.client("demo-host"), stack.client("demo")
            host.create_competition(
                "Bench",
                solution_csv,
                metric="roc_auc",
                target="target",
                daily_submission_limit=str(args.uploads + 5),
            )
            participant.post("/api/v1/competitions/bench/join/").raise_for_status()

            def upload_and_wait() -> float:
                started = time.perf_counter()
                response = participant.submit("bench", submission_csv)
                response.raise_for_status()
                submission_id = response.json()["id"]
                wait_for(
                    lambda: participant.get(f"/api/v1/submissions/{submission_id}/").json()["status"]
                    == "scored",
                    120,
                    "scoring",
                    interval=0.02,
                )
                return time.perf_counter() - started

            upload_and_wait()  # warm-up: the worker parses and caches the solution
            latencies = [upload_and_wait() for _ in range(args.uploads)]
        finally:
            stack.close()

    engine_times = time_engine(solution_csv, submission_csv, repeats=5)
    p50 = statistics.median(latencies)
    engine_p50 = statistics.median(engine_times)
    size_mb = len(submission_csv.encode()) / 2**20
    print(f"rows per file:                 {args.rows:,} ({size_mb:.1f} MB)")
    print(f"uploads timed:                 {args.uploads} (after one warm-up)")
    print(f"upload -> scored, p50:         {p50:.3f} s")
    print(f"upload -> scored, p90:         {statistics.quantiles(latencies, n=10)[-1]:.3f} s")
    print(f"upload -> scored, max:         {max(latencies):.3f} s")
    print(f"reference: engine.score, p50:  {engine_p50:.3f} s")
    print(f"ratio end-to-end / engine:     {p50 / engine_p50:.1f}x")


if __name__ == "__main__":
    main()
