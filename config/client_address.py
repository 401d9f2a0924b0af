"""The client's address, read the same way for the API's burst limits (DRF's NUM_PROXIES) and the login
throttle (django-axes)."""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR; behind PODIUM_NUM_PROXIES proxies of our own, the X-Forwarded-For entry the outermost
    of them added. Entries before it are whatever the client wrote, so they never count."""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES")
    if not isinstance(proxies, int):
        proxies = 0
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [entry for entry in forwarded if entry]
    if proxies < 1 or not forwarded:
        return remote
    return forwarded[-min(proxies, len(forwarded))]
