"""Podium's mail: the one door every kind goes through (`queue_mail`), the preferences that decide who gets
what, the sending a Celery task does, and the unsubscribe link that needs no login.

A mail is a row of the outbox (OutgoingMail) before it is a message: the row is written in the transaction of
the change it tells about, unique per event, kind and recipient, and a task sends it after the commit. An event
that fires twice finds its rows already there and queues nothing more."""

import logging
import smtplib
from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import urljoin

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from config.errors import DomainError
from mail.kinds import ACCOUNT_KINDS, ALL_KINDS, KINDS
from mail.models import MailPreference, OutgoingMail

logger = logging.getLogger(__name__)
Status = OutgoingMail.Status
UNSUBSCRIBE_SALT = "podium.mail.unsubscribe"
# A worker that died while sending leaves its row 'sending': after this long another delivery takes it over.
CLAIM_SECONDS = 600
# The sweeper leaves a queued mail this long to its task (whose retries back off up to ten minutes apart),
# sends at most SWEEP_BATCH a run, and gives up on a mail after MAX_ATTEMPTS tries.
SWEEP_AFTER_SECONDS = 1800
SWEEP_BATCH = 500
MAX_ATTEMPTS = 24
GAVE_UP = f" (Podium gave up after {MAX_ATTEMPTS} attempts.)"
SMTP_ERRORS = (smtplib.SMTPException, OSError)


class BadUnsubscribeLink(DomainError):
    code = "bad_unsubscribe_link"


class UnknownMailKind(DomainError):
    code = "unknown_mail_kind"


def site_url(path: str) -> str:
    """An absolute address on this site, for links in mail (no request to take the host from)."""
    return urljoin(settings.PODIUM_SITE_URL.rstrip("/") + "/", path.lstrip("/"))


def require_kind(kind: str) -> None:
    if kind not in KINDS:
        raise UnknownMailKind(
            f"'{kind}' is not a kind of mail; the kinds are: {', '.join(KINDS)}.", details={"kind": kind}
        )


def mail_preferences(user: User) -> dict[str, bool]:
    """Every kind, on or off for this user (a kind the user never chose follows its default)."""
    chosen = dict(MailPreference.objects.filter(user=user).values_list("kind", "is_wanted"))
    return {name: chosen.get(name, kind.wanted_by_default) for name, kind in KINDS.items()}


def set_mail_preferences(*, user: User, choices: dict[str, bool]) -> dict[str, bool]:
    """Turn the named kinds on or off; the others keep their setting."""
    for kind in choices:
        require_kind(kind)
    with transaction.atomic():
        for kind, is_wanted in choices.items():
            MailPreference.objects.update_or_create(user=user, kind=kind, defaults={"is_wanted": is_wanted})
    return mail_preferences(user)


def recipients_wanting(users: Iterable[User], kind: str) -> list[User]:
    """The users, once each, who can get this kind now: active, with an address, and wanting it (account
    mail is wanted by whoever asked for it)."""
    candidates = {user.pk: user for user in users if user.is_active and user.email}
    if not candidates or kind in ACCOUNT_KINDS:
        return list(candidates.values())
    chosen = dict(
        MailPreference.objects.filter(user_id__in=candidates, kind=kind).values_list("user_id", "is_wanted")
    )
    default = KINDS[kind].wanted_by_default
    return [user for pk, user in candidates.items() if chosen.get(pk, default)]


def queue_mail(
    *, recipients: Iterable[User], kind: str, event: str, subject: str, body: str, address: str = ""
) -> int:
    """Queue one mail of `kind` about `event` to each recipient who wants that kind, to be sent after the
    current transaction commits (call it inside the transaction of the change it tells about). `event` names
    what happened, uniquely and the same however often it is told (e.g. 'join-request:12:accepted'): a
    recipient already queued a mail for this event and kind gets no second one. With `address`, the mail goes
    to that address only (dropped if the recipient's address is another by then). Returns how many were
    queued."""
    if kind not in ALL_KINDS:
        require_kind(kind)
    users = recipients_wanting(recipients, kind)
    if not users:
        return 0
    subject = " ".join(subject.split())[:200]
    with transaction.atomic():
        already = set(
            OutgoingMail.objects.filter(event=event, kind=kind, recipient__in=users).values_list(
                "recipient_id", flat=True
            )
        )
        new = [user for user in users if user.pk not in already]
        OutgoingMail.objects.bulk_create(
            [
                OutgoingMail(
                    event=event, kind=kind, recipient=user, subject=subject, body=body, address=address
                )
                for user in new
            ],
            ignore_conflicts=True,  # the same event told at the same moment by another process
        )
        mail_ids = list(
            OutgoingMail.objects.filter(
                event=event, kind=kind, recipient__in=new, status=Status.QUEUED, attempts=0
            ).values_list("pk", flat=True)
        )
        transaction.on_commit(lambda: enqueue_sending(mail_ids))
    return len(mail_ids)


def enqueue_sending(mail_ids: list[int]) -> None:
    """Hand the rows to the sending task. Called after the commit of the change the mails tell about, so a
    broker that is down must not fail that change: the row stays queued and the mail sweeper sends it."""
    from mail.tasks import send_outgoing_mail

    for mail_id in mail_ids:
        try:
            send_outgoing_mail.delay(mail_id)
        except Exception:
            logger.exception("Could not enqueue mail %s; the mail sweeper will send it later", mail_id)


