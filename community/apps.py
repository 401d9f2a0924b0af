from django.apps import AppConfig


class CommunityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "community"
    verbose_name = "Community"

    def ready(self):
        import community.ratings  # noqa: F401  (registers the ratable kinds and their system check)
        from community.admission_notifications import notify_join_request
        from community.mail_news import (
            mail_join_request,
            mail_private_board,
            mail_submission_result,
            mail_team_request,
        )
        from community.services import forget_deleted_dataset
        from community.team_notifications import notify_team_request
        from community.writeups import rows_with_code
        from competitions.signals import join_request_changed, team_request_changed
        from datasets.signals import dataset_deleting
        from leaderboards.signals import private_board_revealed, row_filters_requested
        from scoring.signals import submission_finished

        row_filters_requested.connect(rows_with_code, dispatch_uid="community-rows-with-code")
        team_request_changed.connect(notify_team_request, dispatch_uid="community-team-notifications")
        team_request_changed.connect(mail_team_request, dispatch_uid="community-team-mail")
        submission_finished.connect(mail_submission_result, dispatch_uid="community-submission-mail")
        private_board_revealed.connect(mail_private_board, dispatch_uid="community-private-board-mail")
        join_request_changed.connect(notify_join_request, dispatch_uid="community-admission-notifications")
        join_request_changed.connect(mail_join_request, dispatch_uid="community-admission-mail")
        dataset_deleting.connect(forget_deleted_dataset, dispatch_uid="community-forget-deleted-dataset")
