"""A real S3 API for the tests: moto's server (`moto_server`) as a process of its own, on a free port.

Podium talks to it exactly as to AWS or MinIO: through django-storages and boto3, over HTTP, with the
settings an operator sets (PODIUM_S3_BUCKET, PODIUM_S3_ENDPOINT_URL, AWS_ACCESS_KEY_ID, ...)."""

import contextlib
import dataclasses
import subprocess
from collections.abc import Iterator
from pathlib import Path

import boto3
import requests

from tests.services import require_moto
from tests.stack import free_port, wait_for

ACCESS_KEY = "podium-test"
SECRET_KEY = "podium-test-secret"  # moto accepts any pair; a real store would check it
REGION = "us-east-1"


@dataclasses.dataclass(frozen=True)
class S3Server:
    endpoint_url: str
    bucket: str

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def env(self) -> dict[str, str]:
        """What an operator puts in every Podium process's environment to keep files in this bucket."""
        return {
            "PODIUM_S3_BUCKET": self.bucket,
            "PODIUM_S3_ENDPOINT_URL": self.endpoint_url,
            "PODIUM_S3_REGION": REGION,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        }

    def new_bucket(self, name: str) -> "S3Server":
        """The same server with another, empty bucket."""
        self.client().create_bucket(Bucket=name)
        return dataclasses.replace(self, bucket=name)

    def keys(self, prefix: str = "") -> list[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", ()))


def answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=5).status_code < 500
    except requests.RequestException:
        return False


@contextlib.contextmanager
def s3_server(log_dir: Path, bucket: str = "podium") -> Iterator[S3Server]:
    """Start moto's S3 server, create the bucket, and stop the server at the end."""
    command = require_moto()
    port = free_port()
    with open(log_dir / "moto.log", "w") as log:
        process = subprocess.Popen(
            [command, "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=subprocess.STDOUT
        )
    try:
        server = S3Server(f"http://127.0.0.1:{port}", bucket)
        wait_for(
            lambda: process.poll() is not None or answers(server.endpoint_url),
            60,
            f"moto's server on port {port}",
        )
        if process.poll() is not None:
            raise RuntimeError(
                f"moto_server exited with {process.returncode}:\n{(log_dir / 'moto.log').read_text()}"
            )
        server.client().create_bucket(Bucket=bucket)
        yield server
    finally:
        process.kill()
        process.wait()
