"""The layout's one rule about dependencies: an app imports only the apps below it (the README's layout
table lists them in order). A lower app tells a higher one about a change with a signal sent by the
service that made it, and pages compose parts of higher apps by template tag; neither needs an import."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Each app and the project packages it may import, besides itself, Django and third-party libraries.
# `config` is the project's infrastructure (settings, the error shape, the API schema helpers, timestamps)
# and `scoring.engine` is a pure library with no Django in it: every app may use both.
BELOW = {
    # The sandbox runs programs and knows nothing of competitions; submissions (code) and what sits above
    # them call it.
    "execution": set(),
    "accounts": set(),
    "organisations": {"accounts"},
    "datasets": {"organisations", "accounts"},
    "competitions": {"datasets", "organisations", "accounts"},
    # Code submissions are checked (execution.archives) and run (execution.sandbox) here: docs/code-submissions.md.
    "submissions": {"execution", "competitions", "datasets", "organisations", "accounts"},
    # A host's scoring program (docs/scoring-programs.md): scoring calls it for a program-scored pair.
    "scoring_programs": {"execution", "submissions", "competitions", "datasets", "organisations", "accounts"},
    "scoring": {
        "scoring_programs",
        "execution",
        "submissions",
        "competitions",
        "datasets",
        "organisations",
        "accounts",
    },
    # A Codabench bundle becomes a draft competition; its programs run through scoring programs and the sandbox.
    "bundles": {
        "scoring_programs",
        "scoring",
        "execution",
        "submissions",
        "competitions",
        "datasets",
        "organisations",
        "accounts",
    },
    "leaderboards": {
        "scoring_programs",
        "scoring",
        "execution",
        "submissions",
        "competitions",
        "datasets",
        "organisations",
        "accounts",
    },
    "community": {
        "scoring_programs",
        "execution",
        "leaderboards",
        "scoring",
        "submissions",
        "competitions",
        "datasets",
        "organisations",
        "accounts",
    },
    # Projects sit beside community (docs/projects.md): they may use its helpers; community reaches
    # projects only by template tag (a write-up's attached projects).
    "projects": {
        "scoring_programs",
        "community",
        "execution",
        "leaderboards",
        "scoring",
        "submissions",
        "competitions",
        "datasets",
        "organisations",
        "accounts",
    },
    "moderation": {
        "scoring_programs",
        "execution",
        "projects",
        "community",
        "leaderboards",
        "scoring",
        "submissions",
        "competitions",
        "datasets",
        "organisations",
        "accounts",
    },
}
EVERY_APP = set(BELOW) | {"config"}
SHARED = {"config", "scoring.engine"}
# The Django admin is where staff moderate: each app's admin module may offer moderation's actions.
ADMIN_MODULES_MAY_IMPORT = {"moderation"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:  # `from scoring import engine` reaches scoring.engine, not scoring
                whole = f"{node.module}.{alias.name}"
                names.add(whole if project_import(whole) == "scoring.engine" else node.module)
    return names


def project_import(name: str) -> str | None:
    """The project package an import reaches ('scoring.engine' counted apart), or None for a library."""
    top = name.split(".")[0]
    if top not in EVERY_APP:
        return None
    if name == "scoring.engine" or name.startswith("scoring.engine."):
        return "scoring.engine"
    return top


def forbidden_imports(app: str) -> list[str]:
    found = []
    for path in sorted((ROOT / app).rglob("*.py")):
        allowed = BELOW[app] | SHARED | {app}
        if path.name == "admin.py" or path.name.startswith("admin_"):
            allowed |= ADMIN_MODULES_MAY_IMPORT
        if app == "scoring" and "engine" in path.relative_to(ROOT / app).parts:
            allowed = {"scoring.engine"}
        for name in sorted(imported_modules(path)):
            reached = project_import(name)
            if reached and reached not in allowed:
                found.append(f"{path.relative_to(ROOT)} imports {name}")
    return found


@pytest.mark.parametrize("app", sorted(BELOW))
def test_an_app_imports_only_the_apps_below_it(app):
    assert forbidden_imports(app) == []


def test_the_engine_has_no_django_in_it():
    engine = ROOT / "scoring" / "engine"
    using_django = [
        str(path.relative_to(ROOT))
        for path in engine.rglob("*.py")
        if any(name.split(".")[0] in {"django", "rest_framework"} for name in imported_modules(path))
    ]

    assert using_django == []


def test_the_cli_talks_to_the_api_only():
    reaching_in = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in (ROOT / "cli").rglob("*.py")
        for name in imported_modules(path)
        if project_import(name) or name.split(".")[0] == "django"
    ]

    assert reaching_in == []


def test_the_check_sees_an_upward_import(tmp_path, monkeypatch):
    """The rule itself can fail: a lower app importing a higher one is reported."""
    app = tmp_path / "accounts"
    app.mkdir()
    (app / "views.py").write_text("from leaderboards.participation import joined_competitions\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)

    assert forbidden_imports("accounts") == ["accounts/views.py imports leaderboards.participation"]


def test_row_locks_are_taken_only_through_the_lock_module():
    """competitions/locks.py owns the order (user, competitions, teams); the only other locks are leaf rows
    taken alone (a comment being hidden or restored, a dataset's latest version, an organisation whose
    members change, a project getting a version)."""
    leaf_locks = {
        "moderation/services.py",
        "datasets/services.py",
        "organisations/services.py",
        "projects/services.py",
    }
    locking = {
        str(path.relative_to(ROOT))
        for app in EVERY_APP
        for path in (ROOT / app).rglob("*.py")
        if "select_for_update(" in path.read_text()
    }

    assert locking == {"competitions/locks.py", *leaf_locks}


PROCESS_STARTERS = {"subprocess", "multiprocessing", "pty"}
PROCESS_CALLS = re.compile(r"\bos\.(system|popen|exec\w*|spawn\w*|fork\w*|posix_spawn\w*)\(")


def process_starters(path: Path) -> list[str]:
    """How a module can start a program: importing a process-starting module, or os's own calls."""
    found = [name for name in imported_modules(path) if name.split(".")[0] in PROCESS_STARTERS]
    return found + [match.group(0) for match in PROCESS_CALLS.finditer(path.read_text())]


def test_only_the_sandbox_starts_programs():
    """execution/ is the one place that starts a program (the sandbox, and pip for a runtime's build);
    Podium's default ingestion starts the participant's main.py, but it runs inside the sandbox."""
    inside_the_sandbox = {"submissions/default_ingestion/ingestion.py"}
    starting = {
        str(path.relative_to(ROOT))
        for app in EVERY_APP - {"execution"}
        for path in (ROOT / app).rglob("*.py")
        if process_starters(path)
    }

    assert starting == inside_the_sandbox


def test_the_process_check_sees_a_program_started_elsewhere(tmp_path):
    module = tmp_path / "views.py"
    module.write_text("import os\nfrom subprocess import run\nos.execv('/bin/sh', ['sh'])\n")

    assert process_starters(module) == ["subprocess", "os.execv("]
