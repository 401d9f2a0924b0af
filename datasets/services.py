import re
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError
from django.utils.text import slugify

from accounts.models import User
from config.errors import DomainError
from config.plain_text import refuse_control_characters
from datasets import licences
from datasets.columns import csv_columns, is_csv
from datasets.models import Dataset, DatasetFile, DatasetVersion
from datasets.signals import dataset_deleting
from datasets.storage import CHUNK, StoredFile, public_storage, store, stream_size
from organisations.models import Organisation
from organisations.queries import organisation_role

RESERVED_SLUGS = {"new", "edit", "api", "admin", "download"}  # words the URLs use next to slugs
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._() -]{0,200}$")


class DatasetError(DomainError):
    code = "invalid_dataset"


@dataclass(frozen=True)
class NewFile:
    name: str
    stream: IO[bytes]


def clean_file_name(raw_name: str) -> str:
    name = raw_name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not SAFE_NAME.match(name):
        raise DatasetError(
            f"File name '{raw_name}' is not allowed: use letters, digits, dots, dashes, underscores and spaces.",
            code="bad_file_name",
        )
    return name


def unique_slug(title: str, model: type[models.Model] = Dataset, requested: str = "") -> str:
    base = slugify(requested or title)[:90] or "dataset"
    if base in RESERVED_SLUGS:
        if requested:
            raise DatasetError(
                f"The slug '{base}' is reserved; choose another.",
                code="slug_reserved",
                details={"field": "slug"},
            )
        base = f"{base}-{model.__name__.lower()}"
    if requested:
        if model._default_manager.filter(slug=base).exists():
            raise DatasetError(
                f"The slug '{base}' is already taken.", code="slug_taken", details={"field": "slug"}
            )
        return base
    slug, n = base, 2
    while model._default_manager.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@dataclass(frozen=True)
class Licence:
    """A dataset's licence: an offered SPDX id, or "other" with the address (and the name) of its terms."""

    spdx: str = licences.DEFAULT
    url: str = ""
    name: str = ""


def choose_licence(license: str = "", url: str = "", name: str = "") -> Licence:
    """The licence meant by what a person gave: an SPDX id (any case, or a common spelling such as
    "CC BY 4.0"), "other" with a URL, or a licence's web address; empty means the default."""
    license, url, name = license.strip(), url.strip(), name.strip()
    if not license and not url:
        return Licence()
    if license.lower() != licences.OTHER and license:
        spdx = licences.spdx_id(license)
        if spdx is None and licences.is_web_address(license) and not url:
            license, url = licences.OTHER, license
        elif spdx is None:
            raise DatasetError(
                f"'{license}' is not one of the licences offered: use one of {licences.ACCEPTED} "
                "(with other, give the address of the licence's terms).",
                code="unknown_license",
                details={"field": "license"},
            )
        elif url and url != licences.licence_url(spdx):
            raise DatasetError(
                f"A licence URL is only given with the licence 'other'; {spdx} is at {licences.licence_url(spdx)}.",
                code="license_url_not_expected",
                details={"field": "license_url"},
            )
        else:
            return Licence(spdx=spdx)
    if not url:
        raise DatasetError(
            "With the licence 'other', give the address (URL) of the licence's terms.",
            code="license_url_missing",
            details={"field": "license_url"},
        )
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise DatasetError(
            f"'{url}' is not a web address: give the licence's URL, starting with https://.",
            code="bad_license_url",
            details={"field": "license_url"},
        ) from None
    if len(url) > 500:
        raise DatasetError("The licence URL is longer than 500 characters.", code="bad_license_url")
    refuse_control_characters(name, field="license_name", label="licence name")
    return Licence(spdx=licences.OTHER, url=url, name=name[:200])


@dataclass(frozen=True)
class PreparedFile:
    name: str
    key: str
    size: int
    sha256: str
    columns: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class PreparedVersion:
    """A version's files and zip, already in storage, waiting for their database rows."""

    files: list[PreparedFile]
    zip: StoredFile


