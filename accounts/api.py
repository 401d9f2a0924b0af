from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import email_confirmation
from accounts.models import ApiToken
from accounts.services import create_api_token, podium_json, revoke_api_token
from config.api_input import validated
from config.api_input_limits import BoundedJSONParser
from config.api_schema import error, errors
from config.errors import NotAllowed, NotFound


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    email = serializers.EmailField(allow_null=True, help_text="Null when the account has none.")
    is_staff = serializers.BooleanField()
    email_confirmed = serializers.BooleanField(
        source="has_confirmed_email",
        help_text="Whether the address was confirmed by the link mailed to it; allow-lists admit a confirmed "
        "address only.",
    )

    def to_representation(self, user):
        data = super().to_representation(user)
        data["email"] = data["email"] or None  # "" is not an e-mail address, as the schema's format says
        return data


class MeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="me_retrieve",
        summary="Who the token belongs to",
        tags=["account"],
        responses={200: MeSerializer, **errors(401)},
    )
    def get(self, request):
        return Response(MeSerializer(request.user).data)


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at"]


class ApiTokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)


class PodiumJsonSerializer(serializers.Serializer):
    """The ~/.podium/podium.json the `podium` command reads."""

    url = serializers.URLField()
    username = serializers.CharField()
    token = serializers.CharField()


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    token = serializers.CharField(help_text="The token itself: shown this once, never again.")
    podium_json = PodiumJsonSerializer()

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token", "podium_json"]


class ApiTokensApi(APIView):
    """GET the user's tokens (never their values); POST {"name"} to create one, from a logged-in browser
    session only: a token cannot mint more tokens, so a leaked one can be revoked for good."""

    permission_classes = [IsAuthenticated]
    parser_classes = [BoundedJSONParser, FormParser]

    @extend_schema(
        operation_id="tokens_list",
        summary="Your API tokens (never their values)",
        description="Each token's name, the prefix that identifies it and when it was last used.",
        tags=["account"],
        responses={200: ApiTokenSerializer(many=True), **errors(401)},
    )
    def get(self, request):
        return Response(ApiTokenSerializer(request.user.api_tokens.all(), many=True).data)

    @extend_schema(
        operation_id="tokens_create",
        summary="Create an API token (from a logged-in browser session only)",
        description="A token cannot mint more tokens, so a leaked one can be revoked for good. The answer "
        "holds the token, shown this once, and a ready-made ~/.podium/podium.json for the `podium` command.",
        tags=["account"],
        auth=[{"cookieAuth": []}],
        request=ApiTokenCreateSerializer,
        responses={
            201: ApiTokenCreatedSerializer,
            **errors(400, 401),
            403: error("Sent with a token: tokens are created from a logged-in session only."),
        },
    )
    def post(self, request):
        if isinstance(request.auth, ApiToken):
            raise NotAllowed("Create tokens from your profile page or a logged-in session, not with a token.")
        name = validated(ApiTokenCreateSerializer, request)["name"]
        token, raw = create_api_token(user=request.user, name=name)
        token.token = raw  # shown this once: the row keeps only its hash
        token.podium_json = podium_json(request.build_absolute_uri("/"), request.user, raw)
        return Response(ApiTokenCreatedSerializer(token).data, status=status.HTTP_201_CREATED)


class ApiTokenApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="tokens_destroy",
        summary="Revoke one of your API tokens",
        tags=["account"],
        responses={204: None, **errors(401, 404)},
    )
    def delete(self, request, token_id):
        if not revoke_api_token(user=request.user, token_id=token_id):
            raise NotFound(f"You have no token {token_id}.")
        return Response(status=status.HTTP_204_NO_CONTENT)


class EmailConfirmationSentSerializer(serializers.Serializer):
    email = serializers.EmailField(help_text="The address the new link was mailed to.")
    link_valid_days = serializers.IntegerField(help_text="How many days the link works.")


class EmailConfirmationApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [BoundedJSONParser, FormParser]

    @extend_schema(
        operation_id="me_email_confirmation_send",
        summary="Mail a new confirmation link to your address",
        description="A few an hour at most (PODIUM_EMAIL_CONFIRMATION_RATE, counted with the profile page's "
        "button): past it the answer is 429 with Retry-After. Older links keep working until one is used or "
        "they expire.",
        tags=["account"],
        request=None,
        responses={
            202: EmailConfirmationSentSerializer,
            400: error(
                "The account has no address (no_email), or it is already confirmed (email_already_confirmed)."
            ),
            **errors(401, 429),
        },
    )
    def post(self, request):
        email_confirmation.require_mail_allowance(request)
        address = email_confirmation.send_confirmation(user=request.user)
        answer = {"email": address, "link_valid_days": settings.PODIUM_EMAIL_CONFIRMATION_DAYS}
        return Response(EmailConfirmationSentSerializer(answer).data, status=status.HTTP_202_ACCEPTED)


class EmailConfirmInputSerializer(serializers.Serializer):
    token = serializers.CharField(
        max_length=1000, help_text="The part of the mailed link after /confirm-email/."
    )


class EmailConfirmedSerializer(serializers.Serializer):
    username = serializers.CharField()
    email = serializers.EmailField()
    email_confirmed_at = serializers.DateTimeField()


class EmailConfirmApi(APIView):
    """The token is the proof: no login is needed, as for the mailed link's page."""

    permission_classes = [AllowAny]
    parser_classes = [BoundedJSONParser, FormParser]

    @extend_schema(
        operation_id="me_email_confirm",
        summary="Confirm an address with the token from the mailed link",
        description="Works once, within PODIUM_EMAIL_CONFIRMATION_DAYS. Refusals (400) say why: "
        "confirmation_link_damaged, confirmation_link_expired, confirmation_link_used, "
        "confirmation_link_for_another_address, confirmation_link_for_another_account (sent with another "
        "account's credentials).",
        tags=["account"],
        request=EmailConfirmInputSerializer,
        responses={200: EmailConfirmedSerializer, **errors(400, 429)},
    )
    def post(self, request):
        token = validated(EmailConfirmInputSerializer, request)["token"]
        user = email_confirmation.confirm_email(token=token, viewer=request.user)
        return Response(EmailConfirmedSerializer(user).data)
