"""Reading an uploaded bundle safely: a zip, and the zips it holds (programs and data), under limits counted
while reading, never trusted from the archive's headers.

Refused: more files, more bytes per file or in all than the limits, a file that unpacks to more than
`ratio` times its compressed size (a zip bomb), a path that leaves the folder (`../`, absolute, a drive
letter, a backslash, a NUL), a link, an encrypted member, and two members with the same name. A nested
zip is checked the same way, its bytes counting against the bundle's total."""

from __future__ import annotations

import shutil
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings

from bundles.errors import BadBundleArchive

CHUNK = 1024 * 1024
BUNDLE_NAME = "the bundle"


@dataclass(frozen=True)
class ArchiveLimits:
    total_bytes: int
    file_bytes: int
    files: int
    ratio: int


def bundle_limits() -> ArchiveLimits:
    """The operator's limits (settings PODIUM_BUNDLE_*)."""
    return ArchiveLimits(
        total_bytes=settings.PODIUM_BUNDLE_MAX_MB * 1024 * 1024,
        file_bytes=settings.PODIUM_BUNDLE_MAX_FILE_MB * 1024 * 1024,
        files=settings.PODIUM_BUNDLE_MAX_FILES,
        ratio=settings.PODIUM_BUNDLE_MAX_RATIO,
    )


@dataclass
class Budget:
    """What the bundle and the zips inside it may still unpack to, shared by all of them."""

    limits: ArchiveLimits
    bytes_left: int = 0
    files_left: int = 0

    def __post_init__(self) -> None:
        self.bytes_left = self.limits.total_bytes
        self.files_left = self.limits.files


@dataclass
class UnpackedBundle:
    """The bundle's files, unpacked under `root` (a folder of the caller's): paths are relative, with `/`."""

    root: Path
    files: set[str] = field(default_factory=set)

    def is_file(self, path: str) -> bool:
        return path in self.files

    def is_folder(self, path: str) -> bool:
        prefix = path.rstrip("/") + "/"
        return any(name.startswith(prefix) for name in self.files)

    def files_under(self, path: str) -> list[str]:
        prefix = path.rstrip("/") + "/"
        return sorted(name.removeprefix(prefix) for name in self.files if name.startswith(prefix))

    def path_of(self, path: str) -> Path:
        return self.root.joinpath(*PurePosixPath(path).parts)

    def read_text(self, path: str) -> str:
        return self.path_of(path).read_text(encoding="utf-8-sig", errors="replace")


def safe_name(member: zipfile.ZipInfo, archive_name: str) -> PurePosixPath:
    """The member's path, refused if it could land outside the folder it is unpacked into."""
    raw = member.filename
    if "\x00" in raw:
        raise BadBundleArchive(archive_name, f"{raw!r}: a path holds a NUL character.")
    if "\\" in raw:
        raise BadBundleArchive(archive_name, f"{raw}: a path may not hold a backslash.")
    name = PurePosixPath(raw)
    if name.is_absolute() or ".." in name.parts or (name.parts and ":" in name.parts[0]):
        raise BadBundleArchive(archive_name, f"{raw}: a path in the archive may not leave its folder.")
    if stat.S_ISLNK(member.external_attr >> 16):
        raise BadBundleArchive(archive_name, f"{raw}: links are refused in a bundle.")
    if member.flag_bits & 0x1:
        raise BadBundleArchive(archive_name, f"{raw}: encrypted files are refused.")
    return name


