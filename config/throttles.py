"""Burst limits on the API (DRF throttles), reported on every answer as X-RateLimit-* headers.

These protect the server from scripts that loop too fast; the competition's submission quotas are a
separate rule kept by submissions/quota.py. Anonymous clients are counted per IP address, logged-in
ones per user. Each answer says the tightest limit that applied:
  X-RateLimit-Limit      requests allowed in the window
  X-RateLimit-Remaining  requests left in it
  X-RateLimit-Reset      seconds until a request is freed again
A refused request gets 429 with Retry-After."""

import logging

from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

logger = logging.getLogger(__name__)
RATE_LIMIT_ATTRIBUTE = "podium_rate_limit"


class RateLimitHeadersMixin:
    def allow_request(self, request, view):
        try:
            allowed = super().allow_request(request, view)
        except Exception:  # the cache (Redis) is down: limits fail open, the API keeps answering
            logger.warning("Rate limits are off: the cache cannot be reached", exc_info=True)
            return True
        if self.rate is not None and getattr(self, "key", None) is not None:
            remember_tightest(getattr(request, "_request", request), self.limit_state(allowed))
        return allowed

    def limit_state(self, allowed: bool) -> dict:
        used = len(self.history)
        oldest = self.history[-1] if self.history else self.now
        return {
            "limit": self.num_requests,
            "remaining": max(self.num_requests - used, 0) if allowed else 0,
            "reset": max(int(oldest + self.duration - self.now + 0.999), 0),
        }


def remember_tightest(django_request, state: dict) -> None:
    current = getattr(django_request, RATE_LIMIT_ATTRIBUTE, None)
    if current is None or state["remaining"] < current["remaining"]:
        setattr(django_request, RATE_LIMIT_ATTRIBUTE, state)


class AnonBurstThrottle(RateLimitHeadersMixin, AnonRateThrottle):
    pass


class UserBurstThrottle(RateLimitHeadersMixin, UserRateThrottle):
    def get_cache_key(self, request, view):
        """Logged-in users only. DRF's UserRateThrottle also counts anonymous clients by address, which
        would hold them to the lower of the two rates and read and write a second count each request."""
        if not request.user.is_authenticated:
            return None
        return super().get_cache_key(request, view)


class EmailConfirmationThrottle(RateLimitHeadersMixin, SimpleRateThrottle):
    """Confirmation mails one user may ask for (PODIUM_EMAIL_CONFIRMATION_RATE), counted per user whether
    they ask on the profile page or through the API: the page passes its Django request, the API its own."""

    scope = "email_confirmation"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class RateLimitHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        state = getattr(request, RATE_LIMIT_ATTRIBUTE, None)
        if state is not None:
            response["X-RateLimit-Limit"] = str(state["limit"])
            response["X-RateLimit-Remaining"] = str(state["remaining"])
            response["X-RateLimit-Reset"] = str(state["reset"])
        return response
