"""The sandbox's cost: one sandboxed run of a trivial Python program against the same program run bare, and
the throughput of short sandboxed runs with one and two workers.

    .venv/bin/python bench/sandbox.py [--runs 30] [--batch 40]

- overhead: the median wall time of --runs runs of `python3 -c "print('ok')"` started bare (subprocess, the
  same interpreter and environment the sandbox uses) and through `execution.sandbox.run_sandboxed` (bubblewrap,
  namespaces, rlimits, output read back), runs alternating so both meet the same moments of a shared machine;
  the difference is the sandbox's cost (budget: under 150 ms).
- throughput: --batch such runs back to back by one worker process, then split across two worker processes
  running at once (the Procfile's sandbox worker runs two), as runs per second.
Prints figures; never judges them.
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:] = [str(REPO)] + [
    p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent
]

from execution.runtimes import default_runtime  # noqa: E402
from execution.sandbox import Limits, run_sandboxed  # noqa: E402

PROGRAM = ["python3", "-c", "print('ok')"]


def bare_run(runtime) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [str(runtime.python), *PROGRAM[1:]], capture_output=True, env={"PATH": str(runtime.python.parent)}
    )
    assert done.stdout == b"ok\n", done
    return time.perf_counter() - started


def sandboxed_run(runtime, folder: Path) -> float:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(dir=folder) as output:
        result = run_sandboxed(PROGRAM, runtime=runtime, output_dir=Path(output), limits=Limits())
    assert result.stdout == "ok\n", result
    return time.perf_counter() - started


def batch(count: int) -> int:
    runtime = default_runtime()
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(count):
            sandboxed_run(runtime, Path(folder))
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--batch", type=int, default=40)
    args = parser.parse_args()
    runtime = default_runtime()

    bare, sandboxed = [], []
    with tempfile.TemporaryDirectory() as folder:
        sandboxed_run(runtime, Path(folder))  # warm the page cache for both
        bare_run(runtime)
        for _ in range(args.runs):
            bare.append(bare_run(runtime))
            sandboxed.append(sandboxed_run(runtime, Path(folder)))
    bare_ms = statistics.median(bare) * 1000
    sandboxed_ms = statistics.median(sandboxed) * 1000
    print(f"trivial Python program, median of {args.runs} runs each (alternating):")
    print(f"  bare       {bare_ms:7.1f} ms")
    print(f"  sandboxed  {sandboxed_ms:7.1f} ms")
    print(f"  overhead   {sandboxed_ms - bare_ms:7.1f} ms  (budget 150 ms)")

    print(f"throughput, {args.batch} short sandboxed runs:")
    for workers in (1, 2):
        started = time.perf_counter()
        with ProcessPoolExecutor(workers) as pool:
            done = sum(pool.map(batch, [args.batch // workers] * workers))
        elapsed = time.perf_counter() - started
        print(
            f"  {workers} worker{'s' if workers > 1 else ' '}  {done / elapsed:6.1f} runs/s  ({done} runs in {elapsed:.2f} s)"
        )


if __name__ == "__main__":
    main()