def prepare_version(files: Iterable[NewFile | DatasetFile], *, folder: str) -> PreparedVersion:
    """Store new files and the zip of all of them, outside any transaction: copying and compressing
    large files must not hold the database's write lock (SQLite has one for the whole database)."""
    files = list(files)
    if not files:
        raise DatasetError("Upload at least one file.", code="no_files", details={"field": "files"})
    limit = settings.PODIUM_MAX_DATASET_FILE_MB * 1024 * 1024
    names = [clean_file_name(item.name) for item in files]
    for name in names:
        if names.count(name) > 1:
            raise DatasetError(f"Two files are named '{name}'.", code="duplicate_file_name")
    for name, item in zip(names, files, strict=True):
        if isinstance(item, NewFile) and stream_size(item.stream) > limit:
            raise DatasetError(
                f"'{name}' is larger than the {limit // 2**20} MB limit for a data file.",
                code="file_too_large",
            )
    prepared = []
    for name, item in zip(names, files, strict=True):
        if isinstance(item, DatasetFile):
            columns = item.columns or stored_columns(name, item.storage_key)
            prepared.append(PreparedFile(name, item.storage_key, item.size, item.sha256, columns))
        else:
            columns = csv_columns(item.stream) if is_csv(name) else []
            stored = store(public_storage(), folder, name, item.stream)
            prepared.append(PreparedFile(name, stored.key, stored.size, stored.sha256, columns))
    return PreparedVersion(files=prepared, zip=build_zip(prepared, folder=folder))


