"""Unpacking the zips a sandbox run reads (a program, its inputs) and packing what it wrote, safely."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path, PurePosixPath
from typing import IO, Any


class BadArchive(Exception):
    code = "bad_archive"


def extract_zip(
    source: IO[bytes] | Any, destination: Path, *, max_bytes: int, max_files: int = 10_000
) -> None:
    """Unpack a zip into `destination`, refusing paths that escape it, links, and more than `max_bytes` once
    unpacked (counted as written, not as the archive declares)."""
    try:
        archive = zipfile.ZipFile(source)
    except zipfile.BadZipFile as error:
        raise BadArchive("The archive is not a zip file.") from error
    with archive:
        members = archive.infolist()
        if len(members) > max_files:
            raise BadArchive(f"The archive holds {len(members)} files, more than the limit of {max_files}.")
        written = 0
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
            with archive.open(member) as unpacked, target.open("wb") as out:
                while chunk := unpacked.read(1024 * 1024):
                    written += len(chunk)
                    if written > max_bytes:
                        raise BadArchive(f"The archive unpacks to more than {max_bytes} bytes.")
                    out.write(chunk)
        for path in [destination, *destination.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)


def pack_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in sorted(files.items()):
            archive.writestr(name, content)
    return buffer.getvalue()
