"""Time the scoring engine against the naive pandas + merge + scikit-learn reference on a binary ROC AUC task.

    .venv/bin/python bench/bench_engine.py [--rows 1000000] [--seed 0]

Writes a synthetic solution (id, target, Usage) and a shuffled submission into a temporary directory, then
runs the engine and the reference each in its own child process, so each peak RSS is its own (a third child
that only imports the libraries shows the part of it every process pays). Prints figures and checks that
both give the same scores; it never judges the timings.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REPEATS = 3
TOLERANCE = 1e-9


def write_data(directory: Path, rows: int, seed: int) -> None:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    ids = np.char.add("row", rng.permutation(rows * 3)[:rows].astype(str))
    truth = rng.integers(0, 2, rows)
    usage = np.where(rng.random(rows) < 0.3, "Public", "Private")
    # Predictions that know something about the truth, rounded so that ties occur as in real files.
    predictions = np.round(np.clip(0.35 * truth + 0.65 * rng.random(rows), 0, 1), 6)
    pd.DataFrame({"id": ids, "target": truth, "Usage": usage}).to_csv(directory / "solution.csv", index=False)
    order = rng.permutation(rows)
    pd.DataFrame({"id": ids[order], "target": predictions[order]}).to_csv(
        directory / "submission.csv", index=False
    )


def run_engine(directory: Path) -> dict:
    from scoring.engine import ScoringSpec, load_solution, score

    spec = ScoringSpec(metric="roc_auc", id_column="id", target_columns=("target",))
    started = time.perf_counter()
    solution = load_solution(directory / "solution.csv", spec)
    load_seconds = time.perf_counter() - started
    timings = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        scores = score(solution, directory / "submission.csv")
        timings.append(time.perf_counter() - started)
    return {"load": load_seconds, "score": min(timings), "public": scores.public, "private": scores.private}


def run_reference(directory: Path) -> dict:
    import pandas as pd
    from sklearn.metrics import roc_auc_score

    timings = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        solution = pd.read_csv(directory / "solution.csv")
        submission = pd.read_csv(directory / "submission.csv")
        merged = solution.merge(submission, on="id", suffixes=("_true", "_pred"))
        public = merged[merged["Usage"] == "Public"]
        private = merged[merged["Usage"] == "Private"]
        public_score = roc_auc_score(public["target_true"], public["target_pred"])
        private_score = roc_auc_score(private["target_true"], private["target_pred"])
        timings.append(time.perf_counter() - started)
    return {"score": min(timings), "public": float(public_score), "private": float(private_score)}


def child_main(kind: str, directory: Path, rows: int, seed: int) -> None:
    if kind == "generate":
        write_data(directory, rows, seed)
        result = {}
    elif kind == "engine":
        result = run_engine(directory)
    elif kind == "reference":
        result = run_reference(directory)
    else:
        import pandas  # noqa: F401
        import sklearn.metrics  # noqa: F401

        import scoring.engine  # noqa: F401

        result = {}
    result["peak_rss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps(result))


def in_child(kind: str, directory: Path, *extra: str) -> dict:
    paths = [str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    completed = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--data", str(directory), *extra],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        sys.exit(f"The {kind} run failed:\n{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--child", choices=["generate", "engine", "reference", "imports"], help=argparse.SUPPRESS
    )
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_main(args.child, args.data, args.rows, args.seed)
        return

    with tempfile.TemporaryDirectory(prefix="podium-bench-") as temporary:
        directory = Path(temporary)
        # Every step runs in its own child: Linux counts the RSS a child inherits at fork in its peak, so
        # this parent stays small by never importing pandas itself.
        in_child("generate", directory, "--rows", str(args.rows), "--seed", str(args.seed))
        size = (directory / "submission.csv").stat().st_size
        engine = in_child("engine", directory)
        reference = in_child("reference", directory)
        baseline = in_child("imports", directory)

    print(f"rows                          {args.rows:,}  (submission {size / 1e6:.1f} MB)")
    print(f"engine load_solution (once)   {engine['load']:.3f} s")
    print(f"engine score (best of {REPEATS})      {engine['score']:.3f} s")
    print(
        f"reference (best of {REPEATS})         {reference['score']:.3f} s  (read both, merge, AUC per split)"
    )
    warm = reference["score"] / engine["score"]
    print(f"ratio reference / engine      {warm:.2f}x  (solution cached, as in a worker)")
    cold = engine["load"] + engine["score"]
    print(f"ratio reference / cold engine {reference['score'] / cold:.2f}x  (load_solution + score)")
    print(f"peak RSS engine               {engine['peak_rss_kib'] / 1024:.0f} MiB")
    print(f"peak RSS reference            {reference['peak_rss_kib'] / 1024:.0f} MiB")
    print(f"peak RSS ratio engine / ref   {engine['peak_rss_kib'] / reference['peak_rss_kib']:.2f}")
    print(
        f"peak RSS of the imports alone {baseline['peak_rss_kib'] / 1024:.0f} MiB  (included in both above)"
    )
    differences = [abs(engine[split] - reference[split]) for split in ("public", "private")]
    agree = max(differences) <= TOLERANCE
    print(
        f"scores                        public {engine['public']:.12f}  private {engine['private']:.12f}  "
        f"({'agree' if agree else 'DIFFER'} with the reference within {TOLERANCE:g}; "
        f"largest difference {max(differences):.1e})"
    )
    if not agree:
        sys.exit(1)


if __name__ == "__main__":
    main()
