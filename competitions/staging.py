"""The files a host chose on the create form, kept when the form comes back with an error.

A browser forgets chosen files when a form comes back, so the create view stores them in the private
storage, under `staged/<user id>/`, and remembers their keys in the host's session under a token the form
sends back: only that session can name them, so one host never reaches another's files. They are removed
when the competition is created, and otherwise by the storage cleanup once LIFETIME has passed
(submissions.cleanup).
"""

import secrets
from collections.abc import MutableMapping
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import IO, Any

from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile

from accounts.models import User
from datasets.storage import private_storage, store

STAGING_FOLDER = "staged"
SESSION_KEY = "staged_uploads"
LIFETIME = timedelta(days=1)


@dataclass(frozen=True)
class StagedFile:
    name: str
    key: str
    size: int


@dataclass
class StagedUploads:
    """The kept solution and public data files of one create form."""

    token: str
    solution: StagedFile | None = None
    data_files: list[StagedFile] = field(default_factory=list)

    @property
    def keys(self) -> list[str]:
        return [kept.key for kept in ([self.solution] if self.solution else []) + self.data_files]


def user_folder(user: User) -> str:
    return f"{STAGING_FOLDER}/{user.pk}"


def staged_for(session: MutableMapping[str, Any], user: User, token: str) -> StagedUploads | None:
    """The files kept under the token in this session, if any (keys outside the user's folder are ignored)."""
    saved = session.get(SESSION_KEY, {}).get(token)
    if not token or not saved:
        return None
    mine = f"{user_folder(user)}/"

    def kept(item: dict | None) -> StagedFile | None:
        return StagedFile(**item) if item and item["key"].startswith(mine) else None

    data_files = [kept(item) for item in saved["data_files"]]
    return StagedUploads(
        token=token,
        solution=kept(saved["solution"]),
        data_files=[item for item in data_files if item is not None],
    )


def stage(
    *,
    session: MutableMapping[str, Any],
    user: User,
    staged: StagedUploads | None,
    solution: UploadedFile | None,
    data_files: list[UploadedFile],
    leave_out_data_files: bool = False,
) -> StagedUploads:
    """Keep the newly chosen files, each replacing the kept ones of its field; returns what is now kept."""
    staged = staged or StagedUploads(token=secrets.token_urlsafe(16))
    storage = private_storage()
    folder = f"{user_folder(user)}/{staged.token}"
    if solution is not None:
        if staged.solution:
            storage.delete(staged.solution.key)
        staged.solution = keep(storage, folder, solution)
    if data_files or leave_out_data_files:
        for old in staged.data_files:
            storage.delete(old.key)
        staged.data_files = [keep(storage, folder, upload) for upload in data_files]
    uploads = session.get(SESSION_KEY, {})
    uploads[staged.token] = {
        "solution": asdict(staged.solution) if staged.solution else None,
        "data_files": [asdict(item) for item in staged.data_files],
    }
    session[SESSION_KEY] = uploads
    return staged


def keep(storage: Storage, folder: str, upload: UploadedFile) -> StagedFile:
    stored = store(storage, folder, "upload", upload)
    return StagedFile(name=upload.name or "upload", key=stored.key, size=stored.size)


def open_staged(kept: StagedFile) -> IO[bytes]:
    """The kept file, to read as if it had just been uploaded."""
    return private_storage().open(kept.key, "rb")


def is_still_stored(kept: StagedFile) -> bool:
    return private_storage().exists(kept.key)


def discard(session: MutableMapping[str, Any], staged: StagedUploads | None) -> None:
    """Remove the kept files and forget them (the competition was created)."""
    if staged is None:
        return
    storage = private_storage()
    for key in staged.keys:
        storage.delete(key)
    uploads = session.get(SESSION_KEY, {})
    uploads.pop(staged.token, None)
    session[SESSION_KEY] = uploads
