"""A solution's compact form: stored beside the file when a host uploads one or a rescore brings one, loaded
by a worker whose cache is empty, and never used for another file or spec."""

import io

import numpy as np
import pandas as pd
import pytest

from competitions.compact_solutions import compact_key
from datasets.storage import private_storage
from scoring import engine, rescoring, solutions
from scoring.engine.compact import StaleCompactForm, compact_bytes, load_compact
from tests.factories import LABEL_SOLUTION

SPECS = {
    "roc_auc": ("target", lambda rng, n: rng.integers(0, 2, n)),
    "multiclass_log_loss": ("target", lambda rng, n: rng.choice(["ant", "bee", "cat"], n)),
    "rmse": ("target", lambda rng, n: np.round(rng.normal(10, 2, n), 3)),
    "accuracy": ("target", lambda rng, n: rng.choice(["ant", "bee", "cat"], n)),
}


def solution_csv(metric: str, rows: int = 500) -> bytes:
    rng = np.random.default_rng(3)
    ids = np.char.add("id-", rng.permutation(rows * 2)[:rows].astype(str))
    target, draw = SPECS[metric]
    usage = np.where(np.arange(rows) % 3 == 0, "Public", "Private")
    return pd.DataFrame({"id": ids, target: draw(rng, rows), "Usage": usage}).to_csv(index=False).encode()


def shuffled_sample(solution: engine.Solution) -> bytes:
    frame = pd.read_csv(io.BytesIO(engine.sample_submission_csv(solution)), dtype={"id": str})
    rng = np.random.default_rng(5)
    for column in frame.columns[1:]:
        labels = solution.allowed_labels
        frame[column] = rng.choice(labels, len(frame)) if labels else rng.random(len(frame))
    return frame.sample(frac=1, random_state=7).to_csv(index=False).encode()


@pytest.mark.parametrize("metric", sorted(SPECS))
def test_the_compact_form_scores_exactly_as_the_parsed_solution(metric):
    spec = engine.ScoringSpec(metric=metric, id_column="id", target_columns=("target",))
    parsed = engine.load_solution(io.BytesIO(solution_csv(metric)), spec)

    loaded = load_compact(compact_bytes(parsed, source_sha256="abc"), spec, source_sha256="abc")

    submission = shuffled_sample(parsed)
    assert engine.score(loaded, io.BytesIO(submission)) == engine.score(parsed, io.BytesIO(submission))
    assert loaded.ids.equals(parsed.ids)
    assert np.array_equal(loaded.truth, parsed.truth)
    assert np.array_equal(loaded.is_public, parsed.is_public)
    assert (loaded.class_labels, loaded.params, loaded.submission_columns) == (
        parsed.class_labels,
        parsed.params,
        parsed.submission_columns,
    )


def test_the_compact_form_brings_the_id_hash_table_built():
    spec = engine.ScoringSpec(metric="roc_auc", id_column="id", target_columns=("target",))
    parsed = engine.load_solution(io.BytesIO(solution_csv("roc_auc")), spec)

    loaded = load_compact(compact_bytes(parsed, source_sha256="abc"), spec, source_sha256="abc")

    assert loaded.id_lookup._table is not None
    assert np.array_equal(loaded.id_lookup._table.positions, parsed.id_lookup.table.positions)


@pytest.mark.parametrize(
    ("other_sha256", "other_spec"),
    [
        ("another file", engine.ScoringSpec(metric="roc_auc", id_column="id", target_columns=("target",))),
        ("abc", engine.ScoringSpec(metric="log_loss", id_column="id", target_columns=("target",))),
        (
            "abc",
            engine.ScoringSpec(
                metric="roc_auc", id_column="id", target_columns=("target",), params={"positive_label": "0"}
            ),
        ),
    ],
)
def test_a_compact_form_made_for_another_file_or_spec_is_refused(other_sha256, other_spec):
    spec = engine.ScoringSpec(metric="roc_auc", id_column="id", target_columns=("target",))
    stored = compact_bytes(
        engine.load_solution(io.BytesIO(solution_csv("roc_auc")), spec), source_sha256="abc"
    )

    with pytest.raises(StaleCompactForm):
        load_compact(stored, other_spec, source_sha256=other_sha256)


@pytest.fixture
def cold_worker(monkeypatch):
    """A worker process just started: nothing cached, and any parse of a solution file is seen."""
    monkeypatch.setattr(solutions, "cache", type(solutions.cache)())
    parses = []
    real = engine.load_solution

    def counting(*args, **kwargs):
        parses.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(solutions.engine, "load_solution", counting)
    return parses


def test_a_cold_worker_loads_the_form_stored_when_the_host_uploaded_the_solution(competition, cold_worker):
    solution = solutions.solution_for(competition)

    assert cold_worker == []
    assert solution.public_count + solution.private_count == 10
    key = compact_key(
        competition.solution_key, competition.solution_sha256, solutions.scoring_spec(competition)
    )
    assert private_storage().exists(key)


def test_a_changed_spec_never_uses_the_older_form_and_stores_its_own(competition, cold_worker):
    competition.metric_params = {"average": "macro"}
    competition.metric = "f1"

    solution = solutions.solution_for(competition)

    assert len(cold_worker) == 1  # parsed: the stored form was made under accuracy
    assert solution.spec.metric == "f1"
    solutions.cache.clear()
    solutions.solution_for(competition)
    assert len(cold_worker) == 1  # the parse stored its form, which the next cold start loads


def test_an_unreadable_stored_form_falls_back_to_parsing_the_file(competition, cold_worker):
    key = compact_key(
        competition.solution_key, competition.solution_sha256, solutions.scoring_spec(competition)
    )
    with private_storage().open(key, "wb") as stream:
        stream.write(b"not an archive")

    solution = solutions.solution_for(competition)

    assert len(cold_worker) == 1
    assert solution.public_count == 4


def test_a_rescore_stores_the_new_solution_s_form_and_workers_load_it_after_the_switch(
    competition, host, cold_worker
):
    corrected = LABEL_SOLUTION.replace("4,bird,Public", "4,cat,Public")
    rescore = rescoring.start_rescore(
        competition=competition, user=host, solution=io.BytesIO(corrected.encode())
    )
    cold_worker.clear()  # the host's upload parsed the new file once, as it must to check it
    old = solutions.solution_for(competition)

    new = solutions.parsed_solution(
        rescore.solution_key, rescore.solution_sha256, solutions.scoring_spec(competition)
    )

    assert cold_worker == []
    assert rescore.solution_sha256 != competition.solution_sha256
    assert (old.truth != new.truth).sum() == 1


def test_a_form_cut_short_is_refused():
    spec = engine.ScoringSpec(metric="roc_auc", id_column="id", target_columns=("target",))
    stored = compact_bytes(
        engine.load_solution(io.BytesIO(solution_csv("roc_auc")), spec), source_sha256="abc"
    )

    with pytest.raises(StaleCompactForm, match="cut short"):
        load_compact(stored[: len(stored) // 2], spec, source_sha256="abc")
