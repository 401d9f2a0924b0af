from celery import shared_task

from community.mail_news import mail_deadline_reminders as remind


@shared_task
def mail_deadline_reminders() -> int:
    return remind()
