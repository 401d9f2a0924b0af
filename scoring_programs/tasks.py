from celery import shared_task
from django.conf import settings

import scoring_programs.services


# Routed to the `sandbox` queue (CELERY_TASK_ROUTES); Celery's own limit sits past the sandbox's wall clock.
@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.PODIUM_SANDBOX_WALL_SECONDS + 60,
    time_limit=settings.PODIUM_SANDBOX_WALL_SECONDS + settings.PODIUM_SANDBOX_TASK_MARGIN,
)
def dry_run_program(run_id: int, sample_key: str = "") -> None:
    scoring_programs.services.execute_dry_run(run_id, sample_key)
