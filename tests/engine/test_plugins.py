"""Metrics from installed packages: real `podium.metrics` entry points in a dist-info directory on sys.path."""

import importlib
import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scoring.engine import METRICS, Scores, ScoringSpec, load_solution, score
from scoring.engine import metrics as engine_metrics
from scoring.engine.plugins import load_plugins

REPO = Path(__file__).resolve().parents[2]

PLUGIN_MODULE = """
import numpy as np

from scoring.engine import PROBABILITY, Metric, MetricParam

THRESHOLD = MetricParam("threshold", "float", 0.5, "Scores at or above it count as positive.", minimum=0.0)


def hit_rate(y_true, y_pred, *, threshold):
    return float(np.mean((y_pred >= threshold) == (y_true == 1)))


def metric():
    return (
        Metric(
            "hit_rate",
            "Hit rate",
            True,
            PROBABILITY,
            "The share of rows on the right side of the threshold; higher is better. For every id, the target "
            "column must hold a score.",
            params=(THRESHOLD,),
        ),
        hit_rate,
    )


def not_a_pair():
    return "hit_rate"


def takes_a_taken_key():
    return Metric("rmse", "Another RMSE", False, "number", "Clashes with the built-in."), hit_rate


def raises():
    raise RuntimeError("this plug-in is broken")
"""

ENTRY_POINTS = """
[podium.metrics]
hit_rate = {module}:metric
missing_module = podium_no_such_module:metric
missing_attribute = {module}:nowhere
not_a_pair = {module}:not_a_pair
taken_key = {module}:takes_a_taken_key
raises = {module}:raises
"""


def install_plugin(directory: Path, module: str) -> Path:
    """A package as pip leaves it: the module and a dist-info directory with entry_points.txt."""
    (directory / f"{module}.py").write_text(PLUGIN_MODULE)
    dist_info = directory / f"{module}-1.0.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {module}\nVersion: 1.0\n")
    (dist_info / "entry_points.txt").write_text(ENTRY_POINTS.format(module=module))
    return directory


@pytest.fixture
def installed_plugin(tmp_path):
    module = "podium_test_plugin"
    sys.path.insert(0, str(install_plugin(tmp_path, module)))
    importlib.invalidate_caches()
    before = dict(METRICS), dict(engine_metrics.SCORERS)
    yield
    sys.path.remove(str(tmp_path))
    sys.modules.pop(module, None)
    for registry, saved in zip((METRICS, engine_metrics.SCORERS), before, strict=True):
        registry.clear()
        registry.update(saved)


def test_an_installed_plugin_adds_its_metric_and_broken_ones_are_skipped(installed_plugin, caplog):
    with caplog.at_level(logging.WARNING, logger="scoring.engine.plugins"):
        added = load_plugins()

    assert added == ["hit_rate"]
    assert METRICS["hit_rate"].name == "Hit rate"
    assert METRICS["rmse"].name == "RMSE"
    skipped = {record.args[0] for record in caplog.records}
    assert skipped == {"missing_module", "missing_attribute", "not_a_pair", "taken_key", "raises"}
    assert any("already registered" in record.getMessage() for record in caplog.records)
    assert any("this plug-in is broken" in record.getMessage() for record in caplog.records)


def test_a_plugin_metric_scores_with_its_parameters(installed_plugin):
    load_plugins()
    data = b"id,y,Usage\na,1,Public\nb,0,Public\nc,1,Private\nd,0,Private\n"
    solution = load_solution(io.BytesIO(data), ScoringSpec("hit_rate", "id", ("y",), {"threshold": "0.3"}))
    assert solution.params == {"threshold": 0.3}
    scores = score(solution, io.BytesIO(b"id,y\na,0.4\nb,0.2\nc,0.2\nd,0.1\n"))
    assert scores == Scores(public=1.0, private=0.5)


def test_plugins_load_when_the_engine_is_imported(tmp_path):
    install_plugin(tmp_path, "podium_cli_plugin")
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(REPO)])}
    result = subprocess.run(
        [sys.executable, "-m", "scoring.engine", "--list-metrics"],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    catalogue = {entry["key"]: entry for entry in json.loads(result.stdout)}
    assert catalogue["hit_rate"]["params"][0]["name"] == "threshold"
    assert "Skipped the metric plug-in 'raises'" in result.stderr
