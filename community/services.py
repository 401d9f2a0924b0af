"""Writing comments, flags, votes and notifications. Each function is one transaction and raises a domain
error, with a message for the person who tried, when a rule refuses."""

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import cast

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from community.mail_news import mail_comment
from community.models import Comment, CommentFlag, Notification, Rating, Vote
from community.targets import can_see_target, kind_of, require_open
from competitions import locks
from competitions.models import Competition
from competitions.queries import can_review
from config.errors import DomainError, NotAllowed, NotAuthenticated
from config.rendering import render_markdown
from config.timestamps import utc_label

MAX_COMMENT_LENGTH = 10_000


class CommentRefused(DomainError):
    code = "comment_refused"


class CommentRateLimited(DomainError):
    code = "comment_rate_limited"
    http_status = 429

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message, details={"retry_after": retry_after})
        self.headers = {"Retry-After": str(retry_after)}


class AlreadyVoted(DomainError):
    code = "already_voted"
    http_status = 409


class AlreadyFlagged(DomainError):
    code = "already_flagged"
    http_status = 409


def require_active_account(user: User) -> None:
    """Logged in, and not banned: who may comment, vote and flag."""
    if not user.is_authenticated:
        raise NotAuthenticated("Log in to take part in the discussion.")
    if not user.is_active:
        raise NotAllowed("This account is suspended.")


def clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise CommentRefused("Write something first: the comment is empty.", code="comment_empty")
    if len(body) > MAX_COMMENT_LENGTH:
        raise CommentRefused(
            f"A comment holds at most {MAX_COMMENT_LENGTH:,} characters; this one has {len(body):,}.",
            code="comment_too_long",
        )
    return body


def require_comment_allowance(user: User) -> None:
    """New accounts post a few comments an hour at most: the brake on accounts made to spam."""
    require_new_account_allowance(
        user,
        recent_at=lambda since: Comment.objects.filter(author=user, created_at__gt=since).values_list(
            "created_at", flat=True
        ),
        not_yet="cannot comment yet",
        allowed="may post {allowance} comments an hour",
        again="post again",
        refusal=CommentRateLimited,
    )


def require_new_account_allowance(
    user: User,
    *,
    recent_at: Callable[[datetime], Iterable[datetime]],
    not_yet: str,
    allowed: str,
    again: str,
    refusal: type[CommentRateLimited],
) -> None:
    """The brake on young accounts (PODIUM_NEW_ACCOUNT_DAYS), shared by comments and ratings: at most
    PODIUM_NEW_ACCOUNT_COMMENTS_PER_HOUR acts an hour; `recent_at(since)` gives the times of the user's acts."""
    if user.is_staff or user.date_joined <= timezone.now() - timedelta(days=settings.PODIUM_NEW_ACCOUNT_DAYS):
        return
    hour_ago = timezone.now() - timedelta(hours=1)
    recent = sorted(recent_at(hour_ago))
    allowance = settings.PODIUM_NEW_ACCOUNT_COMMENTS_PER_HOUR
    if len(recent) < allowance:
        return
    young = f"Accounts younger than {settings.PODIUM_NEW_ACCOUNT_DAYS} days"
    if allowance == 0:
        next_at = user.date_joined + timedelta(days=settings.PODIUM_NEW_ACCOUNT_DAYS)
        message = f"{young} {not_yet}; you can from {utc_label(next_at)}."
    else:
        next_at = recent[len(recent) - allowance] + timedelta(hours=1)
        message = f"{young} {allowed.format(allowance=allowance)}; you can {again} at {utc_label(next_at)}"
    wait = max(1, int((next_at - timezone.now()).total_seconds()) + 1)
    if allowance:
        message += f" (in {max(1, round(wait / 60))} min)."
    raise refusal(message, retry_after=wait)


