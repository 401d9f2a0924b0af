"""The prizes through the API: each prize with its winner once the final board is built; the host replaces
the prizes and marks teams not eligible for them (competitions.prizes holds the rules)."""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.parsers import FormParser
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.views import APIView

from competitions.models import Competition, Team
from competitions.prizes import REASON_LENGTH, set_prize_eligibility, set_prizes
from competitions.queries import competition_for
from competitions.serializers import (
    PrizeSerializer,
    PrizesUpdateSerializer,
    PrizeTotalSerializer,
    prize_totals,
)
from config.api_input import checked, validated
from config.api_input_limits import BoundedJSONParser
from config.api_schema import errors
from config.errors import NotFound
from leaderboards.prizes import Award, prize_awards


class AwardSerializer(serializers.Serializer):
    """A prize (leaderboards.prizes.Award) and who won it: `status` is to_be_decided until the final board is
    built, then awarded (with `team` and `rank`) or not_awarded (no eligible team reached the place)."""

    place = serializers.IntegerField(source="prize.place")
    amount = serializers.SerializerMethodField(
        help_text="A decimal string with the currency's own decimals; null for a non-monetary prize."
    )
    currency = serializers.CharField(source="prize.currency")
    description = serializers.CharField(source="prize.description")
    text = serializers.CharField(help_text='"25,000 USD", or the description.')
    status = serializers.SerializerMethodField()
    team = serializers.CharField(
        source="team_name", allow_null=True, help_text="The winning team, once awarded."
    )
    rank = serializers.IntegerField(allow_null=True, help_text="The winner's rank on the private board.")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_amount(self, award: Award) -> str | None:
        return PrizeSerializer(award.prize).data["amount"]

    @extend_schema_field(serializers.ChoiceField(choices=["to_be_decided", "awarded", "not_awarded"]))
    def get_status(self, award: Award) -> str:
        if award.team_id:
            return "awarded"
        return "not_awarded" if self.context["final"] else "to_be_decided"

    def to_representation(self, award):
        data = super().to_representation(award)
        data["team"] = data["team"] or None
        return data


class PrizesSerializer(serializers.Serializer):
    """Give `final` in the context too."""

    prizes = AwardSerializer(many=True, help_text="By place.")
    totals = PrizeTotalSerializer(many=True, help_text="Money prizes summed per currency, largest first.")
    final = serializers.BooleanField(help_text="The private board is built: the winners are decided.")
    phase = serializers.IntegerField(
        help_text="The phase whose final board decides the prizes (the deciding one)."
    )
    track = serializers.CharField(
        help_text="The track whose final board decides the prizes (the default one)."
    )


def prizes_answer(competition: Competition) -> dict:
    awards = prize_awards(competition)
    answer = {
        "prizes": awards.awards,
        "totals": prize_totals(competition),
        "final": awards.is_final,
        "phase": awards.board.phase.number,
        "track": awards.board.track.slug,
    }
    return PrizesSerializer(answer, context={"final": awards.is_final}).data


class PrizesApi(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    parser_classes = [BoundedJSONParser]

    @extend_schema(
        operation_id="competition_prizes",
        summary="A competition's prizes, with their winners once the final board is built",
        tags=["competitions"],
        responses={200: PrizesSerializer, **errors(401, 404)},
    )
    def get(self, request, slug):
        return Response(prizes_answer(competition_for(request.user, slug)))

    @extend_schema(
        operation_id="competition_prizes_update",
        summary="Replace the prizes (the host, before the end)",
        description="Places 1 to N with no gap, at most 100 prizes; each an `amount` with its ISO 4217 "
        "`currency`, or only a `description`. A refusal names the prize and the field: "
        '`details.field` is e.g. "prizes[2].currency".',
        tags=["competitions"],
        request=PrizesUpdateSerializer,
        responses={200: PrizesSerializer, **errors(400, 401, 403, 404)},
    )
    def put(self, request, slug):
        competition = competition_for(request.user, slug)
        form = checked(PrizesUpdateSerializer, request.data)
        set_prizes(competition=competition, user=request.user, prizes=form.drafts())
        return Response(prizes_answer(competition))


class EligibilitySerializer(serializers.Serializer):
    eligible = serializers.BooleanField(help_text="false: the team still ranks but wins no prize.")
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=REASON_LENGTH,
        help_text="Required when not eligible; shown to the team.",
    )


class TeamEligibilitySerializer(serializers.Serializer):
    team = serializers.CharField(source="name")
    eligible = serializers.BooleanField(source="is_prize_eligible")
    reason = serializers.CharField(source="prize_ineligibility_reason")
    not_eligible_since = serializers.DateTimeField(source="prize_ineligible_at", allow_null=True)


class TeamPrizeEligibilityApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [BoundedJSONParser, FormParser]

    @extend_schema(
        operation_id="team_prize_eligibility",
        summary="Mark a team not eligible for prizes, or eligible again (the host)",
        tags=["competitions"],
        request=EligibilitySerializer,
        responses={200: TeamEligibilitySerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request, slug, team_id):
        competition = competition_for(request.user, slug)
        data = validated(EligibilitySerializer, request)
        team = Team.objects.filter(competition=competition, pk=team_id).first()
        if team is None:
            raise NotFound(f"Competition '{slug}' has no team {team_id}.")
        team = set_prize_eligibility(
            team=team, user=request.user, eligible=data["eligible"], reason=data["reason"]
        )
        return Response(TeamEligibilitySerializer(team).data)
