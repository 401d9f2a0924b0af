"""A real Podium: gunicorn, Celery workers and beat as separate processes, on SQLite + the filesystem
broker or on PostgreSQL + Redis (or RabbitMQ), with files on disk or on S3. Integration and browser tests
drive it over HTTP."""

import contextlib
import json
import os
import secrets
import shutil
import signal
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
    """One Podium: its var/ folder, its database, and the web and worker processes it starts.

    Built from a `StackTemplate` it starts as a copy of a migrated, seeded site (a copied folder, and on
    PostgreSQL a database created from the template database), with API tokens already minted for the
    seeded users; without one, `prepare()` migrates and seeds it the slow way. A template's database is
    copied on the template's server unless `postgres_admin_url` names another one holding the same template
    database (a copy of the template's cluster, as the chaos tests make).

    `env` adds settings every process gets (files on S3, a shared cache, ...). With `separate_hosts`, each
    process (and each `manage.py` run) gets a var/ folder of its own, `var_dir/hosts/<name>/`, as if each
    ran on a machine of its own with no disk shared with another."""

    def __init__(
        self,
        var_dir: Path,
        *,
        postgres_admin_url: str | None = None,
        redis_url: str | None = None,
        broker_url: str | None = None,
        template: "StackTemplate | None" = None,
        env: dict[str, str] | None = None,
        separate_hosts: bool = False,
    ):
        if template is not None:
            postgres_admin_url = postgres_admin_url or template.postgres_admin_url
            shutil.copytree(template.var_dir, var_dir, dirs_exist_ok=True)
        self.var_dir = var_dir
        self.tokens: dict[str, str] = dict(template.tokens) if template is not None else {}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.processes: dict[str, subprocess.Popen] = {}
        self.log_starts: dict[str, int] = {}
        self.database_name = None
        self.postgres_admin_url = postgres_admin_url
        self.separate_hosts = separate_hosts
        self.env = {
            **os.environ,
            "PODIUM_VAR_DIR": str(var_dir),
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(32),
            "PODIUM_LOG_LEVEL": "INFO",
            "DJANGO_SETTINGS_MODULE": "config.settings",  # production's, not the test process's
            "PYTHONUNBUFFERED": "1",
        }
        self.env.pop("DATABASE_URL", None)
        self.env.pop("CELERY_BROKER_URL", None)
        if postgres_admin_url:
            self.database_name = f"podium_it_{secrets.token_hex(4)}"
            copied = f' TEMPLATE "{template.database_name}"' if template is not None else ""
            with psycopg.connect(postgres_admin_url, autocommit=True) as connection:
                connection.execute(f'CREATE DATABASE "{self.database_name}"{copied}')
            self.env["DATABASE_URL"] = postgres_admin_url.rsplit("/", 1)[0] + "/" + self.database_name
        if redis_url:
            redis.Redis.from_url(redis_url).flushdb()
            self.env["CELERY_BROKER_URL"] = redis_url
        if broker_url:
            self.env["CELERY_BROKER_URL"] = broker_url
        self.env.update(env or {})

    def host_var_dir(self, name: str) -> Path:
        """The var/ folder of the process (or `manage.py` run) called `name`."""
        return self.var_dir / "hosts" / name if self.separate_hosts else self.var_dir

    def env_for(self, name: str) -> dict[str, str]:
        return {**self.env, "PODIUM_VAR_DIR": str(self.host_var_dir(name))}

    # --- processes ---------------------------------------------------------------------------
    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env_for("manage"),
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def shell(self, script: str) -> str:
        """Run a Python script in `manage.py shell` and return the last line it printed (the shell's own
        banner comes first)."""
        return self.manage("shell", "-c", script).strip().splitlines()[-1]

    def spawn(self, name: str, command: list[str], env: dict[str, str] | None = None) -> None:
        # The child writes to its own copy of the descriptor, so ours can close at once. A session of its
        # own lets stop() kill the process with every child it forked. A process started again appends to
        # the log of the one before it; log_since_start() reads only its own lines.
        with open(self.var_dir / f"{name}.log", "a") as log:
            self.log_starts[name] = log.tell()
            self.processes[name] = subprocess.Popen(
                command,
                cwd=ROOT,
                env={**self.env_for(name), **(env or {})},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def log(self, name: str) -> str:
        path = self.var_dir / f"{name}.log"
        return path.read_text() if path.exists() else ""

    def log_since_start(self, name: str) -> str:
        """What the process running under this name now wrote, without the lines of those before it."""
        with open(self.var_dir / f"{name}.log", "rb") as log:
            log.seek(self.log_starts.get(name, 0))
            return log.read().decode(errors="replace")

    def start_web(self, workers: int = 2) -> None:
        self.spawn("web", self.gunicorn_command(self.port, workers))
        wait_for(self.web_is_up, 60, f"the web server on {self.url}\n{self.log('web')}")

    def start_read_pool(self, workers: int = 1) -> int:
        """A second gunicorn, named as the pool nginx sends board reads to (PODIUM_WEB_POOL=read), as
        platform/ runs it; returns its port."""
        port = free_port()
        self.spawn("web-read", self.gunicorn_command(port, workers), env={"PODIUM_WEB_POOL": "read"})
        url = f"http://127.0.0.1:{port}/"

        def up() -> bool:
            self.check_alive("web-read")
            try:
                return requests.get(url, timeout=10).headers.get("X-Podium-Pool") == "read"
            except requests.RequestException:
                return False

        wait_for(up, 60, f"the read pool on {url}\n{self.log('web-read')}")
        return port

    def gunicorn_command(self, port: int, workers: int) -> list[str]:
        return [
            str(BIN / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            "8",
            "--timeout",
            "120",
        ]

    def web_is_up(self) -> bool:
        self.check_alive("web")
        try:
            return requests.get(self.url + "/", timeout=10).status_code == 200
        except requests.RequestException:
            return False

    def start_worker(
        self, concurrency: int = 2, *, name: str = "worker", wait: bool = True, queue: str | None = None
    ) -> None:
        """A Celery worker; give each of several its own `name` (its log, its node name, its var/ folder).
        With `wait=False` it returns at once and `wait_until_ready(name)` waits (to start several at once).
        With `queue`, it takes only that queue's tasks (the Procfile's sandbox worker: `-Q sandbox`)."""
        self.spawn(
            name,
            [
                str(BIN / "celery"),
                "-A",
                "config",
                "worker",
                *(["-Q", queue] if queue else []),
                "--loglevel",
                "INFO",
                "--concurrency",
                str(concurrency),
                "--hostname",
                f"{name}@%h",
                "--without-gossip",
                "--without-mingle",
            ],
        )
        if wait:
            self.wait_until_ready(name)

    def start_beat(self, *, wait: bool = True) -> None:
        """Celery beat: the sweeper and the other periodic tasks, on the schedule the settings give."""
        self.spawn("beat", [str(BIN / "celery"), "-A", "config", "beat", "--loglevel", "INFO"])
        if wait:
            self.wait_until_ready("beat")

    def wait_until_ready(self, name: str) -> None:
        """Wait for a Celery worker or beat started under this name to say it is ready (it has connected to
        the broker); a process started again under the same name is judged by its own lines only."""
        marker = "beat: Starting..." if name == "beat" else " ready."
        wait_for(
            lambda: self.check_alive(name) or marker in self.log_since_start(name),
            60,
            f"{name}\n{self.log(name)}",
        )

    def check_alive(self, name: str) -> bool:
        process = self.processes[name]
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}:\n{self.log(name)}")
        return False

    def stop(self, name: str) -> None:
        """Kill a process and its children at once (SIGKILL to its process group): at the end of a test, where
        a graceful shutdown would spend seconds (Celery's prefork pool alone takes about five), and in the
        chaos tests, as the crash itself."""
        process = self.processes.pop(name, None)
        if process and process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
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
        self.manage("seed_code_demo")

    def mint_tokens(self, usernames, *, create_with_password: str | None = None) -> dict[str, str]:
        """API tokens for these users (created first, with this password, if asked), in one management
        command: one interpreter start for all of them, not one each."""
        find = (
            f"User.objects.create_user(name, password={create_with_password!r})"
            if create_with_password is not None
            else "User.objects.get(username=name)"
        )
        printed = self.manage(
            "shell",
            "-c",
            "import json; from accounts.models import User; from accounts.services import create_api_token; "
            f"print(json.dumps({{name: create_api_token(user={find}, name='tests')[1] "
            f"for name in {list(usernames)!r}}}))",
        )
        minted = json.loads(printed.strip().splitlines()[-1])
        self.tokens.update(minted)
        return minted

    def add_users(self, *usernames: str, password: str = "podium-demo") -> dict[str, "ApiClient"]:
        """New accounts that log in with this password, and their API clients."""
        self.mint_tokens(usernames, create_with_password=password)
        return {name: self.client(name) for name in usernames}

    def token(self, username: str) -> str:
        if username not in self.tokens:
            self.mint_tokens([username])
        return self.tokens[username]

    def client(self, username: str) -> "ApiClient":
        return ApiClient(self.url, self.token(username))

    def end_competition(self, slug: str) -> None:
        """Move the competition's end a second into the past, then run what the sweeper runs after an end
        (it builds the private board once nothing made before the end waits to be scored)."""
        self.manage(
            "shell",
            "-c",
            "from datetime import timedelta; from django.utils import timezone; "
            "from competitions.models import Competition; from leaderboards.private_board import finalize_ended_competitions; "
            f"Competition.objects.filter(slug='{slug}').update(end_at=timezone.now() - timedelta(seconds=1)); "
            "finalize_ended_competitions()",
        )

    def send_score_task(self, submission_id: int) -> None:
        """Deliver the scoring task again, as a broker redelivery would."""
        app = Celery("podium-test")
        if "CELERY_BROKER_URL" in self.env:
            app.conf.broker_url = self.env["CELERY_BROKER_URL"]
        else:
            broker = self.var_dir / "broker"
            queue = str(broker / "queue")
            app.conf.broker_url = "filesystem://"
            app.conf.broker_transport_options = {
                "data_folder_in": queue,
                "data_folder_out": queue,
                "control_folder": str(broker / "control"),  # kombu's default is ./control in the repository
            }
        app.send_task("scoring.tasks.score_submission", args=[submission_id])

    def solution_path(self, slug: str) -> Path:
        files = list((self.var_dir / "files" / "private" / "solutions" / slug).rglob("solution.csv"))
        assert len(files) == 1, files
        return files[0]


@contextlib.contextmanager
def serving(stack: Stack, *, worker: bool):
    """Start the stack's web server (and a worker), and stop everything and drop its database at the end."""
    try:
        stack.start_web()
        if worker:
            stack.start_worker()
        yield stack
    finally:
        stack.close()


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


class StackTemplate:
    """A Podium migrated and seeded once per test run, for every `Stack` of that kind to start from a copy
    (Zulip's template databases, done for both ways to run): migrating and seeding cost about half a minute,
    copying a folder and `CREATE DATABASE ... TEMPLATE` well under a second."""

    SEEDED_USERS = ("admin", "demo", "demo-host")

    def __init__(
        self,
        var_dir: Path,
        *,
        postgres_admin_url: str | None = None,
        seed: bool = True,
        users: tuple[str, ...] = (),
    ):
        """`seed`: add the demo users and competitions (else only migrate); `users`: accounts to add
        (password podium-demo), with their tokens."""
        self.var_dir = var_dir
        self.postgres_admin_url = postgres_admin_url
        builder = Stack(var_dir, postgres_admin_url=postgres_admin_url)
        self.database_name = builder.database_name
        try:
            if seed:
                builder.prepare()
                builder.mint_tokens(self.SEEDED_USERS)
            else:
                builder.manage("migrate", "--noinput")
            if users:
                builder.mint_tokens(users, create_with_password="podium-demo")
            self.tokens = dict(builder.tokens)
        except BaseException:
            builder.close()
            raise
        for transient in ("broker", "cache", "tmp"):
            shutil.rmtree(var_dir / transient, ignore_errors=True)

    def close(self) -> None:
        if self.database_name:
            with psycopg.connect(self.postgres_admin_url, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.database_name}" WITH (FORCE)')
