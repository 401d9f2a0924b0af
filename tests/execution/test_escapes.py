"""Escape attempts, each run for real in bubblewrap: every test asserts what the program saw inside (the
error it got) and that nothing outside the run was touched."""

import http.server
import os
import secrets
import sys
import threading
from pathlib import Path

from tests.execution.conftest import processes_with
from tests.services import require_postgres, require_redis


def test_the_program_runs_unprivileged_on_a_read_only_program_folder(sandbox, tmp_path):
    result = sandbox(
        """
        import os
        print("uid", os.getuid(), "gid", os.getgid())
        try:
            open("/program/main.py", "a").write("tampered")
        except OSError as error:
            print("write refused:", error.strerror)
        """
    )

    assert result.exit_code == 0
    assert "uid 65534 gid 65534" in result.stdout
    assert "write refused:" in result.stdout
    assert not (tmp_path / "program" / "main.py").read_text().endswith("tampered")


def test_a_file_outside_the_inputs_cannot_be_read_by_its_path(sandbox, tmp_path):
    elsewhere = tmp_path / "other-competition"
    elsewhere.mkdir()
    solution = elsewhere / "solution.csv"
    solution.write_text("id,label\n1,secret-label\n")

    result = sandbox(
        f"""
        print(open("/input/test.csv").read().strip())
        for path in ["{solution}", "/etc/passwd", "/root/.bashrc"]:
            try:
                print("read", open(path).read())
            except OSError as error:
                print(path, type(error).__name__)
        """,
        inputs={"test.csv": "id\n1"},
    )

    assert result.exit_code == 0
    assert "id\n1" in result.stdout
    assert f"{solution} FileNotFoundError" in result.stdout
    assert "/etc/passwd PermissionError" in result.stdout or "/etc/passwd FileNotFoundError" in result.stdout
    assert "read " not in result.stdout
    assert "secret-label" not in result.stdout
    assert solution.read_text() == "id,label\n1,secret-label\n"


def test_the_worker_environment_and_other_processes_are_not_visible(sandbox, monkeypatch, tmp_path):
    secret = secrets.token_hex(16)
    monkeypatch.setenv("PODIUM_TEST_SECRET", secret)

    result = sandbox(
        """
        import os
        print("env", sorted(os.environ))
        for pid in sorted(p for p in os.listdir("/proc") if p.isdigit()):
            cmdline = open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\\0", b" ").decode()
            try:
                environ = open(f"/proc/{pid}/environ", "rb").read().decode(errors="replace")
            except OSError as error:
                environ = type(error).__name__
            print("process", pid, cmdline, "|", environ)
        """,
        env={"RUN_ID": "7"},
    )

    assert result.exit_code == 0
    assert secret not in result.stdout
    assert "PODIUM_TEST_SECRET" not in result.stdout
    assert (
        "env ['HOME', 'LANG', 'PATH', 'PWD', 'PYTHONDONTWRITEBYTECODE', 'RUN_ID', 'TMPDIR']" in result.stdout
    )
    seen = [line for line in result.stdout.splitlines() if line.startswith("process")]
    # bubblewrap's init and the program itself: nothing of the host (no pytest, no worker).
    assert len(seen) == 2
    assert "pytest" not in result.stdout
    assert str(tmp_path) not in result.stdout


def test_services_on_the_host_and_the_outside_world_cannot_be_reached(sandbox):
    require_postgres()
    require_redis()
    requests_seen = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests_seen.append(self.path)
            self.send_response(200)
            self.end_headers()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = sandbox(
            f"""
            import socket
            targets = [("127.0.0.1", 5432), ("127.0.0.1", 6379), ("127.0.0.1", {server.server_port}),
                       ("1.1.1.1", 443)]
            for host, port in targets:
                try:
                    socket.create_connection((host, port), timeout=5)
                    print(host, port, "connected")
                except OSError as error:
                    print(host, port, type(error).__name__, error.strerror)
            try:
                socket.getaddrinfo("pypi.org", 443)
                print("dns resolved")
            except OSError as error:
                print("dns", type(error).__name__)
            """
        )
    finally:
        server.shutdown()
        server.server_close()

    assert result.exit_code == 0
    assert "connected" not in result.stdout
    assert "127.0.0.1 5432 ConnectionRefusedError" in result.stdout
    assert "127.0.0.1 6379 ConnectionRefusedError" in result.stdout
    assert f"127.0.0.1 {server.server_port} ConnectionRefusedError" in result.stdout
    assert "1.1.1.1 443 OSError Network is unreachable" in result.stdout
    assert "dns gaierror" in result.stdout
    assert requests_seen == []