def abandoned_since(moment: datetime) -> Q:
    """Rows a sending worker took and never finished (it died, or failed on something other than SMTP)."""
    return Q(status=Status.SENDING) & (Q(claimed_at__lt=moment) | Q(claimed_at__isnull=True))


def claim(mail_id: int) -> OutgoingMail | None:
    """Take the row for this delivery of the task (compare-and-set), counting the attempt: a second delivery
    of a row being sent or sent does nothing. A message leaves at least once and, but for a worker that dies
    between the SMTP server's answer and the row's update, only once."""
    now = timezone.now()
    claimable = OutgoingMail.objects.filter(
        Q(status=Status.QUEUED) | abandoned_since(now - timedelta(seconds=CLAIM_SECONDS)),
        pk=mail_id,
        attempts__lt=MAX_ATTEMPTS,
    )
    if not claimable.update(status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1):
        return None
    return OutgoingMail.objects.select_related("recipient").get(pk=mail_id)


def sweep_waiting_mail() -> dict[str, int]:
    """The beat's safety net: send again the mails no task will send (the broker was down when they were
    queued, the task's own retries ran out, a worker died while sending), and give up, as failed, on those
    tried MAX_ATTEMPTS times. Rows younger than SWEEP_AFTER_SECONDS are left to the task and its backoff."""
    now = timezone.now()
    waiting = OutgoingMail.objects.filter(
        (Q(status=Status.QUEUED) & Q(created_at__lt=now - timedelta(seconds=SWEEP_AFTER_SECONDS)))
        | abandoned_since(now - timedelta(seconds=CLAIM_SECONDS))
    )
    failed = waiting.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=Status.FAILED, last_error=Concat(F("last_error"), Value(GAVE_UP))
    )
    resent = list(waiting.filter(attempts__lt=MAX_ATTEMPTS).values_list("pk", flat=True)[:SWEEP_BATCH])
    enqueue_sending(resent)
    return {"resent": len(resent), "failed": failed}


def send_queued(mail_id: int) -> str:
    """Send one outbox row through Django's e-mail backend. An SMTP failure puts the row back in the queue,
    counts the attempt and raises, for the task to try again later; the outcome otherwise: 'sent', 'dropped'
    (the kind was turned off or the address removed since it was queued) or 'skipped' (another delivery
    has it)."""
    mail = claim(mail_id)
    if mail is None:
        return "skipped"
    user = mail.recipient
    if not recipients_wanting([user], mail.kind) or (mail.address and mail.address != user.email):
        OutgoingMail.objects.filter(pk=mail.pk).update(status=Status.DROPPED)
        return Status.DROPPED
    try:
        message(mail).send(fail_silently=False)
    except SMTP_ERRORS as error:
        OutgoingMail.objects.filter(pk=mail.pk).update(
            status=Status.QUEUED, last_error=repr(error)[:2000], claimed_at=None
        )
        raise
    OutgoingMail.objects.filter(pk=mail.pk).update(status=Status.SENT, sent_at=timezone.now(), last_error="")
    return Status.SENT


def message(mail: OutgoingMail) -> EmailMessage:
    """The message: the body, a footer saying why it came and how to stop it, and the List-Unsubscribe
    headers (RFC 2369, and RFC 8058's one-click POST) that mail programs show as an unsubscribe button.
    Account mail was asked for: its footer says so, and there is nothing to unsubscribe from."""
    if mail.kind in ACCOUNT_KINDS:
        footer = (
            "\n\n-- \nYou get this mail because this address was given to a Podium account. If that was not "
            "you, ignore it: nothing changes until the link is opened.\n"
        )
        return EmailMessage(
            subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{mail.subject}",
            body=mail.body.rstrip() + footer,
            to=[mail.address or mail.recipient.email],
            headers={"Auto-Submitted": "auto-generated", "X-Podium-Mail-Kind": mail.kind},
        )
    unsubscribe = unsubscribe_url(mail.recipient, mail.kind)
    footer = (
        f'\n\n-- \nYou get this mail because "{KINDS[mail.kind].label}" is on in your Podium profile.\n'
        f"Stop this kind of mail (no login needed): {unsubscribe}\n"
        f"Choose which mails you get: {site_url(reverse('profile'))}#mail\n"
    )
    return EmailMessage(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{mail.subject}",
        body=mail.body.rstrip() + footer,
        to=[mail.recipient.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
            "X-Podium-Mail-Kind": mail.kind,
        },
    )


def unsubscribe_token(user: User, kind: str) -> str:
    """Signed (SECRET_KEY), so it cannot be made for another user or kind; it does not expire, as an
    unsubscribe link in an old mail must still work."""
    return signing.dumps([user.pk, kind], salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(user: User, kind: str) -> str:
    return site_url(reverse("mail:unsubscribe", args=[unsubscribe_token(user, kind)]))


def read_unsubscribe_token(token: str) -> tuple[User, str]:
    """The user and kind a link names, or BadUnsubscribeLink if it was changed, cut short or made up."""
    refused = BadUnsubscribeLink(
        "This unsubscribe link is not valid: it may have been cut short or changed. Use the link in the "
        "mail as it came, or choose which mails you get on your profile."
    )
    try:
        user_id, kind = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise refused from error
    user = User.objects.filter(pk=user_id).first()
    if user is None or kind not in KINDS:
        raise refused
    return user, kind


def unsubscribe(*, token: str) -> tuple[User, str]:
    """Turn off the one kind the link names, for the user it names; the other kinds are unchanged."""
    user, kind = read_unsubscribe_token(token)
    set_mail_preferences(user=user, choices={kind: False})
    return user, kind