def open_zip(source: IO[bytes] | Any, archive_name: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as error:
        raise BadBundleArchive(archive_name, "this is not a zip file.") from error


def checked_members(archive: zipfile.ZipFile, archive_name: str, budget: Budget) -> list[zipfile.ZipInfo]:
    """The archive's files (folders left out), their names checked and their count taken from the budget."""
    members = archive.infolist()
    files = [member for member in members if not member.is_dir()]
    if len(files) > budget.files_left:
        raise BadBundleArchive(
            archive_name,
            f"it holds {len(files)} files, more than the limit of {budget.limits.files} for a whole bundle.",
        )
    budget.files_left -= len(files)
    seen: set[str] = set()
    for member in members:
        name = str(safe_name(member, archive_name))
        if name in seen:
            raise BadBundleArchive(
                archive_name, f"{member.filename}: the archive holds two files of this name."
            )
        seen.add(name)
        if not member.is_dir() and member.file_size > budget.limits.file_bytes:
            raise BadBundleArchive(
                archive_name,
                f"{member.filename}: declares {member.file_size} bytes, more than the limit of "
                f"{budget.limits.file_bytes} bytes per file.",
            )
    return files


def copy_member(
    archive: zipfile.ZipFile,
    member: zipfile.ZipInfo,
    out: IO[bytes] | None,
    archive_name: str,
    budget: Budget,
) -> None:
    """Unpack one member to `out` (or only count it), stopping at the first limit its real bytes pass."""
    written = 0
    most = max(member.compress_size, 1) * budget.limits.ratio
    try:
        with archive.open(member) as unpacked:
            while chunk := unpacked.read(CHUNK):
                written += len(chunk)
                budget.bytes_left -= len(chunk)
                if written > budget.limits.file_bytes:
                    raise BadBundleArchive(
                        archive_name,
                        f"{member.filename}: unpacks to more than the limit of {budget.limits.file_bytes} "
                        "bytes per file.",
                    )
                if written > most and written > CHUNK:
                    raise BadBundleArchive(
                        archive_name,
                        f"{member.filename}: unpacks to more than {budget.limits.ratio} times its compressed "
                        "size; such archives are refused (a zip bomb).",
                    )
                if budget.bytes_left < 0:
                    raise BadBundleArchive(
                        archive_name,
                        f"it unpacks to more than the limit of {budget.limits.total_bytes} bytes for a whole "
                        "bundle.",
                    )
                if out is not None:
                    out.write(chunk)
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError) as error:
        raise BadBundleArchive(archive_name, f"{member.filename}: cannot be read ({error}).") from error


def unpack_bundle(source: IO[bytes] | Any, destination: Path, budget: Budget) -> UnpackedBundle:
    """Unpack the uploaded zip into `destination`. When every file sits in one top folder (a zipped folder),
    that folder is the bundle's root."""
    with open_zip(source, BUNDLE_NAME) as archive:
        members = checked_members(archive, BUNDLE_NAME, budget)
        names = []
        for member in members:
            name = safe_name(member, BUNDLE_NAME)
            target = destination.joinpath(*name.parts)
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                out = target.open("wb")
            except OSError as error:  # a file and a folder of one name, or a name the filesystem refuses
                raise BadBundleArchive(
                    BUNDLE_NAME,
                    f"{member.filename}: cannot be unpacked (a file and a folder share its path?).",
                ) from error
            with out:
                copy_member(archive, member, out, BUNDLE_NAME, budget)
            names.append(str(name))
    tops = {PurePosixPath(name).parts[0] for name in names}
    if len(tops) == 1 and all(len(PurePosixPath(name).parts) > 1 for name in names):
        top = tops.pop()
        return UnpackedBundle(destination / top, {name.removeprefix(f"{top}/") for name in names})
    return UnpackedBundle(destination, set(names))


def check_nested_zip(path: Path, archive_name: str, budget: Budget) -> list[str]:
    """Read a zip inside the bundle through, counting what it unpacks to; its file names, checked."""
    with open_zip(path, archive_name) as archive:
        members = checked_members(archive, archive_name, budget)
        for member in members:
            copy_member(archive, member, None, archive_name, budget)
        return [member.filename for member in members]


def read_nested_member(path: Path, member_name: str, limit: int = 64 * 1024) -> str:
    """A small file (a program's metadata) of a zip already checked by check_nested_zip."""
    with zipfile.ZipFile(path) as archive, archive.open(member_name) as member:
        return member.read(limit).decode("utf-8-sig", errors="replace")


def zip_folder(folder: Path, target: Path) -> None:
    """A folder of the bundle as a zip, as Podium stores programs and data."""
    shutil.make_archive(str(target.with_suffix("")), "zip", root_dir=folder)
