"""The team API: the viewer's team, and one endpoint per team action (each calls one service)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from competitions import teams
from competitions.models import TeamInvitation, TeamMergeRequest
from competitions.queries import competition_for
from config.api_input import validated
from config.api_schema import PerVerbSchema, errors


class TeamNameSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)


class UsernameSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)


class TargetTeamSerializer(serializers.Serializer):
    team = serializers.CharField(max_length=100, help_text="The name of the team to merge into.")


# The shapes of invitation_json(), merge_request_json() and team_json(), for the schema only.
class InvitationSerializer(serializers.Serializer):
    """An invitation to join a team."""

    id = serializers.IntegerField()
    team = serializers.CharField()
    invitee = serializers.CharField()
    status = serializers.ChoiceField(choices=TeamInvitation.Status.choices)
    created_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True)


class MergeRequestSerializer(serializers.Serializer):
    """One team's request to merge into another."""

    id = serializers.IntegerField()
    requester = serializers.CharField(help_text="The team asking to merge.")
    target = serializers.CharField(help_text="The team it would merge into.")
    status = serializers.ChoiceField(choices=TeamMergeRequest.Status.choices)
    created_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True)


class TeamMemberSerializer(serializers.Serializer):
    username = serializers.CharField()
    is_leader = serializers.BooleanField()
    joined_at = serializers.DateTimeField()
    has_submitted = serializers.BooleanField()


class TeamSerializer(serializers.Serializer):
    """The viewer's team, with what is pending that the viewer may answer or withdraw."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    is_leader = serializers.BooleanField(help_text="Whether the viewer leads the team.")
    is_disqualified = serializers.BooleanField()
    submissions = serializers.IntegerField()
    max_team_size = serializers.IntegerField()
    merger_deadline = serializers.DateTimeField(help_text="The last moment to invite, join or merge.")
    members = TeamMemberSerializer(many=True)
    invitations_sent = InvitationSerializer(many=True)
    invitations_received = InvitationSerializer(many=True)
    merge_requests_sent = MergeRequestSerializer(many=True)
    merge_requests_received = MergeRequestSerializer(many=True)


TEAM_ERRORS = errors(400, 401, 403, 404, 409)


def team_action(operation_id: str, summary: str, **more) -> dict:
    """The extend_schema() arguments of a team action that answers the viewer's team."""
    return {
        "operation_id": operation_id,
        "summary": summary,
        "tags": ["teams"],
        "request": None,
        "responses": {200: TeamSerializer, **TEAM_ERRORS},
        **more,
    }


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
    @extend_schema(
        operation_id="team_retrieve",
        summary="Your team in a competition",
        tags=["teams"],
        responses={200: TeamSerializer, **errors(401, 403, 404)},
    )
    def get(self, request, slug):
        competition = competition_for(request.user, slug)
        return Response(team_json(request.user, competition))

    @extend_schema(**team_action("team_rename", "Rename your team (its leader)", request=TeamNameSerializer))
    def patch(self, request, slug):
        competition = competition_for(request.user, slug)
        name = validated(TeamNameSerializer, request)["name"]
        teams.rename_team(competition=competition, user=request.user, name=name)
        return Response(team_json(request.user, competition))


class TeamInvitationsApi(TeamActionApi):
    @extend_schema(
        operation_id="team_invite",
        summary="Invite a participant to your team (its leader)",
        tags=["teams"],
        request=UsernameSerializer,
        responses={201: InvitationSerializer, **TEAM_ERRORS},
    )
    def post(self, request, slug):
        competition = competition_for(request.user, slug)
        username = validated(UsernameSerializer, request)["username"]
        invitation = teams.invite_member(competition=competition, user=request.user, username=username)
        return Response(invitation_json(invitation), status=status.HTTP_201_CREATED)


class InvitationAnswerApi(TeamActionApi):
    """accept, decline (the invitee) or withdraw (the inviting leader) one invitation."""

    verb = ""
    schema = PerVerbSchema(
        accept=team_action(
            "invitation_accept",
            "Accept an invitation and join its team (the invitee)",
            description="Answers the team you are now in. Someone whose team has submitted must merge instead.",
        ),
        decline=team_action(
            "invitation_decline",
            "Decline an invitation (the invitee)",
            description="Answers the invitation.",
            responses={200: InvitationSerializer, **TEAM_ERRORS},
        ),
        withdraw=team_action(
            "invitation_withdraw",
            "Withdraw an invitation (the inviting team's leader)",
            description="Answers the invitation.",
            responses={200: InvitationSerializer, **TEAM_ERRORS},
        ),
    )

    def post(self, request, slug, invitation_id):
        competition = competition_for(request.user, slug)
        invitation = teams.invitation_for(competition, invitation_id)
        if self.verb == "accept":
            teams.accept_invitation(invitation=invitation, user=request.user)
            return Response(team_json(request.user, competition))
        answer = teams.decline_invitation if self.verb == "decline" else teams.withdraw_invitation
        return Response(invitation_json(answer(invitation=invitation, user=request.user)))


class TeamLeaveApi(TeamActionApi):
    @extend_schema(**team_action("team_leave", "Leave your team for a team of your own"))
    def post(self, request, slug):
        competition = competition_for(request.user, slug)
        teams.leave_team(competition=competition, user=request.user)
        return Response(team_json(request.user, competition))


class TeamMemberRemoveApi(TeamActionApi):
    @extend_schema(**team_action("team_member_remove", "Remove a member from your team (its leader)"))
    def post(self, request, slug, username):
        competition = competition_for(request.user, slug)
        teams.remove_member(competition=competition, user=request.user, username=username)
        return Response(team_json(request.user, competition))


class TeamDisbandApi(TeamActionApi):
    @extend_schema(**team_action("team_disband", "Disband your team: each member gets a team of their own"))
    def post(self, request, slug):
        competition = competition_for(request.user, slug)
        teams.disband_team(competition=competition, user=request.user)
        return Response(team_json(request.user, competition))


class MergeRequestsApi(TeamActionApi):
    @extend_schema(
        operation_id="merge_request_create",
        summary="Ask to merge your team into another (its leader)",
        tags=["teams"],
        request=TargetTeamSerializer,
        responses={201: MergeRequestSerializer, **TEAM_ERRORS},
    )
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
    schema = PerVerbSchema(
        accept=team_action(
            "merge_request_accept",
            "Accept a merge into your team (the target's leader)",
            description="The requesting team's members and submissions move into yours; answers your team.",
        ),
        decline=team_action(
            "merge_request_decline",
            "Decline a merge into your team (the target's leader)",
            description="Answers the merge request.",
            responses={200: MergeRequestSerializer, **TEAM_ERRORS},
        ),
        withdraw=team_action(
            "merge_request_withdraw",
            "Withdraw your team's merge request (its leader)",
            description="Answers the merge request.",
            responses={200: MergeRequestSerializer, **TEAM_ERRORS},
        ),
    )

    def post(self, request, slug, request_id):
        competition = competition_for(request.user, slug)
        merge_request = teams.merge_request_for(competition, request_id)
        if self.verb == "accept":
            teams.accept_merge(merge_request=merge_request, user=request.user)
            return Response(team_json(request.user, competition))
        answer = teams.decline_merge if self.verb == "decline" else teams.withdraw_merge
        return Response(merge_request_json(answer(merge_request=merge_request, user=request.user)))
