from celery import shared_task

from leaderboards.private_board import finalize_ended_competitions
from submissions.carry_over import carry_over_started_phases


@shared_task
def build_due_private_boards() -> int:
    """The periodic sweep of phase changes: carry submissions over into phases that started, then build
    the private boards of competitions that ended. Returns how many boards were built."""
    carry_over_started_phases()
    return finalize_ended_competitions()
