"""Write-ups: the paper and the code behind one of a team's submissions. Publishing, editing and deleting
are team actions; reads rank write-ups by the score of the submission they describe, best first."""

import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet

from accounts.models import User
from community.models import WriteUp
from community.papers import link_writeup
from competitions.models import Competition
from competitions.phases import pairs_of
from competitions.queries import can_see_private_scores, team_for
from config.errors import DomainError, NotAllowed, NotAuthenticated, NotFound
from config.plain_text import refuse_control_characters
from config.rendering import render_markdown
from config.timestamps import utc_label
from leaderboards.queries import RowFilter, higher_is_better
from submissions.models import Submission

ARXIV_ID = re.compile(r"^(\d{4}\.\d{4,5}|[a-z][a-z.-]*/\d{7})(v\d+)?$")
EDITABLE_FIELDS = (
    "method_name",
    "title",
    "body",
    "code_url",
    "paper_url",
    "arxiv_id",
    "paper_title",
    "paper_authors",
    "venue",
    "year",
    "framework",
    "uses_extra_data",
)


class WriteUpRefused(DomainError):
    code = "writeup_refused"


class WriteUpExists(DomainError):
    code = "writeup_exists"
    http_status = 409


def normalise_arxiv_id(value: str) -> str:
    """'arXiv:2106.01345v2', 'https://arxiv.org/abs/2106.01345' and '2106.01345' all give '2106.01345v2' or
    '2106.01345'; anything else is refused by name."""
    value = (value or "").strip()
    value = re.sub(r"^(https?://arxiv\.org/(abs|pdf)/|arxiv:)", "", value, flags=re.IGNORECASE)
    value = value.removesuffix(".pdf")
    if value and not ARXIV_ID.match(value):
        raise WriteUpRefused(
            f"'{value}' is not an arXiv id; they look like 2106.01345 (or hep-th/9901001).",
            code="invalid_arxiv_id",
            details={"fields": {"arxiv_id": ["Not an arXiv id."]}},
        )
    return value


def require_writeups_open(competition: Competition) -> None:
    if competition.phase == Competition.Phase.FINISHED or (
        competition.phase == Competition.Phase.RUNNING and competition.allows_writeups_while_running
    ):
        return
    raise WriteUpRefused(
        f"Write-ups open when the competition ends ({utc_label(competition.end_at)}); the host has not "
        "allowed them before.",
        code="writeups_closed",
    )


def require_own_submission(user: User, submission: Submission) -> None:
    """A team writes up its own scored submissions only."""
    if not user.is_authenticated:
        raise NotAuthenticated("Log in to publish a write-up.")
    team = team_for(user, submission.competition)
    if team is None or team.pk != submission.team_id:
        raise NotAllowed("You can write up only your own team's submissions.", code="not_your_submission")
    if submission.status != Submission.Status.SCORED or submission.deleted_at or submission.disqualified_at:
        raise WriteUpRefused(
            f"Submission {submission.pk} is not a scored submission on the leaderboard; choose a scored one.",
            code="submission_not_scored",
        )


def publish_writeup(*, author: User, submission: Submission, **fields) -> WriteUp:
    """Attach a write-up to one of the author's team's scored submissions (one write-up per submission)."""
    require_own_submission(author, submission)
    require_writeups_open(submission.competition)
    fields = cleaned(fields)
    try:
        with transaction.atomic():
            writeup = WriteUp.objects.create(
                competition=submission.competition,
                team_id=submission.team_id,
                submission=submission,
                author=author,
                body_html=render_markdown(fields["body"]),
                **fields,
            )
            link_writeup(writeup)
            return writeup
    except IntegrityError:
        raise WriteUpExists(
            f"Submission {submission.pk} already has a write-up; edit that one instead.",
            details={
                "writeup": WriteUp.objects.filter(submission=submission).values_list("pk", flat=True).first()
            },
        ) from None


# Shown in tables and the CLI: plain text on one line (the body is Markdown and keeps its newlines).
SHORT_FIELDS = ("method_name", "title", "paper_title", "paper_authors", "venue", "framework", "arxiv_id")


def cleaned(fields: dict) -> dict:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not write-up fields: {sorted(unknown)}")
    fields = {name: value.strip() if isinstance(value, str) else value for name, value in fields.items()}
    for name in SHORT_FIELDS:
        if isinstance(fields.get(name), str):
            refuse_control_characters(fields[name], field=name, label=name.replace("_", " "))
    if "arxiv_id" in fields:
        fields["arxiv_id"] = normalise_arxiv_id(fields["arxiv_id"])
    if "method_name" in fields and not fields["method_name"] and fields.get("title"):
        fields["method_name"] = fields["title"][:120]
    return fields


