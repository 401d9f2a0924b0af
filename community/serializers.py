"""The API's shapes for comments, votes and notifications, in and out: each answer is its serializer at run
time, the same one the schema is read from."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from community.models import CommentFlag, Notification
from community.queries import CommentNode, comment_url, notification_text, notification_url
from community.services import MAX_COMMENT_LENGTH
from community.targets import commentable, kind_of, votable
from config.api_input_limits import IdField


class CommentCreateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=MAX_COMMENT_LENGTH, help_text="Markdown.")
    parent = IdField(required=False, allow_null=True, help_text="The id of the comment this one replies to.")


class CommentEditSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=MAX_COMMENT_LENGTH, help_text="Markdown.")


class FlagSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=CommentFlag.Reason.choices)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class NotificationFilterSerializer(serializers.Serializer):
    """The list's query string: ?unread=true|false."""

    unread = serializers.BooleanField(
        required=False, default=False, help_text="true: only the unread ones; false or left out: all."
    )


class NotificationsReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=IdField(),
        required=False,
        help_text="Only these; all unread ones when left out.",
    )


class NotificationsReadAnswerSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many were marked read now.")
    unread = serializers.IntegerField(help_text="How many are still unread.")


class CommentSerializer(serializers.Serializer):
    """A comment as its reader sees it (a community.queries.CommentNode); a deleted or hidden one that still
    has replies keeps its place with an empty body."""

    id = serializers.IntegerField(source="comment.pk")
    target_kind = serializers.SerializerMethodField()
    target = serializers.SerializerMethodField(help_text="The target's slug, or id for a write-up.")
    parent = serializers.IntegerField(source="comment.parent_id", allow_null=True)
    depth = serializers.IntegerField(help_text="0 for a thread's first comment, 1 for a reply to it, ...")
    author = serializers.CharField(source="comment.author.username")
    author_name = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField(help_text="Markdown, as written.")
    body_html = serializers.SerializerMethodField(
        help_text="Rendered and sanitised; links carry rel='nofollow ugc'."
    )
    created_at = serializers.DateTimeField(source="comment.created_at")
    edited_at = serializers.DateTimeField(source="comment.edited_at", allow_null=True)
    is_deleted = serializers.BooleanField(source="comment.is_deleted")
    is_hidden = serializers.BooleanField(
        source="comment.is_hidden", help_text="Hidden by the moderators (shown only to its author and staff)."
    )
    hidden_reason = serializers.SerializerMethodField(
        help_text="The moderators' reason, for the author and staff."
    )
    vote_count = serializers.IntegerField(source="comment.vote_count")
    voted = serializers.BooleanField(help_text="Whether you voted for it.")
    can_edit = serializers.BooleanField(help_text="Whether you may still edit it.")
    url = serializers.SerializerMethodField(help_text="Where the comment is on the site.")

    @extend_schema_field(serializers.ChoiceField(choices=commentable()))
    def get_target_kind(self, node: CommentNode) -> str:
        return kind_of(node.comment.target).name

    @extend_schema_field(serializers.CharField())
    def get_target(self, node: CommentNode) -> str:
        return kind_of(node.comment.target).key(node.comment.target)

    @extend_schema_field(serializers.CharField())
    def get_author_name(self, node: CommentNode) -> str:
        return node.comment.author.display_name or node.comment.author.username

    @extend_schema_field(serializers.CharField())
    def get_body(self, node: CommentNode) -> str:
        return node.comment.body if node.shows_text else ""

    @extend_schema_field(serializers.CharField())
    def get_body_html(self, node: CommentNode) -> str:
        return node.comment.body_html if node.shows_text else ""

    @extend_schema_field(serializers.CharField())
    def get_hidden_reason(self, node: CommentNode) -> str:
        return node.comment.hidden_reason if node.shows_text else ""

    @extend_schema_field(serializers.CharField())
    def get_url(self, node: CommentNode) -> str:
        return comment_url(node.comment)


class VoteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=votable())
    target = serializers.CharField()
    vote_count = serializers.IntegerField()
    voted = serializers.BooleanField()


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Notification.Kind.choices)
    text = serializers.SerializerMethodField(
        help_text="e.g. 'alice replied to your comment', or 'alice invited you to join team ...'."
    )
    comment = serializers.IntegerField(
        source="comment_id", allow_null=True, help_text="The comment; null for a team notification."
    )
    url = serializers.SerializerMethodField(help_text="The comment, or the competition's Team tab.")
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(serializers.CharField())
    def get_text(self, notification: Notification) -> str:
        return notification_text(notification)

    @extend_schema_field(serializers.CharField())
    def get_url(self, notification: Notification) -> str:
        return notification_url(notification)


MAX_PREVIEW_LENGTH = 100_000  # a write-up or a competition's rules fit; a preview is no bulk renderer


class MarkdownPreviewSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, max_length=MAX_PREVIEW_LENGTH, trim_whitespace=False)


class MarkdownPreviewAnswerSerializer(serializers.Serializer):
    html = serializers.CharField(help_text="The text as the site shows it: Markdown rendered and sanitised.")
