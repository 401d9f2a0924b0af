"""Disqualifying through the API, by the competition's host or an admin: the same service the admin and the
submissions page call."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from competitions.models import Team
from competitions.queries import competition_for
from config.api_input import validated
from config.api_input_limits import BoundedJSONParser, WholeMultiPartParser
from config.api_schema import errors
from config.errors import NotFound
from moderation.services import disqualify_submission, disqualify_team
from submissions.api import serialize
from submissions.queries import submission_for
from submissions.serializers import SubmissionSerializer


class TeamDisqualifiedSerializer(serializers.Serializer):
    """A disqualified Team."""

    team = serializers.CharField(source="name")
    disqualified_at = serializers.DateTimeField()
    reason = serializers.CharField(source="disqualification_reason")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=2000)


def reason_from(request) -> str:
    """The disqualification reason from a JSON object or a form; its presence is checked by the service."""
    return validated(ReasonSerializer, request)["reason"]


class SubmissionDisqualifyApi(APIView):
    """POST {"reason": "..."}: the host or an admin disqualifies one submission; the team sees the reason."""

    permission_classes = [IsAuthenticated]
    parser_classes = [BoundedJSONParser, FormParser, WholeMultiPartParser]

    @extend_schema(
        operation_id="submission_disqualify",
        summary="Disqualify one submission (the host or an admin)",
        tags=["moderation"],
        request=ReasonSerializer,
        responses={200: SubmissionSerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request, submission_id):
        submission = submission_for(request.user, submission_id)
        submission = disqualify_submission(
            submission=submission, actor=request.user, reason=reason_from(request)
        )
        return Response(serialize(request.user, submission.competition, submission))


class TeamDisqualifyApi(APIView):
    """POST {"reason": "..."}: the host or an admin disqualifies a whole team."""

    permission_classes = [IsAuthenticated]
    parser_classes = [BoundedJSONParser, FormParser, WholeMultiPartParser]

    @extend_schema(
        operation_id="team_disqualify",
        summary="Disqualify a whole team (the host or an admin)",
        tags=["moderation"],
        request=ReasonSerializer,
        responses={200: TeamDisqualifiedSerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request, slug, team_id):
        competition = competition_for(request.user, slug)
        team = Team.objects.filter(competition=competition, pk=team_id).first()
        if team is None:
            raise NotFound(f"Competition '{slug}' has no team {team_id}.")
        team = disqualify_team(team=team, actor=request.user, reason=reason_from(request))
        return Response(TeamDisqualifiedSerializer(team).data)
