"""The team API: the viewer's team, and one endpoint per team action (each calls one service)."""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import FormParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from competitions import teams
from competitions.models import TeamInvitation, TeamMergeRequest
from competitions.queries import competition_for
from config.api_input import validated
from config.api_input_limits import BoundedJSONParser
from config.api_schema import PerVerbSchema, errors


class TeamNameSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)


class UsernameSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)


class TargetTeamSerializer(serializers.Serializer):
    team = serializers.CharField(max_length=100, help_text="The name of the team to merge into.")


class InvitationSerializer(serializers.Serializer):
    """An invitation to join a team."""

    id = serializers.IntegerField()
    team = serializers.CharField(source="team.name")
    invitee = serializers.CharField(source="invitee.username")
    status = serializers.ChoiceField(choices=TeamInvitation.Status.choices)
    created_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True)


class MergeRequestSerializer(serializers.Serializer):
    """One team's request to merge into another."""

    id = serializers.IntegerField()
    requester = serializers.CharField(source="requester.name", help_text="The team asking to merge.")
    target = serializers.CharField(source="target.name", help_text="The team it would merge into.")
    status = serializers.ChoiceField(choices=TeamMergeRequest.Status.choices)
    created_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True)


class TeamMemberSerializer(serializers.Serializer):
    """A membership; the context holds the ids of the members who have submitted (`submitter_ids`)."""

    username = serializers.CharField(source="user.username")
    is_leader = serializers.BooleanField()
    joined_at = serializers.DateTimeField()
    has_submitted = serializers.SerializerMethodField()

    @extend_schema_field(serializers.BooleanField())
    def get_has_submitted(self, membership) -> bool:
        return membership.user_id in self.context["submitter_ids"]


class TeamSerializer(serializers.Serializer):
    """The viewer's team (a competitions.teams.TeamState), with what is pending that the viewer may answer
    or withdraw."""

    id = serializers.IntegerField(source="team.pk")
    name = serializers.CharField(source="team.name")
    is_leader = serializers.BooleanField(help_text="Whether the viewer leads the team.")
    is_disqualified = serializers.BooleanField(source="team.is_disqualified")
    is_prize_eligible = serializers.BooleanField(
        source="team.is_prize_eligible", help_text="false: the host marked the team not eligible for prizes."
    )
    prize_ineligibility_reason = serializers.CharField(
        source="team.prize_ineligibility_reason", help_text="Why, when not eligible for prizes."
    )
    submissions = serializers.IntegerField(source="submission_count")
    max_team_size = serializers.IntegerField(source="competition.max_team_size")
    merger_deadline = serializers.DateTimeField(
        source="competition.merger_deadline", help_text="The last moment to invite, join or merge."
    )
    members = TeamMemberSerializer(source="memberships", many=True)
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


def team_answer(user, competition) -> dict:
    """The viewer's team as every team action answers it."""
    state = teams.team_state(user, competition)
    if state is None:
        teams.require_member(user, competition, "have a team")
    return TeamSerializer(state, context={"submitter_ids": state.submitter_ids}).data


class TeamActionApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [BoundedJSONParser, FormParser]


class TeamApi(TeamActionApi):
    @extend_schema(
        operation_id="team_retrieve",
        summary="Your team in a competition",
        tags=["teams"],
        responses={200: TeamSerializer, **errors(401, 403, 404)},
    )
    def get(self, request, slug):
        competition = competition_for(request.user, slug)
        return Response(team_answer(request.user, competition))

    @extend_schema(**team_action("team_rename", "Rename your team (its leader)", request=TeamNameSerializer))
    def patch(self, request, slug):
        competition = competition_for(request.user, slug)
        name = validated(TeamNameSerializer, request)["name"]
        teams.rename_team(competition=competition, user=request.user, name=name)
        return Response(team_answer(request.user, competition))


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
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


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
            return Response(team_answer(request.user, competition))
        answer = teams.decline_invitation if self.verb == "decline" else teams.withdraw_invitation
        return Response(InvitationSerializer(answer(invitation=invitation, user=request.user)).data)


class TeamLeaveApi(TeamActionApi):
    @extend_schema(**team_action("team_leave", "Leave your team for a team of your own"))
    def post(self, request, slug):
        competition = competition_for(request.user, slug)
        teams.leave_team(competition=competition, user=request.user)
        return Response(team_answer(request.user, competition))


class TeamMemberRemoveApi(TeamActionApi):
    @extend_schema(**team_action("team_member_remove", "Remove a member from your team (its leader)"))
    def post(self, request, slug, username):
        competition = competition_for(request.user, slug)
        teams.remove_member(competition=competition, user=request.user, username=username)
        return Response(team_answer(request.user, competition))


class TeamDisbandApi(TeamActionApi):
    @extend_schema(**team_action("team_disband", "Disband your team: each member gets a team of their own"))
    def post(self, request, slug):
        competition = competition_for(request.user, slug)
        teams.disband_team(competition=competition, user=request.user)
        return Response(team_answer(request.user, competition))


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
        return Response(MergeRequestSerializer(merge_request).data, status=status.HTTP_201_CREATED)


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
            return Response(team_answer(request.user, competition))
        answer = teams.decline_merge if self.verb == "decline" else teams.withdraw_merge
        return Response(MergeRequestSerializer(answer(merge_request=merge_request, user=request.user)).data)
