"""The shapes of the leaderboard API's answers."""

from rest_framework import serializers

from competitions.serializers import PrizeSerializer
from leaderboards.medals import MEDALS
from leaderboards.models import LeaderboardEntry

PRIVATE_ONLY = ("public_rank", "shake_up", "medal", "prize")


class LeaderboardRowSerializer(serializers.Serializer):
    """One team's standing (a LeaderboardRow); the private board adds public_rank, shake_up and medal."""

    rank = serializers.IntegerField()
    team = serializers.CharField(source="team_name")
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
    prize = PrizeSerializer(
        required=False,
        allow_null=True,
        help_text="Private board only: the prize this team won (teams not eligible for prizes are skipped, "
        "and the prize goes to the next eligible team).",
    )
    not_eligible_for_prizes = serializers.BooleanField(
        help_text="The host marked this team not eligible for prizes; shown to the host and to the team "
        "itself only (false for everyone else)."
    )
    columns = serializers.DictField(
        child=serializers.FloatField(),
        help_text="The secondary score columns the viewer may see, by label (the competition's "
        "`score_columns`); empty when the competition has none.",
    )

    def to_representation(self, row):
        data = super().to_representation(row)
        labels = self.context.get("columns", ())
        data["columns"] = {label: row.columns[label] for label in labels if label in row.columns}
        if self.context.get("split") != LeaderboardEntry.Split.PRIVATE:
            for name in PRIVATE_ONLY:
                del data[name]
        return data


class LeaderboardSerializer(serializers.Serializer):
    """A page of a board; give the split and the labels of the viewer's columns in the context too
    (`{"split": ..., "columns": [...]}`), for the rows."""

    phase = serializers.IntegerField(help_text="The number of the phase whose board this is.")
    track = serializers.CharField(help_text="The slug of the track whose board this is.")
    split = serializers.ChoiceField(choices=LeaderboardEntry.Split.choices)
    final = serializers.BooleanField(help_text="The competition has ended: this board no longer changes.")
    pending_submissions = serializers.IntegerField(
        help_text="On-time submissions still scoring, which hold back the private board after the end."
    )
    count = serializers.IntegerField(help_text="Teams on the board.")
    offset = serializers.IntegerField()
    limit = serializers.IntegerField()
    sort = serializers.CharField(help_text="The column the rows are ordered by; empty for rank order.")
    results = LeaderboardRowSerializer(many=True)
