"""The shipped nginx configuration (platform/nginx/podium.conf) renders completely and keeps the limits
Podium's settings set; tests/integration/test_nginx.py runs nginx with it."""

import platform
import re
import sysconfig
from pathlib import Path

import pytest
from django.conf import settings

from tests.nginx import shipped_renderer
from tests.stack import ROOT

render = shipped_renderer()
TEXT = render.TEMPLATE.read_text()


def body_limits() -> dict[str, int]:
    """client_max_body_size in megabytes: the server's own, and each location's by its pattern."""
    limits = {}
    scope = "server"
    for line in TEXT.splitlines():
        if match := re.match(r"\s*location\s+(.*?)\s*\{", line):
            scope = match[1]
        elif match := re.match(r"\s*client_max_body_size\s+(\d+)m;", line):
            limits[scope] = int(match[1])
    return limits


def test_every_placeholder_is_filled():
    rendered = render.render(
        render.values_for(var_dir=Path("/srv/podium/var"), server_name="podium.example.org")
    )

    assert "@" not in rendered
    assert "alias /srv/podium/var/static/;" in rendered
    assert "alias /srv/podium/var/files/;" in rendered
    assert "server_name podium.example.org;" in rendered


def test_a_missing_or_unknown_value_is_refused():
    values = render.values_for(var_dir=Path("/srv/podium/var"))

    with pytest.raises(ValueError, match="LISTEN"):
        render.render({name: value for name, value in values.items() if name != "LISTEN"})
    with pytest.raises(ValueError, match="PORT"):
        render.render({**values, "PORT": "80"})


def test_the_body_limits_match_podiums_upload_limits():
    limits = body_limits()

    assert limits == {
        "server": settings.PODIUM_MAX_DATASET_FILE_MB + 1,
        "~ ^/(api/v1/)?competitions/[^/]+/submissions/$": settings.PODIUM_MAX_UPLOAD_MB + 1,
    }


def test_stored_files_are_sent_only_through_an_internal_location():
    assert re.search(r"location \^~ /_podium_files/ \{\n\s+internal;", TEXT)


def test_platform_stays_a_folder_so_the_standard_library_module_wins():
    assert not (ROOT / "platform" / "__init__.py").exists()
    assert Path(platform.__file__).parent == Path(sysconfig.get_paths()["stdlib"])


# --- The read pool ---------------------------------------------------------------------------------------
def read_pool_pattern() -> re.Pattern:
    """The regex of the location that sends the boards to the read pool (nginx's PCRE; this one is also
    Python's)."""
    match = re.search(r"location ~ (\S+) \{\n\s+proxy_pass http://\$podium_board_pool;", TEXT)
    assert match is not None
    return re.compile(match[1])


def every_route(patterns=None, prefix: str = "") -> dict[str, str]:
    """Every address Podium answers, as an example path (a slug and numbers filled in) -> the route's name."""
    from django.urls import URLPattern, URLResolver, get_resolver

    routes = {}
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            routes.update(every_route(entry.url_patterns, route))
        elif isinstance(entry, URLPattern) and not route.startswith(
            "^"
        ):  # the admin's regex routes: not boards
            path = re.sub(r"<slug:\w+>", "a-slug", re.sub(r"<(int:)?\w+>", "1", route))
            routes["/" + path] = entry.name or route
    return routes


def test_the_read_pool_gets_exactly_the_boards_addresses():
    sent = {name for path, name in every_route().items() if read_pool_pattern().match(path)}

    assert sent == {"leaderboard", "leaderboard-csv", "api-leaderboard", "api-leaderboard-csv"}


def test_only_reads_of_a_board_go_to_the_read_pool():
    mapping = re.search(r"map \$request_method \$podium_board_pool \{(.*?)\}", TEXT, re.DOTALL)
    assert mapping is not None

    pairs = dict(line.strip().rstrip(";").split() for line in mapping[1].strip().splitlines())
    assert pairs == {"GET": "podium_read", "HEAD": "podium_read", "default": "podium_web"}
    assert set(re.findall(r"^upstream (\w+) \{", TEXT, re.MULTILINE)) == {"podium_web", "podium_read"}


def test_the_read_upstream_defaults_to_the_read_pools_port():
    rendered = render.render(render.values_for(var_dir=Path("/srv/podium/var")))

    assert re.search(r"upstream podium_web \{\n(\s*#.*\n)*\s+server 127\.0\.0\.1:8000;", rendered)
    assert re.search(r"upstream podium_read \{\n\s+server 127\.0\.0\.1:8001;", rendered)
