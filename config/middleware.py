from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

from config.errors import DomainError, NotAuthenticated


class DomainErrorPageMiddleware:
    """Pages show a refused action's message with its status, the same words the API gives."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotAuthenticated) and not request.path.startswith("/api/"):
            return redirect_to_login(request.get_full_path())
        if isinstance(exception, DomainError):
            return render(request, "error.html", {"error": exception}, status=exception.http_status)
        return None
