"""Talking to the Podium REST API: authentication, the error shape, and lists that may come in pages."""

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, urlsplit

import requests

from podium_cli import __version__
from podium_cli.config import Config
from podium_cli.errors import ApiError, CliError

API_PREFIX = "/api/v1/"
CONNECT_TIMEOUT = 10
READ_TIMEOUT = 300
PAGE_SIZE = 100
MAX_PAGES = 20  # a list longer than PAGE_SIZE * MAX_PAGES is shown in part, with "showing N of M"


@dataclass
class Listing:
    """Every item fetched, how many the server has in all, and the shape to print for --json."""

    results: list
    count: int
    raw: object = field(default=None)

    @property
    def is_partial(self) -> bool:
        return len(self.results) < self.count


def segment(value) -> str:
    """One path segment, so a slug or file name never changes the path."""
    return quote(str(value), safe="")


class Client:
    def __init__(self, config: Config):
        self.base_url = config.url.rstrip("/")
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {config.token}"
        self.session.headers["User-Agent"] = f"podium-cli/{__version__}"
        self.session.headers["Accept"] = "application/json"

    def url(self, path: str) -> str:
        return self.base_url + API_PREFIX + path.lstrip("/")

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        """Send a request; any answer outside 2xx raises ApiError with the server's message."""
        kwargs.setdefault("timeout", (CONNECT_TIMEOUT, READ_TIMEOUT))
        try:
            response = self.session.request(method, self.url(path), **kwargs)
        except requests.exceptions.SSLError as error:
            raise CliError(f"TLS error talking to {self.base_url}: {short_reason(error)}") from None
        except requests.exceptions.ConnectionError as error:
            raise CliError(
                f"Cannot reach the Podium server at {self.base_url} ({short_reason(error)}).",
                hint="Is it running, and is the URL right? Check PODIUM_URL or the url in your podium.json.",
            ) from None
        except requests.exceptions.Timeout:
            raise CliError(f"The Podium server at {self.base_url} did not answer in time.") from None
        except requests.exceptions.RequestException as error:
            raise CliError(f"Request to {self.base_url} failed: {short_reason(error)}") from None
        if not 200 <= response.status_code < 300:
            raise api_error(response)
        return response

    def get_json(self, path: str, params: dict | None = None):
        return self.request("GET", path, params=clean(params)).json()

    def post_json(self, path: str, data: dict | None = None):
        return self.request("POST", path, json=data or {}).json()

    def patch_json(self, path: str, data: dict):
        return self.request("PATCH", path, json=data).json()

    def listing(self, path: str, params: dict | None = None, *, max_pages: int = MAX_PAGES) -> Listing:
        """A list endpoint, answered either as a plain JSON list or as DRF pages {count, next, results}."""
        params = {**clean(params), "limit": PAGE_SIZE, "offset": 0}
        first = self.get_json(path, params)
        if isinstance(first, list):
            return Listing(results=first, count=len(first), raw=first)
        if not isinstance(first, dict) or not isinstance(first.get("results"), list):
            raise CliError(f"Unexpected answer from {self.url(path)}: not a list.")
        results = list(first["results"])
        page, pages = first, 1
        while page.get("next") and pages < max_pages:
            # Follow `next` by its query only: behind a proxy its host or scheme may not be ours.
            page = self.get_json(path, dict(parse_qsl(urlsplit(page["next"]).query)))
            results.extend(page.get("results") or [])
            pages += 1
        count = first.get("count", len(results))
        raw = {**first, "next": page.get("next"), "previous": None, "results": results}
        return Listing(results=results, count=count if isinstance(count, int) else len(results), raw=raw)


def clean(params: dict | None) -> dict:
    return {key: value for key, value in (params or {}).items() if value not in (None, "")}


def api_error(response: requests.Response) -> ApiError:
    """The server's `{"code", "message", "details"}`, or a plain description when a proxy answered instead."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and body.get("message"):
        message, code, details = str(body["message"]), str(body.get("code") or ""), body.get("details") or {}
    else:
        message = f"HTTP {response.status_code} {response.reason or ''} from {response.url}".replace(
            "  ", " "
        )
        code, details = "", {}
    hint = ""
    retry_after = response.headers.get("Retry-After")
    if response.status_code == 429 and retry_after:
        hint = f"Retry after {describe_retry_after(retry_after)} (Retry-After: {retry_after})."
    seconds = float(retry_after) if retry_after and retry_after.isdigit() else None
    return ApiError(
        message,
        status=response.status_code,
        code=code,
        details=details,
        hint=hint,
        retry_after=seconds,
    )


def describe_retry_after(value: str) -> str:
    try:
        seconds = int(value)
    except ValueError:
        return value
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {secs} s"
    return f"{secs} s"


def short_reason(error: Exception) -> str:
    """'Connection refused' rather than urllib3's three nested reprs."""
    text = str(error)
    match = re.search(r"\[Errno -?\d+\] ([^'\")\]]+)", text)
    if match:
        return match.group(1).strip()
    for known in ("Connection refused", "Name or service not known", "timed out", "Connection reset"):
        if known.lower() in text.lower():
            return known
    return text[:200]
