from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"

    def ready(self):
        from moderation.services import record_disqualification
        from scoring.standing import disqualified

        disqualified.connect(record_disqualification, dispatch_uid="moderation-audit-disqualification")
