from django.conf import settings
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


class RefuseNulCharactersMiddleware:
    """A NUL character in a page's query or form is refused with a 400 naming the field (PostgreSQL cannot
    store one, and no real text holds one); the API's serializers refuse it in the same words."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            for data in (request.GET, request.POST) if request.method == "POST" else (request.GET,):
                for name, values in data.lists():
                    if any("\x00" in value for value in values):
                        error = DomainError(
                            f"The field '{name}' holds a NUL character (\\x00); remove it and send the form again.",
                            code="nul_character",
                        )
                        return render(request, "error.html", {"error": error}, status=400)
        return self.get_response(request)


class WebPoolHeaderMiddleware:
    """Every answer names the pool of web processes that made it (PODIUM_WEB_POOL): behind nginx, board reads
    come from the read pool and everything else from the main one (platform/nginx/podium.conf)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response["X-Podium-Pool"] = settings.PODIUM_WEB_POOL
        return response
