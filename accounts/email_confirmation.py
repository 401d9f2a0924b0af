"""Confirming that a user holds their e-mail address (docs/accounts.md).

A link is signed with the site's SECRET_KEY (django.core.signing's TimestampSigner) over the account, the
address it was sent to and a stamp of the account's confirmation state, so it cannot be changed into another
account's or another address's, it expires after PODIUM_EMAIL_CONFIRMATION_DAYS, and it works once: opening
it changes the state its stamp was taken from. Allow-lists admit a confirmed address only
(competitions.queries.allow_list_admits)."""

import hashlib
import secrets

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from rest_framework.request import Request

from accounts.models import User
from accounts.signals import email_confirmation_requested
from config.errors import DomainError
from config.throttles import EmailConfirmationThrottle
from config.timestamps import utc_label

SALT = "podium.accounts.email-confirmation"


class ConfirmationRefused(DomainError):
    """A link that cannot confirm anything; `code` says why (damaged, expired, used, another address)."""

    code = "confirmation_link_damaged"


class NothingToConfirm(DomainError):
    code = "nothing_to_confirm"


class ConfirmationMailsLimited(DomainError):
    code = "confirmation_mail_rate_limited"
    http_status = 429

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message, details={"retry_after": retry_after})
        self.headers = {"Retry-After": str(retry_after)}


class AddressRefused(DomainError):
    code = "invalid_email"


def max_age_seconds() -> int:
    return settings.PODIUM_EMAIL_CONFIRMATION_DAYS * 24 * 3600


def state_stamp(user: User) -> str:
    """A short digest of the account's confirmation state: a link carries the stamp of when it was made, and
    any confirmation since (this link's or another's) changes it, which is what makes a link work once."""
    confirmed_at = user.email_confirmed_at.isoformat() if user.email_confirmed_at else ""
    return hashlib.sha256(f"{user.confirmed_email}|{confirmed_at}".encode()).hexdigest()[:16]


def confirmation_token(user: User) -> str:
    # The nonce tells two links made in the same second apart, so each resend is a mail of its own.
    payload = {
        "user": user.pk,
        "email": user.email,
        "state": state_stamp(user),
        "nonce": secrets.token_hex(4),
    }
    return signing.TimestampSigner(salt=SALT).sign_object(payload, compress=True)


def confirmation_path(token: str) -> str:
    return reverse("confirm-email", args=[token])


def require_mail_allowance(request: HttpRequest | Request) -> None:
    """A user asks for a few confirmation mails an hour at most (PODIUM_EMAIL_CONFIRMATION_RATE): each one
    goes to an address they typed, which may be someone else's."""
    throttle = EmailConfirmationThrottle()
    if throttle.allow_request(request, None):  # type: ignore[no-untyped-call]  # DRF ships no annotations
        return
    wait = max(1, int(throttle.wait() or 1))
    minutes = max(1, round(wait / 60))
    allowed = getattr(throttle, "num_requests", 0)  # set from the rate by DRF, unknown to its stubs
    raise ConfirmationMailsLimited(
        f"You asked for {allowed} confirmation mails in a short time: wait about {minutes} "
        f"min, then ask again. The links already sent still work.",
        retry_after=wait,
    )


def send_confirmation(*, user: User) -> str:
    """Mail a new confirmation link to the user's address (the mail app sends it after the commit); returns
    the address. Older links still work until one of them is used or they expire."""
    if not user.email:
        raise NothingToConfirm(
            "Your account has no e-mail address: add one on your profile first.", code="no_email"
        )
    if user.has_confirmed_email:
        raise NothingToConfirm(
            f"Your address {user.email} is already confirmed.", code="email_already_confirmed"
        )
    token = confirmation_token(user)
    with transaction.atomic():
        email_confirmation_requested.send(
            sender=User,
            user=user,
            address=user.email,
            url=confirmation_path(token),
            event=f"email-confirmation:{user.pk}:{hashlib.sha256(token.encode()).hexdigest()[:32]}",
        )
    return user.email


