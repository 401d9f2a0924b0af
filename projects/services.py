"""Publishing projects: create, add a version, fork. Files go to private storage first, outside any
transaction (storing and rendering a big notebook must not hold the database's write lock), then the rows."""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet

from accounts.models import User
from community.models import Paper
from competitions.models import Competition
from competitions.queries import visible_competitions
from config.errors import DomainError
from config.plain_text import refuse_control_characters
from datasets.models import Dataset
from datasets.queries import visible_datasets
from datasets.services import DatasetError, NewFile, choose_licence, clean_file_name, unique_slug
from datasets.storage import private_storage, store, stream_size
from organisations.models import Organisation
from organisations.queries import organisation_named, organisation_role
from projects.models import Project, ProjectFile, ProjectVersion
from projects.rendering import render_file
from submissions.models import Submission

METADATA_FILE = "podium-project.json"
MAX_TAGS = 10
TAG = re.compile(r"^[a-z0-9][a-z0-9+#.-]{0,39}$")


class ProjectError(DomainError):
    code = "invalid_project"


@dataclass(frozen=True)
class PreparedFile:
    name: str
    key: str
    size: int
    sha256: str
    kind: str
    framework: str = ""
    rendered_html: str = ""
    render_note: str = ""


def file_name(raw_name: str) -> str:
    """A project's files sit side by side: a name that reaches into a folder or out of the project is
    refused rather than silently shortened."""
    if "\x00" in raw_name or "/" in raw_name or "\\" in raw_name or raw_name.strip() in {".", ".."}:
        raise ProjectError(
            f"File name '{raw_name.replace(chr(0), '')}' is not allowed: a project's files are plain names, "
            "without folders, '..' or NUL characters.",
            code="bad_file_name",
            details={"field": "files"},
        )
    try:
        return clean_file_name(raw_name)
    except DatasetError as error:
        raise ProjectError(error.message, code=error.code, details={"field": "files"}) from None


def file_limit() -> int:
    return settings.PODIUM_MAX_DATASET_FILE_MB * 1024 * 1024


def prepare_files(files: Iterable[NewFile | ProjectFile], *, folder: str) -> list[PreparedFile]:
    """Check, store and render the files of a version; files of an older version are shared by key."""
    files = list(files)
    if not files:
        raise ProjectError("Upload at least one file.", code="no_files", details={"field": "files"})
    names = [item.name if isinstance(item, ProjectFile) else file_name(item.name) for item in files]
    for name in names:
        if names.count(name) > 1:
            raise ProjectError(
                f"Two files are named '{name}'.", code="duplicate_file_name", details={"field": "files"}
            )
    if METADATA_FILE in names:
        raise ProjectError(
            f"{METADATA_FILE} describes the project; it is read by `podium projects push`, not uploaded.",
            code="metadata_file_uploaded",
            details={"field": "files"},
        )
    limit = file_limit()
    for name, item in zip(names, files, strict=True):
        if isinstance(item, NewFile):
            size = stream_size(item.stream)
            if size == 0:
                raise ProjectError(
                    f"'{name}' is empty: upload a file with something in it.",
                    code="empty_file",
                    details={"field": "files"},
                )
            if size > limit:
                raise ProjectError(
                    f"'{name}' is larger than the {limit // 2**20} MB limit for a project file.",
                    code="file_too_large",
                    details={"field": "files"},
                )
    prepared = []
    for name, item in zip(names, files, strict=True):
        if isinstance(item, ProjectFile):
            prepared.append(
                PreparedFile(
                    name,
                    item.storage_key,
                    item.size,
                    item.sha256,
                    item.kind,
                    item.framework,
                    item.rendered_html,
                    item.render_note,
                )
            )
            continue
        stored = store(private_storage(), folder, name, item.stream)
        item.stream.seek(0)
        raw = item.stream.read() if stored.size <= 20 * 1024 * 1024 else None
        shown = render_file(name, raw, stored.size)
        prepared.append(
            PreparedFile(
                name,
                stored.key,
                stored.size,
                stored.sha256,
                shown.kind,
                shown.framework,
                shown.html,
                shown.note,
            )
        )
    return prepared


