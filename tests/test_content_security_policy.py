"""Pages run only the project's own scripts and styles: every answer carries a Content-Security-Policy
without 'unsafe-inline', and no template relies on what it forbids (the browser tests watch real pages)."""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
FORBIDDEN_IN_TEMPLATES = {
    "an inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "an inline style element": re.compile(r"<style\b", re.IGNORECASE),
    "a style attribute": re.compile(r"\sstyle=[\"']", re.IGNORECASE),
    "an event-handler attribute": re.compile(r"\son[a-z]+=[\"']", re.IGNORECASE),
    "a javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def policy(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part for part in (piece.strip() for piece in header.split(";")) if part}


@pytest.mark.parametrize(
    "path", ["/competitions/", "/accounts/login/", "/api/v1/competitions/", "/api/docs/"]
)
def test_every_answer_allows_only_the_sites_own_scripts_and_styles(client, db, path):
    directives = policy(client.get(path))

    assert directives["default-src"] == "default-src 'self'"
    assert directives["script-src"] == "script-src 'self'"
    assert directives["style-src"] == "style-src 'self'"
    assert directives["frame-ancestors"] == "frame-ancestors 'none'"
    assert directives["object-src"] == "object-src 'none'"


def test_the_admin_answers_with_the_policy_too(admin_client):
    assert policy(admin_client.get("/admin/"))["script-src"] == "script-src 'self'"


@pytest.mark.parametrize("what", sorted(FORBIDDEN_IN_TEMPLATES))
def test_no_template_needs_what_the_policy_forbids(what):
    found = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in TEMPLATES.rglob("*.html")
        for match in FORBIDDEN_IN_TEMPLATES[what].finditer(path.read_text())
    ]

    assert not found, f"{what} in: {found}"
