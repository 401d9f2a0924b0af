"""The co-hosts API: the organisers list (any organiser reads it), and the host adds, re-roles and removes
co-hosts and reviewers (competitions.co_hosts)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from competitions import co_hosts
from competitions.models import CompetitionHost
from competitions.queries import competition_for, require_reviewer
from config.api_input import validated
from config.api_input_limits import BoundedJSONParser
from config.api_schema import errors

ROLE_HELP = (
    "co_host: every host action but managing co-hosts (the competition is deleted only by staff); reviewer: "
    "reads every submission, both boards with private scores and the dashboard, changes nothing."
)


class CoHostSerializer(serializers.Serializer):
    username = serializers.CharField(source="user.username")
    role = serializers.ChoiceField(choices=CompetitionHost.Role.choices, help_text=ROLE_HELP)
    added_at = serializers.DateTimeField()


class CoHostAddSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    role = serializers.CharField(max_length=20, default="co_host", help_text=ROLE_HELP)


class CoHostRoleSerializer(serializers.Serializer):
    role = serializers.CharField(max_length=20, help_text=ROLE_HELP)


ACTION_ERRORS = errors(400, 401, 403, 404)


class CoHostBase(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [BoundedJSONParser, FormParser]


class CoHostsApi(CoHostBase):
    @extend_schema(
        operation_id="competition_co_hosts_list",
        summary="The competition's co-hosts and reviewers (its organisers)",
        description="The host is the competition's `host`, not listed here.",
        tags=["competitions"],
        responses={200: CoHostSerializer(many=True), **errors(401, 403, 404)},
    )
    def get(self, request, slug):
        competition = competition_for(request.user, slug)
        require_reviewer(request.user, competition, "see its co-hosts")
        return Response(CoHostSerializer(co_hosts.co_hosts_of(competition), many=True).data)

    @extend_schema(
        operation_id="competition_co_host_add",
        summary="Add a co-host or reviewer (the host)",
        description="Refused for an unknown user, the host, someone already added, and a participant.",
        tags=["competitions"],
        request=CoHostAddSerializer,
        responses={201: CoHostSerializer, **ACTION_ERRORS},
    )
    def post(self, request, slug):
        competition = competition_for(request.user, slug)
        data = validated(CoHostAddSerializer, request)
        added = co_hosts.add_co_host(
            competition=competition, actor=request.user, username=data["username"], role=data["role"]
        )
        return Response(CoHostSerializer(added).data, status=status.HTTP_201_CREATED)


class CoHostApi(CoHostBase):
    @extend_schema(
        operation_id="competition_co_host_role",
        summary="Change a co-host's role (the host)",
        tags=["competitions"],
        request=CoHostRoleSerializer,
        responses={200: CoHostSerializer, **ACTION_ERRORS},
    )
    def patch(self, request, slug, username):
        competition = competition_for(request.user, slug)
        role = validated(CoHostRoleSerializer, request)["role"]
        changed = co_hosts.change_co_host_role(
            competition=competition, actor=request.user, username=username, role=role
        )
        return Response(CoHostSerializer(changed).data)

    @extend_schema(
        operation_id="competition_co_host_remove",
        summary="Remove a co-host or reviewer (the host)",
        tags=["competitions"],
        request=None,
        responses={204: None, **ACTION_ERRORS},
    )
    def delete(self, request, slug, username):
        competition = competition_for(request.user, slug)
        co_hosts.remove_co_host(competition=competition, actor=request.user, username=username)
        return Response(status=status.HTTP_204_NO_CONTENT)
