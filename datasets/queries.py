from django.db.models import Q, QuerySet

from accounts.models import User
from config import ratings
from config.errors import NotAllowed, NotAuthenticated, NotFound
from datasets.models import Dataset, DatasetVersion
from organisations.queries import OWNER, organisation_role, organisations_of


def visible_datasets(user: User) -> QuerySet[Dataset]:
    """Public datasets and the user's own (or their organisations'); competition data is reached only through
    its competition."""
    datasets = Dataset.objects.select_related("owner", "organisation")
    if user.is_authenticated and user.is_staff:
        return datasets.exclude(visibility=Dataset.Visibility.COMPETITION)
    if user.is_authenticated:
        return datasets.filter(
            Q(visibility=Dataset.Visibility.PUBLIC)
            | Q(visibility=Dataset.Visibility.PRIVATE)
            & (Q(owner=user) | Q(organisation__in=organisations_of(user)))
        )
    return datasets.filter(visibility=Dataset.Visibility.PUBLIC)


DATASET_ORDERINGS = {
    "newest": ("-created_at", "-pk"),
    "votes": ("-vote_count", "-created_at", "-pk"),
    "rating": ("-rating_score", "-rating_count", "-created_at", "-pk"),
    "title": ("title", "pk"),
}


def search_datasets(user: User, *, text: str = "", ordering: str = "newest") -> QuerySet[Dataset]:
    datasets = visible_datasets(user)
    if text:
        datasets = datasets.filter(
            Q(title__icontains=text) | Q(description__icontains=text) | Q(slug__icontains=text)
        )
    if ordering == "rating":  # best rated first, by the damped average (config/ratings.py)
        datasets = datasets.annotate(rating_score=ratings.damped_average(Dataset))
    return datasets.order_by(*DATASET_ORDERINGS[ordering])


def dataset_for(user: User, slug: str) -> Dataset:
    dataset = visible_datasets(user).filter(slug=slug).first()
    if dataset is None:
        raise NotFound(f"No dataset '{slug}' exists, or you may not see it.")
    return dataset


def version_for(dataset: Dataset, number: int | None = None) -> DatasetVersion:
    versions = dataset.versions.prefetch_related("files")
    version = versions.filter(number=number).first() if number else versions.order_by("-number").first()
    if version is None:
        raise NotFound(f"Dataset '{dataset.slug}' has no version {number}.")
    return version


def require_download(user: User) -> None:
    if not user.is_authenticated:
        raise NotAuthenticated("Log in to download data.")


def is_owner(user: User, dataset: Dataset) -> bool:
    """Whether the user may change the dataset: its owner, an owner of its organisation, or staff."""
    return user.is_authenticated and (
        user.is_staff
        or dataset.owner_id == user.pk
        or organisation_role(user, dataset.organisation_id) == OWNER
    )


def require_owner(user: User, dataset: Dataset, action: str = "add versions to it") -> None:
    """Only a dataset's owner (or staff) edits it, publishes its new versions or deletes it."""
    if not is_owner(user, dataset):
        raise NotAllowed(f"Only the owner of '{dataset.slug}' can {action}.")
