"""The shipped nginx configuration (platform/nginx/podium.conf) in front of a real gunicorn: slow clients
wait on nginx while ordinary reads are answered, and stored files are sent by nginx after Django checked
the rights (X-Accel-Redirect)."""

import hashlib
import socket
import statistics
import threading
import time
from collections.abc import Iterator

import pytest
import requests

from tests.nginx import Nginx
from tests.services import require_nginx
from tests.stack import Stack, serving

pytestmark = pytest.mark.integration

ACCEL_PREFIX = "/_podium_files/"


@pytest.fixture(scope="module")
def proxied(stack_template, tmp_path_factory) -> Iterator[tuple[Stack, Nginx]]:
    """A Podium on the embedded defaults, told that nginx sends its files, with a read pool beside its web
    server (a second gunicorn, PODIUM_WEB_POOL=read), and the shipped nginx in front."""
    binary = require_nginx()
    stack = Stack(tmp_path_factory.mktemp("proxied"), template=stack_template("sqlite"))
    stack.env["PODIUM_ACCEL_REDIRECT_PREFIX"] = ACCEL_PREFIX
    stack.env["PODIUM_NUM_PROXIES"] = "1"
    stack.manage("collectstatic", "--noinput")
    with serving(stack, worker=False):
        nginx = Nginx(binary, stack, tmp_path_factory.mktemp("nginx"), read_port=stack.start_read_pool())
        try:
            nginx.start()
            yield stack, nginx
        finally:
            nginx.stop()


# --- Slow clients ------------------------------------------------------------------------------------
class SlowClients:
    """Clients that send their request a little at a time, as the attacks in issue 12 did, in threads
    that keep at it until stopped (a header client whose connection nginx closes connects again)."""

    def __init__(self, port: int):
        self.port = port
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []
        self.header_lines_sent = 0
        self.body_bytes_sent = 0
        self.lock = threading.Lock()

    def connect(self) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=10)

    def send_headers_slowly(self) -> None:
        """One header line every 2 s, never the blank line that ends the header."""
        while not self.stopping.is_set():
            try:
                with self.connect() as sock:
                    sock.sendall(b"GET /competitions/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                    while not self.stopping.wait(2):
                        sock.sendall(b"X-Slow: a\r\n")
                        with self.lock:
                            self.header_lines_sent += 1
            except OSError:
                self.stopping.wait(0.2)

    def upload_slowly(self, path: str, token: str) -> None:
        """A prediction upload at one byte a second."""
        boundary = "slowslowslow"
        body = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.csv"\r\n'
            f"Content-Type: text/csv\r\n\r\nid,target\r\n1,1\r\n--{boundary}--\r\n"
        ).encode()
        head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        with self.connect() as sock:
            sock.sendall(head)
            for index in range(len(body)):
                if self.stopping.wait(1):
                    return
                sock.sendall(body[index : index + 1])
                with self.lock:
                    self.body_bytes_sent += 1

    def start(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        self.threads.append(thread)

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=15)


def timed_get(url: str, **kwargs) -> tuple[int, float]:
    started = time.monotonic()
    response = requests.get(url, timeout=5, **kwargs)
    return response.status_code, time.monotonic() - started


def test_reads_are_answered_while_slow_clients_hold_connections(proxied):
    stack, nginx = proxied
    token = stack.token("demo")
    assert requests.post(
        f"{nginx.url}/api/v1/competitions/digits/join/",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    ).ok
    attack = SlowClients(nginx.port)
    for _ in range(12):
        attack.start(attack.send_headers_slowly)
    for _ in range(4):
        attack.start(attack.upload_slowly, "/api/v1/competitions/digits/submissions/", token)
    try:
        attack.stopping.wait(3)  # every slow client is connected and has sent its first lines
        timings = []
        for _ in range(10):
            for path in ("/competitions/digits/", "/api/v1/competitions/"):
                timings.append((path, *timed_get(nginx.url + path)))
            attack.stopping.wait(0.25)  # spread the reads over the attack's next lines
    finally:
        attack.stop()

    latencies = sorted(seconds for _, _, seconds in timings)
    print(
        f"\n{len(timings)} reads under attack: median {statistics.median(latencies):.3f} s, max {latencies[-1]:.3f} s"
    )
    assert [(path, status) for path, status, _ in timings] == [(path, 200) for path, _, _ in timings]
    assert statistics.median(latencies) < 1
    # The attack was on the whole time: slow clients kept sending while the reads were answered.
    assert attack.header_lines_sent >= 12
    assert attack.body_bytes_sent >= 4 * 3


def test_a_body_over_the_submission_limit_is_refused_by_nginx_before_it_is_read(proxied):
    _, nginx = proxied
    with socket.create_connection(("127.0.0.1", nginx.port), timeout=10) as sock:
        sock.sendall(
            b"POST /api/v1/competitions/digits/submissions/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: text/csv\r\nContent-Length: 209715200\r\n\r\n"
        )
        answer = sock.recv(4096)

    assert answer.startswith(b"HTTP/1.1 413")


# --- The read pool --------------------------------------------------------------------------------------
def pool(response: requests.Response) -> str:
    return response.headers["X-Podium-Pool"]


