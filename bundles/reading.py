"""Reading competition.yaml and the files it names, collecting every problem instead of stopping at the
first: the host fixes their bundle once, not once per error."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import PurePosixPath
from typing import Any

import nh3
import yaml

from bundles.archive import Budget, UnpackedBundle, check_nested_zip, read_nested_member
from bundles.errors import BadBundleArchive, BundleError, Problem
from config.rendering import ALLOWED_ATTRIBUTES, ALLOWED_SCHEMES, ALLOWED_TAGS, LINK_REL

YAML_NAMES = ("competition.yaml", "competition.yml")
MAX_YAML_BYTES = 1024 * 1024
MAX_YAML_ALIASES = 200  # anchors reused more than this are refused: expanding them could be endless work
MAX_PAGE_BYTES = 1024 * 1024
PROGRAM_METADATA = ("metadata", "metadata.yaml", "metadata.yml")


def find_yaml(bundle: UnpackedBundle) -> str:
    for name in YAML_NAMES:
        if bundle.is_file(name):
            return name
    raise BundleError(
        [Problem("the bundle", "", "there is no competition.yaml at its top (Codabench bundles need one).")],
        code="no_competition_yaml",
    )


def parse_yaml(text: str, file: str) -> Any:
    """The YAML's data, or a BundleError naming the line and column where it stops parsing."""
    try:
        aliases = sum(
            isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, Loader=yaml.SafeLoader)
        )
        if aliases > MAX_YAML_ALIASES:
            raise BundleError(
                [
                    Problem(
                        file,
                        "",
                        f"it reuses anchors {aliases} times, more than the limit of {MAX_YAML_ALIASES}.",
                    )
                ],
                code="bad_yaml",
            )
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "somewhere"
        reason = error.problem or error.context or "it is not valid YAML"
        raise BundleError(
            [Problem(file, "", f"the YAML does not parse at {where}: {reason}.")], code="bad_yaml"
        ) from error
    except yaml.YAMLError as error:
        raise BundleError(
            [Problem(file, "", f"the YAML does not parse: {error}.")], code="bad_yaml"
        ) from error


def sanitised_html(text: str) -> str:
    """An HTML page with only what Podium's Markdown keeps (config.rendering): no script, style or image."""
    return nh3.clean(
        text, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=ALLOWED_SCHEMES, link_rel=LINK_REL
    )


