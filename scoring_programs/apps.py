from django.apps import AppConfig


class ScoringProgramsConfig(AppConfig):
    name = "scoring_programs"
    verbose_name = "Scoring programs"

    def ready(self) -> None:
        from competitions.signals import publishing, sandbox_runtime_changed
        from scoring_programs.services import (
            refuse_publishing_until_dry_run_passes,
            run_programs_in_new_runtime,
        )

        publishing.connect(refuse_publishing_until_dry_run_passes, dispatch_uid="scoring_programs.publishing")
        sandbox_runtime_changed.connect(
            run_programs_in_new_runtime, dispatch_uid="scoring_programs.sandbox_runtime_changed"
        )
