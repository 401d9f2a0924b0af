from celery import shared_task
from django.conf import settings

import execution.services


# Routed to the `sandbox` queue (CELERY_TASK_ROUTES): only the Procfile's sandbox workers take it. Celery's
# own limit sits past the sandbox's wall clock, which kills the run first.
@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.PODIUM_SANDBOX_WALL_SECONDS + 60,
    time_limit=settings.PODIUM_SANDBOX_WALL_SECONDS + settings.PODIUM_SANDBOX_TASK_MARGIN,
)
def run_in_sandbox(run_id: int) -> None:
    execution.services.execute_run(run_id)


# On the beat (CELERY_BEAT_SCHEDULE), on the default queue.
@shared_task
def sweep_lost_runs() -> dict:
    return execution.services.sweep_lost_runs()
