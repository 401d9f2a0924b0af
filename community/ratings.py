"""Ratings: a reader's 1 to 5 stars for something good or bad in its kind (datasets, projects and papers'
external implementations), beside the vote that says only "useful".

A kind opts in with one call to `ratable(...)` below, naming how an item is found (through its app's own
visibility query), keyed in URLs and who its authors are (they may not rate it); its model carries the
totals `rating_count` and `rating_sum` (a system check says so when they are missing), and its page shows
`{% rating_widget item %}`. The totals move in the transaction that changes a rating, under the item's row
lock, so concurrent ratings never lose one; lists rank by config/ratings.py's damped average."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from django.contrib.contenttypes.models import ContentType
from django.core import checks
from django.db import models, transaction
from django.db.models import Count, F, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse

from accounts.models import User
from community.models import PaperImplementation, Rating
from community.papers import implementation_for
from community.services import CommentRateLimited, require_active_account, require_new_account_allowance
from competitions import locks
from config import ratings as formula
from config.errors import DomainError, NotAllowed, NotFound
from datasets.models import Dataset
from datasets.queries import dataset_for
from organisations.models import OrganisationMembership

STARS = range(1, 6)
TOTALS = ("rating_count", "rating_sum")


class RatingRefused(DomainError):
    code = "rating_refused"


class RatingRateLimited(CommentRateLimited):
    code = "rating_rate_limited"


@dataclass(frozen=True)
class RatableKind:
    name: str
    label: str
    model: type[models.Model]
    find: Callable[[User, str], models.Model]
    key: Callable[..., str]  # each takes a row of `model`
    page_url: Callable[..., str]
    authors: Callable[..., Iterable[int]]


RATABLE: dict[str, RatableKind] = {}


Item = TypeVar("Item", bound=models.Model)


def ratable(
    *,
    name: str,
    model: type[Item],
    find: Callable[[User, str], Item],
    key: Callable[[Item], str],
    page_url: Callable[[Item], str],
    authors: Callable[[Item], Iterable[int]],
    label: str = "",
) -> RatableKind:
    """Let readers rate `model`'s rows: `find(user, key)` is the row if the user may see it (NotFound
    otherwise), `authors(item)` the ids of the users whose work it is."""
    kind = RatableKind(name, label or name, model, find, key, page_url, authors)
    RATABLE[name] = kind
    return kind


def dataset_authors(dataset: Dataset) -> Iterable[int]:
    """Its owner and, for an organisation's dataset, every member of the organisation."""
    if dataset.organisation_id is None:
        return {dataset.owner_id}
    members = OrganisationMembership.objects.filter(organisation_id=dataset.organisation_id)
    return {dataset.owner_id, *members.values_list("user_id", flat=True)}


ratable(
    name="dataset",
    model=Dataset,
    find=dataset_for,
    key=lambda dataset: dataset.slug,
    page_url=lambda dataset: reverse("datasets:detail", args=[dataset.slug]),
    authors=dataset_authors,
)


ratable(
    name="implementation",
    label="implementation",
    model=PaperImplementation,
    find=implementation_for,
    key=lambda implementation: str(implementation.pk),
    page_url=lambda implementation: reverse("community:paper", args=[implementation.paper_id]),
    # An external repository: Podium knows no author of it (the row does not record who added it), so anyone
    # signed in may rate it.
    authors=lambda implementation: (),
)


@checks.register()
def ratable_models_carry_totals(app_configs: object = None, **kwargs: object) -> list[checks.CheckMessage]:
    """A kind registered without the totals on its model would fail at the first rating: say so at start."""
    return [
        checks.Error(
            f"{kind.model.__name__} is ratable but has no `{total}` field.",
            hint="Add rating_count and rating_sum = models.PositiveIntegerField(default=0) to the model.",
            obj=kind.model,
            id="community.E001",
        )
        for kind in RATABLE.values()
        for total in TOTALS
        if total not in {field.name for field in kind.model._meta.get_fields()}
    ]


# Finding what is rated.


def kind_named(name: str) -> RatableKind:
    if name not in RATABLE:
        raise NotFound(
            f"Ratings are for {', '.join(RATABLE)}; '{name}' is none of these.", code="not_ratable"
        )
    return RATABLE[name]


def ratable_kind(target: models.Model) -> RatableKind:
    for kind in RATABLE.values():
        if isinstance(target, kind.model):
            return kind
    raise TypeError(f"{type(target).__name__} cannot be rated")


def rated_target(user: User, kind: str, key: str) -> models.Model:
    """The ratable item `kind`/`key` if the user may see it; a 404 otherwise, as for a missing one."""
    return kind_named(kind).find(user, key)


def is_author(user: User, target: models.Model) -> bool:
    return user.is_authenticated and user.pk in set(ratable_kind(target).authors(target))


def ratings_of(target: models.Model) -> models.QuerySet[Rating]:
    content_type = ContentType.objects.get_for_model(target)
    return Rating.objects.filter(content_type=content_type, object_id=target.pk)


