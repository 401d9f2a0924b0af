"""Who may join an unlisted or private competition, and how the host lets them in.

Three ways in, any of which the host may use at once: an invitation link with a code (revocable, optionally
expiring and limited in uses), an allow-list of addresses and domains, and join requests (unlisted only:
whoever has the link asks, the host approves or refuses with a reason). What each lets the user see is
competitions.queries.visible_competitions; this module holds the rules and the writes."""

import secrets
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from accounts.models import User
from competitions import locks
from competitions.errors import CompetitionError
from competitions.models import Admission, AllowListEntry, Competition, InvitationCode, JoinRequest
from competitions.queries import (
    awaits_email_confirmation,
    can_review,
    email_not_confirmed,
    is_admitted,
    require_manager,
)
from competitions.signals import join_request_changed
from config.errors import DomainError, NotFound
from config.plain_text import refuse_control_characters
from config.timestamps import utc_label

MAX_ALLOW_LIST_ENTRIES = 2000
MAX_MESSAGE_LENGTH = 1000
REQUEST_AGAIN_AFTER = timedelta(days=7)
MAX_REFUSALS = 3


class NotAdmitted(DomainError):
    code = "not_admitted"
    http_status = 403


class InvitationRefused(DomainError):
    code = "invitation_refused"
    http_status = 400


def field_error(name: str, message: str, code: str) -> CompetitionError:
    return CompetitionError(message, code=code, details={"field": name})


def not_admitted_message(competition: Competition, user: User) -> str:
    """Why the user cannot join yet, and what would let them in."""
    if awaits_email_confirmation(user, competition):
        return email_not_confirmed(user).message
    ways = ["ask its host for an invitation link"]
    if competition.allow_list.exists():
        ways.append("sign in with an address its host put on the allow-list")
    if competition.visibility == Competition.Visibility.UNLISTED and competition.accepts_join_requests:
        ways.append("request to join on its overview page")
    listed = ", or ".join([", ".join(ways[:-1]), ways[-1]]) if len(ways) > 1 else ways[0]
    return f"This competition admits invited participants only: {listed}."


def require_admitted(user: User, competition: Competition) -> None:
    if not is_admitted(user, competition):
        if awaits_email_confirmation(user, competition):
            raise email_not_confirmed(user)
        raise NotAdmitted(not_admitted_message(competition, user))


# Invitation links


def new_code() -> str:
    return secrets.token_urlsafe(12)


def create_invitation(
    *,
    competition: Competition,
    user: User,
    label: str = "",
    expires_at: datetime | None = None,
    max_uses: int | None = None,
) -> InvitationCode:
    """A new invitation link; anyone who opens it while it is valid is admitted."""
    require_manager(user, competition, "create invitation links")
    label = refuse_control_characters(label.strip(), field="label", label="label")
    if len(label) > 100:
        raise field_error("label", "Label: at most 100 characters.", "invalid_invitation")
    if expires_at is not None and expires_at <= timezone.now():
        raise field_error(
            "expires_at",
            "Expiry: choose a time in the future (UTC), or leave it empty.",
            "invalid_invitation",
        )
    if max_uses is not None and max_uses < 1:
        raise field_error(
            "max_uses", "Use limit: at least 1, or leave it empty for no limit.", "invalid_invitation"
        )
    return InvitationCode.objects.create(
        competition=competition,
        code=new_code(),
        label=label,
        created_by=user,
        expires_at=expires_at,
        max_uses=max_uses,
    )


def revoke_invitation(*, invitation: InvitationCode, user: User) -> InvitationCode:
    """The link stops admitting anyone; those it already admitted stay admitted."""
    require_manager(user, invitation.competition, "revoke invitation links")
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


def host_invitation(user: User, competition: Competition, invitation_id: int) -> InvitationCode:
    require_manager(user, competition, "manage invitation links")
    invitation = competition.invitation_codes.filter(pk=invitation_id).first()
    if invitation is None:
        raise NotFound(
            f"No invitation link {invitation_id} in this competition.", code="invitation_not_found"
        )
    return invitation


def invitation_problem(invitation: InvitationCode, now: datetime) -> str:
    """Why a code no longer admits anyone, or an empty string while it does."""
    if invitation.revoked_at is not None:
        return "Invitation code: the host revoked this invitation link; ask them for a new one."
    if invitation.is_expired_at(now) and invitation.expires_at is not None:
        return (
            f"Invitation code: this invitation link expired on {utc_label(invitation.expires_at)}; "
            "ask the host for a new one."
        )
    if invitation.is_used_up:
        return (
            f"Invitation code: this invitation link has been used its {invitation.max_uses} "
            f"time{'s' if invitation.max_uses != 1 else ''} allowed; ask the host for a new one."
        )
    return ""