def record_version(
    *, project: Project, files: list[PreparedFile], notes: str, user: User | None
) -> ProjectVersion:
    """Write a version's rows; call inside a transaction (the project's row is locked: a leaf lock)."""
    Project.objects.select_for_update().filter(pk=project.pk).first()  # serialises the version numbers
    last = project.versions.order_by("-number").first()
    version = ProjectVersion.objects.create(
        project=project, number=(last.number + 1) if last else 1, notes=notes.strip(), created_by=user
    )
    ProjectFile.objects.bulk_create(
        ProjectFile(
            version=version,
            name=f.name,
            storage_key=f.key,
            size=f.size,
            sha256=f.sha256,
            kind=f.kind,
            framework=f.framework,
            rendered_html=f.rendered_html,
            render_note=f.render_note,
        )
        for f in files
    )
    Project.objects.filter(pk=project.pk).update(updated_at=version.created_at)
    return version


def clean_tags(tags: Iterable[str]) -> list[str]:
    cleaned: list[str] = []
    for raw in tags:
        tag = raw.strip().lower()
        if not tag:
            continue
        if not TAG.match(tag):
            raise ProjectError(
                f"Tag '{raw}' is not allowed: use lower-case letters, digits, '-', '.', '+' or '#', up to 40.",
                code="bad_tag",
                details={"field": "tags"},
            )
        if tag not in cleaned:
            cleaned.append(tag)
    if len(cleaned) > MAX_TAGS:
        raise ProjectError(
            f"A project has at most {MAX_TAGS} tags.", code="too_many_tags", details={"field": "tags"}
        )
    return cleaned


def linked_by_slug(rows: QuerySet, slugs: Iterable[str], *, kind: str, field: str) -> list:
    """The rows (already narrowed to what the user may see) named by the slugs; a slug that names none is
    refused on the field, in the same words for datasets and competitions."""
    slugs = [s.strip() for s in slugs if s.strip()]
    found = {row.slug: row for row in rows.filter(slug__in=slugs)}
    for slug in slugs:
        if slug not in found:
            raise ProjectError(
                f"No {kind} '{slug}' exists, or you may not see it: link {field} by their slug.",
                code=f"unknown_{kind}",
                details={"field": field},
            )
    return list(found.values())


def linked_datasets(user: User, slugs: Iterable[str]) -> list[Dataset]:
    return linked_by_slug(visible_datasets(user), slugs, kind="dataset", field="datasets")


def linked_competitions(user: User, slugs: Iterable[str]) -> list[Competition]:
    return linked_by_slug(visible_competitions(user), slugs, kind="competition", field="competitions")


def linked_papers(ids: Iterable[object]) -> list[Paper]:
    """The papers a project implements, by id (papers are public); an id that is no paper's is refused."""
    wanted: list[int] = []
    for raw in ids:
        text = str(raw).strip()
        if not text:
            continue
        if isinstance(raw, bool) or not text.isascii() or not text.isdigit():
            raise ProjectError(
                f"Paper '{text}' is not a paper id: give the number in the paper's address, e.g. 12.",
                code="bad_paper_id",
                details={"field": "papers"},
            )
        wanted.append(int(text))
    found = {p.pk: p for p in Paper.objects.filter(pk__in=wanted)}
    for paper_id in wanted:
        if paper_id not in found:
            raise ProjectError(
                f"No paper {paper_id} exists: link papers by the id in their address (/papers/ID/).",
                code="unknown_paper",
                details={"field": "papers"},
            )
    return list(found.values())


def attached_submission(user: User, submission_id: int | None) -> Submission | None:
    """A project may be attached to a submission of the owner's own team."""
    if submission_id is None:
        return None
    submission = Submission.objects.filter(pk=submission_id, team__members=user).first()
    if submission is None:
        raise ProjectError(
            f"No submission {submission_id} of a team you are on: attach a project to your own team's submission.",
            code="unknown_submission",
            details={"field": "submission"},
        )
    return submission


