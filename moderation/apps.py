from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"

    def ready(self):
        from leaderboards.standing import disqualified
        from moderation.services import record_disqualification

        disqualified.connect(record_disqualification, dispatch_uid="moderation-audit-disqualification")
