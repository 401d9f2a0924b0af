"""Parsed solutions, cached per worker process by checksum: parsing once serves many submissions, and a
worker that starts cold loads the compact form stored beside the file instead of parsing it."""

from collections import OrderedDict

from competitions.compact_solutions import load_stored_compact, store_compact
from competitions.models import Competition
from competitions.phases import ScoringSetup
from datasets.storage import private_storage
from scoring import engine

CACHE_SIZE = 8
cache: OrderedDict[tuple, engine.Solution] = OrderedDict()


def scoring_spec(competition: Competition | ScoringSetup) -> engine.ScoringSpec:
    """The engine's spec for a competition's own setup or a phase and track's (competitions.phases)."""
    return engine.ScoringSpec(
        metric=competition.metric,
        id_column=competition.id_column,
        target_columns=tuple(competition.target_columns),
        params=dict(competition.metric_params or {}),
    )


def solution_for(competition: Competition | ScoringSetup) -> engine.Solution:
    """The current solution of a competition or of a phase and track's setup, parsed."""
    return parsed_solution(competition.solution_key, competition.solution_sha256, scoring_spec(competition))


def parsed_solution(key: str, sha256: str, spec: engine.ScoringSpec) -> engine.Solution:
    """The solution stored under `key`, parsed under `spec`: read once per worker for as long as it is
    among the last few used (a rescore's new solution as much as a competition's current one)."""
    cache_key = (
        sha256,
        spec.metric,
        spec.id_column,
        spec.target_columns,
        tuple(sorted(spec.params.items())),
    )
    if cache_key in cache:
        cache.move_to_end(cache_key)
        return cache[cache_key]
    solution = load_stored_compact(key, sha256, spec)
    if solution is None:  # a solution stored before compact forms, or under a spec changed since
        with private_storage().open(key, "rb") as stream:
            solution = engine.load_solution(stream, spec)
        store_compact(solution, solution_key=key, sha256=sha256)
    cache[cache_key] = solution
    while len(cache) > CACHE_SIZE:
        cache.popitem(last=False)
    return solution
