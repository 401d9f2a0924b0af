"""A competition's logo: which images Podium takes, and keeping one in the public storage.

An image is recognised by its first bytes (PNG, JPEG, GIF, WebP), never by its name or the type the browser
claims, and its width and height are read from its header. SVG is refused: it is a document that may carry
script. Pillow is not a dependency of Podium, so the image is not decoded here; it is served with the type its
bytes show and `nosniff`, so a browser only ever draws it as that image."""

from __future__ import annotations

import secrets
import struct
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from accounts.models import User
from competitions import locks
from competitions.errors import CompetitionError
from competitions.models import Competition
from competitions.queries import require_manager
from datasets.storage import public_storage

LOGO_FOLDER = "logos"
MAX_LOGO_SIDE = 4096  # pixels: a small file may declare a huge image that a browser would have to hold
CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"}
TYPE_NAMES = {"png": "PNG", "jpg": "JPEG", "gif": "GIF", "webp": "WebP"}
ACCEPTED = "PNG, JPEG, GIF or WebP"
# JPEG markers that start a frame: the segment holding the image's height and width.
JPEG_FRAME_MARKERS = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


class LogoError(CompetitionError):
    """A logo Podium refuses; `details.field` is always `logo`."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message, code=code, details={"field": "logo"})


@dataclass(frozen=True)
class LogoImage:
    kind: str  # a key of CONTENT_TYPES
    width: int
    height: int

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]

    @property
    def description(self) -> str:
        return f"{TYPE_NAMES[self.kind]}, {self.width}×{self.height} pixels"


def max_logo_bytes() -> int:
    return settings.PODIUM_LOGO_MAX_KB * 1024


def read_upload(upload: IO[bytes]) -> bytes:
    """An uploaded logo's bytes, read no further than one byte past the limit (enough to refuse it)."""
    upload.seek(0)
    return upload.read(max_logo_bytes() + 1)


def check_logo(content: bytes) -> LogoImage:
    """The image `content` holds, or a LogoError saying why Podium will not show it."""
    if not content:
        raise LogoError("The logo file is empty: choose a PNG, JPEG, GIF or WebP image.", code="logo_empty")
    if len(content) > max_logo_bytes():
        raise LogoError(
            f"The logo is larger than {settings.PODIUM_LOGO_MAX_KB} KB, the most Podium takes. Make it smaller "
            "(a logo is shown at most a few hundred pixels wide).",
            code="logo_too_large",
        )
    image = read_image_header(content)
    if image is None and looks_like_svg(content):
        raise LogoError(
            "SVG logos are refused: an SVG file is a document that can carry script. Export it as PNG or WebP.",
            code="logo_svg_refused",
        )
    if image is None:
        raise LogoError(
            f"The logo is not an image Podium takes: it must be a {ACCEPTED} file (read from its content, "
            "whatever its name).",
            code="logo_not_image",
        )
    if not (0 < image.width <= MAX_LOGO_SIDE and 0 < image.height <= MAX_LOGO_SIDE):
        raise LogoError(
            f"The logo is {image.width}×{image.height} pixels; each side must be between 1 and "
            f"{MAX_LOGO_SIDE} pixels.",
            code="logo_bad_dimensions",
        )
    return image


def looks_like_svg(content: bytes) -> bool:
    start = content[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<svg", b"<?xml", b"<!doctype svg")) or b"<svg" in start


def read_image_header(content: bytes) -> LogoImage | None:
    """The type and size the header of `content` declares, or None when it is no image Podium takes."""
    try:
        if content.startswith(b"\x89PNG\r\n\x1a\n"):
            return png_header(content)
        if content.startswith(b"\xff\xd8\xff"):
            return jpeg_header(content)
        if content.startswith((b"GIF87a", b"GIF89a")):
            width, height = struct.unpack("<HH", content[6:10])
            return LogoImage("gif", width, height)
        if content.startswith(b"RIFF") and content[8:12] == b"WEBP":
            return webp_header(content)
    except struct.error:  # cut short inside the header
        return None
    return None


def png_header(content: bytes) -> LogoImage | None:
    if content[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", content[16:24])
    return LogoImage("png", width, height)


def jpeg_header(content: bytes) -> LogoImage | None:
    """Walk the segments up to the frame header; None if the scan starts (or the file ends) before it."""
    position = 2
    while position + 4 <= len(content):
        if content[position] != 0xFF:
            return None
        marker = content[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # markers without a length
            position += 2
            continue
        if marker in (0xD9, 0xDA):
            return None
        (length,) = struct.unpack(">H", content[position + 2 : position + 4])
        if marker in JPEG_FRAME_MARKERS:
            height, width = struct.unpack(">HH", content[position + 5 : position + 9])
            return LogoImage("jpg", width, height)
        if length < 2:
            return None
        position += 2 + length
    return None


def webp_header(content: bytes) -> LogoImage | None:
    chunk = content[12:16]
    if chunk == b"VP8 " and content[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", content[26:30])
        return LogoImage("webp", width & 0x3FFF, height & 0x3FFF)
    if chunk == b"VP8L" and content[20:21] == b"\x2f":
        (bits,) = struct.unpack("<I", content[21:25])
        return LogoImage("webp", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
    if chunk == b"VP8X":
        if len(content) < 30:
            return None
        width = int.from_bytes(content[24:27], "little") + 1
        height = int.from_bytes(content[27:30], "little") + 1
        return LogoImage("webp", width, height)
    return None


def store_logo(content: bytes) -> tuple[str, LogoImage]:
    """Check the image and keep it in the public storage under a new random name (so a changed logo has a new
    address and browsers may cache each one for good); its key and what it is."""
    image = check_logo(content)
    key = public_storage().save(f"{LOGO_FOLDER}/{secrets.token_hex(12)}.{image.kind}", ContentFile(content))
    return key, image


def remove_logo_file(key: str) -> None:
    if key:
        public_storage().delete(key)


def logo_name(key: str) -> str:
    """The last part of a logo's key, which its address ends with."""
    return key.rsplit("/", 1)[-1]


def content_type_of(key: str) -> str:
    return CONTENT_TYPES.get(key.rsplit(".", 1)[-1], "application/octet-stream")


def replace_logo(competition: Competition, key: str) -> Competition:
    """Point the competition at the logo stored under `key` ('' for none) under its lock; the file it had is
    removed once the change is committed (never before: a rollback keeps the row pointing at it)."""
    with transaction.atomic():
        locked = locks.lock_competition(competition.pk)
        previous = locked.logo_key
        locked.logo_key = key
        locked.save(update_fields=["logo_key"])
        if previous and previous != key:
            transaction.on_commit(lambda: remove_logo_file(previous))
    return locked


def set_competition_logo(*, competition: Competition, user: User, content: bytes) -> Competition:
    """A host (owner or co-host) gives the competition a logo, or replaces the one it has."""
    require_manager(user, competition, "change its logo")
    key, _ = store_logo(content)
    try:
        return replace_logo(competition, key)
    except BaseException:
        remove_logo_file(key)
        raise


def remove_competition_logo(*, competition: Competition, user: User) -> Competition:
    """A host removes the logo; removing none is refused, so a script learns it had nothing to remove."""
    require_manager(user, competition, "change its logo")
    if not competition.logo_key:
        raise LogoError("This competition has no logo to remove.", code="no_logo")
    return replace_logo(competition, "")
