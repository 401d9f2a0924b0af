from celery import shared_task

from leaderboards.private_board import finalize_ended_competitions


@shared_task
def build_due_private_boards() -> int:
    return finalize_ended_competitions()
