"""Where the server URL and the API token come from: the environment first, then ~/.podium/podium.json."""

import json
import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

from podium_cli.errors import ConfigMissing

CONFIG_ENV = "PODIUM_CONFIG"
URL_ENV = "PODIUM_URL"
TOKEN_ENV = "PODIUM_TOKEN"  # noqa: S105 - the name of the variable, not a token


@dataclass(frozen=True)
class Config:
    url: str
    token: str
    username: str | None
    source: str  # where the token came from, for `podium config`


def config_path() -> Path:
    override = os.environ.get(CONFIG_ENV)
    return Path(override).expanduser() if override else Path.home() / ".podium" / "podium.json"


def load_config() -> Config:
    """The URL and token in use; refuses with exit code 2 and both ways to configure when one is missing."""
    url = os.environ.get(URL_ENV, "").strip()
    token = os.environ.get(TOKEN_ENV, "").strip()
    path = config_path()
    stored: dict = {}
    if not (url and token) and path.is_file():
        stored = read_config_file(path)
    url = url or str(stored.get("url") or "").strip()
    token_from_env = bool(token)
    token = token or str(stored.get("token") or "").strip()
    if not url or not token:
        missing = " and ".join(
            name for name, value in (("server URL", url), ("API token", token)) if not value
        )
        raise ConfigMissing(
            f"No Podium {missing} configured. Either set {URL_ENV} and {TOKEN_ENV}, or save the "
            f"podium.json offered on your profile page (/accounts/profile/) as {path} "
            '(it holds {"url": ..., "username": ..., "token": "pod_..."}).'
        )
    if not url.startswith(("http://", "https://")):
        raise ConfigMissing(f"The server URL {url!r} must start with http:// or https://.")
    username = None if token_from_env else (stored.get("username") or None)
    source = f"{TOKEN_ENV} (environment)" if token_from_env else str(path)
    return Config(url=url.rstrip("/"), token=token, username=username, source=source)


def read_config_file(path: Path) -> dict:
    warn_if_readable_by_others(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigMissing(f"Cannot read {path}: {error}.") from None
    except ValueError as error:
        raise ConfigMissing(f"{path} is not valid JSON ({error}).") from None
    if not isinstance(data, dict):
        raise ConfigMissing(f'{path} must hold a JSON object: {{"url": ..., "username": ..., "token": ...}}.')
    return data


def warn_if_readable_by_others(path: Path) -> None:
    """The file holds a secret, so say so when group or others can read it (as the Kaggle CLI does)."""
    if os.name != "posix":
        return
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if mode & (stat.S_IRGRP | stat.S_IROTH):
        print(
            f"Warning: your Podium token in {path} is readable by other users on this system. "
            f"To fix this, run: chmod 600 {path}",
            file=sys.stderr,
        )