def test_board_reads_are_answered_by_the_read_pool_and_everything_else_by_the_web(proxied):
    stack, nginx = proxied
    headers = {"Authorization": f"Bearer {stack.token('demo')}"}
    assert requests.post(f"{nginx.url}/api/v1/competitions/digits/join/", headers=headers, timeout=10).ok
    boards = [
        "/competitions/digits/leaderboard/",
        "/competitions/digits/leaderboard/?page=2",
        "/competitions/digits/leaderboard.csv",
        "/api/v1/competitions/digits/leaderboard/",
        "/api/v1/competitions/digits/leaderboard/csv/",
    ]
    others = [
        "/",
        "/competitions/digits/",
        "/api/v1/competitions/digits/",
        "/competitions/digits/submissions/",
    ]

    read = {path: requests.get(nginx.url + path, headers=headers, timeout=10) for path in boards}
    head = requests.head(nginx.url + boards[0], timeout=10)
    rest = {path: requests.get(nginx.url + path, headers=headers, timeout=10) for path in others}
    upload = requests.post(
        f"{nginx.url}/api/v1/competitions/digits/submissions/",
        headers=headers,
        files={"file": ("p.csv", b"id,target\n0,1\n", "text/csv")},
        timeout=30,
    )
    post_to_a_board = requests.post(
        f"{nginx.url}/api/v1/competitions/digits/leaderboard/", headers=headers, timeout=10
    )

    assert {path: (answer.status_code, pool(answer)) for path, answer in read.items()} == {
        path: (200, "read") for path in boards
    }
    assert (head.status_code, pool(head)) == (200, "read")
    assert {path: pool(answer) for path, answer in rest.items()} == {path: "web" for path in others}
    assert (upload.status_code, pool(upload)) == (202, "web"), upload.text
    assert (post_to_a_board.status_code, pool(post_to_a_board)) == (405, "web")


# --- Files --------------------------------------------------------------------------------------------
def test_nginx_sends_a_data_file_after_django_checked_the_rights(proxied):
    stack, nginx = proxied
    headers = {"Authorization": f"Bearer {stack.token('demo')}"}
    assert requests.post(f"{nginx.url}/api/v1/competitions/digits/join/", headers=headers, timeout=10).ok
    path = "/api/v1/competitions/digits/files/train.csv"

    from_django = requests.get(stack.url + path, headers=headers, timeout=10)
    whole = requests.get(nginx.url + path, headers=headers, timeout=10)
    part = requests.get(nginx.url + path, headers={**headers, "Range": "bytes=10-19"}, timeout=10)
    resumed = requests.get(
        nginx.url + path,
        headers={**headers, "Range": "bytes=100-", "If-Range": whole.headers["ETag"]},
        timeout=10,
    )

    assert from_django.content == b""
    assert from_django.headers["X-Accel-Redirect"].startswith(ACCEL_PREFIX + "public/")
    assert whole.status_code == 200
    assert len(whole.content) > 1000
    assert hashlib.sha256(whole.content).hexdigest() == whole.headers["X-Checksum-SHA256"]
    assert whole.headers["Repr-Digest"] == from_django.headers["Repr-Digest"]
    assert whole.headers["ETag"] == from_django.headers["ETag"]
    assert whole.headers["Content-Disposition"] == 'attachment; filename="train.csv"'
    assert whole.headers["Content-Type"] == from_django.headers["Content-Type"] == "text/csv"
    assert "X-Accel-Redirect" not in whole.headers
    assert part.status_code == 206
    assert part.headers["Content-Range"] == f"bytes 10-19/{len(whole.content)}"
    assert part.content == whole.content[10:20]
    assert resumed.status_code == 206
    assert resumed.content == whole.content[100:]


def test_a_download_django_refuses_is_not_sent(proxied):
    stack, nginx = proxied
    path = "/api/v1/competitions/diabetes/files/train.csv"  # no test here joins diabetes

    refused = requests.get(
        nginx.url + path, headers={"Authorization": f"Bearer {stack.token('demo')}"}, timeout=10
    )
    anonymous = requests.get(nginx.url + path, timeout=10)

    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "rules_not_accepted"
    assert anonymous.status_code == 401
    assert "X-Accel-Redirect" not in refused.headers


def test_the_internal_location_cannot_be_asked_for(proxied):
    stack, nginx = proxied
    stored = next((stack.var_dir / "files" / "public").rglob("train.csv"))
    key = stored.relative_to(stack.var_dir / "files")

    assert requests.get(f"{nginx.url}{ACCEL_PREFIX}{key}", timeout=10).status_code == 404


def test_a_submission_file_comes_from_the_private_folder_through_nginx(proxied):
    stack, nginx = proxied
    client = stack.client("demo")
    assert client.post("/api/v1/competitions/digits/join/").ok
    text = "id,target\n0,1\n"
    submitted = client.submit("digits", text)
    assert submitted.status_code == 202, submitted.text

    response = requests.get(
        f"{nginx.url}/api/v1/submissions/{submitted.json()['id']}/file/",
        headers=client.session.headers,
        timeout=10,
    )

    assert response.status_code == 200
    assert response.content == text.encode()


def test_static_files_are_served_by_nginx_from_the_collected_root(proxied):
    stack, nginx = proxied

    response = requests.get(f"{nginx.url}/static/podium/podium.css", timeout=10)

    assert response.status_code == 200
    assert response.content == (stack.var_dir / "static" / "podium" / "podium.css").read_bytes()
    assert response.headers["Cache-Control"] == "max-age=3600"
