"""One shape for every API error: {"code": ..., "message": ..., "details": ...}."""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

from config.error_pages import RETRY_AFTER_SECONDS, UNAVAILABLE
from config.errors import DATABASE_ERRORS, DomainError

logger = logging.getLogger(__name__)


def error_response(code: str, message: str, http_status: int, details: dict | None = None) -> Response:
    return Response({"code": code, "message": message, "details": details or {}}, status=http_status)


def describe_validation_error(detail) -> tuple[str, dict]:
    """The message a person reads (each field's problem, naming the field once) and the details a program
    reads (`fields`: every field's messages as DRF gave them)."""
    if isinstance(detail, dict):
        fields = {
            name: [str(m) for m in (msgs if isinstance(msgs, list) else [msgs])]
            for name, msgs in detail.items()
        }
        parts = [field_message(name, message) for name, msgs in fields.items() for message in msgs]
        return " ".join(parts), {"fields": fields}
    messages = [str(m) for m in (detail if isinstance(detail, list) else [detail])]
    return " ".join(messages), {}


def field_message(name: str, message: str) -> str:
    """`The field 'name' is required.` for DRF's "This field ..." messages; a message that already names its
    field ("The submitted file is empty.") as it is; any other after the field's name."""
    if name == api_settings.NON_FIELD_ERRORS_KEY:
        return message
    if message.startswith("This field "):
        return f"The field '{name}' {message.removeprefix('This field ')}"
    if name.replace("_", " ").lower() in message.lower():
        return message
    return f"{name}: {message}"


def podium_exception_handler(exc, context):
    if isinstance(exc, DomainError):
        response = error_response(exc.code, exc.message, exc.http_status, exc.details)
        for header, value in getattr(exc, "headers", {}).items():
            response[header] = value
        return response
    if isinstance(exc, Http404):
        return error_response("not_found", "Not found.", status.HTTP_404_NOT_FOUND)
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        return error_response("too_large", f"The request body is over {limit} MB.", 413)
    if isinstance(exc, DATABASE_ERRORS):
        logger.warning("The database cannot be reached: %s", exc)
        response = error_response("service_unavailable", UNAVAILABLE, status.HTTP_503_SERVICE_UNAVAILABLE)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    response = exception_handler(exc, context)
    if response is None:
        logger.exception("Unhandled error in %s", context.get("view").__class__.__name__, exc_info=exc)
        return error_response(
            "internal_error",
            "Something went wrong on the server; it has been logged.",
            status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    if isinstance(exc, exceptions.ValidationError):
        message, details = describe_validation_error(exc.detail)
        response.data = {"code": "invalid", "message": message, "details": details}
        return response
    code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    if not isinstance(code, str):
        code = "error"
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    response.data = {"code": code, "message": str(detail), "details": {}}
    return response
