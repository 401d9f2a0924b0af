"""Responses that hand a stored file to a user whose rights the caller has checked.

Local files answer HTTP Range requests (one range, `bytes=a-b`, `bytes=a-` or `bytes=-n`), so an
interrupted download resumes where it stopped; every answer says the whole file's size and SHA-256
(`X-Checksum-SHA256` in hex and the standard `Repr-Digest`), so a client can check what it assembled. Files
on S3 are a redirect to a signed URL, and the redirect carries the SHA-256.

Behind nginx (PODIUM_ACCEL_REDIRECT_PREFIX set), Django only checks the rights and names the file in
`X-Accel-Redirect`; nginx sends the bytes and answers Range itself, so a slow reader holds an nginx
connection instead of a gunicorn thread (platform/nginx/podium.conf)."""

import base64
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage
from django.http import FileResponse, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.utils.http import content_disposition_header

from datasets.storage import CHUNK, public_storage

RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$")


@dataclass(frozen=True)
class StoredDownload:
    storage: Storage
    key: str
    filename: str
    size: int
    sha256: str = ""

    @property
    def etag(self) -> str:
        return f'"{self.sha256}"' if self.sha256 else ""


def requested_range(request, download: StoredDownload) -> tuple[int, int] | None | bool:
    """(first, last) byte asked for; None to send the whole file; False when the range is unsatisfiable.

    A malformed or multi-part Range is ignored (the whole file is sent), as RFC 9110 allows, and so is
    a Range whose If-Range names another version of the file."""
    header = request.headers.get("Range")
    if not header:
        return None
    if_range = request.headers.get("If-Range")
    if if_range and if_range != download.etag:
        return None
    match = RANGE.match(header)
    if match is None or not (match[1] or match[2]):
        return None
    size = download.size
    if not match[1]:  # the last n bytes
        length = int(match[2])
        return (max(size - length, 0), size - 1) if length and size else False
    first = int(match[1])
    last = min(int(match[2]), size - 1) if match[2] else size - 1
    if match[2] and int(match[2]) < first:
        return None
    return (first, last) if first < size else False


def checksum_headers(response, download: StoredDownload) -> None:
    response["Accept-Ranges"] = "bytes"
    digest_headers(response, download)


def digest_headers(response, download: StoredDownload) -> None:
    if download.sha256:
        response["X-Checksum-SHA256"] = download.sha256
        digest = base64.b64encode(bytes.fromhex(download.sha256)).decode()
        response["Repr-Digest"] = f"sha-256=:{digest}:"
        response["ETag"] = download.etag


def read_span(storage: Storage, key: str, first: int, last: int):
    with storage.open(key, "rb") as stream:
        stream.seek(first)
        remaining = last - first + 1
        while remaining > 0 and (chunk := stream.read(min(CHUNK, remaining))):
            remaining -= len(chunk)
            yield chunk


def accel_redirect_response(download: StoredDownload, prefix: str) -> HttpResponse:
    """An empty answer naming the file for nginx to send: the path under the prefix is the storage's own
    folder (`public/` or `private/`, siblings under var/files/) and then the key, URL-quoted."""
    folder = Path(download.storage.location).name
    response = HttpResponse(content_type=content_type_of(download.filename))
    response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(f"{folder}/{download.key}")
    response["Content-Disposition"] = content_disposition_header(True, download.filename)
    checksum_headers(response, download)
    return response


def content_type_of(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def stored_file_response(request, download: StoredDownload):
    """Stream from local storage, hand the file to nginx when it sits in front, or redirect to a
    short-lived signed URL when files live on S3 (which answers Range requests itself)."""
    storage = download.storage
    if hasattr(storage, "bucket_name"):
        disposition = content_disposition_header(True, download.filename)
        redirect = HttpResponseRedirect(
            storage.url(download.key, parameters={"ResponseContentDisposition": disposition})
        )
        # The store's answer cannot carry Podium's checksum, so the redirect does: a client that resumes or
        # re-checks a download still has the SHA-256 to verify what it assembled.
        digest_headers(redirect, download)
        return redirect
    if settings.PODIUM_ACCEL_REDIRECT_PREFIX and isinstance(storage, FileSystemStorage):
        return accel_redirect_response(download, settings.PODIUM_ACCEL_REDIRECT_PREFIX)
    span = requested_range(request, download)
    if span is False:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{download.size}"
    elif span is None:
        response = FileResponse(
            storage.open(download.key, "rb"), as_attachment=True, filename=download.filename
        )
        response["Content-Length"] = str(download.size)
    else:
        first, last = span
        response = StreamingHttpResponse(read_span(storage, download.key, first, last), status=206)
        response["Content-Range"] = f"bytes {first}-{last}/{download.size}"
        response["Content-Length"] = str(last - first + 1)
        response["Content-Type"] = content_type_of(download.filename)
        response["Content-Disposition"] = content_disposition_header(True, download.filename)
    checksum_headers(response, download)
    return response


def dataset_file_response(request, dataset_file):
    return stored_file_response(
        request,
        StoredDownload(
            public_storage(),
            dataset_file.storage_key,
            dataset_file.name,
            dataset_file.size,
            dataset_file.sha256,
        ),
    )


def version_zip_response(request, version):
    filename = f"{version.dataset.slug}-v{version.number}.zip"
    return stored_file_response(
        request,
        StoredDownload(public_storage(), version.zip_key, filename, version.zip_size, version.zip_sha256),
    )
