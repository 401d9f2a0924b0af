"""Unpacking the zips a sandbox run reads (a program, its inputs) and packing what it wrote, safely."""

from __future__ import annotations

import hashlib
import io
import json
import stat
import zipfile
from pathlib import Path, PurePosixPath
from typing import IO, Any

# A member that unpacks to more than this many times its packed size, past MIN_RATIO_CHECKED bytes, is a zip
# bomb: real data (CSV, code, models) compresses far less.
MAX_RATIO = 200
MIN_RATIO_CHECKED = 1024**2


class BadArchive(Exception):
    code = "bad_archive"


def extract_zip(
    source: IO[bytes] | Any, destination: Path, *, max_bytes: int, max_files: int = 10_000
) -> None:
    """Unpack a zip into `destination`, refusing paths that escape it, links, and more than `max_bytes` once
    unpacked: as the archive declares it, then as written (a header can lie), and a member compressed past
    MAX_RATIO to one. Files are readable by all; those packed executable stay executable (a program's
    `./run.sh`), as content_digest counts that bit."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, EOFError) as error:
        raise BadArchive("The archive is not a zip file.") from error
    with archive:
        members = archive.infolist()
        if len(members) > max_files:
            raise BadArchive(f"The archive holds {len(members)} files, more than the limit of {max_files}.")
        check_declared_sizes(members, max_bytes)
        written = 0
        executable: set[Path] = set()
        for member in members:
            name = PurePosixPath(member.filename)
            if name.is_absolute() or ".." in name.parts or "\\" in member.filename:
                raise BadArchive(f"{member.filename}: a path in the archive may not leave its folder.")
            if stat.S_ISLNK(member.external_attr >> 16):
                raise BadArchive(f"{member.filename}: links are refused in an archive.")
            target = destination.joinpath(*name.parts)
            if member.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            if is_executable(member):
                executable.add(target)
            with archive.open(member) as unpacked, target.open("wb") as out:
                while chunk := unpacked.read(1024 * 1024):
                    written += len(chunk)
                    if written > max_bytes:
                        raise BadArchive(f"The archive unpacks to more than {max_bytes} bytes.")
                    out.write(chunk)
        for path in executable:
            path.chmod(0o700)
        make_readable(destination)


def make_readable(folder: Path) -> None:
    """Open a run's folder to the sandbox's unprivileged user: everything readable, folders and the files
    its owner may execute (a program packed executable) executable, nothing writable but by the owner."""
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() or path.stat().st_mode & stat.S_IXUSR else 0o644)


def check_declared_sizes(members: list[zipfile.ZipInfo], max_bytes: int) -> None:
    """Refuse a zip bomb before writing a byte: a total declared past the limit, or one member's ratio."""
    declared = sum(member.file_size for member in members)
    if declared > max_bytes:
        raise BadArchive(
            f"The archive declares {declared} bytes once unpacked, more than the limit of {max_bytes}."
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > MIN_RATIO_CHECKED and ratio > MAX_RATIO:
            raise BadArchive(
                f"{member.filename}: unpacks to {ratio:.0f} times its packed size (the limit is {MAX_RATIO}); "
                "the archive looks like a zip bomb."
            )


def content_digest(source: IO[bytes] | bytes | Any) -> str:
    """A sha256 of what a zip holds, not of how it was packed: its files' paths in sorted order, each with
    the sha256 of its bytes and whether it is executable; directories, timestamps, member order and
    compression do not count. Two uploads of the same program packed again get the same digest."""
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    try:
        with zipfile.ZipFile(source) as archive:
            entries = [member_entry(archive, member) for member in archive.infolist() if not member.is_dir()]
    except (zipfile.BadZipFile, EOFError) as error:
        raise BadArchive("The archive is not a zip file (or one of its files is damaged).") from error
    return hashlib.sha256(json.dumps(sorted(entries)).encode()).hexdigest()


def member_entry(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> list:
    file_digest = hashlib.sha256()
    with archive.open(member) as unpacked:
        while chunk := unpacked.read(1024 * 1024):
            file_digest.update(chunk)
    return [member.filename, file_digest.hexdigest(), is_executable(member)]


def is_executable(member: zipfile.ZipInfo) -> bool:
    return bool((member.external_attr >> 16) & 0o111)


def pack_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in sorted(files.items()):
            archive.writestr(name, content)
    return buffer.getvalue()
