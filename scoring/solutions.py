"""Parsed solutions, cached per worker process by checksum: parsing once serves many submissions."""

from collections import OrderedDict

from competitions.models import Competition
from datasets.storage import private_storage
from scoring import engine

CACHE_SIZE = 8
cache: OrderedDict[tuple, engine.Solution] = OrderedDict()


def scoring_spec(competition: Competition) -> engine.ScoringSpec:
    return engine.ScoringSpec(
        metric=competition.metric,
        id_column=competition.id_column,
        target_columns=tuple(competition.target_columns),
        params=dict(competition.metric_params or {}),
    )


def solution_for(competition: Competition) -> engine.Solution:
    spec = scoring_spec(competition)
    cache_key = (
        competition.solution_sha256,
        spec.metric,
        spec.id_column,
        spec.target_columns,
        tuple(sorted(spec.params.items())),
    )
    if cache_key in cache:
        cache.move_to_end(cache_key)
        return cache[cache_key]
    with private_storage().open(competition.solution_key, "rb") as stream:
        solution = engine.load_solution(stream, spec)
    cache[cache_key] = solution
    while len(cache) > CACHE_SIZE:
        cache.popitem(last=False)
    return solution
