"""Fill podium.conf's placeholders and print the server configuration nginx includes.

    python3 platform/nginx/render.py --server-name podium.example.org --var-dir /srv/podium/var \\
        > /etc/nginx/sites-available/podium

The tests render the same file (one source of truth), with their own ports and folders.
"""

import argparse
import re
import sys
from pathlib import Path

TEMPLATE = Path(__file__).with_name("podium.conf")
PLACEHOLDER = re.compile(r"@([A-Z_]+)@")


def render(values: dict[str, str], template: Path = TEMPLATE) -> str:
    """The template with every placeholder filled; a missing or unknown value is an error, never a gap."""
    text = template.read_text()
    wanted = set(PLACEHOLDER.findall(text))
    missing, unknown = wanted - values.keys(), values.keys() - wanted
    if missing or unknown:
        raise ValueError(
            f"placeholders without a value: {sorted(missing)}; values for none: {sorted(unknown)}"
        )
    return PLACEHOLDER.sub(lambda match: values[match[1]], text)


def values_for(
    *,
    var_dir: Path,
    listen: str = "80",
    server_name: str = "_",
    upstream: str = "127.0.0.1:8000",
    read_upstream: str = "127.0.0.1:8001",
    temp_dir: Path = Path("/var/lib/nginx"),
    log_dir: Path = Path("/var/log/nginx"),
) -> dict[str, str]:
    """The placeholders' values for a Podium whose PODIUM_VAR_DIR is var_dir (static files and stored
    files live where config/settings.py puts them)."""
    return {
        "LISTEN": listen,
        "SERVER_NAME": server_name,
        "UPSTREAM": upstream,
        "READ_UPSTREAM": read_upstream,
        "STATIC_ROOT": str(var_dir / "static"),
        "FILES_ROOT": str(var_dir / "files"),
        "TEMP_DIR": str(temp_dir),
        "LOG_DIR": str(log_dir),
    }


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--var-dir", type=Path, required=True, help="Podium's PODIUM_VAR_DIR, absolute")
    parser.add_argument("--server-name", default="_", help="the site's host name (default: any)")
    parser.add_argument("--listen", default="80", help="nginx's listen parameters (default: 80)")
    parser.add_argument("--upstream", default="127.0.0.1:8000", help="gunicorn's address")
    parser.add_argument(
        "--read-upstream",
        default="127.0.0.1:8001",
        help="the read pool's gunicorn, which answers board reads (default: 127.0.0.1:8001)",
    )
    parser.add_argument("--temp-dir", type=Path, default=Path("/var/lib/nginx"), help="upload buffers")
    parser.add_argument("--log-dir", type=Path, default=Path("/var/log/nginx"))
    args = parser.parse_args(argv)
    if not args.var_dir.is_absolute():
        parser.error("--var-dir must be absolute")
    sys.stdout.write(
        render(
            values_for(
                var_dir=args.var_dir,
                listen=args.listen,
                server_name=args.server_name,
                upstream=args.upstream,
                read_upstream=args.read_upstream,
                temp_dir=args.temp_dir,
                log_dir=args.log_dir,
            )
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
