"""`python -m scoring.engine`: one JSON object out, exit 0 on a score and 1 on an error."""

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scoring.engine", *arguments],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def write_files(tmp_path: Path, submission: bytes) -> list[str]:
    (tmp_path / "solution.csv").write_bytes(
        b"key,label,Usage\na,yes,Public\nb,no,Public\nc,no,Private\nd,yes,Private\n"
    )
    (tmp_path / "submission.csv").write_bytes(submission)
    return [
        "--solution", str(tmp_path / "solution.csv"),
        "--submission", str(tmp_path / "submission.csv"),
        "--metric", "roc_auc",
        "--id-column", "key",
        "--target", "label",
        "--param", "positive_label=yes",
    ]  # fmt: skip


def test_cli_prints_both_scores(tmp_path):
    result = run(*write_files(tmp_path, b"key,label\na,0.8\nb,0.3\nc,0.9\nd,0.1\n"))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"public": 1.0, "private": 0.0}


def test_cli_prints_the_error_and_exits_1(tmp_path):
    result = run(*write_files(tmp_path, b"key,label\na,0.8\nb,0.3\n"))
    assert result.returncode == 1
    answer = json.loads(result.stdout)
    assert answer["code"] == "missing_ids"
    assert answer["error"].startswith("Your file is missing 2 test ids: 'c' and 'd'.")


def test_cli_lists_the_metric_catalogue_with_parameters():
    result = run("--list-metrics")
    assert result.returncode == 0
    catalogue = {entry["key"]: entry for entry in json.loads(result.stdout)}
    assert {"accuracy", "f1", "qwk", "roc_auc_ovr", "rmsle", "mcrmse", "map_at_k"} <= set(catalogue)
    log_loss = catalogue["log_loss"]
    assert (log_loss["name"], log_loss["higher_is_better"], log_loss["prediction"]) == (
        "Log loss",
        False,
        "probability",
    )
    assert [param["name"] for param in log_loss["params"]] == ["positive_label"]
    assert catalogue["map_at_k"]["params"] == [
        {
            "name": "k",
            "kind": "int",
            "default": 5,
            "required": False,
            "description": "How many labels of each list count; labels after the k-th are ignored.",
            "minimum": 1,
        }
    ]
    assert catalogue["f1"]["params"][0]["choices"] == ["binary", "micro", "macro", "weighted"]
    assert catalogue["mcrmse"]["multi_target"] is True


def test_cli_passes_parameters_as_text(tmp_path):
    (tmp_path / "solution.csv").write_bytes(b"id,y,Usage\na,L1,Public\nb,L2,Private\n")
    (tmp_path / "submission.csv").write_bytes(b"id,y\na,L2 L1\nb,L1 L2\n")
    common = [
        "--solution", str(tmp_path / "solution.csv"),
        "--submission", str(tmp_path / "submission.csv"),
        "--metric", "top_k_accuracy",
        "--id-column", "id",
        "--target", "y",
    ]  # fmt: skip
    assert json.loads(run(*common, "--param", "k=1").stdout) == {"public": 0.0, "private": 0.0}
    refused = run(*common, "--param", "k=two")
    assert refused.returncode == 1
    assert json.loads(refused.stdout)["code"] == "bad_param"


def test_cli_takes_several_targets(tmp_path):
    (tmp_path / "solution.csv").write_bytes(b"id,a,b,Usage\nr1,1,10,Public\nr2,2,20,Private\n")
    (tmp_path / "submission.csv").write_bytes(b"id,b,a\nr1,13,1\nr2,20,4\n")
    result = run(
        "--solution", str(tmp_path / "solution.csv"),
        "--submission", str(tmp_path / "submission.csv"),
        "--metric", "mcrmse",
        "--id-column", "id",
        "--target", "a",
        "--target", "b",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"public": 1.5, "private": 1.0}
