"""Every metric of the catalogue, end to end: a host creates a competition through the API, a participant
submits, the real worker scores it, and the score equals the engine's on the same files."""

import io

import numpy as np
import pandas as pd
import pytest

from scoring import engine

pytestmark = pytest.mark.integration

ROWS = 60
LABELS = ["ant", "bee", "cat"]


def solution_for(metric: engine.Metric, rng) -> tuple[pd.DataFrame, list[str]]:
    """A solution whose public and private rows each hold every class, with values the metric accepts."""
    frame = pd.DataFrame(
        {"id": np.arange(1, ROWS + 1), "Usage": np.where(np.arange(ROWS) % 3 == 0, "Public", "Private")}
    )
    cycle = np.arange(ROWS) // 3
    if metric.multi_target:
        targets = ["y1", "y2"]
        for offset, name in enumerate(targets):
            if metric.prediction == engine.PROBABILITY:
                frame[name] = (cycle + offset) % 2
            else:
                frame[name] = rng.uniform(1, 10, ROWS).round(3)
        return frame, targets
    if metric.prediction == engine.PROBABILITY:
        frame["y"] = cycle % 2
    elif metric.prediction == engine.NUMBER:
        frame["y"] = rng.uniform(1, 10, ROWS).round(3)
    elif metric.integer_labels:
        frame["y"] = cycle % 5 + 1
    elif metric.key in {"f1", "precision", "recall"}:  # binary by default
        frame["y"] = cycle % 2
    else:
        frame["y"] = np.array(LABELS)[cycle % len(LABELS)]
    return frame, ["y"]


def prediction_column(metric: engine.Metric, allowed: list[str], rng) -> np.ndarray:
    if metric.prediction in {engine.PROBABILITY, engine.CLASS_PROBABILITIES}:
        return rng.uniform(0.01, 0.99, ROWS).round(4)
    if metric.prediction == engine.NUMBER:
        return rng.uniform(1, 10, ROWS).round(3)
    if metric.prediction == engine.RANKED_LABELS:
        return np.array([" ".join(rng.permutation(allowed)[:2]) for _ in range(ROWS)])
    return rng.choice(allowed, ROWS)


@pytest.mark.parametrize("key", sorted(engine.METRICS))
def test_the_worker_scores_every_metric_like_the_engine(site, key):
    metric = engine.METRICS[key]
    rng = np.random.default_rng(sorted(engine.METRICS).index(key))
    solution, targets = solution_for(metric, rng)
    slug = site.client("demo-host").create_competition(
        f"Metric {key}", solution.to_csv(index=False), metric=key, target=",".join(targets)
    )
    participant = site.client("demo")
    participant.post(f"/api/v1/competitions/{slug}/join/")
    columns = participant.get(f"/api/v1/competitions/{slug}/").json()["submission_columns"]
    allowed = sorted(solution["y"].astype(str).unique()) if "y" in solution else []
    submission = pd.DataFrame({"id": solution["id"].sample(frac=1, random_state=1)})
    for column in columns[1:]:
        submission[column] = prediction_column(metric, allowed, rng)
    submission_csv = submission.to_csv(index=False)

    response = participant.submit(slug, submission_csv)
    assert response.status_code == 202, response.text
    result = participant.wait_until_finished(response.json()["id"])

    assert result["status"] == "scored", result
    spec = engine.ScoringSpec(metric=key, id_column="id", target_columns=tuple(targets))
    stored = engine.load_solution(site.solution_path(slug), spec)
    expected = engine.score(stored, io.BytesIO(submission_csv.encode()))
    assert result["public_score"] == pytest.approx(expected.public, abs=1e-12)
