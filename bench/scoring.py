"""Time and size Podium's scoring engine against the naive reference, on three kinds of competition.

    .venv/bin/python bench/scoring.py [--sizes 100000,1000000,10000000] [--tasks auc,mlogloss,rmse]
    .venv/bin/python bench/scoring.py --columns [--sizes 1000000]

For each task and size it writes a synthetic solution (id, target, Usage) and a shuffled submission, then
measures in separate child processes (so each peak RSS is that run's own):
- engine: `load_solution` once, then `score` (best of 3), as a worker does with its cached solution;
- reference: `pandas.read_csv` of both files, `merge` on the id, the scikit-learn metric on each split
  (best of 3);
- floor: a bare `pyarrow.csv.read_csv` of the submission, the least any reader of the file can cost.
It prints one table row per task and size and checks the two scores agree within 1e-9. It reports
figures; it never judges them.

With --columns it measures instead what secondary score columns cost (issue 15): an RMSE competition scored
with its one column, then with four more (MAE, MSE, R², median absolute error: five in all), in one child
process with the solution parsed once, best of 3 each. The file is read, parsed and aligned once either
way; the extra columns add only their metrics' time.
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
# This file is named like the `scoring` package: import that package from the repository, not this file.
sys.path[:] = [str(REPO)] + [
    p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent
]
REPEATS = 3
TOLERANCE = 1e-9
CLASSES = ("ant", "bee", "cat", "dog", "eel")
TASKS = {
    "auc": {"metric": "roc_auc", "reference": "roc_auc_score"},
    "mlogloss": {"metric": "multiclass_log_loss", "reference": "log_loss"},
    "rmse": {"metric": "rmse", "reference": "root_mean_squared_error"},
}


def write_data(task: str, directory: Path, rows: int, seed: int) -> None:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    ids = np.char.add("row", rng.permutation(rows * 3)[:rows].astype(str))
    usage = np.where(rng.random(rows) < 0.3, "Public", "Private")
    order = rng.permutation(rows)
    if task == "auc":
        truth = rng.integers(0, 2, rows)
        predictions = {"target": np.round(np.clip(0.35 * truth + 0.65 * rng.random(rows), 0, 1), 6)}
    elif task == "mlogloss":
        codes = rng.integers(0, len(CLASSES), rows)
        truth = np.asarray(CLASSES)[codes]
        raw = rng.random((rows, len(CLASSES))) + 2.0 * np.eye(len(CLASSES))[codes]
        probabilities = np.round(raw / raw.sum(axis=1, keepdims=True), 6)
        predictions = {label: probabilities[:, i] for i, label in enumerate(CLASSES)}
    else:
        truth = np.round(rng.normal(100, 20, rows), 3)
        predictions = {"target": np.round(truth + rng.normal(0, 5, rows), 3)}
    pd.DataFrame({"id": ids, "target": truth, "Usage": usage}).to_csv(directory / "solution.csv", index=False)
    submission = pd.DataFrame({"id": ids, **predictions}).iloc[order]
    submission.to_csv(directory / "submission.csv", index=False)


def run_engine(task: str, directory: Path) -> dict:
    from scoring.engine import ScoringSpec, load_solution, score

    spec = ScoringSpec(metric=TASKS[task]["metric"], id_column="id", target_columns=("target",))
    started = time.perf_counter()
    solution = load_solution(directory / "solution.csv", spec)
    load_seconds = time.perf_counter() - started
    timings = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        scores = score(solution, directory / "submission.csv")
        timings.append(time.perf_counter() - started)
    return {"load": load_seconds, "score": min(timings), "public": scores.public, "private": scores.private}


EXTRA_COLUMNS = (("MAE", "mae"), ("MSE", "mse"), ("R2", "r2"), ("Median error", "median_absolute_error"))


def run_columns(directory: Path) -> dict:
    from scoring.engine import PhaseTimes, ScoreColumn, ScoringSpec, load_solution, score

    solution = load_solution(directory / "solution.csv", ScoringSpec("rmse", "id", ("target",)))
    columns = [ScoreColumn(label, metric, {}) for label, metric in EXTRA_COLUMNS]
    result: dict = {}
    for name, chosen in (("one", []), ("five", columns)):
        timings, metric_seconds = [], []
        for _ in range(REPEATS):
            times = PhaseTimes()
            started = time.perf_counter()
            score(solution, directory / "submission.csv", times, chosen)
            timings.append(time.perf_counter() - started)
            metric_seconds.append(times.milliseconds().get("metric_ms", 0) / 1000)
        result[name] = min(timings)
        result[f"{name}_metric"] = min(metric_seconds)
    return result


def print_columns(sizes: list[int], seed: int) -> None:
    print("| rows | file | 1 column (RMSE) | 5 columns | ratio | of which metrics (1 / 5) |")
    print("|---|---|---|---|---|---|")
    for rows in sizes:
        with tempfile.TemporaryDirectory(prefix="podium-bench-") as temporary:
            directory = Path(temporary)
            in_child("generate", "rmse", directory, "--rows", str(rows), "--seed", str(seed))
            size_mb = (directory / "submission.csv").stat().st_size / 1e6
            measured = in_child("columns", "rmse", directory)
        print(
            f"| {rows:,} | {size_mb:.0f} MB | {measured['one']:.3f} s | {measured['five']:.3f} s "
            f"| {measured['five'] / measured['one']:.2f}x | {measured['one_metric']:.3f} s / "
            f"{measured['five_metric']:.3f} s |",
            flush=True,
        )


def reference_scores(task: str, merged) -> tuple[float, float]:
    from sklearn import metrics

    scorer = getattr(metrics, TASKS[task]["reference"])
    results = []
    for split in ("Public", "Private"):
        rows = merged[merged["Usage"] == split]
        if task == "mlogloss":
            probabilities = rows[list(CLASSES)].to_numpy()
            probabilities = probabilities / probabilities.sum(axis=1, keepdims=True)  # as the metric defines
            results.append(scorer(rows["target"], probabilities, labels=list(CLASSES)))
        else:
            results.append(scorer(rows["target_true"], rows["target_pred"]))
    return float(results[0]), float(results[1])


def run_reference(task: str, directory: Path) -> dict:
    import pandas as pd

    timings = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        solution = pd.read_csv(directory / "solution.csv")
        submission = pd.read_csv(directory / "submission.csv")
        merged = solution.merge(submission, on="id", suffixes=("_true", "_pred"))
        public, private = reference_scores(task, merged)
        timings.append(time.perf_counter() - started)
    return {"score": min(timings), "public": public, "private": private}


def run_floor(directory: Path) -> dict:
    from pyarrow import csv

    timings = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        csv.read_csv(directory / "submission.csv")
        timings.append(time.perf_counter() - started)
    return {"score": min(timings)}


def child_main(kind: str, task: str, directory: Path, rows: int, seed: int) -> None:
    runners = {
        "generate": lambda: write_data(task, directory, rows, seed) or {},
        "engine": lambda: run_engine(task, directory),
        "reference": lambda: run_reference(task, directory),
        "floor": lambda: run_floor(directory),
        "columns": lambda: run_columns(directory),
    }
    result = runners[kind]()
    result["peak_rss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps(result))


def in_child(kind: str, task: str, directory: Path, *extra: str) -> dict:
    paths = [str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    completed = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--task", task, "--data", str(directory), *extra],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        sys.exit(f"The {kind} run of {task} failed:\n{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def measure(task: str, rows: int, seed: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="podium-bench-") as temporary:
        directory = Path(temporary)
        in_child("generate", task, directory, "--rows", str(rows), "--seed", str(seed))
        size_mb = (directory / "submission.csv").stat().st_size / 1e6
        engine = in_child("engine", task, directory)
        reference = in_child("reference", task, directory)
        floor = in_child("floor", task, directory)
    difference = max(abs(engine[split] - reference[split]) for split in ("public", "private"))
    return {
        "engine": engine,
        "reference": reference,
        "floor": floor,
        "size_mb": size_mb,
        "difference": difference,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--tasks", default=",".join(TASKS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--child", choices=["generate", "engine", "reference", "floor", "columns"], help=argparse.SUPPRESS
    )
    parser.add_argument(
        "--columns", action="store_true", help="what five score columns cost against one (RMSE)"
    )
    parser.add_argument("--task", choices=list(TASKS), help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_main(args.child, args.task, args.data, args.rows, args.seed)
        return
    if args.columns:
        print_columns([int(size) for size in args.sizes.split(",")], args.seed)
        return

    print(
        "| task | rows | file | engine score | reference | ratio | pyarrow floor | engine / ref peak RSS | scores |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    disagreements = 0
    for task in args.tasks.split(","):
        for rows in (int(size) for size in args.sizes.split(",")):
            result = measure(task, rows, args.seed)
            engine, reference, floor = result["engine"], result["reference"], result["floor"]
            agree = result["difference"] <= TOLERANCE
            disagreements += not agree
            print(
                f"| {TASKS[task]['metric']} | {rows:,} | {result['size_mb']:.0f} MB "
                f"| {engine['score']:.3f} s (+{engine['load']:.2f} s parse once) | {reference['score']:.3f} s "
                f"| {reference['score'] / engine['score']:.2f}x | {floor['score']:.3f} s "
                f"| {engine['peak_rss_kib'] / 1024:.0f} / {reference['peak_rss_kib'] / 1024:.0f} MiB "
                f"({engine['peak_rss_kib'] / reference['peak_rss_kib']:.2f}) "
                f"| {'identical' if result['difference'] == 0 else 'agree' if agree else 'DIFFER'} "
                f"({result['difference']:.1e}) |",
                flush=True,
            )
    if disagreements:
        sys.exit(1)


if __name__ == "__main__":
    main()
