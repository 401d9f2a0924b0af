from django.apps import AppConfig


class CommunityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "community"
    verbose_name = "Community"

    def ready(self):
        from community.admission_notifications import notify_join_request
        from community.services import forget_deleted_dataset
        from community.team_notifications import notify_team_request
        from community.writeups import rows_with_code
        from competitions.signals import join_request_changed, team_request_changed
        from datasets.signals import dataset_deleting
        from leaderboards.signals import row_filters_requested

        row_filters_requested.connect(rows_with_code, dispatch_uid="community-rows-with-code")
        team_request_changed.connect(notify_team_request, dispatch_uid="community-team-notifications")
        join_request_changed.connect(notify_join_request, dispatch_uid="community-admission-notifications")
        dataset_deleting.connect(forget_deleted_dataset, dispatch_uid="community-forget-deleted-dataset")
