import io
import logging
from typing import IO

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from competitions import locks
from competitions.models import Competition, PhaseTrack, Team, TeamMembership
from competitions.phases import current_phase, effective_limits, pairs_of, submission_pair
from competitions.queries import require_participant
from competitions.services import require_not_suspended
from config.errors import DATABASE_ERRORS, DomainError, NotAllowed
from config.timestamps import utc_label
from datasets.storage import StoredFile, private_storage, store, stream_size
from scoring import engine
from submissions import code
from submissions.models import Submission
from submissions.quota import Quota, team_quota
from submissions.serializers import QuotaSerializer

logger = logging.getLogger(__name__)

SCORE_TASK = "scoring.tasks.score_submission"
SNIFF_BYTES = 8192
HEAD_BYTES = 64 * 1024  # what the upload form sends of a file to have it checked before the upload


class SubmissionRefused(DomainError):
    code = "submission_refused"


class UploadRepeated(Exception):
    """Under the team's lock: an upload with the same Idempotency-Key committed first."""

    def __init__(self, submission: Submission):
        super().__init__(f"Submission {submission.pk} has this idempotency key")
        self.submission = submission


class QuotaExceeded(DomainError):
    code = "quota_exceeded"
    http_status = 429

    def __init__(self, quota: Quota, code: str, message: str):
        super().__init__(
            message,
            code=code,
            details={"quota": QuotaSerializer(quota).data},  # the same shape as the quota answer
        )
        if code == "quota_exceeded":
            self.headers = {"Retry-After": str(int((quota.resets_at - timezone.now()).total_seconds()) + 1)}


def check_competition_open(competition: Competition) -> bool:
    """Whether an upload now is late (after the end: scored for the team, never ranked); refuses an upload
    before the start, to a draft or to a suspended competition."""
    require_not_suspended(competition)
    phase = competition.phase
    if phase == Competition.Phase.UPCOMING:
        opens = utc_label(competition.start_at)
        raise SubmissionRefused(
            f"This competition has not started; submissions open on {opens}.", code="not_started"
        )
    if phase == Competition.Phase.DRAFT:
        raise SubmissionRefused("This competition is not published yet.", code="not_published")
    return phase == Competition.Phase.FINISHED


MULTIPART_OVERHEAD = 64 * 1024


def check_declared_size(content_length: str | None) -> None:
    """Refuse an upload that says it is too large before its body is read and spooled to disk."""
    limit_mb = settings.PODIUM_MAX_UPLOAD_MB
    try:
        declared = int(content_length or 0)
    except ValueError:
        return
    if declared > limit_mb * 1024 * 1024 + MULTIPART_OVERHEAD:
        error = SubmissionRefused(
            f"The upload is {declared / 2**20:.1f} MB; the limit is {limit_mb} MB.", code="file_too_large"
        )
        error.http_status = 413
        raise error


def check_upload(file_name: str, stream: IO[bytes], *, any_format: bool = False) -> None:
    """Refuse what cannot be a prediction CSV before it is stored or counted; with `any_format` (a pair a
    host's program scores: it reads what it likes, a result zip for one) only the size is checked."""
    size = stream_size(stream)
    stream.seek(0)
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    check_file(file_name, size, head, any_format=any_format)


def check_upload_for(pair: PhaseTrack, file_name: str, stream: IO[bytes]) -> str:
    """Check an upload against what the phase and track takes (a prediction file, code, or either); returns
    the submission's kind."""
    code.check_accepts(pair, file_name, stream)
    if code.is_code_for(pair, file_name, stream):
        code.check_code_zip(file_name, stream)
        return Submission.Kind.CODE
    check_upload(file_name, stream, any_format=bool(pair.program_fingerprint))
    return Submission.Kind.FILE


