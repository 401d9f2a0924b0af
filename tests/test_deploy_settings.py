"""One switch, PODIUM_HTTPS=true, makes `manage.py check --deploy` clean; without it the embedded defaults
keep plain HTTP working on localhost."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def deploy_check(tmp_path, **env) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PODIUM_VAR_DIR": str(tmp_path),
        "DJANGO_SECRET_KEY": "a-long-random-secret-key-for-the-deploy-check-0123456789-abcdefghij",
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_podium_https_makes_the_deploy_check_clean(tmp_path):
    done = deploy_check(tmp_path, PODIUM_HTTPS="true")

    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_without_it_the_check_names_what_https_would_turn_on(tmp_path):
    done = deploy_check(tmp_path)

    assert done.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in done.stdout + done.stderr


def test_each_https_setting_can_be_turned_off_alone(tmp_path):
    done = deploy_check(tmp_path, PODIUM_HTTPS="true", PODIUM_SSL_REDIRECT="false")

    assert "security.W008" in done.stdout + done.stderr
    assert "security.W004" not in done.stdout + done.stderr