def test_a_fork_bomb_is_stopped_at_the_process_limit(sandbox, memory_and_processes_by):
    marker = f"podium-fork-{secrets.token_hex(8)}"

    result = sandbox(
        f"""
        import os, time
        children = 0
        try:
            while True:
                if os.fork() == 0:
                    os.execv("/bin/sleep", ["{marker}", "600"])  # the marker as its name: sleep takes no other
                children += 1
        except OSError as error:
            print("fork refused after", children, "children:", type(error).__name__, flush=True)
        """,
        processes=16,
    )

    assert "fork refused after" in result.stdout
    assert "BlockingIOError" in result.stdout
    assert int(result.stdout.split("after ")[1].split(" ")[0]) < 16
    assert processes_with(marker) == []


def test_a_memory_bomb_fails_at_the_memory_limit(sandbox, memory_and_processes_by):
    result = sandbox(
        """
        hoard = []
        while True:
            hoard.append(b"x" * (64 * 1024 * 1024))  # written: resident, not only reserved
        """,
        memory_bytes=512 * 1024**2,
    )

    assert result.killed_by == "memory"
    if memory_and_processes_by == "rlimits":  # the address-space limit: the allocation fails inside
        assert result.exit_code == 1
        assert "MemoryError" in result.stderr
    else:  # the run's cgroup: the kernel kills the run at its limit before any allocation fails
        assert not result.succeeded
        assert "MemoryError" not in result.stderr
        assert result.peak_memory_bytes is None


def test_an_endless_loop_is_killed_at_the_cpu_limit(sandbox):
    result = sandbox(
        """
        print("looping", flush=True)
        while True:
            pass
        """,
        cpu_seconds=2,
    )

    assert result.killed_by == "cpu"
    assert result.stdout == "looping\n"
    assert not result.succeeded


def test_sleeping_past_the_wall_clock_kills_the_whole_tree(sandbox):
    marker = f"podium-sleep-{secrets.token_hex(8)}"

    result = sandbox(
        f"""
        import subprocess, time
        subprocess.Popen(["{marker}", "600"], executable="/bin/sleep")
        print("sleeping", flush=True)
        time.sleep(600)
        """,
        wall_seconds=3,
    )

    assert result.killed_by == "wall_clock"
    assert result.stdout == "sleeping\n"
    assert processes_with(marker) == []


def test_one_file_cannot_grow_past_the_file_size_limit(sandbox):
    result = sandbox(
        """
        import errno
        with open("/output/big.bin", "wb") as out:
            try:
                for _ in range(16):
                    out.write(b"x" * 1024 * 1024)
                    out.flush()
            except OSError as error:
                print("write refused:", errno.errorcode[error.errno], flush=True)
        """,
        file_size_bytes=2 * 1024**2,
        output_bytes=4 * 1024**2,
    )

    assert "write refused: EFBIG" in result.stdout
    assert len(result.output_files["big.bin"]) == 2 * 1024**2


def test_writing_past_the_output_limit_is_killed_and_its_output_dropped(sandbox):
    result = sandbox(
        """
        for number in range(64):
            with open(f"/output/part-{number}.bin", "wb") as out:
                out.write(b"x" * 512 * 1024)
        print("wrote 32 MB")
        """,
        file_size_bytes=1024**2,
        output_bytes=4 * 1024**2,
    )

    assert result.killed_by == "output"
    assert result.output_files == {}


def test_filling_the_scratch_folder_fails_inside_and_leaves_nothing_behind(sandbox):
    result = sandbox(
        """
        import errno
        written = 0
        try:
            while True:
                with open(f"/tmp/fill-{written}", "wb") as out:
                    out.write(b"x" * 1024 * 1024)
                written += 1
        except OSError as error:
            print("scratch full after", written, "MB:", errno.errorcode[error.errno])
        """,
        scratch_bytes=8 * 1024**2,
    )
    after = sandbox("import os; print([name for name in os.listdir('/tmp') if name.startswith('fill')])")

    assert result.exit_code == 0
    assert "ENOSPC" in result.stdout
    assert int(result.stdout.split("after ")[1].split(" ")[0]) <= 8
    assert after.stdout == "[]\n"


