"""nginx in front of a test `Stack`, configured by the shipped platform/nginx/podium.conf.

The shipped file is a server block Debian's nginx includes inside its http block; here a minimal main
configuration wraps it, with every path (pid, logs, temporary files) in a folder of the test's own and
a free port, so it never meets a system nginx."""

import importlib.util
import os
import signal
import subprocess
from pathlib import Path

import requests

from tests.stack import ROOT, Stack, free_port, wait_for

RENDER = ROOT / "platform" / "nginx" / "render.py"
MIME_TYPES = Path("/etc/nginx/mime.types")


def shipped_renderer():
    """platform/nginx/render.py as a module: platform/ is a plain folder, never a package (it would
    shadow the standard library's `platform`)."""
    spec = importlib.util.spec_from_file_location("podium_nginx_render", RENDER)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main_config(server_config: Path, prefix: Path) -> str:
    """The test-only main context around the shipped server block."""
    # As root, nginx's workers would otherwise run as nobody, who cannot read the test's private folders.
    user = "user root;\n" if os.geteuid() == 0 else ""
    types = f"include {MIME_TYPES};" if MIME_TYPES.exists() else "types { text/css css; }"
    # Every compiled-in temporary path is created at start: point them all at the test's folder.
    temp_paths = "\n".join(
        f"    {kind}_temp_path {prefix / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""{user}worker_processes 1;
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} info;
events {{
    worker_connections 1024;
}}
http {{
    {types}
    default_type application/octet-stream;
    access_log {prefix / "access.log"};
{temp_paths}
    include {server_config};
}}
"""


class Nginx:
    """One nginx process serving `stack` on a free port of its own."""

    def __init__(self, binary: str, stack: Stack, prefix: Path, read_port: int | None = None):
        """`read_port`: the read pool's gunicorn (Stack.start_read_pool); without one, board reads go to the
        stack's web server too."""
        self.binary = binary
        self.prefix = prefix
        prefix.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        renderer = shipped_renderer()
        server_config = prefix / "podium.conf"
        server_config.write_text(
            renderer.render(
                renderer.values_for(
                    var_dir=stack.var_dir,
                    listen=f"127.0.0.1:{self.port}",
                    upstream=f"127.0.0.1:{stack.port}",
                    read_upstream=f"127.0.0.1:{read_port or stack.port}",
                    temp_dir=prefix,
                    log_dir=prefix,
                )
            )
        )
        self.config = prefix / "nginx.conf"
        self.config.write_text(main_config(server_config, prefix))
        self.process: subprocess.Popen | None = None

    def command(self, *args: str) -> list[str]:
        return [
            self.binary,
            "-p",
            str(self.prefix),
            "-e",
            str(self.prefix / "error.log"),
            "-c",
            str(self.config),
            *args,
        ]

    def check(self) -> str:
        """`nginx -t` on the configuration: its verdict, or an error naming what nginx refused."""
        done = subprocess.run(self.command("-t"), capture_output=True, text=True, timeout=30)
        if done.returncode:
            raise RuntimeError(f"nginx -t refused the configuration:\n{done.stderr}")
        return done.stderr

    def start(self) -> None:
        self.check()
        with open(self.prefix / "stderr.log", "w") as log:
            self.process = subprocess.Popen(
                self.command("-g", "daemon off;"),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(self.is_up, 30, f"nginx on {self.url}\n{self.log()}")

    def is_up(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise RuntimeError(f"nginx exited with {self.process.returncode}:\n{self.log()}")
        try:
            return requests.get(self.url + "/", timeout=10).status_code == 200
        except requests.RequestException:
            return False

    def log(self) -> str:
        return "\n".join(
            path.read_text()
            for path in (self.prefix / "stderr.log", self.prefix / "error.log")
            if path.exists()
        )

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
