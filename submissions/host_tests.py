"""A host's test submissions: a prediction file uploaded from the Host tab to check the setup (the solution,
the metric, the format participants will be held to). It is validated and scored by the same task as any
submission, in every phase (a draft, before the start, after the end: testing the setup is the point), and
never reaches a board, a quota or a participant figure: it belongs to no team, and the default manager
(Submission.objects) leaves it out of every query that does not name it."""

from typing import IO

from django.db import transaction
from django.db.models import QuerySet

from accounts.models import User
from competitions import locks
from competitions.models import Competition
from competitions.phases import board_pair
from competitions.queries import require_manager
from config.errors import DATABASE_ERRORS
from datasets.storage import private_storage, store
from submissions.models import Submission
from submissions.services import SubmissionRefused, check_upload_for, enqueue_scoring

# Test files waiting or scoring at once, per competition: enough to try a few files, not a way to fill the
# workers' queue ahead of the participants.
HOST_TESTS_IN_FLIGHT = 5
PENDING = (Submission.Status.QUEUED, Submission.Status.SCORING)


MAKES_TESTS = "make test submissions"


def too_many_in_flight(waiting: int) -> SubmissionRefused:
    error = SubmissionRefused(
        f"{waiting} test submissions are still being scored; wait for one to finish before sending another.",
        code="too_many_in_flight",
    )
    error.http_status = 429
    return error


def host_test_submissions(competition: Competition) -> QuerySet[Submission]:
    """The competition's test submissions, newest first (host-only: they show private scores)."""
    return Submission.with_host_tests.filter(competition=competition, is_host_test=True).select_related(
        "submitted_by"
    )


def create_host_test(
    *,
    competition: Competition,
    user: User,
    file_name: str,
    stream: IO[bytes],
    phase: int | str | None = None,
    track: str | None = None,
) -> Submission:
    """Store the host's file and queue it for scoring like any submission, outside every team, board and
    quota: scored on the named phase and track's setup (by default the current phase's default track),
    which a host may test before the phase opens."""
    require_manager(user, competition, MAKES_TESTS)
    pair = board_pair(competition, phase, track)
    kind = check_upload_for(pair, file_name, stream)  # a code zip, where the track takes code
    stored_name = "code.zip" if kind == Submission.Kind.CODE else "submission.csv"
    stored = store(private_storage(), f"submissions/{competition.pk}/host-tests", stored_name, stream)
    try:
        with transaction.atomic():
            locks.lock_competition(competition.pk)  # serialises the in-flight count of one competition
            waiting = host_test_submissions(competition).filter(status__in=PENDING).count()
            if waiting >= HOST_TESTS_IN_FLIGHT:
                raise too_many_in_flight(waiting)
            submission = Submission.with_host_tests.create(
                competition=competition,
                phase_track=pair,
                team=None,
                submitted_by=user,
                kind=kind,
                file_name=file_name[:255],
                file_key=stored.key,
                file_size=stored.size,
                file_sha256=stored.sha256,
                is_host_test=True,
                counts_against_quota=False,
            )
            transaction.on_commit(lambda: enqueue_scoring(submission.pk))
    except DATABASE_ERRORS:
        raise  # the row may have committed: the hourly cleanup removes the file if no row references it
    except Exception:
        private_storage().delete(stored.key)
        raise
    return submission
