from django.db.models import Q, QuerySet

from accounts.models import User
from config.errors import NotAuthenticated, NotFound
from datasets.models import Dataset, DatasetVersion


def visible_datasets(user: User) -> QuerySet[Dataset]:
    """Public datasets and the user's own; competition data is reached only through its competition."""
    datasets = Dataset.objects.select_related("owner")
    if user.is_authenticated and user.is_staff:
        return datasets.exclude(visibility=Dataset.Visibility.COMPETITION)
    if user.is_authenticated:
        return datasets.filter(
            Q(visibility=Dataset.Visibility.PUBLIC) | Q(owner=user, visibility=Dataset.Visibility.PRIVATE)
        )
    return datasets.filter(visibility=Dataset.Visibility.PUBLIC)


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
