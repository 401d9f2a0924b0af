from celery import shared_task

from mail import services


# An SMTP failure (a 4xx, a refused connection, a timeout) is tried again after 2, 4, 8... seconds, at most
# ten minutes apart, eight times: about half an hour in all. The row stays queued with its last error after.
@shared_task(
    acks_late=True,
    autoretry_for=services.SMTP_ERRORS,
    retry_backoff=2,
    retry_backoff_max=600,
    max_retries=8,
)
def send_outgoing_mail(mail_id: int) -> str:
    return services.send_queued(mail_id)


@shared_task
def sweep_waiting_mail() -> dict[str, int]:
    return services.sweep_waiting_mail()