def invitation_for(slug: str, code: str) -> InvitationCode:
    """The invitation a link names. An unknown code answers like an unknown competition, so a private
    competition's existence is not given away; a known but spent code says why it no longer works."""
    invitation = (
        InvitationCode.objects.select_related("competition", "competition__host")
        .filter(competition__slug=slug, code=code, competition__status=Competition.Status.PUBLISHED)
        .first()
    )
    if invitation is None or (invitation.competition.is_suspended):
        raise NotFound(f"No competition '{slug}' exists, or it is not published yet.")
    return invitation


def redeem_invitation(*, slug: str, code: str, user: User) -> Admission | None:
    """Admit the user with an invitation link's code, counting one use (none if they were already in).

    The code's row is locked while it is counted, so a link limited to n uses admits n people at most."""
    invitation = invitation_for(slug, code)
    competition = invitation.competition
    if can_review(user, competition):
        return None
    with transaction.atomic():
        locked = locks.lock_invitation_code(invitation.pk)
        if is_admitted(user, competition):  # read under the lock: a double click counts one use, refuses none
            return Admission.objects.filter(competition=competition, user=user).first()
        problem = invitation_problem(locked, timezone.now())
        if problem:
            raise InvitationRefused(problem, details={"field": "code"})
        admission, created = Admission.objects.get_or_create(
            competition=competition,
            user=user,
            defaults={"via": Admission.Via.INVITATION, "invitation": locked},
        )
        if created:
            InvitationCode.objects.filter(pk=locked.pk).update(use_count=F("use_count") + 1)
    return admission


# The allow-list


ENTRY_LENGTH = AllowListEntry._meta.get_field("entry").max_length or 254


def normalised_entry(raw: str) -> str:
    """An address or a domain in lower case, or a refusal naming the field and the rule."""
    entry = raw.strip().lower()
    candidate = f"someone{entry}" if entry.startswith("@") else entry
    if len(entry) > ENTRY_LENGTH:
        raise field_error(
            "entries",
            f"Allow-list: '{raw.strip()[:100]}...' is longer than an e-mail address may be ({ENTRY_LENGTH} "
            "characters).",
            "allow_list_entry_too_long",
        )
    try:
        validate_email(candidate)
    except ValidationError:
        raise field_error(
            "entries",
            f"Allow-list: '{raw.strip()[:100]}' is neither an e-mail address (ada@example.edu) nor a domain "
            "starting with @ (@example.edu).",
            "invalid_allow_list_entry",
        ) from None
    return entry


def add_to_allow_list(*, competition: Competition, user: User, entries: list[str]) -> list[AllowListEntry]:
    """Admit addresses and domains (one per item; blank items are skipped). All or nothing: one bad entry
    refuses the lot, so the host fixes it and sends the list again."""
    require_manager(user, competition, "change the allow-list")
    values = list(dict.fromkeys(normalised_entry(raw) for raw in entries if raw.strip()))
    if not values:
        raise field_error(
            "entries",
            "Allow-list: give at least one e-mail address (ada@example.edu) or domain (@example.edu).",
            "invalid_allow_list_entry",
        )
    if competition.allow_list.count() + len(values) > MAX_ALLOW_LIST_ENTRIES:
        raise field_error(
            "entries", f"Allow-list: at most {MAX_ALLOW_LIST_ENTRIES} entries.", "allow_list_full"
        )
    with transaction.atomic():
        existing = set(competition.allow_list.filter(entry__in=values).values_list("entry", flat=True))
        AllowListEntry.objects.bulk_create(
            [
                AllowListEntry(competition=competition, entry=value)
                for value in values
                if value not in existing
            ],
            ignore_conflicts=True,
        )
    return list(competition.allow_list.filter(entry__in=values))


def remove_from_allow_list(*, competition: Competition, user: User, entry_id: int) -> None:
    """Nobody new is admitted by the entry; those who already joined stay in."""
    require_manager(user, competition, "change the allow-list")
    deleted, _ = competition.allow_list.filter(pk=entry_id).delete()
    if not deleted:
        raise NotFound(
            f"No allow-list entry {entry_id} in this competition.", code="allow_list_entry_not_found"
        )


# Join requests


