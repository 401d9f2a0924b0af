from rest_framework import status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from competitions.queries import (
    can_see_private_scores,
    competition_for,
    is_host,
    require_participant,
    team_for,
)
from submissions.queries import submission_for, visible_submissions
from submissions.quota import team_quota
from submissions.serializers import SelectionSerializer, SubmissionCreateSerializer, SubmissionSerializer
from submissions.services import cancel_submission, check_declared_size, create_submission, select_final


def serialize(user, competition, submissions, many=False):
    context = {
        "show_private": can_see_private_scores(user, competition),
        "show_host_detail": is_host(user, competition),
    }
    return SubmissionSerializer(submissions, many=many, context=context).data


class CompetitionSubmissionsApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    def get(self, request, slug):
        """Newest first, paginated with ?limit= and ?offset= (the host sees every team's)."""
        competition = competition_for(request.user, slug)
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(visible_submissions(request.user, competition), request, view=self)
        response = paginator.get_paginated_response(serialize(request.user, competition, page, many=True))
        team = team_for(request.user, competition)
        response.data["quota"] = team_quota(team).as_dict() if team else None
        return response

    def post(self, request, slug):
        competition = competition_for(request.user, slug)
        check_declared_size(request.META.get("CONTENT_LENGTH"))
        form = SubmissionCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        upload = form.validated_data["file"]
        submission, quota = create_submission(
            competition=competition,
            user=request.user,
            file_name=upload.name,
            stream=upload,
            description=form.validated_data["description"],
        )
        body = {
            "id": submission.pk,
            "status": submission.status,
            "remaining_today": quota.remaining,
            "resets_at": quota.resets_at,
            "is_late": submission.is_late,
            "quota": quota.as_dict(),
            "submission": serialize(request.user, competition, submission),
        }
        return Response(body, status=status.HTTP_202_ACCEPTED)


class SubmissionDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request, submission_id):
        submission = submission_for(request.user, submission_id)
        return Response(serialize(request.user, submission.competition, submission))


class SubmissionSelectApi(APIView):
    """POST {"selected": true|false}: mark a submission as one of the team's finals, or unmark it."""

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def post(self, request, submission_id):
        submission = submission_for(request.user, submission_id)
        form = SelectionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        select_final(submission=submission, user=request.user, selected=form.validated_data["selected"])
        return Response(serialize(request.user, submission.competition, submission))


class SubmissionCancelApi(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request, submission_id):
        submission = cancel_submission(
            submission=submission_for(request.user, submission_id), user=request.user
        )
        return Response(serialize(request.user, submission.competition, submission))


class QuotaApi(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request, slug):
        competition = competition_for(request.user, slug)
        team = require_participant(request.user, competition, "see your quota")
        return Response(team_quota(team).as_dict())