def check_file(file_name: str, size: int, head: bytes, *, any_format: bool = False) -> None:
    """The upload's checks, from the file's name, size and first bytes."""
    limit_mb = settings.PODIUM_MAX_UPLOAD_MB
    if not any_format and not file_name.lower().endswith(".csv"):
        raise SubmissionRefused(
            f"'{file_name}' is not a .csv file; upload your predictions as CSV.", code="not_csv"
        )
    if size == 0:
        raise SubmissionRefused(f"'{file_name}' is empty.", code="empty_file")
    if size > limit_mb * 1024 * 1024:
        raise SubmissionRefused(
            f"'{file_name}' is {size / 2**20:.1f} MB; the limit is {limit_mb} MB.", code="file_too_large"
        )
    if not any_format and b"\x00" in head[:SNIFF_BYTES]:
        raise SubmissionRefused(f"'{file_name}' is a binary file, not a CSV text file.", code="not_csv")


def check_before_upload(*, competition: Competition, file_name: str, size: int, head: bytes) -> None:
    """What the upload and then scoring would refuse about a file, told from its name, size and first
    HEAD_BYTES: the upload form asks before sending a file, so the browser and the server say the same.
    A code zip is checked whole by the upload (its entry point, its paths); here only whether the current
    phase's default track takes code. In a phase where a host's program scores a track, the program reads
    what it likes: only the size counts."""
    pair = submission_pair(competition)
    if code.is_code_for(pair, file_name):
        code.check_accepts(pair, file_name)
        return
    if program_scored_now(competition):
        check_file(file_name, size, head, any_format=True)
        return
    check_file(file_name, size, head)
    if size > len(head):
        # Only whole lines: a line cut short would look like a row with too few fields.
        head = head[: head.rfind(b"\n") + 1]
        if not head:
            return
    try:
        engine.check_submission_header(
            io.BytesIO(head), id_column=competition.id_column, columns=competition.submission_columns[1:]
        )
    except engine.SubmissionError as error:
        raise SubmissionRefused(error.message, code=error.code) from error


def enqueue_scoring(submission_id: int) -> None:
    """Send the scoring task; if the broker is down, the sweeper re-sends it later, so nothing is lost.

    A submission to a pair scored by a host's program goes to the sandbox workers (docs/scoring-programs.md),
    with Celery's limits past the sandbox's wall clock; every other one to the default queue."""
    try:
        current_app.send_task(SCORE_TASK, args=[submission_id], **scoring_route(submission_id))
    except Exception:
        logger.exception("Could not enqueue submission %s; the sweeper will retry", submission_id)


def program_scored_now(competition: Competition) -> bool:
    """A track of the current phase is scored by a host's program (docs/scoring-programs.md)."""
    phase = current_phase(competition)
    return any(pair.program_fingerprint for pair in pairs_of(competition) if pair.phase_id == phase.pk)


def scoring_route(submission_id: int) -> dict:
    """Where the scoring task goes: code that has not run yet (docs/code-submissions.md, two runs) and files
    a host's program scores (docs/scoring-programs.md, one run) to the sandbox workers, with Celery's
    limits past the sandbox's wall clock for each run; everything else to the scoring workers."""
    row = (
        Submission.with_host_tests.filter(pk=submission_id)
        .values("kind", "predictions_key", "phase_track__program_fingerprint")
        .first()
    )
    if row is None:
        return {}
    runs = 2 if row["kind"] == Submission.Kind.CODE and not row["predictions_key"] else 0
    runs += 1 if row["phase_track__program_fingerprint"] else 0
    if not runs:
        return {}
    soft = runs * settings.PODIUM_SANDBOX_WALL_SECONDS + settings.PODIUM_SCORING_SOFT_LIMIT
    return {
        "queue": "sandbox",
        "soft_time_limit": soft,
        "time_limit": soft + settings.PODIUM_SANDBOX_TASK_MARGIN,
    }


