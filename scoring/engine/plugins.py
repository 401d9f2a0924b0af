"""Metrics from installed packages, through the `podium.metrics` entry point group (see the package docstring)."""

import logging
from importlib.metadata import entry_points

from .metrics import register_metric

ENTRY_POINT_GROUP = "podium.metrics"

logger = logging.getLogger(__name__)


def load_plugins() -> list[str]:
    """Register the metric of every `podium.metrics` entry point; returns the keys added.

    A broken plug-in (fails to import, returns something else than a (Metric, scorer) pair, reuses a key)
    is logged and skipped: one bad package must not take scoring down.
    """
    added = []
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        try:
            metric, scorer = entry_point.load()()
            register_metric(metric, scorer)
        except Exception as error:  # whatever a plug-in raises, the engine carries on
            logger.warning(
                "Skipped the metric plug-in %r (%s): %s: %s",
                entry_point.name,
                entry_point.value,
                type(error).__name__,
                error,
            )
            continue
        added.append(metric.key)
    return added
