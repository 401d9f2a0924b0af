"""Where the podium command finds its server and token, and how it reports what goes wrong."""

import json
import socket

import pytest

from tests.cli.podium_runner import Podium, base_env


@pytest.fixture
def unconfigured(home, workdir) -> Podium:
    return Podium(env=base_env(home), cwd=workdir)


def test_a_missing_configuration_names_both_ways_and_exits_2(unconfigured, home):
    done = unconfigured("competitions", "list")

    assert done.returncode == 2
    assert "PODIUM_URL and PODIUM_TOKEN" in done.stderr
    assert str(home / ".podium" / "podium.json") in done.stderr
    assert done.stdout == ""


def test_an_invalid_token_shows_the_servers_message_and_exits_1(unconfigured, live_server, competition):
    done = unconfigured(
        "competitions", "join", "animals", env={"PODIUM_URL": live_server.url, "PODIUM_TOKEN": "pod_wrong"}
    )

    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "Error: Invalid or revoked API token.",
        f"Your token comes from PODIUM_TOKEN (environment); get a new one at {live_server.url}/accounts/profile/.",
    ]


def test_the_config_file_is_read_and_a_loose_mode_is_warned_about(podium_for, alice, live_server, home):
    token = podium_for(alice).env["PODIUM_TOKEN"]
    path = home / ".podium" / "podium.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"url": live_server.url, "username": "alice", "token": token}))
    path.chmod(0o644)
    runner = Podium(env=base_env(home), cwd=home)

    done = runner("config")

    assert done.returncode == 0
    assert f"URL:      {live_server.url}" in done.stdout
    assert "Username: alice" in done.stdout
    assert token not in done.stdout + done.stderr
    assert f"readable by other users on this system. To fix this, run: chmod 600 {path}" in done.stderr

    path.chmod(0o600)
    assert "Warning" not in runner("config").stderr


def test_podium_config_overrides_where_the_file_is(podium_for, alice, live_server, home, tmp_path):
    token = podium_for(alice).env["PODIUM_TOKEN"]
    path = tmp_path / "elsewhere.json"
    path.write_text(json.dumps({"url": live_server.url, "username": "alice", "token": token}))
    path.chmod(0o600)

    done = Podium(env={**base_env(home), "PODIUM_CONFIG": str(path)}, cwd=home)(
        "competitions", "files", "animals"
    )

    assert done.returncode == 1  # no such competition: the server answered, so the file was used
    assert "Error: No competition 'animals' exists" in done.stderr
    assert "See `podium competitions list`." in done.stderr


def test_config_checks_a_token_from_the_file_with_the_server(podium_for, alice, live_server, home):
    path = home / ".podium" / "podium.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"url": live_server.url, "username": "alice", "token": "pod_revoked"}))
    path.chmod(0o600)

    done = Podium(env=base_env(home), cwd=home)("config")

    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "Error: Invalid or revoked API token.",
        f"Your token comes from {path}; get a new one at {live_server.url}/accounts/profile/.",
    ]


def test_config_with_a_token_from_the_environment_asks_the_server_whose_it_is(podium):
    done = podium.ok("config")

    assert "Username: alice" in done.stdout
    assert "Token:    from PODIUM_TOKEN (environment)" in done.stdout


def test_an_unreachable_server_is_a_clear_error(unconfigured):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here once the socket closes

    done = unconfigured(
        "competitions", "list", env={"PODIUM_URL": f"http://127.0.0.1:{port}", "PODIUM_TOKEN": "x"}
    )

    assert done.returncode == 1
    assert (
        f"Error: Cannot reach the Podium server at http://127.0.0.1:{port} (Connection refused)."
        in done.stderr
    )


def test_version_needs_no_configuration(unconfigured):
    done = unconfigured("--version")

    assert done.returncode == 0
    assert done.stdout.startswith("podium ")
