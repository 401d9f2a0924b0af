"""Importing a Codabench bundle: read it safely, map it into a plan and report, and make a draft competition
with the bundle's programs and data kept in private storage."""

from __future__ import annotations

import tempfile
from contextlib import ExitStack
from dataclasses import asdict
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction

from accounts.models import User
from bundles.archive import BUNDLE_NAME, Budget, UnpackedBundle, bundle_limits, unpack_bundle, zip_folder
from bundles.errors import BadBundleArchive, BundleError, Problem
from bundles.models import BundleImport
from bundles.plan import BundlePlan
from bundles.reading import MAX_YAML_BYTES, Reader, find_yaml, parse_yaml
from bundles.version1 import map_version1
from bundles.version2 import map_version2
from competitions.logos import max_logo_bytes, remove_logo_file, store_logo
from competitions.phase_setup import PhasePlan, TrackPlan
from competitions.unscored_drafts import UnscoredDraft, create_unscored_draft
from datasets.models import Dataset, DatasetVersion
from datasets.services import (
    NewFile,
    PreparedVersion,
    clean_file_name,
    prepare_version,
    record_dataset,
    remove_stored,
    unique_slug,
)
from datasets.storage import private_storage, store, stream_size

VERSION_2 = (2, "2", 2.0)
VERSION_1_5 = (None, 1.5, "1.5")
STORED_DETAIL = {
    "scoring_program": "the scoring program, stored privately and attached to this phase and track with the "
    "leaderboard's columns.",
    "ingestion_program": "the ingestion program, stored privately and attached to this phase and track: it "
    "runs participants' code on the input data.",
    "reference_data": "the reference data, stored privately (participants never see it); the scoring program "
    "reads it in /app/input/ref.",
    "input_data": "the input data, stored privately (participants never see it); participants' code runs on "
    "it in /app/input_data.",
}


def working_folder() -> tempfile.TemporaryDirectory:
    """A folder on the worker's own disk where a bundle is unpacked and read, removed afterwards."""
    return tempfile.TemporaryDirectory(prefix="bundle-", dir=settings.FILE_UPLOAD_TEMP_DIR)


def read_bundle(upload: IO[bytes] | Any, folder: Path) -> tuple[BundlePlan, UnpackedBundle]:
    """Unpack the upload into `folder` and read it into a plan; BundleError listing every problem otherwise."""
    budget = Budget(bundle_limits())
    if stream_size(upload) > budget.limits.total_bytes:
        raise BadBundleArchive(
            BUNDLE_NAME, f"it is larger than the limit of {budget.limits.total_bytes} bytes."
        )
    bundle = unpack_bundle(upload, folder, budget)
    yaml_name = find_yaml(bundle)
    if bundle.path_of(yaml_name).stat().st_size > MAX_YAML_BYTES:
        raise BundleError(
            [Problem(yaml_name, "", f"it is over {MAX_YAML_BYTES // 1024} KB.")], code="bad_yaml"
        )
    data = parse_yaml(bundle.read_text(yaml_name), yaml_name)
    if not isinstance(data, dict):
        raise BundleError(
            [Problem(yaml_name, "", "must be a mapping of keys (title, phases, ...).")], code="bad_yaml"
        )
    version = data.get("version")
    reader = Reader(bundle, budget, yaml_name)
    if version in VERSION_2:
        plan = map_version2(reader, data)
    elif version in VERSION_1_5:
        plan = map_version1(reader, data)
    else:
        raise BundleError(
            [
                Problem(
                    yaml_name, "version", f"{version!r} is not a version Podium reads: 2 (Codabench) or 1.5."
                )
            ],
            code="unknown_version",
        )
    if reader.problems:
        raise BundleError(reader.problems)
    note_stored(plan)
    return plan, bundle


def note_stored(plan: BundlePlan) -> None:
    """Which bundle files the import keeps, each said once in the report with what it is for."""
    paths: list[str] = []
    phases = {phase.index: phase.name for phase in plan.phases}
    tasks = {task.index: task.name for task in plan.tasks}
    for pair in plan.pairs:
        for kind, path in pair.files.items():
            plan.note(
                "stored",
                f"phase '{phases[pair.phase]}' / track '{tasks[pair.task]}': {kind}",
                f"'{path}', {STORED_DETAIL[kind]}",
            )
            paths.append(path)
    for task in plan.tasks:
        paths.extend(task.solutions)
    for phase in plan.phases:
        paths.extend(phase.public_files.values())
    plan.note(
        "stored",
        "leaderboards",
        "the columns are the scoring programs' columns on every phase and track's board; the first ranks.",
    )
    plan.stored_paths = sorted(set(paths))


def inspect_bundle(*, upload: IO[bytes] | Any) -> BundlePlan:
    """What the bundle would become, writing nothing: the host's check before importing."""
    with working_folder() as folder:
        plan, _ = read_bundle(upload, Path(folder))
    return plan


class ImportTakenOver(Exception):
    """The worker lost its lease on the import (it took too long to renew it) and another took it over: this
    one must write nothing."""


