from django.apps import AppConfig


class ScoringProgramsConfig(AppConfig):
    name = "scoring_programs"
    verbose_name = "Scoring programs"

    def ready(self) -> None:
        from competitions.signals import publishing
        from scoring_programs.services import refuse_publishing_until_dry_run_passes

        publishing.connect(refuse_publishing_until_dry_run_passes, dispatch_uid="scoring_programs.publishing")
