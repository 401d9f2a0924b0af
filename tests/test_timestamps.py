"""One way to write a moment for people, used by every message and page that names UTC."""

import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from django.template import Context, Template

from config.timestamps import utc_label

ROOT = Path(__file__).resolve().parent.parent
SERVER_APPS = (
    "accounts",
    "datasets",
    "competitions",
    "submissions",
    "scoring",
    "community",
    "moderation",
    "config",
)


def test_a_moment_in_any_zone_is_written_in_utc():
    paris = timezone(timedelta(hours=1))

    assert utc_label(datetime(2026, 12, 4, 17, 53, 12, tzinfo=paris)) == "2026-12-04 16:53 UTC"


def test_templates_write_utc_and_mark_it_up_for_the_readers_zone():
    moment = datetime(2026, 12, 4, 16, 53, tzinfo=UTC)
    rendered = Template(
        "{{ moment|utc }} | {{ moment|local_time }} | {{ missing|utc|default:'never' }}"
    ).render(Context({"moment": moment, "missing": None}))

    assert rendered == (
        '2026-12-04 16:53 UTC | <time data-local datetime="2026-12-04T16:53:00+00:00">2026-12-04 16:53 UTC</time>'
        " | never"
    )


def test_no_module_or_template_spells_the_format_out_again():
    spelled = re.compile(r"%H:%M\}? UTC|H:i\" \}\} UTC")
    offenders = [
        str(path.relative_to(ROOT))
        for app in (*SERVER_APPS, "templates")
        for path in (ROOT / app).rglob("*")
        if path.suffix in {".py", ".html"}
        and path.name != "timestamps.py"
        and spelled.search(path.read_text())
    ]

    assert offenders == []