def make_draft(
    *, imported: BundleImport, plan: BundlePlan, bundle: UnpackedBundle, scratch: Path, holder: str
) -> None:
    """Make a draft competition from the read bundle (nothing is published until the host publishes it),
    keeping its programs and data privately, and write the draft, plan and report onto the import in the same
    transaction, while `holder` still holds it. Files (and the logo) are stored before the transaction
    (copying must not hold the database's write lock) and removed again if the competition cannot be made.
    Attaching the programs to the draft's pairs is the next step (bundles.attach)."""
    stored = store_bundle_files(plan, bundle, scratch / "zipped")
    prepared = None
    logo_key = ""
    try:
        logo_key = store_bundle_logo(plan, bundle)
        prepared = prepare_public_data(plan, bundle, scratch / "public")
        with transaction.atomic():
            data_version = record_public_data(imported.host, plan, prepared)
            competition = create_unscored_draft(
                host=imported.host, draft=draft_of(plan, data_version, logo_key=logo_key)
            )
            written = BundleImport.objects.filter(
                pk=imported.pk, status=BundleImport.Status.IMPORTING, lease_holder=holder
            ).update(
                competition=competition,
                version=plan.version,
                plan={**plan.as_dict(), "attachments": pair_attachments(plan, stored)},
                report=[asdict(line) for line in plan.report],
                stored_files=stored,
            )
            if not written:  # compare-and-set: rolls the draft back
                raise ImportTakenOver(imported.pk)
    except BaseException:
        remove_private([entry["key"] for entry in stored.values()])
        remove_logo_file(logo_key)
        remove_stored([item.key for item in prepared[1].files] + [prepared[1].zip.key] if prepared else [])
        raise


def store_bundle_logo(plan: BundlePlan, bundle: UnpackedBundle) -> str:
    """The logo the plan kept, stored in the public storage as a host's upload is; its key, or ''."""
    if not plan.logo:
        return ""
    with bundle.path_of(plan.logo).open("rb") as stream:
        key, _ = store_logo(stream.read(max_logo_bytes() + 1))
    return key


def pair_attachments(plan: BundlePlan, stored: dict[str, dict]) -> list[dict]:
    """What to attach to each Podium phase-track pair, by phase number and track slug: each program's and
    data's stored key, and the run's time limit; the step that runs host scoring programs reads this."""
    slugs = {task.index: task.slug for task in plan.tasks}
    phases = {phase.index: phase for phase in plan.phases}
    return [
        {
            "phase": pair.phase + 1,
            "track": slugs[pair.task],
            "files": {kind: stored[path] for kind, path in pair.files.items()},
            "solutions": [
                stored[path] for task in plan.tasks if task.index == pair.task for path in task.solutions
            ],
            "execution_time_limit": phases[pair.phase].execution_time_limit,
        }
        for pair in plan.pairs
    ]


def file_for(bundle: UnpackedBundle, path: str, scratch: Path) -> Path:
    """The bundle file at `path`, or its folder as a zip."""
    if bundle.is_file(path):
        return bundle.path_of(path)
    scratch.mkdir(parents=True, exist_ok=True)
    target = scratch / f"{len(list(scratch.iterdir()))}.zip"
    zip_folder(bundle.path_of(path), target)
    return target


def store_bundle_files(plan: BundlePlan, bundle: UnpackedBundle, scratch: Path) -> dict[str, dict]:
    stored: dict[str, dict] = {}
    try:
        for path in plan.stored_paths:
            local = file_for(bundle, path, scratch)
            name = clean_file_name(Path(path).name) + ("" if bundle.is_file(path) else ".zip")
            with local.open("rb") as stream:
                kept = store(private_storage(), "bundles", name, stream)
            stored[path] = {"key": kept.key, "sha256": kept.sha256, "size": kept.size}
    except BaseException:
        remove_private([entry["key"] for entry in stored.values()])
        raise
    return stored


def remove_private(keys: list[str]) -> None:
    storage = private_storage()
    for key in keys:
        storage.delete(key)


def prepare_public_data(
    plan: BundlePlan, bundle: UnpackedBundle, scratch: Path
) -> tuple[str, PreparedVersion] | None:
    """Each phase's public data and starting kit, stored as the competition's data participants download."""
    files: dict[str, Path] = {}
    for phase in plan.phases:
        for path in phase.public_files.values():
            name = clean_file_name(path.replace("/", "-")) + ("" if bundle.is_file(path) else ".zip")
            files.setdefault(name, file_for(bundle, path, scratch))
    if not files:
        return None
    slug = unique_slug(f"{plan.title}-data", model=Dataset)
    with ExitStack() as streams:
        new_files = [NewFile(name, streams.enter_context(path.open("rb"))) for name, path in files.items()]
        return slug, prepare_version(new_files, folder=f"datasets/{slug}")


def record_public_data(
    host: User, plan: BundlePlan, prepared: tuple[str, PreparedVersion] | None
) -> DatasetVersion | None:
    if prepared is None:
        return None
    slug, version = prepared
    dataset = record_dataset(
        owner=host,
        title=f"{plan.title} data",
        slug=slug,
        description=f"Public data and starting kit of the competition '{plan.title}', from its Codabench bundle.",
        prepared=version,
        visibility=Dataset.Visibility.COMPETITION,
    )
    return dataset.latest_version


def draft_of(plan: BundlePlan, data_version: DatasetVersion | None, *, logo_key: str = "") -> UnscoredDraft:
    phases = [
        PhasePlan(
            name=phase.name,
            description=phase.description,
            start_at=phase.start_at,
            end_at=phase.end_at,
            has_own_quotas=phase.daily_submission_limit is not None
            or phase.total_submission_limit is not None,
            limits={
                name: value
                for name, value in (
                    ("daily_submission_limit", phase.daily_submission_limit),
                    ("total_submission_limit", phase.total_submission_limit),
                )
                if value is not None
            },
        )
        for phase in plan.phases
    ]
    tracks = [
        TrackPlan(slug=task.slug, name=task.name, description=task.description, is_default=position == 0)
        for position, task in enumerate(plan.tasks)
    ]
    return UnscoredDraft(
        title=plan.title,
        subtitle=plan.description,
        overview=plan.overview,
        evaluation=plan.evaluation,
        rules=plan.rules,
        phases=phases,
        tracks=tracks,
        daily_submission_limit=plan.phases[0].daily_submission_limit,
        data_version=data_version,
        logo_key=logo_key,
    )
