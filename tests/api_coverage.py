"""Checks that every operation of the OpenAPI schema is exercised by at least one test.

Every request the test suite sends through Django in this process (test clients and live_server) is
recorded as (schema path, method); when the whole suite has run and passed, any schema operation no
test called fails the run, listed by name."""

import re

from django.core.signals import request_started
from django.urls import Resolver404, resolve

CALLED: set[tuple[str, str]] = set()
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


def record_request(sender, environ=None, **kwargs) -> None:
    if not environ or not environ.get("PATH_INFO", "").startswith("/api/"):
        return
    try:
        match = resolve(environ["PATH_INFO"])
    except Resolver404:
        return
    CALLED.add(("/" + PARAMETER.sub(r"{\1}", match.route), environ.get("REQUEST_METHOD", "GET").lower()))


def start_recording() -> None:
    request_started.connect(record_request, dispatch_uid="podium-api-coverage")


def schema_operations() -> set[tuple[str, str]]:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    methods = {"get", "post", "put", "patch", "delete"}
    return {(path, method) for path, item in schema["paths"].items() for method in item if method in methods}


def uncovered_operations() -> list[str]:
    return sorted(f"{method.upper()} {path}" for path, method in schema_operations() - CALLED)