def publishing_organisation(user: User, slug: str) -> Organisation | None:
    """The organisation a project is published for, by slug ("" for the user alone): one the user belongs
    to (staff may name any)."""
    if not slug.strip():
        return None
    try:
        organisation = organisation_named(slug.strip())
    except DomainError as error:
        raise ProjectError(error.message, code=error.code, details=error.details) from None
    if not user.is_staff and organisation_role(user, organisation.pk) is None:
        raise ProjectError(
            f"Organisation: you can publish on behalf of {organisation.name} only as one of its members.",
            code="not_organisation_member",
            details={"field": "organisation"},
        )
    return organisation


def check_details(title: str, subtitle: str, visibility: str) -> None:
    if not title.strip():
        raise ProjectError("A project needs a title.", code="missing_title", details={"field": "title"})
    refuse_control_characters(title, field="title", label="title")
    refuse_control_characters(subtitle, field="subtitle", label="subtitle")
    if visibility not in Project.Visibility.values:
        raise ProjectError(
            "A project is public or private.", code="bad_visibility", details={"field": "visibility"}
        )


def project_slug(title: str, requested: str) -> str:
    try:
        return unique_slug(title, model=Project, requested=requested)
    except DatasetError as error:
        raise ProjectError(error.message, code=error.code, details=error.details) from None


def create_project(
    *,
    owner: User,
    title: str,
    files: Iterable[NewFile],
    slug: str = "",
    subtitle: str = "",
    description: str = "",
    license: str = "",
    license_url: str = "",
    license_name: str = "",
    tags: Iterable[str] = (),
    visibility: str = Project.Visibility.PUBLIC,
    datasets: Iterable[str] = (),
    competitions: Iterable[str] = (),
    papers: Iterable[object] = (),
    shared_with: Iterable[str] = (),
    submission_id: int | None = None,
    notes: str = "",
    organisation: str = "",
) -> Project:
    """Publish a project with its first version, for the owner alone or on behalf of an organisation they
    belong to (its slug); every field is checked before a file is stored."""
    check_details(title, subtitle, visibility)
    publisher = publishing_organisation(owner, organisation)
    try:
        licence = choose_licence(license, license_url, license_name)
    except DatasetError as error:
        raise ProjectError(error.message, code=error.code, details=error.details) from None
    cleaned_tags = clean_tags(tags)
    dataset_rows = linked_datasets(owner, datasets)
    competition_rows = linked_competitions(owner, competitions)
    paper_rows = linked_papers(papers)
    readers = shared_users(shared_with)
    submission = attached_submission(owner, submission_id)
    slug = project_slug(title, slug)
    prepared = prepare_files(files, folder=f"projects/{slug}")
    try:
        with transaction.atomic():
            project = Project.objects.create(
                owner=owner,
                organisation=publisher,
                title=title.strip(),
                slug=slug,
                subtitle=subtitle.strip(),
                description=description,
                license=licence.spdx,
                license_url=licence.url,
                license_name=licence.name,
                tags=cleaned_tags,
                visibility=visibility,
                submission=submission,
            )
            project.datasets.set(dataset_rows)
            project.competitions.set(competition_rows)
            project.papers.set(paper_rows)
            project.shared_with.set(readers)
            record_version(project=project, files=prepared, notes=notes or "Initial version.", user=owner)
    except IntegrityError as error:
        raise ProjectError(
            f"The slug '{slug}' is already taken.", code="slug_taken", details={"field": "slug"}
        ) from error
    return project


EDITABLE = frozenset(
    {
        "title",
        "subtitle",
        "description",
        "license",
        "license_url",
        "license_name",
        "tags",
        "visibility",
        "shared_with",
        "datasets",
        "competitions",
        "papers",
        "organisation",
    }
)


