import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    display_name = models.CharField(max_length=150, blank=True)
    banned_at = models.DateTimeField(
        null=True, blank=True, help_text="Set by the moderators; a banned account is also inactive."
    )
    ban_reason = models.TextField(blank=True)
    confirmed_email = models.EmailField(
        blank=True, help_text="The address the user proved they hold by opening its confirmation link."
    )
    email_confirmed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the link for confirmed_email was opened."
    )

    def __str__(self) -> str:
        return self.username

    @property
    def has_confirmed_email(self) -> bool:
        """Whether the current address is the one the user confirmed: a changed address (on the profile, in the
        admin, by a script) is unconfirmed until its own link is opened."""
        return bool(self.email) and self.email_confirmed_at is not None and self.confirmed_email == self.email

    def save(self, *args, **kwargs) -> None:
        """Addresses are kept in lower case, however an admin or a script typed them: the password reset
        (django-allauth) finds an account by its lower-cased address."""
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)


def hash_token(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


class ApiToken(models.Model):
    """A named API token; only its hash is stored, the raw value is shown once at creation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, help_text="First characters, to tell tokens apart.")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
