"""Moving files: resumable, checksummed downloads and streamed multipart uploads, with progress."""

import hashlib
import mimetypes
import os
import re
import sys
import zipfile
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import requests

from podium_cli.client import Client
from podium_cli.errors import ApiError, CliError
from podium_cli.terminal import Progress, human_size

CHUNK = 1 << 16
CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")


@dataclass(frozen=True)
class Downloaded:
    path: Path
    size: int
    skipped: bool = False
    resumed_from: int = 0


def part_path(dest: Path) -> Path:
    return dest.with_name(dest.name + ".part")


def download(client: Client, api_path: str, dest: Path, *, force: bool = False) -> Downloaded:
    """Stream to DEST.part (resuming one left by an interrupted run), verify, then rename into place.

    An existing DEST that matches the server's file is kept unless `force`."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = part_path(dest)
    if force:
        part.unlink(missing_ok=True)
    elif dest.exists():
        response = get_stream(client, api_path)
        if is_current(dest, response):
            response.close()
            return Downloaded(dest, dest.stat().st_size, skipped=True)
        part.unlink(missing_ok=True)
        return receive(client, api_path, response, dest, offset=0)
    offset = part.stat().st_size if part.exists() else 0
    if not offset:
        return receive(client, api_path, get_stream(client, api_path), dest, offset=0)
    try:
        response = get_stream(client, api_path, offset=offset)
    except ApiError as error:
        if error.status != 416:  # 416: the .part is not a prefix the server can continue from
            raise
        part.unlink(missing_ok=True)
        return receive(client, api_path, get_stream(client, api_path), dest, offset=0)
    return receive(client, api_path, response, dest, offset=offset)


def get_stream(client: Client, api_path: str, *, offset: int = 0) -> requests.Response:
    # identity: the bytes on the wire are the file's, so ranges and checksums refer to the same thing
    headers = {"Accept": "*/*", "Accept-Encoding": "identity"}
    if offset:
        headers["Range"] = f"bytes={offset}-"
    return client.request("GET", api_path, stream=True, headers=headers)


def announced_size(response: requests.Response) -> int | None:
    if response.status_code == 206:
        match = CONTENT_RANGE.match(response.headers.get("Content-Range", ""))
        if match and match.group(3) != "*":
            return int(match.group(3))
        return None
    length = response.headers.get("Content-Length")
    return int(length) if length and length.isdigit() else None


def announced_checksum(response: requests.Response) -> str:
    """The SHA-256 the server gives for the whole file; on a server that keeps its files on S3 it is on the
    redirect to the signed URL, not on the store's answer."""
    for answer in (response, *reversed(response.history)):
        checksum = answer.headers.get("X-Checksum-SHA256", "").strip().lower()
        if checksum:
            return checksum
    return ""


def is_current(dest: Path, response: requests.Response) -> bool:
    """DEST has the size the server announces and, when it sends one, the same SHA-256."""
    if announced_size(response) != dest.stat().st_size:
        return False
    expected = announced_checksum(response)
    return not expected or file_sha256(dest) == expected


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def receive(
    client: Client, api_path: str, response: requests.Response, dest: Path, *, offset: int
) -> Downloaded:
    part = part_path(dest)
    hasher = hashlib.sha256()
    if response.status_code == 206:
        match = CONTENT_RANGE.match(response.headers.get("Content-Range", ""))
        if not match or int(match.group(1)) != offset:
            response.close()  # a range we did not ask for: start again from the first byte
            part.unlink(missing_ok=True)
            return receive(client, api_path, get_stream(client, api_path), dest, offset=0)
        with open(part, "rb") as existing:
            for chunk in iter(lambda: existing.read(CHUNK), b""):
                hasher.update(chunk)
        mode = "ab"
    else:
        offset, mode = 0, "wb"  # a 200 to a Range request: the server starts over, so do we
    total = announced_size(response)
    progress = Progress(dest.name, total)
    progress.update(offset)
    written = offset
    try:
        with response, open(part, mode) as out:
            for chunk in response.iter_content(CHUNK):
                out.write(chunk)
                hasher.update(chunk)
                written += len(chunk)
                progress.update(written)
    except requests.exceptions.RequestException:
        raise CliError(
            f"The download of {dest.name} was interrupted after {human_size(written)}.",
            hint="Run the same command again to resume it.",
        ) from None
    finally:
        progress.close()
    if total is not None and written != total:
        raise CliError(
            f"The download of {dest.name} stopped at {written} of {total} bytes.",
            hint="Run the same command again to resume it.",
        )
    expected = announced_checksum(response)
    if expected and hasher.hexdigest() != expected:
        part.unlink(missing_ok=True)
        if offset:  # the kept part was not the start of this file: fetch it whole once
            print(
                f"{dest.name}: the resumed file failed its checksum; downloading it again.", file=sys.stderr
            )
            return receive(client, api_path, get_stream(client, api_path), dest, offset=0)
        raise CliError(
            f"{dest.name} does not match the server's SHA-256 checksum; the download was discarded.",
            hint="Run the same command again.",
        )
    os.replace(part, dest)
    return Downloaded(dest, written, resumed_from=offset)


def report(result: Downloaded) -> None:
    if result.skipped:
        print(f"{result.path} is up to date ({human_size(result.size)}); use --force to download it again.")
    elif result.resumed_from:
        print(f"Downloaded {result.path} ({human_size(result.size)}, resumed at byte {result.resumed_from}).")
    else:
        print(f"Downloaded {result.path} ({human_size(result.size)}).")


def extract(archive: Path, folder: Path) -> int:
    """Unpack into `folder` (zipfile drops absolute paths and '..'), then remove the archive."""
    try:
        with zipfile.ZipFile(archive) as bundle:
            names = [name for name in bundle.namelist() if not name.endswith("/")]
            bundle.extractall(folder)
    except zipfile.BadZipFile:
        raise CliError(f"{archive} is not a valid zip file.") from None
    archive.unlink()
    where = "the current folder" if str(folder) == "." else folder
    print(f"Extracted {len(names)} file{'s' if len(names) != 1 else ''} to {where}.")
    return len(names)


def upload(
    client: Client,
    api_path: str,
    fields: list[tuple[str, str]],
    files: list[tuple[str, Path]],
    label: str,
    headers: dict[str, str] | None = None,
):
    """POST multipart/form-data streamed from disk (never read whole into memory), with a progress bar."""
    from requests_toolbelt.multipart.encoder import MultipartEncoder, MultipartEncoderMonitor  # uploads only

    with ExitStack() as stack:
        parts: list[tuple] = list(fields)
        for field_name, path in files:
            handle = stack.enter_context(open(path, "rb"))
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            parts.append((field_name, (path.name, handle, content_type)))
        encoder = MultipartEncoder(fields=parts)
        progress = Progress(label, encoder.len)
        monitor = MultipartEncoderMonitor(encoder, lambda m: progress.update(m.bytes_read))
        try:
            return client.request(
                "POST",
                api_path,
                data=monitor,
                headers={**(headers or {}), "Content-Type": monitor.content_type},
            )
        finally:
            progress.close()
