"""Bounds on what a client may send the API, so that no input can reach the server as a 500.

- JSON bodies: at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes (413) and MAX_JSON_DEPTH levels of nesting (400);
  the same depth limit holds for JSON given inside a form field (metric parameters).
- Pages of a list: `?limit=` at most MAX_PAGE_SIZE (larger values are clamped to it, as DRF does with
  max_limit) and `?offset=` at most MAX_OFFSET (clamped).
- Ids and counts in a body: within the database's 64-bit integers (MAX_ID).
"""

import json
import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.parsers import JSONParser, MultiPartParser

MAX_JSON_DEPTH = 32
MAX_PAGE_SIZE = 500
MAX_OFFSET = 10**9
MAX_ID = 2**63 - 1


class BodyTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "too_large"


def deepest(value: object) -> int:
    """How many levels of lists and objects nest in a parsed JSON value (without recursion)."""
    depth, level = 0, [(value, 1)]
    while level:
        item, at = level.pop()
        if isinstance(item, dict | list):
            depth = max(depth, at)
            children = item.values() if isinstance(item, dict) else item
            level.extend((child, at + 1) for child in children)
    return depth


def refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


def loads_bounded(text: str | bytes, what: str = "The JSON body") -> object:
    """json.loads (NaN and Infinity refused, as DRF's strict parser does), refusing nesting deeper than
    MAX_JSON_DEPTH with a 400 that says so."""
    try:
        value = json.loads(text, parse_constant=refuse_constant)
    except RecursionError:
        value = None
        too_deep = True
    else:
        too_deep = deepest(value) > MAX_JSON_DEPTH
    if too_deep:
        raise exceptions.ParseError(f"{what} is nested too deeply: at most {MAX_JSON_DEPTH} levels.")
    return value


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser with a size limit (413) and a depth limit (400)."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            body = stream.read(limit + 1) if stream is not None else b""
        except RequestDataTooBig as error:
            raise BodyTooLarge(f"The request body is over {limit // (1024 * 1024)} MB.") from error
        if len(body) > limit:
            raise BodyTooLarge(f"The request body is over {limit // (1024 * 1024)} MB.")
        if not body:
            raise exceptions.ParseError("The JSON body is empty.")
        try:
            encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
            return loads_bounded(body.decode(encoding))
        except (ValueError, UnicodeDecodeError) as error:
            raise exceptions.ParseError(f"The JSON body cannot be read: {error}") from error


class WholeMultiPartParser(MultiPartParser):
    """multipart/form-data that holds at least one part when a body was sent. Django reads a body that
    lacks its boundary as an empty form, which would turn a garbled request into one that asked for
    nothing (on a route where every field is optional, such as marking notifications read: all of them)."""

    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        request = (parser_context or {}).get("request")
        sent = int(request.META.get("CONTENT_LENGTH") or 0) if request is not None else 0
        if sent and not parsed.data and not parsed.files:
            raise exceptions.ParseError(
                "The multipart/form-data body holds no parts: check the boundary in its Content-Type."
            )
        return parsed


class BoundedJSONField(serializers.JSONField):
    """A JSON value given in a form field or a body, with the same depth limit as the parser."""

    def to_internal_value(self, data):
        if self.binary or getattr(data, "is_json_string", False):  # text to parse, as DRF's own field does
            try:
                return loads_bounded(data, f"'{self.field_name}'")
            except ValueError as error:
                raise serializers.ValidationError("It is not valid JSON.") from error
        if deepest(data) > MAX_JSON_DEPTH:
            raise serializers.ValidationError(f"It is nested too deeply: at most {MAX_JSON_DEPTH} levels.")
        return super().to_internal_value(data)


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"anyOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"}]},
        "description": 'A JSON object of names to values, e.g. {"positive_label": "yes"}.',
    }
)
class MetricParamsField(BoundedJSONField):
    """A metric's parameters: a JSON object of names to text, numbers or true/false, in a form field or a body."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str | int | float | bool) for k, v in value.items()
        ):
            raise serializers.ValidationError(
                'Give metric parameters as a JSON object of names to values, e.g. {"positive_label": "yes"}.'
            )
        return value


class IdField(serializers.IntegerField):
    """An id: a whole number the database can hold."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


def page_parameter(request, name: str, *, default: int, minimum: int, maximum: int) -> int:
    """?limit= or ?offset=: `default` when left out, a whole number of at least `minimum` clamped to `maximum`
    when given, and a 400 naming the parameter for anything else (text, a fraction, an empty value)."""
    raw = request.query_params.get(name)
    if raw is None:
        return default
    digits = raw.lstrip("0") or "0"
    if len(digits) > 30 and raw.isascii() and raw.isdigit():  # Python's int() refuses thousands of digits
        return maximum
    if not re.fullmatch(r"[0-9]+", raw) or int(digits) < minimum:
        raise exceptions.ValidationError({name: [f"Give a whole number of at least {minimum}."]})
    return min(int(digits), maximum)


class BoundedPagination(LimitOffsetPagination):
    """?limit= and ?offset= read by page_parameter(): whole numbers, clamped to bounds the database can take."""

    max_limit = MAX_PAGE_SIZE

    def get_limit(self, request):
        return page_parameter(
            request, self.limit_query_param, default=self.default_limit, minimum=1, maximum=self.max_limit
        )

    def get_offset(self, request):
        return page_parameter(request, self.offset_query_param, default=0, minimum=0, maximum=MAX_OFFSET)
