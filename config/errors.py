"""The base of every domain error: a stable code, a message for the person reading it, details."""

from django.db import InterfaceError, OperationalError

# The database could not be reached (down, restarting, a dropped connection): not a bug and not the
# client's fault. Pages and the API answer 503; a scoring task retries later.
DATABASE_ERRORS = (OperationalError, InterfaceError)


class DomainError(Exception):
    code = "error"
    http_status = 400

    def __init__(self, message: str, *, code: str | None = None, details: dict | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details or {}


class NotAllowed(DomainError):
    code = "forbidden"
    http_status = 403


class NotFound(DomainError):
    code = "not_found"
    http_status = 404


class NotAuthenticated(DomainError):
    code = "not_authenticated"
    http_status = 401
    headers = {"WWW-Authenticate": "Bearer"}
