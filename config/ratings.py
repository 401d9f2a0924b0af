"""The damped (Bayesian) average that ranks rated things, defined once for every app whose rows carry the
`rating_count` and `rating_sum` totals (community.ratings keeps them current).

    damped = (C * m + sum) / (C + n)

n and sum are the item's number of ratings and their total, m the mean of every rating of that kind on the
site, and C (PODIUM_RATING_PRIOR_WEIGHT) a prior weight: each item counts as if it also had C ratings at the
site's mean, so a handful of ratings moves it a little and many ratings move it to their own average."""

from django.conf import settings
from django.db import models
from django.db.models import ExpressionWrapper, F, FloatField, Sum, Value
from django.db.models.functions import Cast, NullIf


def prior_weight() -> int:
    return settings.PODIUM_RATING_PRIOR_WEIGHT


def site_mean(model: type[models.Model]) -> float:
    """m: the mean of every rating given to rows of `model` (0 before the first)."""
    totals = model._default_manager.aggregate(stars=Sum("rating_sum"), ratings=Sum("rating_count"))
    return (totals["stars"] or 0) / totals["ratings"] if totals["ratings"] else 0.0


def damped_average(model: type[models.Model]) -> ExpressionWrapper:
    """The damped average of each row as a query expression (NULL for an unrated row when C is 0), to
    annotate and order by; costs one query for the site's mean."""
    weight = prior_weight()
    mean = site_mean(model)
    return ExpressionWrapper(
        (Value(weight * mean) + Cast(F("rating_sum"), FloatField()))
        / NullIf(Value(weight) + F("rating_count"), Value(0)),
        output_field=FloatField(),
    )


def damped(*, rating_sum: int, rating_count: int, mean: float, weight: int) -> float | None:
    """The same formula in Python, for a page that explains it with numbers."""
    if weight + rating_count == 0:
        return None
    return (weight * mean + rating_sum) / (weight + rating_count)


def average(rating_sum: int, rating_count: int) -> float | None:
    """The plain average a page shows beside the count; None before the first rating."""
    return round(rating_sum / rating_count, 2) if rating_count else None