def read_token(token: str) -> tuple[User, dict]:
    """The account and payload a link names, or why it cannot confirm anything."""
    try:
        payload = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=max_age_seconds())
    except signing.SignatureExpired as error:
        days = settings.PODIUM_EMAIL_CONFIRMATION_DAYS
        raise ConfirmationRefused(
            f"This confirmation link has expired (links work for {days} day{'s' if days != 1 else ''}): "
            "send a new one from your profile.",
            code="confirmation_link_expired",
        ) from error
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise damaged() from error
    if not isinstance(payload, dict) or not {"user", "email", "state"} <= payload.keys():
        raise damaged()
    user = User.objects.filter(pk=payload["user"]).first()
    if user is None:
        raise damaged()
    return user, payload


def damaged() -> ConfirmationRefused:
    return ConfirmationRefused(
        "This confirmation link is not valid: it may have been cut short or changed. Open the link as it came "
        "in the mail, or send a new one from your profile.",
        code="confirmation_link_damaged",
    )


def require_usable(user: User, payload: dict, viewer: User | None) -> None:
    """Refuse a link for another account than the one logged in, for an address the account no longer has,
    or already used (the account's confirmation state changed since it was made)."""
    if viewer is not None and viewer.is_authenticated and viewer.pk != user.pk:
        raise ConfirmationRefused(
            "This confirmation link is for another account: log out, then open it again.",
            code="confirmation_link_for_another_account",
        )
    if payload["email"] != user.email:
        raise ConfirmationRefused(
            f"This link confirms {payload['email']}, but the account's address is now {user.email or 'empty'}: "
            "open the link in the mail sent to the current address, or send a new one from your profile.",
            code="confirmation_link_for_another_address",
        )
    if payload["state"] != state_stamp(user):
        already = (
            f"{user.email} was confirmed on {utc_label(user.email_confirmed_at)}"
            if user.has_confirmed_email and user.email_confirmed_at
            else "it cannot be used again"
        )
        raise ConfirmationRefused(
            f"This confirmation link was already used: {already}.", code="confirmation_link_used"
        )


def check_link(*, token: str, viewer: User | None = None) -> tuple[User, str]:
    """The account and address a link would confirm, or why it would not (the page shows this before the
    click that confirms)."""
    user, payload = read_token(token)
    require_usable(user, payload, viewer)
    return user, payload["email"]


def confirm_email(*, token: str, viewer: User | None = None) -> User:
    """Mark the address a link was sent to as confirmed. The write is a compare-and-set on the state the link
    was checked against, so two clicks on one link (or on two links) confirm once and the second is told
    the link was used."""
    user, payload = read_token(token)
    require_usable(user, payload, viewer)
    now = timezone.now()
    updated = User.objects.filter(
        pk=user.pk,
        email=payload["email"],
        confirmed_email=user.confirmed_email,
        email_confirmed_at=user.email_confirmed_at,
    ).update(confirmed_email=payload["email"], email_confirmed_at=now)
    user.refresh_from_db()
    if not updated:
        require_usable(user, payload, viewer)  # says what changed meanwhile
        raise ConfirmationRefused(
            "This confirmation link was already used: it cannot be used again.", code="confirmation_link_used"
        )
    return user


def normalised_address(raw: str) -> str:
    email = raw.strip().lower()
    if not email:
        raise AddressRefused("Email: enter your e-mail address.", details={"field": "email"})
    try:
        validate_email(email)
    except ValidationError:
        raise AddressRefused(
            f"Email: '{raw.strip()[:100]}' is not an e-mail address (ada@example.edu).",
            details={"field": "email"},
        ) from None
    return email


def change_email(*, user: User, email: str) -> User:
    """Give the account a new address and mail it a confirmation link; the new address is unconfirmed until
    its link is opened (the old address's confirmation does not carry over)."""
    email = normalised_address(email)
    if email == user.email:
        raise AddressRefused(
            f"Email: {email} is already your address.", code="email_unchanged", details={"field": "email"}
        )
    if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise AddressRefused(
            "Email: an account with this address already exists.",
            code="email_taken",
            details={"field": "email"},
        )
    with transaction.atomic():
        user.email = email
        user.save(update_fields=["email"])
        send_confirmation(user=user)
    return user