def create_submission(
    *,
    competition: Competition,
    user: User,
    file_name: str,
    stream: IO[bytes],
    description: str = "",
    idempotency_key: str = "",
    phase: int | str | None = None,
    track: str | None = None,
) -> tuple[Submission, Quota]:
    """Store the file, count it against the team's quota in its phase (and track), and queue it for scoring.

    It goes to the current phase and the named track (the default track if none); naming a phase that is
    not the current one is refused. With an idempotency key, see submissions.idempotency: the check under
    the lock catches the same key sent twice at once by the same team."""
    check_competition_open(competition)
    pair = submission_pair(competition, phase, track)
    team = require_participant(user, competition, "submit")
    check_team_standing(team)
    kind = check_upload_for(pair, file_name, stream)
    stored_name = "code.zip" if kind == Submission.Kind.CODE else "submission.csv"
    stored = store(private_storage(), f"submissions/{competition.pk}/{team.pk}", stored_name, stream)
    try:
        submission, quota = record_upload(
            competition=competition,
            pair=pair,
            kind=kind,
            team_id=team.pk,
            user=user,
            stored=stored,
            file_name=file_name,
            description=description,
            idempotency_key=idempotency_key,
        )
    except DATABASE_ERRORS:
        # The commit may have reached the database before the connection broke: the row may exist and
        # need its file. The hourly cleanup removes the file later if no row references it.
        raise
    except Exception:
        private_storage().delete(stored.key)
        raise
    return submission, quota.after_one_more()


@locks.retried_on_conflict
def record_upload(
    *,
    competition: Competition,
    pair: PhaseTrack,
    kind: str = Submission.Kind.FILE,
    team_id: int,
    user: User,
    stored: StoredFile,
    file_name: str,
    description: str,
    idempotency_key: str,
) -> tuple[Submission, Quota]:
    """The submission row for a stored file, if the team's quota allows it: checked under the team's lock,
    which serialises the quota checks of one team. The competition is the one the caller read."""
    with transaction.atomic():
        team = locks.lock_team_row(team_id)
        if team is None:
            raise team_changed()
        team.competition = competition
        check_still_member(user, team)
        check_key_unused(user, idempotency_key)
        quota = team_quota(team, pair=pair)
        refusal = quota.refusal()
        if refusal:
            raise QuotaExceeded(quota, *refusal)
        submission = Submission.objects.create(
            competition=competition,
            phase_track=pair,
            kind=kind,
            team=team,
            submitted_by=user,
            team_number=next_team_number(team),
            description=description.strip()[:500],
            file_name=file_name[:255],
            file_key=stored.key,
            file_size=stored.size,
            file_sha256=stored.sha256,
            is_late=check_competition_open(competition),
            idempotency_key=idempotency_key,
        )
        transaction.on_commit(lambda: enqueue_scoring(submission.pk))
    return submission, quota


def next_team_number(team: Team) -> int:
    """The team's next submission number (1, 2, 3...): call while holding the team's lock, which makes two
    uploads of one team take turns. Deleted submissions keep their rows, so a number is never given twice."""
    highest = Submission.objects.filter(team=team).aggregate(highest=Max("team_number"))["highest"]
    return (highest or 0) + 1


def check_key_unused(user: User, idempotency_key: str) -> None:
    if not idempotency_key:
        return
    earlier = Submission.objects.filter(submitted_by=user, idempotency_key=idempotency_key).first()
    if earlier is not None:
        raise UploadRepeated(earlier)


def check_still_member(user: User, team: Team) -> None:
    """Under the team's lock: the user may have left, or the team merged away, since it was read."""
    if not TeamMembership.objects.filter(team=team, user=user).exists():
        raise team_changed()


def team_changed() -> SubmissionRefused:
    error = SubmissionRefused(
        "Your team changed a moment ago (a merge or a member leaving); reload the page and try again.",
        code="team_changed",
    )
    error.http_status = 409
    return error


def check_team_standing(team: Team) -> None:
    if team.disqualified_at:
        raise SubmissionRefused(
            "Your team was disqualified and can no longer act in this competition. "
            f"Reason: {team.disqualification_reason or 'none given'}",
            code="team_disqualified",
        )


