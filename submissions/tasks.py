from celery import shared_task

from submissions.cleanup import clean_storage


@shared_task
def clean_interrupted_uploads() -> str:
    return clean_storage().summary()