def post_comment(*, author: User, target: models.Model, body: str, parent: Comment | None = None) -> Comment:
    """A new comment on a target the author may see (found through `community.targets`), or a reply."""
    require_active_account(author)
    require_open(target)
    body = clean_body(body)
    content_type = ContentType.objects.get_for_model(target)
    if parent is not None:
        if (parent.content_type_id, parent.object_id) != (content_type.pk, target.pk):
            raise CommentRefused("That comment belongs to another discussion.", code="wrong_thread")
        if parent.is_deleted or parent.is_hidden:
            raise CommentRefused(
                "That comment was removed; reply in the thread instead.", code="parent_removed"
            )
    with transaction.atomic():
        locks.lock_user(author.pk)  # one allowance check at a time
        require_comment_allowance(author)
        comment = Comment.objects.create(
            content_type=content_type,
            object_id=target.pk,
            author=author,
            parent=parent,
            thread_id=parent.root_id if parent else None,
            body=body,
            body_html=render_markdown(body),
        )
        notify_thread(comment, target)
    return comment


def notify_thread(comment: Comment, target: models.Model) -> None:
    """Tell the replied-to author, the others in the thread and the target's owners (who follow every thread on
    what they host or own)."""
    recipients: dict[int, str] = {}
    if comment.parent_id:
        # parent_id is set, and the foreign key guarantees the comment it names exists.
        parent = cast(Comment, comment.parent)
        recipients[parent.author_id] = Notification.Kind.REPLY
        in_thread = Comment.objects.filter(
            models.Q(pk=comment.thread_id) | models.Q(thread_id=comment.thread_id), deleted_at__isnull=True
        ).values_list("author_id", flat=True)
        for author_id in in_thread:
            recipients.setdefault(author_id, Notification.Kind.THREAD)
    owner_kind = Notification.Kind.THREAD if comment.parent_id else Notification.Kind.NEW_COMMENT
    for owner in kind_of(target).owners(target):
        recipients.setdefault(owner.pk, owner_kind)
    recipients.pop(comment.author_id, None)
    active = {
        user.pk
        for user in User.objects.filter(pk__in=recipients, is_active=True)
        if can_see_target(user, target)
    }
    Notification.objects.bulk_create(
        Notification(recipient_id=user_id, comment=comment, kind=kind)
        for user_id, kind in recipients.items()
        if user_id in active
    )
    mail_comment(
        comment, target, {user_id: kind for user_id, kind in recipients.items() if user_id in active}
    )


def edit_window_closes(comment: Comment) -> datetime:
    return comment.created_at + timedelta(minutes=settings.PODIUM_COMMENT_EDIT_MINUTES)


def can_edit(user: User, comment: Comment) -> bool:
    return (
        user.is_authenticated
        and user.pk == comment.author_id
        and not comment.is_deleted
        and timezone.now() < edit_window_closes(comment)
    )


def edit_comment(*, editor: User, comment: Comment, body: str) -> Comment:
    """The author may change the text for a while after posting (PODIUM_COMMENT_EDIT_MINUTES)."""
    require_active_account(editor)
    if editor.pk != comment.author_id:
        raise NotAllowed("Only its author can edit a comment.", code="not_your_comment")
    if comment.is_deleted:
        raise CommentRefused("This comment was deleted.", code="comment_deleted")
    if not can_edit(editor, comment):
        raise CommentRefused(
            f"Comments can be edited for {settings.PODIUM_COMMENT_EDIT_MINUTES} minutes after posting; "
            f"this one was posted at {utc_label(comment.created_at)}.",
            code="edit_window_closed",
        )
    comment.body = clean_body(body)
    comment.body_html = render_markdown(comment.body)
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "body_html", "edited_at"])
    return comment


