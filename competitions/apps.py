from django.apps import AppConfig
from django.db.models.signals import post_save


class CompetitionsConfig(AppConfig):
    name = "competitions"

    def ready(self):
        from competitions.models import Competition
        from competitions.phases import structure_for_new_competition

        post_save.connect(
            structure_for_new_competition, sender=Competition, dispatch_uid="competition_phase_structure"
        )
