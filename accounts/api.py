from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

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
