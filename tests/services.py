"""Where the real services for integration and browser tests are, and what to do when one is missing.

Outside CI a missing service skips the test with the reason; with CI=true it fails it.
"""

import os
import shutil
import socket
import sys
from pathlib import Path

import pytest

POSTGRES_ADMIN_URL = os.environ.get(
    "PODIUM_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("PODIUM_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CHROMIUM = os.environ.get("PODIUM_TEST_CHROMIUM", "/usr/bin/chromium")
NGINX = os.environ.get("PODIUM_TEST_NGINX", "/usr/sbin/nginx")
RABBITMQ_URL = os.environ.get("PODIUM_TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def missing(reason: str):
    if in_ci():
        pytest.fail(f"{reason} (CI=true: a missing service is a failure)")
    pytest.skip(reason)


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def require_postgres() -> str:
    if not port_open("127.0.0.1", 5432):
        missing("PostgreSQL is not reachable on 127.0.0.1:5432")
    return POSTGRES_ADMIN_URL


def require_redis() -> str:
    if not port_open("127.0.0.1", 6379):
        missing("Redis is not reachable on 127.0.0.1:6379")
    return REDIS_URL


def require_chromium() -> str:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        missing(f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)")
    return CHROMIUM


def require_bubblewrap() -> str:
    path = shutil.which("bwrap")
    if path is None:
        missing("bubblewrap is not installed (apt-get install -y bubblewrap): the sandbox cannot run")
    return path


def require_nginx() -> str:
    if not (os.path.exists(NGINX) or shutil.which(NGINX)):
        missing(f"nginx is not installed at {NGINX} (apt-get install -y nginx)")
    return NGINX


def require_moto() -> str:
    """The `moto_server` command (moto's S3-compatible server, requirements-dev.txt) beside this Python."""
    command = Path(sys.executable).parent / "moto_server"
    if not command.exists():
        missing(f"moto's server is not installed at {command} (pip install 'moto[server]')")
    return str(command)


def require_rabbitmq() -> str:
    if not port_open("127.0.0.1", 5672):
        missing("RabbitMQ is not reachable on 127.0.0.1:5672")
    return RABBITMQ_URL
