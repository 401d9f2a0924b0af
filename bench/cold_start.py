"""Cold start: a worker's first score on a large solution, with the compact form stored beside the file and
without it, against a warm worker's score.

    .venv/bin/python bench/cold_start.py [--rows 10000000] [--quick]

Writes a synthetic ROC AUC competition (string ids, a 30/70 Usage split, a shuffled submission) and the
solution's compact form (scoring.engine.compact, as the host's upload stores it), then in fresh child
processes, each a worker just started:
- parse: `load_solution` of the CSV, then the first `score` (what a restarted worker did before);
- compact: reading the stored compact form and `load_compact`, then the first `score`;
- warm (the reference, measured in the same run): the same process scoring the file again, solution cached.
The gap is each child's start -> first score minus its own warm score (the same process, the same moment of a
shared machine); the table shows the child with the median gap of --repeats per way. Prints figures; never
judges them. --quick: 1,000,000 rows.
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:] = [str(REPO)] + [
    p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent
]


def write_data(directory: Path, rows: int) -> None:
    import numpy as np
    import pandas as pd

    from scoring import engine
    from scoring.engine.compact import compact_bytes

    rng = np.random.default_rng(5)
    ids = np.char.add("row", rng.permutation(rows * 3)[:rows].astype(str))
    truth = rng.integers(0, 2, rows)
    usage = np.where(rng.random(rows) < 0.3, "Public", "Private")
    pd.DataFrame({"id": ids, "target": truth, "Usage": usage}).to_csv(directory / "solution.csv", index=False)
    guesses = np.round(np.clip(0.35 * truth + 0.65 * rng.random(rows), 0, 1), 6)
    order = rng.permutation(rows)
    pd.DataFrame({"id": ids[order], "target": guesses[order]}).to_csv(
        directory / "submission.csv", index=False
    )
    solution = engine.load_solution(directory / "solution.csv", spec())
    (directory / "compact.solution").write_bytes(compact_bytes(solution, source_sha256="bench"))


def spec():
    from scoring import engine

    return engine.ScoringSpec(metric="roc_auc", id_column="id", target_columns=("target",))


def child(mode: str, directory: Path) -> dict:
    """One fresh process: get the solution the `mode` way, score once (cold), then again (warm)."""
    from scoring import engine
    from scoring.engine.compact import load_compact

    started = time.perf_counter()
    if mode == "parse":
        solution = engine.load_solution(directory / "solution.csv", spec())
    else:
        solution = load_compact((directory / "compact.solution").read_bytes(), spec(), source_sha256="bench")
    loaded = time.perf_counter()
    first = engine.score(solution, directory / "submission.csv")
    scored = time.perf_counter()
    warm = []
    for _ in range(2):
        begun = time.perf_counter()
        again = engine.score(solution, directory / "submission.csv")
        warm.append(time.perf_counter() - begun)
    assert again == first
    return {
        "load": loaded - started,
        "first_score": scored - loaded,
        "to_first_score": scored - started,
        "warm": min(warm),
        "public": first.public,
    }


def run_child(mode: str, directory: Path) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(directory)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=2, help="child processes per way, best kept")
    parser.add_argument("--quick", action="store_true", help="1,000,000 rows")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], Path(args.child[1]))))
        return
    if args.quick:
        args.rows = 1_000_000
    with tempfile.TemporaryDirectory(prefix="podium-cold-") as name:
        directory = Path(name)
        write_data(directory, args.rows)
        compact_mb = (directory / "compact.solution").stat().st_size / 2**20
        solution_mb = (directory / "solution.csv").stat().st_size / 2**20
        runs = {
            mode: [run_child(mode, directory) for _ in range(args.repeats)] for mode in ("parse", "compact")
        }
    for results in runs.values():
        for result in results:
            result["gap"] = result["to_first_score"] - result["warm"]
        results.sort(key=lambda result: result["gap"])
    print(f"rows: {args.rows:,}; solution.csv {solution_mb:.0f} MB, compact form {compact_mb:.0f} MB")
    print(
        "| worker just started | getting the solution | first score | start -> first score | warm score, same process | gap |"
    )
    print("|---|---|---|---|---|---|")
    for mode, label in (("parse", "parses the CSV (before)"), ("compact", "loads the compact form")):
        result = runs[mode][len(runs[mode]) // 2]
        print(
            f"| {label} | {result['load']:.2f} s | {result['first_score']:.2f} s | "
            f"{result['to_first_score']:.2f} s | {result['warm']:.2f} s | +{result['gap']:.2f} s |"
        )
    gaps = [result["gap"] for result in runs["compact"]]
    median_gap = gaps[len(gaps) // 2]
    print(f"compact-form gaps over {len(gaps)} cold starts: " + ", ".join(f"+{gap:.2f} s" for gap in gaps))
    print(
        f"goal: first score after a cold start within 1 s of a warm one (median +{median_gap:.2f} s: "
        f"{'met' if median_gap <= 1 else 'MISSED'})"
    )
    parse_median = runs["parse"][len(runs["parse"]) // 2]["to_first_score"]
    compact_median = runs["compact"][len(runs["compact"]) // 2]["to_first_score"]
    print(
        f"start -> first score with the compact form: {parse_median / compact_median:.1f}x faster than parsing"
    )


if __name__ == "__main__":
    main()