def delete_comment(*, user: User, comment: Comment) -> Comment:
    """The author removes the text; the comment stays as a placeholder so replies keep their place."""
    require_active_account(user)
    if user.pk != comment.author_id:
        raise NotAllowed("Only its author can delete a comment.", code="not_your_comment")
    if not comment.is_deleted:
        comment.deleted_at = timezone.now()
        comment.body, comment.body_html = "", ""
        comment.save(update_fields=["deleted_at", "body", "body_html"])
    return comment


def flag_comment(*, user: User, comment: Comment, reason: str, note: str = "") -> CommentFlag:
    """A reader reports a comment to the moderators, once."""
    require_active_account(user)
    if user.pk == comment.author_id:
        raise CommentRefused("You cannot flag your own comment; delete it instead.", code="own_comment")
    if reason not in CommentFlag.Reason.values:
        raise CommentRefused(
            f"Choose a reason: {', '.join(CommentFlag.Reason.values)}.", code="invalid_flag_reason"
        )
    try:
        with transaction.atomic():
            flag = CommentFlag.objects.create(
                comment=comment, flagged_by=user, reason=reason, note=note.strip()
            )
            Comment.objects.filter(pk=comment.pk).update(flag_count=F("flag_count") + 1)
    except IntegrityError:
        raise AlreadyFlagged(
            "You have already flagged this comment; the moderators will look at it."
        ) from None
    return flag


def author_of(target: models.Model) -> int | None:
    """The target's author, host or owner."""
    for field in ("author_id", "host_id", "owner_id"):
        if hasattr(target, field):
            return getattr(target, field)
    return None


def is_own_work(user: User, target: models.Model) -> bool:
    """Whether the user may not vote for the target: its author or owner, and for a competition any of its
    organisers (co-hosts, reviewers, the organisation's members)."""
    if not user.is_authenticated:
        return False
    if isinstance(target, Competition):
        return target.host_id == user.pk or (can_review(user, target) and not user.is_staff)
    return author_of(target) == user.pk


def cast_vote(*, user: User, target: models.Model) -> int:
    """One up-vote per user per object; the count on the object moves in the same transaction. Returns it."""
    require_active_account(user)
    require_open(target)
    if is_own_work(user, target):
        raise NotAllowed("You cannot vote for your own work.", code="own_work")
    content_type = ContentType.objects.get_for_model(target)
    try:
        with transaction.atomic():
            Vote.objects.create(user=user, content_type=content_type, object_id=target.pk)
            type(target)._default_manager.filter(pk=target.pk).update(vote_count=F("vote_count") + 1)
    except IntegrityError:
        raise AlreadyVoted("You have already voted for this; one vote each.") from None
    return type(target)._default_manager.values_list("vote_count", flat=True).get(pk=target.pk)


def withdraw_vote(*, user: User, target: models.Model) -> int:
    """Take one's vote back; nothing happens when there was none. Returns the count."""
    require_active_account(user)
    content_type = ContentType.objects.get_for_model(target)
    with transaction.atomic():
        deleted, _ = Vote.objects.filter(user=user, content_type=content_type, object_id=target.pk).delete()
        if deleted:
            type(target)._default_manager.filter(pk=target.pk).update(vote_count=F("vote_count") - 1)
    return type(target)._default_manager.values_list("vote_count", flat=True).get(pk=target.pk)


def mark_notifications_read(*, user: User, ids: list[int] | None = None) -> int:
    """Mark the user's unread notifications read (these ids only, when given); returns how many."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


def forget_target(*, target: models.Model) -> None:
    """Remove the comments (with their flags and notifications), votes and ratings on something being deleted:
    they point at it by content type and id, so no foreign key removes them."""
    content_type = ContentType.objects.get_for_model(target)
    Comment.objects.filter(content_type=content_type, object_id=target.pk).delete()
    Vote.objects.filter(content_type=content_type, object_id=target.pk).delete()
    Rating.objects.filter(content_type=content_type, object_id=target.pk).delete()


def forget_deleted_dataset(sender: type, *, dataset: models.Model, **kwargs: object) -> None:
    forget_target(target=dataset)
