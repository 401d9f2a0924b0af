"""The admission API: a participant accepts an invitation link's code or asks to join; the host manages the
invitation links, the allow-list and the join requests (each endpoint calls one competitions.admission
function)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from competitions import admission
from competitions.models import Admission, Competition, JoinRequest
from competitions.queries import competition_for, is_admitted, require_manager
from config.api_input import validated
from config.api_input_limits import BoundedJSONParser
from config.api_schema import errors
from config.errors import NotFound


class InvitationCodeInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40, help_text="The code at the end of the invitation link.")


class AdmissionSerializer(serializers.Serializer):
    """Whether the viewer is admitted to the competition, and how."""

    competition = serializers.CharField(help_text="The competition's slug.")
    is_admitted = serializers.BooleanField()
    via = serializers.ChoiceField(
        choices=Admission.Via.choices, allow_null=True, help_text="Empty when admitted some other way."
    )


class InvitationLinkInputSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    max_uses = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=1_000_000
    )


class InvitationLinkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    url = serializers.SerializerMethodField(help_text="The link to send: it shows the invitation to accept.")
    label = serializers.CharField()
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)
    max_uses = serializers.IntegerField(allow_null=True)
    use_count = serializers.IntegerField()
    revoked_at = serializers.DateTimeField(allow_null=True)

    def get_url(self, invitation) -> str:
        path = f"/competitions/{invitation.competition.slug}/invitation/{invitation.code}/"
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class AllowListInputSerializer(serializers.Serializer):
    entries = serializers.ListField(
        child=serializers.CharField(max_length=254),
        max_length=admission.MAX_ALLOW_LIST_ENTRIES,
        help_text="E-mail addresses (ada@example.edu) and domains starting with @ (@example.edu).",
    )


class AllowListEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    entry = serializers.CharField()
    created_at = serializers.DateTimeField()


class JoinRequestInputSerializer(serializers.Serializer):
    message = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class RefusalInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, help_text="Why: the requester reads it.")


class JoinRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    user = serializers.CharField(source="user.username")
    message = serializers.CharField()
    status = serializers.ChoiceField(choices=JoinRequest.Status.choices)
    reason = serializers.CharField(help_text="Why the host refused it.")
    created_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True)


class AdmissionApiView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [BoundedJSONParser, FormParser]


def admission_answer(user, competition: Competition) -> dict:
    found = Admission.objects.filter(competition=competition, user=user).first()
    return AdmissionSerializer(
        {
            "competition": competition.slug,
            "is_admitted": is_admitted(user, competition),
            "via": found and found.via,
        }
    ).data


class InvitationRedeemApi(AdmissionApiView):
    @extend_schema(
        operation_id="competition_invitation_accept",
        summary="Accept an invitation link: be admitted to an unlisted or private competition",
        tags=["admission"],
        request=InvitationCodeInputSerializer,
        responses={200: AdmissionSerializer, **errors(400, 401, 404)},
    )
    def post(self, request, slug):
        """An unknown code answers 404, as an unknown competition does; a revoked, expired or used-up one 400."""
        code = validated(InvitationCodeInputSerializer, request)["code"]
        admission.redeem_invitation(slug=slug, code=code, user=request.user)
        return Response(admission_answer(request.user, admission.invitation_for(slug, code).competition))


class OwnJoinRequestApi(AdmissionApiView):
    @extend_schema(
        operation_id="competition_join_request_retrieve",
        summary="Your latest request to join the competition",
        tags=["admission"],
        responses={200: JoinRequestSerializer, **errors(401, 404)},
    )
    def get(self, request, slug):
        found = admission.own_join_request(request.user, competition_for(request.user, slug))
        if found is None:
            raise NotFound("You have not asked to join this competition.", code="join_request_not_found")
        return Response(JoinRequestSerializer(found).data)

    @extend_schema(
        operation_id="competition_join_request_create",
        summary="Ask the host of an unlisted competition to admit you",
        tags=["admission"],
        request=JoinRequestInputSerializer,
        responses={201: JoinRequestSerializer, **errors(400, 401, 404)},
    )
    def post(self, request, slug):
        competition = competition_for(request.user, slug)
        message = validated(JoinRequestInputSerializer, request)["message"]
        join_request = admission.request_to_join(competition=competition, user=request.user, message=message)
        return Response(JoinRequestSerializer(join_request).data, status=status.HTTP_201_CREATED)


class InvitationLinksApi(AdmissionApiView):
    @extend_schema(
        operation_id="competition_invitation_links_list",
        summary="The competition's invitation links (the host)",
        tags=["admission"],
        responses={200: InvitationLinkSerializer(many=True), **errors(401, 403, 404)},
    )
    def get(self, request, slug):
        competition = competition_for(request.user, slug)
        require_manager(request.user, competition, "see the invitation links")
        links = competition.invitation_codes.select_related("competition")
        return Response(InvitationLinkSerializer(links, many=True, context={"request": request}).data)

    @extend_schema(
        operation_id="competition_invitation_links_create",
        summary="Make an invitation link, optionally expiring and limited in uses (the host)",
        tags=["admission"],
        request=InvitationLinkInputSerializer,
        responses={201: InvitationLinkSerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request, slug):
        competition = competition_for(request.user, slug)
        data = validated(InvitationLinkInputSerializer, request)
        link = admission.create_invitation(competition=competition, user=request.user, **data)
        return Response(
            InvitationLinkSerializer(link, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class InvitationLinkRevokeApi(AdmissionApiView):
    @extend_schema(
        operation_id="competition_invitation_link_revoke",
        summary="Revoke an invitation link: it admits nobody more (the host)",
        tags=["admission"],
        request=None,
        responses={200: InvitationLinkSerializer, **errors(401, 403, 404)},
    )
    def post(self, request, slug, invitation_id):
        competition = competition_for(request.user, slug)
        link = admission.host_invitation(request.user, competition, invitation_id)
        link = admission.revoke_invitation(invitation=link, user=request.user)
        return Response(InvitationLinkSerializer(link, context={"request": request}).data)


class AllowListApi(AdmissionApiView):
    @extend_schema(
        operation_id="competition_allow_list_list",
        summary="The competition's allow-list of addresses and domains (the host)",
        tags=["admission"],
        responses={200: AllowListEntrySerializer(many=True), **errors(401, 403, 404)},
    )
    def get(self, request, slug):
        competition = competition_for(request.user, slug)
        require_manager(request.user, competition, "see the allow-list")
        return Response(AllowListEntrySerializer(competition.allow_list.all(), many=True).data)

    @extend_schema(
        operation_id="competition_allow_list_add",
        summary="Admit addresses and domains (the host); one invalid entry refuses them all",
        tags=["admission"],
        request=AllowListInputSerializer,
        responses={200: AllowListEntrySerializer(many=True), **errors(400, 401, 403, 404)},
    )
    def post(self, request, slug):
        competition = competition_for(request.user, slug)
        entries = validated(AllowListInputSerializer, request)["entries"]
        added = admission.add_to_allow_list(competition=competition, user=request.user, entries=entries)
        return Response(AllowListEntrySerializer(added, many=True).data)


class AllowListEntryApi(AdmissionApiView):
    @extend_schema(
        operation_id="competition_allow_list_remove",
        summary="Remove an allow-list entry (the host); those who joined stay in",
        tags=["admission"],
        responses={204: None, **errors(401, 403, 404)},
    )
    def delete(self, request, slug, entry_id):
        competition = competition_for(request.user, slug)
        admission.remove_from_allow_list(competition=competition, user=request.user, entry_id=entry_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class JoinRequestsApi(AdmissionApiView):
    @extend_schema(
        operation_id="competition_join_requests_list",
        summary="Requests to join the competition, pending first (the host)",
        tags=["admission"],
        responses={200: JoinRequestSerializer(many=True), **errors(401, 403, 404)},
    )
    def get(self, request, slug):
        competition = competition_for(request.user, slug)
        require_manager(request.user, competition, "see the join requests")
        overview = admission.admission_overview(competition)
        found = [*overview["pending_requests"], *overview["answered_requests"]]
        return Response(JoinRequestSerializer(found, many=True).data)


class JoinRequestApproveApi(AdmissionApiView):
    @extend_schema(
        operation_id="competition_join_request_approve",
        summary="Approve a join request: the requester is admitted (the host)",
        tags=["admission"],
        request=None,
        responses={200: JoinRequestSerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request, slug, request_id):
        competition = competition_for(request.user, slug)
        found = admission.host_join_request(request.user, competition, request_id)
        answered = admission.answer_join_request(join_request=found, user=request.user, approve=True)
        return Response(JoinRequestSerializer(answered).data)


class JoinRequestRefuseApi(AdmissionApiView):
    @extend_schema(
        operation_id="competition_join_request_refuse",
        summary="Refuse a join request with a reason the requester reads (the host)",
        tags=["admission"],
        request=RefusalInputSerializer,
        responses={200: JoinRequestSerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request, slug, request_id):
        competition = competition_for(request.user, slug)
        found = admission.host_join_request(request.user, competition, request_id)
        reason = validated(RefusalInputSerializer, request)["reason"]
        answered = admission.answer_join_request(
            join_request=found, user=request.user, approve=False, reason=reason
        )
        return Response(JoinRequestSerializer(answered).data)
