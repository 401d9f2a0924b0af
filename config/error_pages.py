"""Not-found and server-error answers: JSON under /api/, the site's own page elsewhere."""

from django.http import JsonResponse
from django.shortcuts import render

from config.errors import DomainError, NotFound


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    if is_api(request):
        return JsonResponse(
            {"code": "not_found", "message": f"No API endpoint at {request.path}.", "details": {}}, status=404
        )
    error = NotFound(f"There is no page at {request.path}.")
    return render(request, "error.html", {"error": error}, status=404)


def server_error(request):
    message = "Something went wrong on the server; it has been logged."
    if is_api(request):
        return JsonResponse({"code": "internal_error", "message": message, "details": {}}, status=500)
    return render(request, "error.html", {"error": DomainError(message, code="internal_error")}, status=500)
