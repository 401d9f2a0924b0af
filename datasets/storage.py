"""Writing and reading files in Podium's two storages (public data, private) by key."""

import hashlib
import secrets
from dataclasses import dataclass
from typing import IO

from django.core.files.base import File
from django.core.files.storage import Storage, storages

CHUNK = 1024 * 1024


def public_storage() -> Storage:
    return storages["public_data"]


def private_storage() -> Storage:
    return storages["private"]


@dataclass(frozen=True)
class StoredFile:
    key: str
    size: int
    sha256: str


def stream_size(stream: IO[bytes]) -> int:
    size = getattr(stream, "size", None)
    if size is None:
        stream.seek(0, 2)
        size = stream.tell()
        stream.seek(0)
    return size


def checksum(stream: IO[bytes]) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    stream.seek(0)
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    stream.seek(0)
    return size, digest.hexdigest()


def store(storage: Storage, folder: str, name: str, stream: IO[bytes]) -> StoredFile:
    """Save under a random key, so names never collide and keys cannot be guessed."""
    size, sha256 = checksum(stream)
    key = storage.save(f"{folder}/{secrets.token_hex(12)}/{name}", File(stream, name=name))
    return StoredFile(key=key, size=size, sha256=sha256)
