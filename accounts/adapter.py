"""How django-allauth's password reset and change fit Podium (docs/accounts.md)."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.signals import password_reset
from axes.utils import reset as reset_login_failures
from django.dispatch import receiver
from django.http import HttpRequest
from django.urls import reverse

from accounts.models import User


class PodiumAccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth ships no type information
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "enter_current_password": "This is not your current password.",
        "rate_limited": "Too many requests in a short time: wait a minute, then try again.",
    }

    def get_password_change_redirect_url(self, request: HttpRequest) -> str:
        return reverse("profile")

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Sign-up is the project's own page (accounts.views.signup); allauth's is not routed."""
        return False


@receiver(password_reset)
def lift_login_throttle(sender: type[User], request: HttpRequest, user: User, **kwargs: object) -> None:
    """Whoever reset the password through the link proved they hold the mailbox: wrong guesses counted
    against the account before (django-axes) no longer keep them waiting."""
    reset_login_failures(username=user.get_username())
