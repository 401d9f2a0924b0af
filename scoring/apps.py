from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "scoring"

    def ready(self) -> None:
        from scoring import code_rescoring, program_rescoring
        from scoring_programs.signals import program_awaits_rescore, program_change_checking
        from submissions.signals import code_awaits_rerun

        program_change_checking.connect(
            program_rescoring.refuse_while_a_rescore_runs, dispatch_uid="scoring-program-change-checking"
        )
        program_awaits_rescore.connect(
            program_rescoring.rescore_with_new_program, dispatch_uid="scoring-program-awaits-rescore"
        )
        code_awaits_rerun.connect(
            code_rescoring.rerun_code_on_new_inputs, dispatch_uid="scoring-code-awaits-rerun"
        )
