from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "scoring"

    def ready(self):
        from competitions.signals import teams_merged
        from scoring.leaderboard import recompute_merged_team_entry

        teams_merged.connect(recompute_merged_team_entry, dispatch_uid="boards-follow-merged-team")
