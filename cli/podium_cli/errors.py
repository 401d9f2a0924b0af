"""What stops a command: each error carries the message to print and the exit code."""


class CliError(Exception):
    """A failure the user can act on; printed as `Error: <message>`, exit code 1."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint


class ConfigMissing(CliError):
    """No usable URL or token: exit code 2, like a usage error."""

    exit_code = 2


class ApiError(CliError):
    """A non-2xx answer; the message is the server's own (`{"code", "message", "details"}`)."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        code: str = "",
        details: dict | None = None,
        hint: str = "",
        retry_after: float | None = None,
    ):
        super().__init__(message, hint=hint)
        self.status = status
        self.retry_after = retry_after
        self.code = code
        self.details = details or {}


def is_transient(error: CliError) -> bool:
    """Worth sending again: no answer at all, a busy or failing server, or a burst limit; never a refusal
    such as a bad file or a used-up quota."""
    if not isinstance(error, ApiError):
        return True
    return error.status >= 500 or (error.status == 429 and error.code == "throttled")
