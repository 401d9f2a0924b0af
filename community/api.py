"""The community API: a target's discussion, one comment, flags, votes and the reader's notifications."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from community import services
from community.queries import (
    comment_node,
    discussion,
    flattened,
    has_voted,
    notifications_for,
    unread_notification_count,
)
from community.serializers import (
    CommentCreateSerializer,
    CommentEditSerializer,
    CommentSerializer,
    FlagSerializer,
    MarkdownPreviewAnswerSerializer,
    MarkdownPreviewSerializer,
    NotificationFilterSerializer,
    NotificationSerializer,
    NotificationsReadAnswerSerializer,
    NotificationsReadSerializer,
    VoteSerializer,
)
from community.targets import comment_for, commentable, find_target, votable, votable_target
from config.api_input import checked, validated
from config.api_input_limits import BoundedPagination
from config.api_schema import PAGING, WholeEditSchema, errors, paginated
from config.rendering import render_markdown

KIND = OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=list(commentable()))
VOTE_KIND = OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=list(votable()))
KEY = OpenApiParameter(
    "key", str, OpenApiParameter.PATH, description="A slug, or an id for a write-up or comment."
)


class DiscussionApi(APIView):
    @extend_schema(
        operation_id="discussion_list",
        summary="The comments on a competition, dataset or write-up",
        description="Threads oldest first, each comment followed by its replies (`parent`, `depth`).",
        tags=["community"],
        parameters=[KIND, KEY, *PAGING],
        responses={200: paginated("PaginatedCommentList", CommentSerializer), **errors(400, 401, 404)},
    )
    def get(self, request, kind, key):
        nodes = flattened(discussion(request.user, find_target(request.user, kind, key)))
        paginator = BoundedPagination()
        page = paginator.paginate_queryset(nodes, request, view=self)
        return paginator.get_paginated_response(CommentSerializer(page, many=True).data)

    @extend_schema(
        operation_id="discussion_comment_create",
        summary="Comment on a competition, dataset or write-up, or reply to a comment",
        description="New accounts may post a few comments an hour (429 with Retry-After past that).",
        tags=["community"],
        parameters=[KIND, KEY],
        request=CommentCreateSerializer,
        responses={201: CommentSerializer, **errors(400, 401, 403, 404, 429)},
    )
    def post(self, request, kind, key):
        target = find_target(request.user, kind, key)
        data = validated(CommentCreateSerializer, request)
        parent = comment_for(request.user, str(data["parent"])) if data.get("parent") else None
        comment = services.post_comment(author=request.user, target=target, body=data["body"], parent=parent)
        return Response(
            CommentSerializer(comment_node(request.user, comment)).data, status=status.HTTP_201_CREATED
        )


class CommentApi(APIView):
    schema = WholeEditSchema()

    @extend_schema(
        operation_id="comment_retrieve",
        summary="One comment",
        tags=["community"],
        responses={200: CommentSerializer, **errors(401, 404)},
    )
    def get(self, request, comment_id):
        comment = comment_for(request.user, str(comment_id))
        return Response(CommentSerializer(comment_node(request.user, comment)).data)

    @extend_schema(
        operation_id="comment_update",
        summary="Edit your comment (for a while after posting)",
        tags=["community"],
        request=CommentEditSerializer,
        responses={200: CommentSerializer, **errors(400, 401, 403, 404)},
    )
    def patch(self, request, comment_id):
        comment = comment_for(request.user, str(comment_id))
        data = validated(CommentEditSerializer, request)
        comment = services.edit_comment(editor=request.user, comment=comment, body=data["body"])
        return Response(CommentSerializer(comment_node(request.user, comment)).data)

    @extend_schema(
        operation_id="comment_delete",
        summary="Delete your comment",
        description="The text goes; the comment keeps its place while replies to it are shown.",
        tags=["community"],
        request=None,
        responses={204: None, **errors(401, 403, 404)},
    )
    def delete(self, request, comment_id):
        services.delete_comment(user=request.user, comment=comment_for(request.user, str(comment_id)))
        return Response(status=status.HTTP_204_NO_CONTENT)


class CommentFlagApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="comment_flag",
        summary="Report a comment to the moderators",
        tags=["community"],
        request=FlagSerializer,
        responses={201: CommentSerializer, **errors(400, 401, 404, 409)},
    )
    def post(self, request, comment_id):
        comment = comment_for(request.user, str(comment_id))
        data = validated(FlagSerializer, request)
        services.flag_comment(user=request.user, comment=comment, reason=data["reason"], note=data["note"])
        return Response(
            CommentSerializer(comment_node(request.user, comment)).data, status=status.HTTP_201_CREATED
        )


def vote_answer(request, kind: str, key: str, target) -> dict:
    """The target's vote count as it stands now, and whether the viewer voted for it."""
    target.refresh_from_db(fields=["vote_count"])
    state = {
        "kind": kind,
        "target": key,
        "vote_count": target.vote_count,
        "voted": has_voted(request.user, target),
    }
    return VoteSerializer(state).data


