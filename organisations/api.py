"""The organisations API: list and create, one organisation with its members, and member management (its
owners)."""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import FormParser
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api_input import validated
from config.api_input_limits import BoundedJSONParser, BoundedPagination
from config.api_schema import PAGING, errors, paginated
from organisations import services
from organisations.models import Organisation, OrganisationMembership
from organisations.queries import organisation_for, organisation_members

ROLE_HELP = "owner: manages the members and co-hosts its competitions; member: reviews its competitions."


class MemberSerializer(serializers.Serializer):
    username = serializers.CharField(source="user.username")
    role = serializers.ChoiceField(choices=OrganisationMembership.Role.choices, help_text=ROLE_HELP)
    joined_at = serializers.DateTimeField()


class OrganisationSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField(help_text="Markdown.")
    created_at = serializers.DateTimeField()


class OrganisationDetailSerializer(OrganisationSerializer):
    members = serializers.SerializerMethodField()

    @extend_schema_field(MemberSerializer(many=True))
    def get_members(self, organisation) -> list[dict]:
        return MemberSerializer(organisation_members(organisation), many=True).data


class OrganisationCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    slug = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="", help_text="Empty: made from the name."
    )
    description = serializers.CharField(required=False, allow_blank=True, default="", help_text="Markdown.")


class MemberAddSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    role = serializers.CharField(max_length=20, default="member", help_text=ROLE_HELP)


class RoleSerializer(serializers.Serializer):
    role = serializers.CharField(max_length=20, help_text=ROLE_HELP)


ACTION_ERRORS = errors(400, 401, 403, 404)


class OrganisationBase(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    parser_classes = [BoundedJSONParser, FormParser]


class OrganisationListApi(OrganisationBase):
    @extend_schema(
        operation_id="organisations_list",
        summary="Every organisation, by name",
        tags=["organisations"],
        parameters=PAGING,
        responses={200: paginated("PaginatedOrganisationList", OrganisationSerializer), **errors(400)},
    )
    def get(self, request):
        """Paginated with ?limit= and ?offset=, like every list of the API."""
        paginator = BoundedPagination()
        page = paginator.paginate_queryset(Organisation.objects.order_by("name", "pk"), request, view=self)
        return paginator.get_paginated_response(OrganisationSerializer(page, many=True).data)

    @extend_schema(
        operation_id="organisations_create",
        summary="Create an organisation; you are its first owner",
        tags=["organisations"],
        request=OrganisationCreateSerializer,
        responses={201: OrganisationDetailSerializer, **errors(400, 401)},
    )
    def post(self, request):
        data = validated(OrganisationCreateSerializer, request)
        organisation = services.create_organisation(user=request.user, **data)
        return Response(OrganisationDetailSerializer(organisation).data, status=status.HTTP_201_CREATED)


class OrganisationDetailApi(OrganisationBase):
    @extend_schema(
        operation_id="organisation_retrieve",
        summary="One organisation and its members",
        tags=["organisations"],
        responses={200: OrganisationDetailSerializer, **errors(404)},
    )
    def get(self, request, slug):
        return Response(OrganisationDetailSerializer(organisation_for(slug)).data)


class OrganisationMembersApi(OrganisationBase):
    @extend_schema(
        operation_id="organisation_member_add",
        summary="Add a member (an owner of the organisation)",
        tags=["organisations"],
        request=MemberAddSerializer,
        responses={201: MemberSerializer, **ACTION_ERRORS},
    )
    def post(self, request, slug):
        data = validated(MemberAddSerializer, request)
        membership = services.add_member(
            organisation=organisation_for(slug),
            actor=request.user,
            username=data["username"],
            role=data["role"],
        )
        return Response(MemberSerializer(membership).data, status=status.HTTP_201_CREATED)


class OrganisationMemberApi(OrganisationBase):
    @extend_schema(
        operation_id="organisation_member_role",
        summary="Change a member's role (an owner); the last owner stays an owner",
        tags=["organisations"],
        request=RoleSerializer,
        responses={200: MemberSerializer, **ACTION_ERRORS},
    )
    def patch(self, request, slug, username):
        role = validated(RoleSerializer, request)["role"]
        membership = services.change_role(
            organisation=organisation_for(slug), actor=request.user, username=username, role=role
        )
        return Response(MemberSerializer(membership).data)

    @extend_schema(
        operation_id="organisation_member_remove",
        summary="Remove a member (an owner of the organisation); the last owner cannot be removed",
        tags=["organisations"],
        request=None,
        responses={204: None, **ACTION_ERRORS},
    )
    def delete(self, request, slug, username):
        services.remove_member(organisation=organisation_for(slug), actor=request.user, username=username)
        return Response(status=status.HTTP_204_NO_CONTENT)
