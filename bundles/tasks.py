from celery import shared_task
from django.conf import settings

import bundles.importing


# On the default queue. Celery stops an import past PODIUM_BUNDLE_IMPORT_TIME_LIMIT; its lease then runs out
# and the sweeper tries it again, up to bundles.importing.MAX_ATTEMPTS takes.
@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.PODIUM_BUNDLE_IMPORT_TIME_LIMIT - 30,
    time_limit=settings.PODIUM_BUNDLE_IMPORT_TIME_LIMIT,
)
def import_bundle(import_id: int) -> str:
    return bundles.importing.run_import(import_id)


# On the beat (CELERY_BEAT_SCHEDULE), on the default queue.
@shared_task
def sweep_bundle_imports() -> dict:
    return bundles.importing.sweep_imports()