class VoteApi(APIView):
    @extend_schema(
        operation_id="vote_retrieve",
        summary="The votes of a competition, dataset, write-up or comment, and whether you voted",
        tags=["community"],
        parameters=[VOTE_KIND, KEY],
        responses={200: VoteSerializer, **errors(401, 404)},
    )
    def get(self, request, kind, key):
        return Response(vote_answer(request, kind, key, votable_target(request.user, kind, key)))

    @extend_schema(
        operation_id="vote_create",
        summary="Up-vote a competition, dataset, write-up or comment (once)",
        tags=["community"],
        parameters=[VOTE_KIND, KEY],
        request=None,
        responses={201: VoteSerializer, **errors(401, 403, 404, 409)},
    )
    def post(self, request, kind, key):
        target = votable_target(request.user, kind, key)
        services.cast_vote(user=request.user, target=target)
        return Response(vote_answer(request, kind, key, target), status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="vote_delete",
        summary="Take your vote back",
        tags=["community"],
        parameters=[VOTE_KIND, KEY],
        request=None,
        responses={200: VoteSerializer, **errors(401, 404)},
    )
    def delete(self, request, kind, key):
        target = votable_target(request.user, kind, key)
        services.withdraw_vote(user=request.user, target=target)
        return Response(vote_answer(request, kind, key, target))


class NotificationsApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="notifications_list",
        summary="Your notifications, newest first",
        tags=["community"],
        parameters=[NotificationFilterSerializer, *PAGING],
        responses={200: paginated("PaginatedNotificationList", NotificationSerializer), **errors(400, 401)},
    )
    def get(self, request):
        notifications = notifications_for(request.user)
        if checked(NotificationFilterSerializer, request.query_params).validated_data["unread"]:
            notifications = notifications.filter(read_at__isnull=True)
        paginator = BoundedPagination()
        page = paginator.paginate_queryset(notifications, request, view=self)
        return paginator.get_paginated_response(NotificationSerializer(page, many=True).data)


class NotificationsReadApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="notifications_mark_read",
        summary="Mark your notifications read",
        tags=["community"],
        request=NotificationsReadSerializer,
        responses={200: NotificationsReadAnswerSerializer, **errors(400, 401)},
    )
    def post(self, request):
        data = validated(NotificationsReadSerializer, request)
        marked = services.mark_notifications_read(user=request.user, ids=data.get("ids"))
        answer = {"marked": marked, "unread": unread_notification_count(request.user)}
        return Response(NotificationsReadAnswerSerializer(answer).data)


class MarkdownPreviewApi(APIView):
    """What a Markdown text will look like on the site, for the Preview button of every Markdown field."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="markdown_preview",
        summary="Render Markdown as the site shows it (sanitised)",
        tags=["community"],
        request=MarkdownPreviewSerializer,
        responses={200: MarkdownPreviewAnswerSerializer, **errors(400, 401)},
    )
    def post(self, request):
        text = validated(MarkdownPreviewSerializer, request)["text"]
        return Response(MarkdownPreviewAnswerSerializer({"html": render_markdown(text)}).data)
