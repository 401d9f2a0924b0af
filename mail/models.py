from django.conf import settings
from django.db import models

from mail.kinds import ALL_KINDS, KINDS

KIND_CHOICES = [(kind.name, kind.label) for kind in KINDS.values()]
ALL_KIND_CHOICES = [(kind.name, kind.label) for kind in ALL_KINDS.values()]


class MailPreference(models.Model):
    """A user's choice for one kind of mail; a kind with no row follows its default (mail/kinds.py)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mail_preferences"
    )
    kind = models.CharField(max_length=40, choices=KIND_CHOICES)
    is_wanted = models.BooleanField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_mail_preference_per_kind")]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} {'on' if self.is_wanted else 'off'}"


class OutgoingMail(models.Model):
    """One mail to one user about one event: the outbox. The unique (event, kind, recipient) is what keeps an
    event that fires twice (a retried task, a replayed signal) from mailing anyone twice."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        # the recipient turned the kind off, or has no address (or another one), before it left
        DROPPED = "dropped", "Dropped"
        # tried mail.services.MAX_ATTEMPTS times without the SMTP server taking it
        FAILED = "failed", "Failed"

    event = models.CharField(max_length=200, help_text="What happened, e.g. 'submission-result:42'.")
    kind = models.CharField(max_length=40, choices=ALL_KIND_CHOICES)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    address = models.EmailField(
        blank=True,
        help_text="The one address this mail may go to (an address confirmation); empty: the recipient's "
        "address when it is sent. A mail whose recipient changed address meanwhile is dropped.",
    )
    subject = models.CharField(max_length=200)
    body = models.TextField(help_text="Plain text, without the footer (added when it is sent).")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "kind", "recipient"], name="one_mail_per_event_and_kind")
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="outgoing_mail_status")]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient}: {self.subject}"
