from django.apps import AppConfig


class LeaderboardsConfig(AppConfig):
    name = "leaderboards"

    def ready(self):
        from competitions.signals import teams_merged
        from leaderboards import receivers
        from scoring.signals import scores_replaced, submission_scored, submission_settled

        teams_merged.connect(receivers.merged_team_stands, dispatch_uid="boards-teams-merged")
        submission_scored.connect(receivers.scored_submission_stands, dispatch_uid="boards-submission-scored")
        submission_settled.connect(receivers.settle_private_board, dispatch_uid="boards-submission-settled")
        scores_replaced.connect(receivers.boards_follow_new_scores, dispatch_uid="boards-scores-replaced")