def test_a_child_left_behind_is_gone_when_the_main_program_exits(sandbox):
    marker = f"podium-orphan-{secrets.token_hex(8)}"

    result = sandbox(
        f"""
        import os
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                os.execv("/bin/sleep", ["{marker}", "600"])  # the marker as its name: sleep takes no other
            os._exit(0)
        os.wait()
        print("left a grandchild behind")
        """
    )

    assert result.exit_code == 0
    assert result.stdout == "left a grandchild behind\n"
    assert processes_with(marker) == []


def test_killing_the_parent_is_refused_and_the_run_ends_normally(sandbox):
    result = sandbox(
        """
        import os, signal
        parent = os.getppid()
        print("parent is pid", parent)
        for pid in (parent, 1):
            try:
                os.kill(pid, signal.SIGKILL)
                print("kill", pid, "sent")
            except OSError as error:
                print("kill", pid, type(error).__name__)
        print("still here")
        """
    )

    assert result.exit_code == 0
    assert "parent is pid 1" in result.stdout
    assert result.stdout.endswith("still here\n")


def test_a_link_in_the_output_is_never_followed(sandbox, tmp_path):
    secret = tmp_path / "host-secret.txt"
    secret.write_text("host-only secret")

    result = sandbox(
        f"""
        import os
        os.symlink("{secret}", "/output/to-host")
        os.symlink("/input/test.csv", "/output/to-input")
        os.symlink("/etc/hostname", "/output/to-etc")
        open("/output/scores.json", "w").write('{{"accuracy": 0.5}}')
        """,
        inputs={"test.csv": "id\n1"},
    )

    assert result.exit_code == 0
    assert result.output_files == {"scores.json": b'{"accuracy": 0.5}'}
    assert sorted(result.skipped_outputs) == ["to-etc", "to-host", "to-input"]
    assert secret.read_text() == "host-only secret"


def test_the_run_has_namespaces_of_its_own_and_the_sandbox_hostname(sandbox):
    worker = {name: os.readlink(f"/proc/self/ns/{name}") for name in ("net", "pid", "ipc", "uts")}

    result = sandbox(
        """
        import os, socket
        for name in ("net", "pid", "ipc", "uts"):
            print(name, os.readlink(f"/proc/self/ns/{name}"))
        print("hostname", socket.gethostname())
        print("interfaces", sorted(name for _, name in socket.if_nameindex()))
        """
    )

    assert result.exit_code == 0, result.stderr
    seen = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    for name, outside in worker.items():
        assert seen[name].startswith(f"{name}:[")
        assert seen[name] != outside, name
    assert seen["hostname"] == "sandbox"
    assert seen["interfaces"] == "['lo']"


def test_opening_files_past_the_open_files_limit_fails_inside(sandbox):
    result = sandbox(
        """
        import errno
        handles = []
        try:
            while True:
                handles.append(open("/input/test.csv"))
        except OSError as error:
            print("open refused after", len(handles), "files:", errno.errorcode[error.errno])
        """,
        inputs={"test.csv": "id\n1"},
        open_files=32,
    )

    assert result.exit_code == 0, result.stderr
    assert "EMFILE" in result.stdout
    assert int(result.stdout.split("after ")[1].split(" ")[0]) < 32


def test_the_inputs_and_the_runtime_are_read_only(sandbox, tmp_path):
    result = sandbox(
        """
        import os, sys
        for path in ["/input/test.csv", "/input/new.csv", os.path.join(sys.prefix, "planted.py"), "/usr/planted"]:
            try:
                open(path, "a").write("tampered")
                print(path, "written")
            except OSError as error:
                print(path, type(error).__name__)
        """,
        inputs={"test.csv": "id\n1"},
    )

    assert result.exit_code == 0, result.stderr
    assert "written" not in result.stdout
    assert result.stdout.count("OSError") + result.stdout.count("PermissionError") == 4
    assert (tmp_path / "input" / "test.csv").read_text() == "id\n1"
    assert not (tmp_path / "input" / "new.csv").exists()
    assert not (Path(sys.prefix) / "planted.py").exists()
