"""The shape of the rescore API's answers."""

from rest_framework import serializers

from scoring.models import Rescore


class RescoreSerializer(serializers.Serializer):
    """A rescore's progress."""

    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Rescore.Status.choices)
    done = serializers.IntegerField(help_text="Submissions scored again so far.")
    total = serializers.IntegerField(help_text="Submissions to score again.")
    phase = serializers.IntegerField(
        source="phase_track.phase.number", allow_null=True, help_text="The phase rescored alone, or null."
    )
    track = serializers.CharField(
        source="phase_track.track.slug", allow_null=True, help_text="The track rescored alone, or null."
    )
    program = serializers.CharField(
        source="program.archive_name",
        allow_null=True,
        help_text="The new scoring program it brings in (its zip's name), or null for a metric rescore.",
    )
    reruns_code = serializers.BooleanField(
        help_text="It runs the pair's code submissions again on new hidden inputs or a new ingestion program, "
        "which the pair takes at the switch."
    )
    metric = serializers.CharField()
    metric_params = serializers.DictField()
    score_columns = serializers.ListField(child=serializers.DictField(), help_text="The columns after it.")
    reason = serializers.CharField()
    error = serializers.CharField(
        help_text="Why the rescore failed or is stalling, or who cancelled it; empty while all goes well."
    )
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