def team_submission(user: User, submission: Submission, action: str) -> Team:
    """The user's team, if this submission is theirs to act on."""
    team = require_participant(user, submission.competition, action)
    if submission.team_id != team.pk:
        raise NotAllowed(f"Only the team that made submission {submission.pk} can {action}.")
    check_team_standing(team)
    return team


@locks.retried_on_conflict
def select_final(*, submission: Submission, user: User, selected: bool) -> Submission:
    """Mark or unmark a submission for the private leaderboard; up to the running phase's limit, until the
    end, among the running phase's submissions (the deciding phase's choices make its private board; an
    earlier phase's may be carried over into the next)."""
    competition = submission.competition
    team = team_submission(user, submission, "select it")
    if competition.phase != Competition.Phase.RUNNING:
        raise SubmissionRefused(
            "Final submissions can be chosen only while the competition runs.", code="selection_closed"
        )
    with transaction.atomic():
        locks.lock_team(team.pk)
        check_still_member(user, team)
        submission.refresh_from_db()
        if submission.team_id != team.pk:
            raise SubmissionRefused(f"Submission {submission.pk} moved to another team.", code="team_changed")
        if selected:
            check_selectable(submission)
            running = current_phase(competition)
            if submission.phase_track.phase_id != running.pk:
                raise SubmissionRefused(
                    f"Submission {submission.pk} was made in another phase; select among the submissions of "
                    f"the running phase ({running.name}).",
                    code="not_selectable",
                )
            limit = effective_limits(running, competition)["final_selection_limit"] or 1  # never empty
            chosen = (
                team.submissions.filter(is_final=True, phase_track_id=submission.phase_track_id)
                .exclude(pk=submission.pk)
                .count()
            )
            if chosen >= limit:
                raise SubmissionRefused(
                    f"Your team has already selected {chosen} of {limit} final submissions; unselect one first.",
                    code="selection_full",
                )
        submission.is_final = selected
        submission.save(update_fields=["is_final"])
    return submission


def check_selectable(submission: Submission) -> None:
    if submission.deleted_at or submission.disqualified_at:
        raise SubmissionRefused(
            f"Submission {submission.pk} was deleted or disqualified; it cannot be selected.",
            code="not_selectable",
        )
    if submission.is_late:
        raise SubmissionRefused(
            f"Submission {submission.pk} was made after the end; it cannot be selected.",
            code="not_selectable",
        )
    if submission.status != Submission.Status.SCORED:
        raise SubmissionRefused(
            f"Only scored submissions can be selected; submission {submission.pk} is {submission.status}.",
            code="not_selectable",
        )


def cancel_submission(*, submission: Submission, user: User) -> Submission:
    """Stop a submission that is still waiting for a worker; it keeps counting against the quota."""
    team_submission(user, submission, "cancel it")
    cancelled = Submission.objects.filter(pk=submission.pk, status=Submission.Status.QUEUED).update(
        status=Submission.Status.CANCELLED, scored_at=timezone.now()
    )
    submission.refresh_from_db()
    if not cancelled:
        raise SubmissionRefused(
            f"Submission {submission.pk} is {submission.status}; only a queued submission can be cancelled.",
            code="not_cancellable",
        )
    return submission


def move_submissions_of_merged_team(sender: object, *, absorbed: Team, into: Team, **kwargs: object) -> None:
    """competitions.signals.teams_merging: a merged team's submissions join the team it merged into (sent
    while both teams are locked). Final selections are cleared: the merged team chooses again. The merged
    team's own numbers stay; the joining submissions are numbered after them, oldest first."""
    number = next_team_number(into)
    for submission_id in (
        Submission.objects.filter(team=absorbed).order_by("created_at", "id").values_list("pk", flat=True)
    ):
        Submission.objects.filter(pk=submission_id).update(team=into, team_number=number, is_final=False)
        number += 1
