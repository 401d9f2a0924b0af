"""Uploads that may be sent twice: a client that never saw the answer to an upload (a dropped connection,
a proxy's timeout, a web process killed after the commit) sends it again with the same `Idempotency-Key`
and gets the first submission back, instead of a second one charged to its team's quota.

A key belongs to the user who sent it and lives 24 hours; after that the same key makes a new submission.
A key sent again with another file, or to another competition, is refused: it is a client's bug, and
answering with the first submission would hide it."""

import re
from datetime import timedelta
from typing import IO

from django.db import IntegrityError
from django.utils import timezone

from accounts.models import User
from competitions.models import Competition
from config.errors import DomainError
from datasets.storage import checksum
from submissions.models import Submission
from submissions.quota import Quota, team_quota
from submissions.services import UploadRepeated, create_submission

KEY_LIFETIME = timedelta(hours=24)
KEY_SHAPE = re.compile(r"[\x21-\x7e]{1,255}")  # printable ASCII without spaces, as a UUID is


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    http_status = 422


def read_idempotency_key(header: str | None) -> str:
    """The key a client sent, or "" when it sent none."""
    if header is None:
        return ""
    if not KEY_SHAPE.fullmatch(header):
        raise DomainError(
            "The Idempotency-Key header must be 1 to 255 printable ASCII characters without spaces "
            "(a UUID is a good key).",
            code="bad_idempotency_key",
        )
    return header


def submit_once(
    *,
    key: str,
    competition: Competition,
    user: User,
    file_name: str,
    stream: IO[bytes],
    description: str = "",
    phase: int | None = None,
    track: str = "",
) -> tuple[Submission, Quota, bool]:
    """create_submission, unless this key already made one: then that one, and True for "replayed"."""
    earlier = live_submission_with(key, user)
    if earlier is not None:
        return same_upload(earlier, competition, stream)
    try:
        submission, quota = create_submission(
            competition=competition,
            user=user,
            file_name=file_name,
            stream=stream,
            description=description,
            idempotency_key=key,
            phase=phase,
            track=track,
        )
    except UploadRepeated as repeated:  # the same key raced in on another connection and won
        return same_upload(repeated.submission, competition, stream)
    except IntegrityError:
        if live_submission_with(key, user) is None:
            raise
        raise reused_elsewhere() from None  # the same key, at the same moment, for another team's upload
    return submission, quota, False


def live_submission_with(key: str, user: User) -> Submission | None:
    """The submission this user made with this key; a key past its lifetime is let go for reuse."""
    if not key:
        return None
    found = Submission.objects.select_related("team").filter(submitted_by=user, idempotency_key=key).first()
    if found is None:
        return None
    if found.created_at < timezone.now() - KEY_LIFETIME:
        Submission.objects.filter(pk=found.pk).update(idempotency_key="")
        return None
    return found


def same_upload(
    submission: Submission, competition: Competition, stream: IO[bytes]
) -> tuple[Submission, Quota, bool]:
    """The earlier answer, if the upload sent again is the same one."""
    if submission.competition_id != competition.pk or submission.file_sha256 != checksum(stream)[1]:
        raise reused_elsewhere()
    return submission, team_quota(submission.participant_team), True


def reused_elsewhere() -> IdempotencyKeyReused:
    return IdempotencyKeyReused(
        "This Idempotency-Key was already used for another upload (another file or another competition) "
        "in the last 24 hours. Send a new key with each new file.",
    )
