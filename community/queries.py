"""Reads the pages and the API share: a target's discussion as the reader may see it, votes, notifications."""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db import models
from django.urls import reverse

from accounts.models import User
from community.admission_notifications import admission_notification_url_name
from community.models import Comment, Notification, Vote, WriteUp
from community.services import can_edit
from community.targets import can_see_comment, kind_of
from competitions.models import Competition
from competitions.queries import speaking_host_ids
from datasets.models import Dataset


@dataclass
class CommentNode:
    """A comment as one reader sees it: `shows_text` is false for a placeholder kept for its replies."""

    comment: Comment
    depth: int
    shows_text: bool
    can_edit: bool = False
    voted: bool = False
    by_host: bool = False  # written by the host of the competition it is about
    replies: list["CommentNode"] = field(default_factory=list)

    @property
    def placeholder(self) -> str:
        if self.comment.is_deleted:
            return "This comment was deleted by its author."
        return "This comment was hidden by the moderators."


def target_comments(target: models.Model) -> models.QuerySet[Comment]:
    content_type = ContentType.objects.get_for_model(target)
    return Comment.objects.filter(content_type=content_type, object_id=target.pk).select_related("author")


def discussion(user: User, target: models.Model) -> list[CommentNode]:
    """The target's threads, oldest first, replies under their parent. A comment the reader may not see (hidden)
    or that was deleted stays only as a placeholder, and only while a reply under it is still shown."""
    comments = list(target_comments(target))
    for comment in comments:
        comment.target = target  # every one is on it: its answer reads the target without a query per comment
    voted = voted_ids(user, Comment, [comment.pk for comment in comments])
    host_ids = competition_host_ids(target)
    nodes = {
        comment.pk: CommentNode(
            comment=comment,
            depth=0,
            shows_text=not comment.is_deleted and can_see_comment(user, comment),
            can_edit=can_edit(user, comment),
            voted=comment.pk in voted,
            by_host=comment.author_id in host_ids,
        )
        for comment in comments
    }
    roots: list[CommentNode] = []
    for comment in comments:
        node = nodes[comment.pk]
        parent = nodes.get(comment.parent_id) if comment.parent_id is not None else None
        (parent.replies if parent else roots).append(node)
    return prune(roots, depth=0)


def competition_host_ids(target: models.Model) -> set[int]:
    """Who speaks as the host of the competition a discussion is about (a competition's, or a write-up's in
    it): its host, co-hosts and its organisation's owners."""
    if isinstance(target, Competition):
        return speaking_host_ids(target)
    if isinstance(target, WriteUp):
        competition = Competition.objects.filter(pk=target.competition_id).first()
        return speaking_host_ids(competition) if competition else set()
    return set()


def prune(nodes: list[CommentNode], depth: int) -> list[CommentNode]:
    kept = []
    for node in nodes:
        node.depth = depth
        node.replies = prune(node.replies, depth + 1)
        if node.shows_text or node.replies:
            kept.append(node)
    return kept


def comment_node(user: User, comment: Comment) -> CommentNode:
    """One comment as the reader sees it, outside its thread (after posting or editing it)."""
    depth, parent_id = 0, comment.parent_id
    while parent_id is not None:
        depth += 1
        parent_id = Comment.objects.values_list("parent_id", flat=True).get(pk=parent_id)
    return CommentNode(
        comment=comment,
        depth=depth,
        shows_text=not comment.is_deleted and can_see_comment(user, comment),
        can_edit=can_edit(user, comment),
        voted=has_voted(user, comment),
    )


def flattened(nodes: list[CommentNode]) -> list[CommentNode]:
    """The threads in reading order, each comment followed by its replies."""
    ordered = []
    for node in nodes:
        ordered.append(node)
        ordered.extend(flattened(node.replies))
    return ordered


def comment_count(nodes: list[CommentNode]) -> int:
    return sum(1 for node in flattened(nodes) if node.shows_text)


def voted_ids(user: User, model: type[models.Model], ids: list[int]) -> set[int]:
    """Which of these objects the user has voted for (one query)."""
    if not user.is_authenticated or not ids:
        return set()
    return set(
        Vote.objects.filter(
            user=user, content_type=ContentType.objects.get_for_model(model), object_id__in=ids
        ).values_list("object_id", flat=True)
    )


def has_voted(user: User, target: models.Model) -> bool:
    return target.pk in voted_ids(user, type(target), [target.pk])


def unread_notification_count(user: User) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_for(user: User) -> models.QuerySet[Notification]:
    """The user's notifications, newest first, with what a list needs to link each to its comment."""
    # Every commentable kind in one query each; a write-up's link names its competition, read alongside.
    targets = GenericPrefetch(
        "comment__target",
        [Competition.objects.all(), Dataset.objects.all(), WriteUp.objects.select_related("competition")],
    )
    return (
        Notification.objects.filter(
            recipient=user, comment__deleted_at__isnull=True, comment__hidden_at__isnull=True
        )
        .select_related("comment__author", "comment__content_type", "competition")
        .prefetch_related(targets)  # type: ignore[misc]  # the stubs read only the first hop of comment__target
    )


def comment_target(comment: Comment) -> models.Model:
    """What the comment is on; a TypeError, as `kind_of` raises for anything else, if that is gone."""
    target = comment.target
    if target is None:
        raise TypeError(f"Comment {comment.pk} is on an object that no longer exists")
    return target


def notification_url(notification: Notification) -> str:
    """Where a notification leads: its comment, or the Team tab of the competition a team notification is in."""
    if notification.kind == Notification.Kind.ADMISSION and notification.competition:
        name, anchor = admission_notification_url_name(notification)
        return reverse(name, args=[notification.competition.slug]) + anchor
    if notification.comment is None:
        return (
            reverse("competitions:team", args=[notification.competition.slug])
            if notification.competition
            else ""
        )
    return comment_url(notification.comment)


def notification_text(notification: Notification) -> str:
    if notification.comment is None:
        return notification.text
    return f"{notification.comment.author.username} {notification.get_kind_display()}"


def comment_url(comment: Comment) -> str:
    target = comment_target(comment)
    return f"{kind_of(target).page_url(target)}#comment-{comment.pk}"