def require_team_member(user: User, writeup: WriteUp, action: str) -> None:
    if not user.is_authenticated:
        raise NotAuthenticated(f"Log in to {action} a write-up.")
    team = team_for(user, writeup.competition)
    if not (user.is_staff or (team is not None and team.pk == writeup.team_id)):
        raise NotAllowed(f"Only the team that wrote it can {action} a write-up.", code="not_your_writeup")


def edit_writeup(*, editor: User, writeup: WriteUp, **fields) -> WriteUp:
    require_team_member(editor, writeup, "edit")
    for name, value in cleaned(fields).items():
        setattr(writeup, name, value)
    writeup.body_html = render_markdown(writeup.body)
    with transaction.atomic():
        writeup.save()
        link_writeup(writeup)
    return writeup


def delete_writeup(*, user: User, writeup: WriteUp) -> None:
    require_team_member(user, writeup, "delete")
    writeup.delete()


@dataclass(frozen=True)
class RankedWriteUp:
    writeup: WriteUp
    score: float | None
    split: str
    where: str = ""  # "Final / Hard track": the board the score stands on, when there are several


def shown_writeups(competition: Competition) -> QuerySet[WriteUp]:
    """The competition's write-ups whose submission still stands (not deleted or disqualified)."""
    return WriteUp.objects.filter(
        competition=competition,
        submission__deleted_at__isnull=True,
        submission__disqualified_at__isnull=True,
    ).select_related("team", "author", "submission__phase_track__phase", "submission__phase_track__track")


def ranked_writeups(user: User, competition: Competition, *, ordering: str = "score") -> list[RankedWriteUp]:
    """Best score first: the private score once the reader may see it, the public one before; or most votes.
    With several phases or tracks, scores on different boards (another solution) never rank against each
    other: the write-ups go by track, the latest phase first, then by score, each naming its board."""
    private = can_see_private_scores(user, competition)
    field = "submission__private_score" if private else "submission__public_score"
    writeups = shown_writeups(competition)
    if ordering == "votes":
        writeups = writeups.order_by("-vote_count", "-created_at")
    else:
        direction = F(field).desc if higher_is_better(competition) else F(field).asc
        writeups = writeups.order_by(
            "submission__phase_track__track__number",
            "-submission__phase_track__phase__number",
            direction(nulls_last=True),
            "submission__created_at",
        )
    split = "private" if private else "public"
    several = len(pairs_of(competition)) > 1
    return [
        RankedWriteUp(
            writeup,
            writeup.submission.private_score if private else writeup.submission.public_score,
            split,
            str(writeup.submission.phase_track) if several else "",
        )
        for writeup in writeups
    ]


def ranked_writeup(user: User, writeup: WriteUp) -> RankedWriteUp:
    """One write-up with the score its reader may see: the private one once they may, else the public."""
    private = can_see_private_scores(user, writeup.competition)
    submission = writeup.submission
    return RankedWriteUp(
        writeup,
        submission.private_score if private else submission.public_score,
        "private" if private else "public",
    )


def writeups_by_team(competition: Competition, team_ids: list[int]) -> dict[int, WriteUp]:
    """For leaderboard rows: each team's write-up, the one with code (then the most voted, the newest) first."""
    chosen: dict[int, WriteUp] = {}
    for writeup in (
        shown_writeups(competition)
        .filter(team_id__in=team_ids)
        .order_by("-code_url", "-vote_count", "-created_at")
    ):
        chosen.setdefault(writeup.team_id, writeup)
    return chosen


def teams_with_code(competition: Competition) -> set[int]:
    return set(shown_writeups(competition).exclude(code_url="").values_list("team_id", flat=True))


def writeup_submissions(user: User, competition: Competition) -> QuerySet[Submission]:
    """The viewer's team's submissions that can take a write-up: scored, standing, without one yet."""
    team = team_for(user, competition)
    if team is None:
        return Submission.objects.none()
    return Submission.objects.filter(
        team=team,
        status=Submission.Status.SCORED,
        deleted_at__isnull=True,
        disqualified_at__isnull=True,
        writeup__isnull=True,
    ).order_by("-created_at")


def submission_of_team(user: User, competition: Competition, submission_id: int) -> Submission:
    submission = (
        Submission.objects.filter(competition=competition, pk=submission_id)
        .select_related("competition")
        .first()
    )
    if submission is None:
        raise NotFound(f"No submission {submission_id} in this competition.", code="submission_not_found")
    return submission


def rows_with_code(sender: object, **kwargs: object) -> RowFilter:
    """leaderboards.signals.row_filters_requested: a board can show only the teams that published code."""
    return RowFilter("code", "With code", teams_with_code)