def update_project(*, project: Project, user: User, changes: dict) -> Project:
    """Change what a project says about itself and what it links to: only the fields in `changes`, each
    checked as at creation; its slug, versions and files stay. `organisation` moves it to an organisation the
    user belongs to, or back to its creator alone (""). The caller checked that `user` may change it."""
    unknown = set(changes) - EDITABLE
    if unknown:
        field = sorted(unknown)[0]
        raise ProjectError(
            f"'{field}' cannot be changed here; a project's details are {', '.join(sorted(EDITABLE))}.",
            code="not_editable",
            details={"field": field},
        )
    title = changes.get("title", project.title)
    subtitle = changes.get("subtitle", project.subtitle)
    visibility = changes.get("visibility", project.visibility)
    check_details(title, subtitle, visibility)
    licence = None
    if {"license", "license_url", "license_name"} & set(changes):
        kept = changes.get("license", project.license) == project.license  # same licence: keep its address
        try:
            licence = choose_licence(
                changes.get("license", project.license),
                changes.get("license_url", project.license_url if kept else ""),
                changes.get("license_name", project.license_name if kept else ""),
            )
        except DatasetError as error:
            raise ProjectError(error.message, code=error.code, details=error.details) from None
    tags = clean_tags(changes["tags"]) if "tags" in changes else None
    dataset_rows = linked_datasets(user, changes["datasets"]) if "datasets" in changes else None
    competition_rows = (
        linked_competitions(user, changes["competitions"]) if "competitions" in changes else None
    )
    paper_rows = linked_papers(changes["papers"]) if "papers" in changes else None
    readers = shared_users(changes["shared_with"]) if "shared_with" in changes else None
    publisher = project.organisation
    if "organisation" in changes and (changes["organisation"] or "") != (publisher.slug if publisher else ""):
        publisher = publishing_organisation(user, changes["organisation"] or "")
    with transaction.atomic():
        project.organisation = publisher
        project.title, project.subtitle, project.visibility = title.strip(), subtitle.strip(), visibility
        project.description = changes.get("description", project.description)
        if licence is not None:
            project.license, project.license_url, project.license_name = (
                licence.spdx,
                licence.url,
                licence.name,
            )
        if tags is not None:
            project.tags = tags
        project.save()
        if dataset_rows is not None:
            project.datasets.set(dataset_rows)
        if competition_rows is not None:
            project.competitions.set(competition_rows)
        if paper_rows is not None:
            project.papers.set(paper_rows)
        if readers is not None:
            project.shared_with.set(readers)
    return project


def shared_users(usernames: Iterable[str]) -> list[User]:
    names = [n.strip() for n in usernames if n.strip()]
    found = {u.username: u for u in User.objects.filter(username__in=names, is_active=True)}
    for name in names:
        if name not in found:
            raise ProjectError(
                f"No user '{name}' to share the project with.",
                code="unknown_user",
                details={"field": "shared_with"},
            )
    return list(found.values())


def add_version(
    *, project: Project, user: User, files: Iterable[NewFile | ProjectFile], notes: str = ""
) -> ProjectVersion:
    """Save a new version holding exactly `files`; the older versions stay readable."""
    prepared = prepare_files(files, folder=f"projects/{project.slug}")
    with transaction.atomic():
        return record_version(project=project, files=prepared, notes=notes, user=user)


def fork_project(*, project: Project, user: User) -> Project:
    """Copy a project's latest version into a new project of the user's; the files are shared by key."""
    latest = project.versions.order_by("-number").first()
    if latest is None:
        raise ProjectError(f"Project '{project.slug}' has no version to fork.", code="nothing_to_fork")
    if project.owner_id == user.pk:
        raise ProjectError(
            "This is your own project: save a new version instead of forking it.", code="own_project"
        )
    files = list(latest.files.all())
    slug = project_slug(project.title, "")
    prepared = prepare_files(files, folder=f"projects/{slug}")
    with transaction.atomic():
        fork = Project.objects.create(
            owner=user,
            title=project.title,
            slug=slug,
            subtitle=project.subtitle,
            description=project.description,
            license=project.license,
            license_url=project.license_url,
            license_name=project.license_name,
            tags=project.tags,
            visibility=project.visibility,
            forked_from=project,
        )
        fork.datasets.set(project.datasets.all())
        fork.competitions.set(project.competitions.all())
        fork.papers.set(project.papers.all())
        record_version(
            project=fork, files=prepared, notes=f"Forked from {project.slug} v{latest.number}.", user=user
        )
        Project.objects.filter(pk=project.pk).update(fork_count=F("fork_count") + 1)
    return fork