def as_moment(value: Any) -> datetime | None:
    """A date or time as YAML gives it (a date, a datetime or text); naive times are UTC."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Reader:
    """Reads values out of competition.yaml, noting each problem with its key and carrying on."""

    def __init__(self, bundle: UnpackedBundle, budget: Budget, yaml_file: str):
        self.bundle = bundle
        self.budget = budget
        self.file = yaml_file
        self.problems: list[Problem] = []
        self.checked_paths: dict[str, list[str] | None] = {}

    def problem(self, key: str, message: str, file: str | None = None) -> None:
        self.problems.append(Problem(file or self.file, key, message))

    def mapping(self, value: Any, key: str) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problem(key, "must be a mapping of keys to values.")
            return {}
        return value

    def sequence(self, value: Any, key: str) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(key, "must be a list.")
            return []
        return value

    def text(self, value: Any, key: str, *, required: bool = False, longest: int | None = None) -> str:
        if value is None or value == "":
            if required:
                self.problem(key, "is required.")
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.problem(key, "must be text.")
            return ""
        text = str(value).strip()
        if longest and len(text) > longest:
            self.problem(key, f"is {len(text)} characters long, more than Podium's {longest}.")
        return text

    def whole(self, value: Any, key: str, *, minimum: int = 0) -> int | None:
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, int | str):
            self.problem(key, f"must be a whole number, not {value!r}.")
            return None
        try:
            number = int(value)
        except ValueError:
            self.problem(key, f"must be a whole number, not {value!r}.")
            return None
        if number < minimum:
            self.problem(key, f"must be at least {minimum}, not {number}.")
            return None
        return number

    def moment(self, value: Any, key: str) -> datetime | None:
        if value is None or value == "":
            return None
        moment = as_moment(value)
        if moment is None:
            self.problem(key, f"{value!r} is not a date (write 2025-01-31 or 2025-01-31T12:00:00+00:00).")
        return moment

    def flag(self, value: Any, key: str) -> bool:
        if value is None:
            return False
        if not isinstance(value, bool):
            self.problem(key, f"must be true or false, not {value!r}.")
            return False
        return value

    def bundle_path(self, value: Any, key: str) -> str | None:
        """A path the YAML names, relative to it: present in the bundle as a file or a folder."""
        raw = self.text(value, key)
        if not raw:
            return None
        path = PurePosixPath(raw)
        if path.is_absolute() or ".." in path.parts or "\\" in raw or "\x00" in raw:
            self.problem(key, f"'{raw}' must be a path inside the bundle.")
            return None
        name = str(path)
        if name in (".", ""):
            self.problem(key, f"'{raw}' must name a file or folder of the bundle.")
            return None
        if not self.bundle.is_file(name) and not self.bundle.is_folder(name):
            self.problem(
                key,
                f"'{name}' is not in the bundle (Podium reads only what the bundle holds; it cannot fetch "
                "Codabench datasets by key).",
            )
            return None
        return name

    def page(self, value: Any, key: str) -> tuple[str, str] | None:
        """A page file's text (HTML sanitised) and its path."""
        path = self.bundle_path(value, key)
        if path is None:
            return None
        if not self.bundle.is_file(path):
            self.problem(key, f"'{path}' is a folder; a page is a Markdown or HTML file.")
            return None
        if self.bundle.path_of(path).stat().st_size > MAX_PAGE_BYTES:
            self.problem(key, f"'{path}' is over {MAX_PAGE_BYTES // 1024} KB, too long for a page.")
            return None
        text = self.bundle.read_text(path)
        if path.lower().endswith((".html", ".htm")):
            text = sanitised_html(text)
        return text, path

    def resource(self, value: Any, key: str, *, is_program: bool = False) -> str | None:
        """A program or data the YAML names: a zip (checked through, as the bundle was) or a folder. A program
        must hold a metadata file with a `command`."""
        path = self.bundle_path(value, key)
        if path is None:
            return None
        if path not in self.checked_paths:
            self.checked_paths[path] = self.contents(path, key)
        names = self.checked_paths[path]
        if names is None:
            return None
        if is_program and not self.has_command(path, names):
            return None
        return path

    def contents(self, path: str, key: str) -> list[str] | None:
        if self.bundle.is_folder(path):
            return self.bundle.files_under(path)
        if path.lower().endswith(".zip"):
            try:
                return check_nested_zip(self.bundle.path_of(path), path, self.budget)
            except BadBundleArchive as refused:
                self.problems.extend(refused.problems)
                return None
        return [PurePosixPath(path).name]

    def has_command(self, path: str, names: list[str]) -> bool:
        """Whether the program at `path` (its files `names`) has a metadata file with a command; noted if not."""
        if not self.bundle.is_folder(path) and not path.lower().endswith(".zip"):
            self.problem("", "a program must be a zip or a folder.", path)
            return False
        found = next((name for name in PROGRAM_METADATA if name in names), None)
        if found is None:
            self.problem(
                "",
                "a program needs a metadata file (metadata or metadata.yaml) at its top with its command.",
                path,
            )
            return False
        if self.bundle.is_folder(path):
            text = self.bundle.read_text(f"{path}/{found}")
        else:
            text = read_nested_member(self.bundle.path_of(path), found)
        where = f"{path}/{found}"
        try:
            metadata = parse_yaml(text, where)
        except BundleError as refused:
            self.problems.extend(refused.problems)
            return False
        command = metadata.get("command") if isinstance(metadata, dict) else None
        if not isinstance(command, str) or not command.strip():
            self.problem("command", "the program's metadata has no command to run it.", where)
            return False
        return True
