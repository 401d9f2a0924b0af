from celery import shared_task

from config.errors import DATABASE_ERRORS
from scoring import leases, services

# Waits between retries of a task that could not reach the database: about six minutes in all, longer than
# PostgreSQL takes to restart, before the message is given up to the sweeper.
DATABASE_RETRY_DELAYS = (1, 2, 4, 8, 15, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=len(DATABASE_RETRY_DELAYS))
def score_submission(self, submission_id: int, holder: str | None = None) -> str:
    """Score under a lease; while the database is unreachable, retry later under the same holder (so the
    attempt keeps its lease) instead of failing the file or dropping the message."""
    holder = holder or leases.new_holder()
    try:
        return services.score_and_settle(submission_id, holder)
    except DATABASE_ERRORS as error:
        delay = DATABASE_RETRY_DELAYS[min(self.request.retries, len(DATABASE_RETRY_DELAYS) - 1)]
        raise self.retry(
            exc=error, countdown=delay, args=[submission_id], kwargs={"holder": holder}
        ) from error


@shared_task
def sweep_stuck_submissions() -> dict:
    return services.sweep_stuck_submissions()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def continue_rescore(rescore_id: int) -> str:
    from scoring.rescoring import continue_rescore as run_batch

    return run_batch(rescore_id)
