"""Not-found, server-error and unavailable answers: JSON under /api/, the site's own page elsewhere."""

import sys

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from config.errors import DATABASE_ERRORS, DomainError, NotFound


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    if is_api(request):
        return JsonResponse(
            {"code": "not_found", "message": f"No API endpoint at {request.path}.", "details": {}}, status=404
        )
    error = NotFound(f"There is no page at {request.path}.")
    return render(request, "error.html", {"error": error}, status=404)


# While the database cannot be reached: 503 with Retry-After, so clients and the CLI try again.
RETRY_AFTER_SECONDS = 30
UNAVAILABLE = (
    "Podium cannot reach its database right now. Nothing already accepted is lost; try again in a minute."
)


def unavailable(request) -> HttpResponse:
    """The answer while the database is down, built without touching it (no session, no user)."""
    if is_api(request):
        body = {"code": "service_unavailable", "message": UNAVAILABLE, "details": {}}
        response: HttpResponse = JsonResponse(body, status=503)
    else:
        response = HttpResponse(render_to_string("unavailable.html", {"message": UNAVAILABLE}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request):
    """Django's handler500, called while the exception is being handled: a database outage is a 503."""
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return unavailable(request)
    message = "Something went wrong on the server; it has been logged."
    if is_api(request):
        return JsonResponse({"code": "internal_error", "message": message, "details": {}}, status=500)
    return render(request, "error.html", {"error": DomainError(message, code="internal_error")}, status=500)
