"""The team API: the viewer's team, and one endpoint per team action (each calls one service)."""

from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from competitions import teams
from competitions.models import TeamInvitation, TeamMergeRequest
from competitions.queries import competition_for


class TeamNameSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)


class UsernameSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)


class TargetTeamSerializer(serializers.Serializer):
    team = serializers.CharField(max_length=100, help_text="The name of the team to merge into.")


def validated(serializer_class, request) -> dict:
    form = serializer_class(data=request.data)
    form.is_valid(raise_exception=True)
    return form.validated_data


def invitation_json(invitation: TeamInvitation) -> dict:
    return {
        "id": invitation.pk,
        "team": invitation.team.name,
        "invitee": invitation.invitee.username,
        "status": invitation.status,
        "created_at": invitation.created_at,
        "answered_at": invitation.answered_at,
    }


def merge_request_json(merge_request: TeamMergeRequest) -> dict:
    return {
        "id": merge_request.pk,
        "requester": merge_request.requester.name,
        "target": merge_request.target.name,
        "status": merge_request.status,
        "created_at": merge_request.created_at,
        "answered_at": merge_request.answered_at,
    }


def team_json(user, competition) -> dict:
    state = teams.team_state(user, competition)
    if state is None:
        teams.require_member(user, competition, "have a team")
    return {
        "id": state.team.pk,
        "name": state.team.name,
        "is_leader": state.is_leader,
        "is_disqualified": state.team.disqualified_at is not None,
        "submissions": state.submission_count,
        "max_team_size": competition.max_team_size,
        "merger_deadline": competition.merger_deadline,
        "members": [
            {
                "username": m.user.username,
                "is_leader": m.is_leader,
                "joined_at": m.joined_at,
                "has_submitted": m.user_id in state.submitter_ids,
            }
            for m in state.memberships
        ],
        "invitations_sent": [invitation_json(i) for i in state.invitations_sent],
        "invitations_received": [invitation_json(i) for i in state.invitations_received],
        "merge_requests_sent": [merge_request_json(r) for r in state.merge_requests_sent],
        "merge_requests_received": [merge_request_json(r) for r in state.merge_requests_received],
    }


class TeamActionApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, FormParser]


class TeamApi(TeamActionApi):
    def get(self, request, slug):
        competition = competition_for(request.user, slug)
        return Response(team_json(request.user, competition))

    def patch(self, request, slug):
        competition = competition_for(request.user, slug)
        name = validated(TeamNameSerializer, request)["name"]
        teams.rename_team(competition=competition, user=request.user, name=name)
        return Response(team_json(request.user, competition))


class TeamInvitationsApi(TeamActionApi):
    def post(self, request, slug):
        competition = competition_for(request.user, slug)
        username = validated(UsernameSerializer, request)["username"]
        invitation = teams.invite_member(competition=competition, user=request.user, username=username)
        return Response(invitation_json(invitation), status=status.HTTP_201_CREATED)


class InvitationAnswerApi(TeamActionApi):
    """accept, decline (the invitee) or withdraw (the inviting leader) one invitation."""

    verb = ""

    def post(self, request, slug, invitation_id):
        competition = competition_for(request.user, slug)
        invitation = teams.invitation_for(competition, invitation_id)
        if self.verb == "accept":
            teams.accept_invitation(invitation=invitation, user=request.user)
            return Response(team_json(request.user, competition))
        answer = teams.decline_invitation if self.verb == "decline" else teams.withdraw_invitation
        return Response(invitation_json(answer(invitation=invitation, user=request.user)))


class TeamLeaveApi(TeamActionApi):
    def post(self, request, slug):
        competition = competition_for(request.user, slug)
        teams.leave_team(competition=competition, user=request.user)
        return Response(team_json(request.user, competition))


class TeamMemberRemoveApi(TeamActionApi):
    def post(self, request, slug, username):
        competition = competition_for(request.user, slug)
        teams.remove_member(competition=competition, user=request.user, username=username)
        return Response(team_json(request.user, competition))


class TeamDisbandApi(TeamActionApi):
    def post(self, request, slug):
        competition = competition_for(request.user, slug)
        teams.disband_team(competition=competition, user=request.user)
        return Response(team_json(request.user, competition))


class MergeRequestsApi(TeamActionApi):
    def post(self, request, slug):
        competition = competition_for(request.user, slug)
        target_name = validated(TargetTeamSerializer, request)["team"]
        merge_request = teams.request_merge(
            competition=competition, user=request.user, target_name=target_name
        )
        return Response(merge_request_json(merge_request), status=status.HTTP_201_CREATED)


class MergeRequestAnswerApi(TeamActionApi):
    """accept or decline (the target's leader) or withdraw (the requester's leader) one merge request."""

    verb = ""

    def post(self, request, slug, request_id):
        competition = competition_for(request.user, slug)
        merge_request = teams.merge_request_for(competition, request_id)
        if self.verb == "accept":
            teams.accept_merge(merge_request=merge_request, user=request.user)
            return Response(team_json(request.user, competition))
        answer = teams.decline_merge if self.verb == "decline" else teams.withdraw_merge
        return Response(merge_request_json(answer(merge_request=merge_request, user=request.user)))
