"""The shapes of the leaderboard API's answers."""

from rest_framework import serializers

from leaderboards.medals import MEDALS
from leaderboards.models import LeaderboardEntry


class LeaderboardRowSerializer(serializers.Serializer):
    """One team's standing; the private board adds public_rank, shake_up and medal."""

    rank = serializers.IntegerField()
    team = serializers.CharField()
    score = serializers.FloatField()
    entries = serializers.IntegerField(help_text="The team's submissions on the board.")
    last_submitted_at = serializers.DateTimeField()
    public_rank = serializers.IntegerField(
        required=False, allow_null=True, help_text="Private board only: the rank on the public board."
    )
    shake_up = serializers.IntegerField(
        required=False, allow_null=True, help_text="Private board only: places gained (or lost, negative)."
    )
    medal = serializers.ChoiceField(
        choices=MEDALS, required=False, allow_null=True, help_text="Private board only."
    )


class LeaderboardSerializer(serializers.Serializer):
    split = serializers.ChoiceField(choices=LeaderboardEntry.Split.choices)
    final = serializers.BooleanField(help_text="The competition has ended: this board no longer changes.")
    pending_submissions = serializers.IntegerField(
        help_text="On-time submissions still scoring, which hold back the private board after the end."
    )
    count = serializers.IntegerField(help_text="Teams on the board.")
    offset = serializers.IntegerField()
    limit = serializers.IntegerField()
    results = LeaderboardRowSerializer(many=True)


class TeamDisqualifiedSerializer(serializers.Serializer):
    team = serializers.CharField()
    disqualified_at = serializers.DateTimeField()
    reason = serializers.CharField()