def rating_by(user: User, target: models.Model) -> Rating | None:
    """The user's own rating of the item, if any."""
    if not user.is_authenticated:
        return None
    return ratings_of(target).filter(user=user).first()


def stars_given(user: User, model: type[models.Model]) -> dict[int, int]:
    """The user's stars for every row of `model` they rated, by row id: one query for a list of many rows."""
    if not user.is_authenticated:
        return {}
    content_type = ContentType.objects.get_for_model(model)
    return dict(Rating.objects.filter(content_type=content_type, user=user).values_list("object_id", "stars"))


@dataclass(frozen=True)
class RatingSummary:
    count: int
    average: float | None
    yours: int | None


def summary(user: User, target: models.Model) -> RatingSummary:
    """What a page and the API show: the item's average and count as they stand now, and the reader's stars."""
    totals = type(target)._default_manager.filter(pk=target.pk).values(*TOTALS).get()
    mine = rating_by(user, target)
    return RatingSummary(
        count=totals["rating_count"],
        average=formula.average(totals["rating_sum"], totals["rating_count"]),
        yours=mine.stars if mine else None,
    )


# Writing ratings.


def as_whole_number(text: object) -> object:
    """A form's text "4" as 4 (forms carry only text); anything else as it was, for `clean_stars` to judge."""
    if not isinstance(text, str):
        return text
    digits = text.strip().removeprefix("-")
    if digits.isascii() and digits.isdigit():
        return int(text.strip())  # "-1" too: it is a number, refused as out of range as the API refuses -1
    return text


def clean_stars(stars: object) -> int:
    """A whole number of stars from 1 to 5, and nothing JSON or a form would also read as one (true, 4.5,
    "4", "4 stars"): pages and forms turn their text into a number first (`as_whole_number`)."""
    if isinstance(stars, bool) or not isinstance(stars, int):
        raise RatingRefused(
            f"stars: give a whole number of stars from 1 to 5, not {stars!r}.",
            code="rating_not_integer",
            details={"field": "stars"},
        )
    if stars not in STARS:
        raise RatingRefused(
            f"stars: a rating is from 1 to 5 stars; {stars} is outside that.",
            code="rating_out_of_range",
            details={"field": "stars"},
        )
    return stars


def require_rating_allowance(user: User) -> None:
    """Young accounts are braked as they are in comments, with the same settings: a few ratings an hour."""
    require_new_account_allowance(
        user,
        recent_at=lambda since: Rating.objects.filter(user=user, updated_at__gt=since).values_list(
            "updated_at", flat=True
        ),
        not_yet="cannot rate yet",
        allowed="may give {allowance} ratings an hour",
        again="rate again",
        refusal=RatingRateLimited,
    )


def hold_totals(target: models.Model) -> None:
    """Take the item's row lock (an update that changes nothing): every writer of its ratings then waits for
    the one before it, so the totals it writes next count every committed rating. Taken after the user's lock
    and alone, as competitions/locks.py's order wants of a leaf row."""
    type(target)._default_manager.filter(pk=target.pk).update(rating_count=F("rating_count"))


def refresh_totals(target: models.Model) -> None:
    """Count the item's ratings again into its totals; call while holding its row (`hold_totals`)."""
    content_type = ContentType.objects.get_for_model(target)
    rated = Rating.objects.filter(content_type=content_type, object_id=OuterRef("pk")).order_by()
    totals = rated.values("object_id")
    type(target)._default_manager.filter(pk=target.pk).update(
        rating_count=Coalesce(Subquery(totals.annotate(n=Count("pk")).values("n")), 0),
        rating_sum=Coalesce(Subquery(totals.annotate(total=Sum("stars")).values("total")), 0),
    )


def rate(*, user: User, target: models.Model, stars: object) -> Rating:
    """Give or change the user's rating of a ratable item: one per user per item, never on one's own work."""
    require_active_account(user)
    kind = ratable_kind(target)
    if is_author(user, target):
        raise NotAllowed(
            f"You cannot rate your own work: this {kind.label} is yours (or your organisation's).",
            code="own_work",
        )
    stars = clean_stars(stars)
    content_type = ContentType.objects.get_for_model(target)
    with transaction.atomic():
        locks.lock_user(user.pk)  # one allowance check at a time, as for comments
        require_rating_allowance(user)
        hold_totals(target)
        rating, _ = Rating.objects.update_or_create(
            user=user, content_type=content_type, object_id=target.pk, defaults={"stars": stars}
        )
        refresh_totals(target)
    return rating


def unrate(*, user: User, target: models.Model) -> None:
    """Take one's rating back; nothing happens when there was none."""
    require_active_account(user)
    with transaction.atomic():
        hold_totals(target)
        deleted, _ = ratings_of(target).filter(user=user).delete()
        if deleted:
            refresh_totals(target)


def delete_rating(rating: Rating) -> models.Model | None:
    """Remove any one rating and recount its item (for the moderators); returns the item, if it still exists.
    Call inside a transaction."""
    target = rating.target
    if target is None:
        rating.delete()
        return None
    hold_totals(target)
    rating.delete()
    refresh_totals(target)
    return target