def build_zip(files: list[PreparedFile], *, folder: str) -> StoredFile:
    """All of a version's files as one stored zip, built once so downloads stream a ready file."""
    storage = public_storage()
    with tempfile.TemporaryFile() as archive_file:
        with zipfile.ZipFile(archive_file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for prepared in files:
                with (
                    storage.open(prepared.key, "rb") as source,
                    archive.open(prepared.name, "w", force_zip64=True) as target,
                ):
                    while chunk := source.read(CHUNK):
                        target.write(chunk)
        return store(storage, folder, "all.zip", archive_file)


def record_version(*, dataset: Dataset, prepared: PreparedVersion, notes: str = "") -> DatasetVersion:
    """Write the rows of a prepared version; call inside a transaction."""
    last = dataset.versions.select_for_update().order_by("-number").first()
    version = DatasetVersion.objects.create(
        dataset=dataset,
        number=(last.number + 1) if last else 1,
        notes=notes,
        zip_key=prepared.zip.key,
        zip_size=prepared.zip.size,
        zip_sha256=prepared.zip.sha256,
    )
    DatasetFile.objects.bulk_create(
        DatasetFile(
            version=version, name=f.name, storage_key=f.key, size=f.size, sha256=f.sha256, columns=f.columns
        )
        for f in prepared.files
    )
    return version


def stored_columns(name: str, key: str) -> list[dict]:
    """The columns of a stored CSV file; an empty list for other files, or when storage cannot open it."""
    if not is_csv(name):
        return []
    try:
        with public_storage().open(key, "rb") as stream:
            return csv_columns(stream)
    except OSError:
        return []


def fill_missing_columns(*, version: DatasetVersion) -> None:
    """Read the columns of CSV files stored before columns were kept, and save them for next time.

    A CSV file with no readable columns is read again on each call, but only its first megabyte."""
    for dataset_file in version.files.all():
        if dataset_file.columns or not is_csv(dataset_file.name):
            continue
        dataset_file.columns = stored_columns(dataset_file.name, dataset_file.storage_key)
        if dataset_file.columns:
            DatasetFile.objects.filter(pk=dataset_file.pk).update(columns=dataset_file.columns)


def record_dataset(
    *,
    owner: User,
    title: str,
    slug: str,
    prepared: PreparedVersion,
    subtitle: str = "",
    description: str = "",
    licence: Licence | None = None,
    visibility: str = Dataset.Visibility.PUBLIC,
    organisation: Organisation | None = None,
) -> Dataset:
    """Write a dataset and its first version; call inside a transaction."""
    licence = licence or Licence()
    try:
        with transaction.atomic():
            dataset = Dataset.objects.create(
                owner=owner,
                organisation=organisation,
                title=title.strip(),
                slug=slug,
                subtitle=subtitle.strip(),
                description=description,
                license=licence.spdx,
                license_url=licence.url,
                license_name=licence.name,
                visibility=visibility,
            )
    except IntegrityError as error:
        raise DatasetError(
            f"The slug '{slug}' is already taken.", code="slug_taken", details={"field": "slug"}
        ) from error
    record_version(dataset=dataset, prepared=prepared, notes="Initial version.")
    return dataset


def check_title(title: str) -> None:
    if not title.strip():
        raise DatasetError("A dataset needs a title.", code="missing_title", details={"field": "title"})
    refuse_control_characters(title, field="title", label="title")


def create_dataset(
    *,
    owner: User,
    title: str,
    files: Iterable[NewFile | DatasetFile],
    slug: str = "",
    subtitle: str = "",
    description: str = "",
    license: str = "",
    license_url: str = "",
    license_name: str = "",
    visibility: str = Dataset.Visibility.PUBLIC,
    organisation: Organisation | None = None,
) -> Dataset:
    """Create a dataset and its first version from the given files; published for an organisation, it
    shows the organisation as its owner (the creator must be one of its members)."""
    check_title(title)
    if organisation is not None and organisation_role(owner, organisation.pk) is None and not owner.is_staff:
        raise DatasetError(
            f"You can publish on behalf of {organisation.name} only as one of its members.",
            code="not_organisation_member",
            details={"field": "organisation"},
        )
    refuse_control_characters(subtitle, field="subtitle", label="subtitle")
    licence = choose_licence(license, license_url, license_name)
    slug = unique_slug(title, requested=slug)
    prepared = prepare_version(files, folder=f"datasets/{slug}")
    with transaction.atomic():
        return record_dataset(
            owner=owner,
            title=title,
            slug=slug,
            prepared=prepared,
            subtitle=subtitle,
            description=description,
            licence=licence,
            visibility=visibility,
            organisation=organisation,
        )


def update_dataset(
    *,
    dataset: Dataset,
    title: str,
    subtitle: str = "",
    description: str = "",
    license: str = "",
    license_url: str = "",
    license_name: str = "",
    visibility: str = Dataset.Visibility.PUBLIC,
) -> Dataset:
    """Change what a dataset says about itself; its slug, files and versions stay."""
    check_title(title)
    refuse_control_characters(subtitle, field="subtitle", label="subtitle")
    licence = choose_licence(license, license_url, license_name)
    if visibility not in (Dataset.Visibility.PUBLIC, Dataset.Visibility.PRIVATE):
        raise DatasetError(
            "A dataset is public or private.", code="bad_visibility", details={"field": "visibility"}
        )
    if dataset.visibility == Dataset.Visibility.COMPETITION:
        raise DatasetError(
            "A competition's data is changed from the competition's Host tab.", code="competition_data"
        )
    dataset.title, dataset.subtitle, dataset.description = title.strip(), subtitle.strip(), description
    dataset.license, dataset.license_url, dataset.license_name = licence.spdx, licence.url, licence.name
    dataset.visibility = visibility
    dataset.save(
        update_fields=[
            "title",
            "subtitle",
            "description",
            "license",
            "license_url",
            "license_name",
            "visibility",
        ]
    )
    return dataset


def add_version(
    *, dataset: Dataset, files: Iterable[NewFile | DatasetFile], notes: str = "", keep: Iterable[str] = ()
) -> DatasetVersion:
    """Add a version holding `files`: new uploads are stored, existing files are shared by key. `keep`
    names files of the latest version to carry over, unless a new file of the same name replaces it."""
    files = list(files)
    keep = list(keep)
    if keep:
        latest = {f.name: f for f in dataset.latest_version.files.all()} if dataset.latest_version else {}
        missing = [name for name in keep if name not in latest]
        if missing:
            raise DatasetError(
                f"The latest version has no file '{missing[0]}' to keep.",
                code="unknown_file",
                details={"field": "keep"},
            )
        replaced = {clean_file_name(item.name) for item in files}
        files = [latest[name] for name in keep if name not in replaced] + files
    prepared = prepare_version(files, folder=f"datasets/{dataset.slug}")
    with transaction.atomic():
        return record_version(dataset=dataset, prepared=prepared, notes=notes)


def delete_dataset(*, dataset: Dataset) -> None:
    """Delete a dataset, its versions and the stored files no other dataset shares. Refused while a
    competition's data is one of its versions (the competition's participants download it)."""
    with transaction.atomic():
        dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
        keys = set(DatasetFile.objects.filter(version__dataset=dataset).values_list("storage_key", flat=True))
        keys |= set(dataset.versions.exclude(zip_key="").values_list("zip_key", flat=True))
        dataset_deleting.send(sender=Dataset, dataset=dataset)
        try:
            dataset.delete()
        except ProtectedError as error:
            raise DatasetError(
                f"'{dataset.title}' is the data of a competition, so it cannot be deleted.",
                code="dataset_in_use",
            ) from error
        shared = set(DatasetFile.objects.filter(storage_key__in=keys).values_list("storage_key", flat=True))
        shared |= set(DatasetVersion.objects.filter(zip_key__in=keys).values_list("zip_key", flat=True))
        unused = sorted(keys - shared)
        transaction.on_commit(lambda: remove_stored(unused))


def remove_stored(keys: list[str]) -> None:
    """Remove files from public storage once nothing refers to them; one that is already gone is fine."""
    storage = public_storage()
    for key in keys:
        storage.delete(key)