def request_to_join(*, competition: Competition, user: User, message: str = "") -> JoinRequest:
    """Ask the host of an unlisted competition that takes requests to be let in; the host is notified."""
    if competition.visibility != Competition.Visibility.UNLISTED or not competition.accepts_join_requests:
        raise CompetitionError(
            "This competition takes no join requests: ask its host for an invitation link.",
            code="no_join_requests",
        )
    if can_review(user, competition) or is_admitted(user, competition):
        raise CompetitionError(
            "You are already admitted: join by accepting the rules.", code="already_admitted"
        )
    message = message.strip()
    if len(message) > MAX_MESSAGE_LENGTH:
        raise field_error(
            "message", f"Message: at most {MAX_MESSAGE_LENGTH} characters.", "invalid_join_request"
        )
    require_no_recent_refusal(competition, user)
    try:
        with transaction.atomic():
            join_request = JoinRequest.objects.create(competition=competition, user=user, message=message)
            join_request_changed.send(sender=JoinRequest, join_request=join_request, actor=user)
    except IntegrityError:
        raise CompetitionError(
            "You already asked to join; the host has not answered yet.", code="join_request_pending"
        ) from None
    return join_request


def require_no_recent_refusal(competition: Competition, user: User) -> None:
    """After a refusal, a new request waits REQUEST_AGAIN_AFTER (the host is not asked again and again), and
    after MAX_REFUSALS refusals only an invitation lets the user in."""
    refusals = JoinRequest.objects.filter(
        competition=competition, user=user, status=JoinRequest.Status.REFUSED
    ).order_by("-answered_at")
    count = refusals.count()
    if count >= MAX_REFUSALS:
        raise CompetitionError(
            f"The host refused your request {count} times; only an invitation link from the host lets you "
            "in now.",
            code="join_requests_used_up",
        )
    latest = refusals.first()
    if (
        latest is not None
        and latest.answered_at
        and timezone.now() < latest.answered_at + REQUEST_AGAIN_AFTER
    ):
        again_at = latest.answered_at + REQUEST_AGAIN_AFTER
        raise CompetitionError(
            f"The host refused your last request; you may ask again from {utc_label(again_at)}.",
            code="join_request_refused_recently",
            details={"again_at": again_at.isoformat()},
        )


def answer_join_request(
    *, join_request: JoinRequest, user: User, approve: bool, reason: str = ""
) -> JoinRequest:
    """The host approves (the requester is admitted) or refuses with a reason the requester reads."""
    require_manager(user, join_request.competition, "answer join requests")
    reason = reason.strip()
    if not approve and not reason:
        raise field_error(
            "reason", "Reason: say why you refuse; the requester reads it.", "invalid_join_request_answer"
        )
    if len(reason) > MAX_MESSAGE_LENGTH:
        raise field_error(
            "reason", f"Reason: at most {MAX_MESSAGE_LENGTH} characters.", "invalid_join_request_answer"
        )
    with transaction.atomic():
        locked = locks.lock_join_request(join_request.pk)
        if locked.status != JoinRequest.Status.PENDING:
            raise CompetitionError(f"This request was already {locked.status}.", code="join_request_answered")
        locked.status = JoinRequest.Status.APPROVED if approve else JoinRequest.Status.REFUSED
        locked.reason = "" if approve else reason
        locked.answered_at = timezone.now()
        locked.answered_by = user
        locked.save(update_fields=["status", "reason", "answered_at", "answered_by"])
        if approve:
            Admission.objects.get_or_create(
                competition=locked.competition, user=locked.user, defaults={"via": Admission.Via.REQUEST}
            )
        join_request_changed.send(sender=JoinRequest, join_request=locked, actor=user)
    return locked


def host_join_request(user: User, competition: Competition, request_id: int) -> JoinRequest:
    require_manager(user, competition, "answer join requests")
    join_request = (
        competition.join_requests.select_related("user", "competition").filter(pk=request_id).first()
    )
    if join_request is None:
        raise NotFound(f"No join request {request_id} in this competition.", code="join_request_not_found")
    return join_request


def own_join_request(user: User, competition: Competition) -> JoinRequest | None:
    """The user's latest request to join, to show where it stands."""
    if not user.is_authenticated:
        return None
    return competition.join_requests.filter(user=user).first()


def admission_overview(competition: Competition) -> dict[str, QuerySet]:
    """What the host's access section lists."""
    return {
        "invitations": competition.invitation_codes.all(),
        "allow_list": competition.allow_list.all(),
        "pending_requests": competition.join_requests.select_related("user").filter(
            status=JoinRequest.Status.PENDING
        ),
        "answered_requests": competition.join_requests.select_related("user").exclude(
            status=JoinRequest.Status.PENDING
        )[:50],
        "admissions": competition.admissions.select_related("user").order_by("-created_at"),
    }
