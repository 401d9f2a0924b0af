from django.apps import AppConfig


class MailConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mail"
    verbose_name = "Mail"

    def ready(self):
        from accounts.signals import email_confirmation_requested
        from mail.account_mail import mail_email_confirmation

        email_confirmation_requested.connect(mail_email_confirmation, dispatch_uid="mail-email-confirmation")
