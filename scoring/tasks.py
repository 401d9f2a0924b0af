from celery import shared_task

from scoring import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def score_submission(submission_id: int) -> str:
    return services.score_and_settle(submission_id)


@shared_task
def sweep_stuck_submissions() -> dict:
    return services.sweep_stuck_submissions()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def continue_rescore(rescore_id: int) -> str:
    from scoring.rescoring import continue_rescore as run_batch

    return run_batch(rescore_id)
