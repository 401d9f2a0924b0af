from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "scoring"

    def ready(self) -> None:
        from scoring import program_rescoring
        from scoring_programs.signals import program_awaits_rescore, program_change_checking

        program_change_checking.connect(
            program_rescoring.refuse_while_a_rescore_runs, dispatch_uid="scoring-program-change-checking"
        )
        program_awaits_rescore.connect(
            program_rescoring.rescore_with_new_program, dispatch_uid="scoring-program-awaits-rescore"
        )
