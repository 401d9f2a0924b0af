"""A real Podium: gunicorn and a Celery worker as separate processes, on SQLite + the filesystem
broker or on PostgreSQL + Redis. Integration and browser tests drive it over HTTP."""

import os
import secrets
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import redis
import requests
from celery import Celery

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise TimeoutError(f"Timed out after {timeout}s waiting for {what}")


class Stack:
    def __init__(self, var_dir: Path, *, postgres_admin_url: str | None = None, redis_url: str | None = None):
        self.var_dir = var_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.processes: dict[str, subprocess.Popen] = {}
        self.database_name = None
        self.postgres_admin_url = postgres_admin_url
        self.env = {
            **os.environ,
            "PODIUM_VAR_DIR": str(var_dir),
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(32),
            "PODIUM_LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
        }
        self.env.pop("DATABASE_URL", None)
        self.env.pop("CELERY_BROKER_URL", None)
        if postgres_admin_url:
            self.database_name = f"podium_it_{secrets.token_hex(4)}"
            with psycopg.connect(postgres_admin_url, autocommit=True) as connection:
                connection.execute(f'CREATE DATABASE "{self.database_name}"')
            self.env["DATABASE_URL"] = postgres_admin_url.rsplit("/", 1)[0] + "/" + self.database_name
        if redis_url:
            redis.Redis.from_url(redis_url).flushdb()
            self.env["CELERY_BROKER_URL"] = redis_url

    # --- processes ---------------------------------------------------------------------------
    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def spawn(self, name: str, command: list[str]) -> None:
        log = open(self.var_dir / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
        self.processes[name] = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )

    def log(self, name: str) -> str:
        path = self.var_dir / f"{name}.log"
        return path.read_text() if path.exists() else ""

    def start_web(self) -> None:
        self.spawn(
            "web",
            [
                str(BIN / "gunicorn"),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--threads",
                "8",
                "--timeout",
                "120",
            ],
        )
        wait_for(self.web_is_up, 60, f"the web server on {self.url}\n{self.log('web')}")

    def web_is_up(self) -> bool:
        self.check_alive("web")
        try:
            return requests.get(self.url + "/", timeout=10).status_code == 200
        except requests.RequestException:
            return False

    def start_worker(self, concurrency: int = 2) -> None:
        self.spawn(
            "worker",
            [
                str(BIN / "celery"),
                "-A",
                "config",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                str(concurrency),
                "--without-gossip",
                "--without-mingle",
            ],
        )
        wait_for(
            lambda: self.check_alive("worker") or " ready." in self.log("worker"),
            60,
            f"the Celery worker\n{self.log('worker')}",
        )

    def check_alive(self, name: str) -> bool:
        process = self.processes[name]
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}:\n{self.log(name)}")
        return False

    def stop(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def close(self) -> None:
        for name in list(self.processes):
            self.stop(name)
        if self.database_name:
            with psycopg.connect(self.postgres_admin_url, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.database_name}" WITH (FORCE)')

    # --- setup and clients ----------------------------------------------------------------------
    def prepare(self) -> None:
        self.manage("migrate", "--noinput")
        self.manage("seed_demo")

    def token(self, username: str) -> str:
        return self.manage("create_api_token", username).strip()

    def client(self, username: str) -> "ApiClient":
        return ApiClient(self.url, self.token(username))

    def send_score_task(self, submission_id: int) -> None:
        """Deliver the scoring task again, as a broker redelivery would."""
        app = Celery("podium-test")
        if "CELERY_BROKER_URL" in self.env:
            app.conf.broker_url = self.env["CELERY_BROKER_URL"]
        else:
            queue = str(self.var_dir / "broker" / "queue")
            app.conf.broker_url = "filesystem://"
            app.conf.broker_transport_options = {"data_folder_in": queue, "data_folder_out": queue}
        app.send_task("scoring.tasks.score_submission", args=[submission_id])

    def solution_path(self, slug: str) -> Path:
        files = list((self.var_dir / "files" / "private" / "solutions" / slug).rglob("solution.csv"))
        assert len(files) == 1, files
        return files[0]


class ApiClient:
    def __init__(self, base_url: str, token: str):
        self.base_url = base_url
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def get(self, path: str, **kwargs):
        return self.session.get(self.base_url + path, timeout=30, **kwargs)

    def post(self, path: str, **kwargs):
        return self.session.post(self.base_url + path, timeout=60, **kwargs)

    def submit(self, slug: str, csv_text: str, name: str = "predictions.csv", description: str = ""):
        return self.post(
            f"/api/v1/competitions/{slug}/submissions/",
            files={"file": (name, csv_text.encode(), "text/csv")},
            data={"description": description},
        )

    def create_competition(
        self,
        title: str,
        solution_csv: str,
        *,
        metric: str,
        target: str = "y",
        data_files: dict[str, bytes] | None = None,
        publish: bool = True,
        **fields,
    ):
        """Create a competition running from now for a day, through the API, as a host would."""
        start = datetime.now(UTC)
        files = [("solution", ("solution.csv", solution_csv.encode()))]
        files += [("data_files", (name, content)) for name, content in (data_files or {}).items()]
        data = {
            "title": title,
            "start_at": start.isoformat(),
            "end_at": (start + timedelta(days=1)).isoformat(),
            "metric": metric,
            "id_column": "id",
            "target_columns": target,
            **fields,
        }
        created = self.post("/api/v1/competitions/", data=data, files=files)
        assert created.status_code == 201, created.text
        slug = created.json()["slug"]
        if publish:
            assert self.post(f"/api/v1/competitions/{slug}/publish/").status_code == 200
        return slug

    def wait_until_finished(self, submission_id: int, timeout: float = 60) -> dict:
        def finished():
            body = self.get(f"/api/v1/submissions/{submission_id}/").json()
            return body if body["status"] in {"scored", "failed"} else None

        return wait_for(finished, timeout, f"submission {submission_id} to be scored", interval=0.2)
