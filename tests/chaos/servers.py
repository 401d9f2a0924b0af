"""Throwaway PostgreSQL clusters and Redis servers that a chaos test owns, so it can kill, stop and wipe
them without touching the machine's services.

PostgreSQL refuses to run as root, and CI runs as root: there the cluster belongs to the `postgres` OS user
(its binaries run through `runuser`) and lives in a folder that user owns; run as anyone else, the cluster
is simply that user's.
"""

import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import psycopg
import redis

from tests.services import missing
from tests.stack import free_port, wait_for

CLUSTER_OWNER = "postgres"


def postgres_binary(name: str) -> str:
    """initdb and pg_ctl: on the PATH, else where Debian's packages put them."""
    found = shutil.which(name) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))[-1:]), None
    )
    if found is None:
        missing(f"PostgreSQL's {name} is not installed (apt-get install -y postgresql)")
    return found


def require_redis_server() -> str:
    found = shutil.which("redis-server")
    if found is None:
        missing("redis-server is not installed (apt-get install -y redis-server)")
    return found


class PostgresCluster:
    """A PostgreSQL cluster in a temporary folder, listening on 127.0.0.1 only on a free port, trusting
    every local connection. `copy()` clones a stopped cluster's folder: a database migrated once serves many
    clusters."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        self.admin_url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self.run_as: list[str] = []
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam(CLUSTER_OWNER)
            except KeyError:
                missing(
                    f"PostgreSQL refuses to run as root, and there is no '{CLUSTER_OWNER}' user to run it"
                )
            os.chown(folder, owner.pw_uid, owner.pw_gid)
            self.run_as = [shutil.which("runuser") or "runuser", "-u", CLUSTER_OWNER, "--"]

    @classmethod
    def create(cls) -> "PostgresCluster":
        cluster = cls(Path(tempfile.mkdtemp(prefix="podium-chaos-pg-")))
        cluster.run(
            postgres_binary("initdb"),
            "-D",
            str(cluster.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        return cluster

    def copy(self) -> "PostgresCluster":
        """A new cluster with this (stopped) one's databases, on a port of its own."""
        folder = Path(tempfile.mkdtemp(prefix="podium-chaos-pg-"))
        subprocess.run(["cp", "-a", str(self.data), str(folder / "data")], check=True)
        return PostgresCluster(folder)

    def run(self, *command: str) -> None:
        done = subprocess.run([*self.run_as, *command], capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")

    def start(self) -> None:
        # fsync off: an immediate stop is a crash of the server's processes, never of the machine, so what
        # was written to the OS is kept. Commits stay synchronous: an asynchronous one is lost in such a crash.
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off"
        )
        log = self.folder / "postgres.log"
        self.run(
            postgres_binary("pg_ctl"), "-D", str(self.data), "-l", str(log), "-o", options, "-w", "start"
        )
        wait_for(self.accepts_connections, 30, f"PostgreSQL on port {self.port}")

    def stop(self, mode: str = "fast") -> None:
        """pg_ctl stop: 'fast' rolls back and disconnects every session, 'immediate' is a crash."""
        self.run(postgres_binary("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def is_running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def accepts_connections(self) -> bool:
        try:
            with psycopg.connect(self.admin_url, connect_timeout=2):
                return True
        except psycopg.OperationalError:
            return False

    def remove(self) -> None:
        if self.is_running():
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


class RedisServer:
    """A redis-server on a free port of 127.0.0.1, keeping nothing on disk: killing it loses its data."""

    def __init__(self, folder: Path):
        self.binary = require_redis_server()
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / "redis.log", "a") as log:
            self.process = subprocess.Popen(
                [
                    self.binary,
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(self.folder),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(self.answers, 30, f"redis-server on port {self.port}")

    def answers(self) -> bool:
        try:
            return redis.Redis(port=self.port, socket_connect_timeout=1).ping()
        except redis.RedisError:
            return False

    def kill(self) -> None:
        """SIGKILL: whatever it held in memory is gone."""
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None

    def wipe(self) -> None:
        for leftover in self.folder.glob("*.rdb"):
            leftover.unlink()
        for leftover in self.folder.glob("appendonly*"):
            shutil.rmtree(leftover, ignore_errors=True) if leftover.is_dir() else leftover.unlink()
