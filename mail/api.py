from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api_input import validated
from config.api_schema import errors
from mail import services
from mail.kinds import KINDS


class OnOffField(serializers.BooleanField):
    """true or false, and nothing DRF would also read as one (1, "0", "yes", "on"): the schema says boolean,
    and a preference is too easily turned off by a stray "0"."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        if isinstance(data, str) and data.lower() in ("true", "false"):
            return data.lower() == "true"
        self.fail("invalid", input=data)


class MailPreferencesSerializer(serializers.Serializer):
    """Each kind of mail, on (true) or off (false)."""

    def get_fields(self):
        return {name: OnOffField(required=False, help_text=f"{kind.label}.") for name, kind in KINDS.items()}

    def validate(self, attrs):
        unknown = sorted(set(self.initial_data) - set(KINDS)) if isinstance(self.initial_data, dict) else []
        if unknown:
            raise serializers.ValidationError(
                {name: [f"Not a kind of mail; the kinds are: {', '.join(KINDS)}."] for name in unknown}
            )
        return attrs


class MailPreferencesApi(APIView):
    """The kinds of mail Podium sends you, each on or off; PUT changes the kinds it names."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="mail_preferences_retrieve",
        summary="Which kinds of mail you get",
        tags=["account"],
        responses={200: MailPreferencesSerializer, **errors(401)},
    )
    def get(self, request):
        return Response(MailPreferencesSerializer(services.mail_preferences(request.user)).data)

    @extend_schema(
        operation_id="mail_preferences_update",
        summary="Turn kinds of mail on or off",
        description="Name the kinds to change, each with true (send) or false (do not send); kinds left "
        "out keep their setting. An unknown kind is refused. Answers with every kind's setting.",
        tags=["account"],
        request=MailPreferencesSerializer,
        responses={200: MailPreferencesSerializer, **errors(400, 401)},
    )
    def put(self, request):
        choices = validated(MailPreferencesSerializer, request)
        preferences = services.set_mail_preferences(user=request.user, choices=dict(choices))
        return Response(MailPreferencesSerializer(preferences).data)
