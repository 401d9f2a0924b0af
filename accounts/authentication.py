"""Bearer authentication with Podium's hashed API tokens: `Authorization: Bearer pod_...`."""

from datetime import timedelta

from django.utils import timezone
from rest_framework import authentication, exceptions

from accounts.models import ApiToken, hash_token

# A token's last use is shown to the minute: writing it on every request would add a write (and a row lock
# on the token) to each of them, uploads included.
LAST_USED_PRECISION = timedelta(minutes=1)


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(errors="replace").split()
        if not header:
            return None
        if header[0].lower() == "token":
            raise exceptions.AuthenticationFailed(
                "Podium tokens go in 'Authorization: Bearer <token>', not 'Token'."
            )
        if header[0].lower() != self.keyword.lower():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Malformed Authorization header: expected 'Bearer <token>'."
            )
        token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(header[1])).first()
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked API token.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(
                "This account has been suspended." if token.user.banned_at else "This account is disabled."
            )
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword
