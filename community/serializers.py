"""The API's shapes for comments, votes and notifications: inputs parsed here, outputs built by the *_json
functions (the output serializers describe them for the schema)."""

from rest_framework import serializers

from community.models import Comment, CommentFlag, Notification
from community.queries import CommentNode, comment_url
from community.services import MAX_COMMENT_LENGTH
from community.targets import COMMENTABLE, VOTABLE, kind_of


class CommentCreateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=MAX_COMMENT_LENGTH, help_text="Markdown.")
    parent = serializers.IntegerField(
        required=False, allow_null=True, help_text="The id of the comment this one replies to."
    )


class CommentEditSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=MAX_COMMENT_LENGTH, help_text="Markdown.")


class FlagSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=CommentFlag.Reason.choices)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class NotificationsReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Only these; all unread ones when left out.",
    )


class NotificationsReadAnswerSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many were marked read now.")
    unread = serializers.IntegerField(help_text="How many are still unread.")


class CommentSerializer(serializers.Serializer):
    """A comment as its reader sees it; a deleted or hidden one that still has replies keeps its place with
    an empty body."""

    id = serializers.IntegerField()
    target_kind = serializers.ChoiceField(choices=COMMENTABLE)
    target = serializers.CharField(help_text="The target's slug, or id for a write-up.")
    parent = serializers.IntegerField(allow_null=True)
    depth = serializers.IntegerField(help_text="0 for a thread's first comment, 1 for a reply to it, ...")
    author = serializers.CharField()
    author_name = serializers.CharField()
    body = serializers.CharField(help_text="Markdown, as written.")
    body_html = serializers.CharField(help_text="Rendered and sanitised; links carry rel='nofollow ugc'.")
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)
    is_deleted = serializers.BooleanField()
    is_hidden = serializers.BooleanField(
        help_text="Hidden by the moderators (shown only to its author and staff)."
    )
    hidden_reason = serializers.CharField(help_text="The moderators' reason, for the author and staff.")
    vote_count = serializers.IntegerField()
    voted = serializers.BooleanField(help_text="Whether you voted for it.")
    can_edit = serializers.BooleanField(help_text="Whether you may still edit it.")
    url = serializers.CharField(help_text="Where the comment is on the site.")


class VoteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=VOTABLE)
    target = serializers.CharField()
    vote_count = serializers.IntegerField()
    voted = serializers.BooleanField()


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Notification.Kind.choices)
    text = serializers.CharField(help_text="e.g. 'alice replied to your comment'.")
    comment = serializers.IntegerField()
    url = serializers.CharField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


def comment_json(node: CommentNode) -> dict:
    comment: Comment = node.comment
    kind = kind_of(comment.target)
    shows = node.shows_text
    return {
        "id": comment.pk,
        "target_kind": kind.name,
        "target": kind.key(comment.target),
        "parent": comment.parent_id,
        "depth": node.depth,
        "author": comment.author.username,
        "author_name": comment.author.display_name or comment.author.username,
        "body": comment.body if shows else "",
        "body_html": comment.body_html if shows else "",
        "created_at": comment.created_at,
        "edited_at": comment.edited_at,
        "is_deleted": comment.is_deleted,
        "is_hidden": comment.is_hidden,
        "hidden_reason": comment.hidden_reason if shows else "",
        "vote_count": comment.vote_count,
        "voted": node.voted,
        "can_edit": node.can_edit,
        "url": comment_url(comment),
    }


def notification_json(notification: Notification) -> dict:
    comment = notification.comment
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "text": f"{comment.author.username} {notification.get_kind_display()}",
        "comment": comment.pk,
        "url": comment_url(comment),
        "created_at": notification.created_at,
        "read_at": notification.read_at,
    }
