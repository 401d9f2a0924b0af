from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "submissions"

    def ready(self):
        # drf-spectacular finds its extensions by subclass registration: importing the module registers it.
        from competitions.signals import teams_merging
        from submissions import schema  # noqa: F401
        from submissions.services import move_submissions_of_merged_team

        teams_merging.connect(move_submissions_of_merged_team, dispatch_uid="submissions-follow-merged-team")
