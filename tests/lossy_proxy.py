"""A proxy that loses answers: the server receives and commits a request, the client never hears back,
as when a connection drops or a proxy times out after the upload arrived."""

import socket
import threading
from urllib.parse import urlsplit


class AnswerLosingProxy:
    """An HTTP proxy, one request per connection, that delivers the first N POSTs to a path to the server,
    then hangs up on the client instead of passing the server's answer back. `path` is the end of the
    request's path: "/submissions/" takes the uploads, not the file check at "/submissions/check/"."""

    def __init__(self, upstream_url: str, *, path: str, answers_to_lose: int):
        parts = urlsplit(upstream_url)
        self.upstream = (parts.hostname, parts.port)
        self.path = path.encode()
        self.answers_to_lose = answers_to_lose
        self.uploads: list[bytes] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self.serve, daemon=True).start()

    def posts_to_path(self, head: bytes) -> bool:
        target = head.split(b"\r\n", 1)[0].split(b" ")[1]
        return target.split(b"?", 1)[0].endswith(self.path)

    def serve(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self.relay, args=(client,), daemon=True).start()

    def relay(self, client: socket.socket) -> None:
        with client:
            head, body = read_request(client)
            head = head.replace(b"\r\nConnection: keep-alive", b"") + b"\r\nConnection: close"
            with socket.create_connection(self.upstream) as server:
                server.sendall(head + b"\r\n\r\n" + body)
                answer = read_all(server)
            if head.startswith(b"POST") and self.posts_to_path(head):
                self.uploads.append(head)
                if len(self.uploads) <= self.answers_to_lose:
                    return  # the server has committed the upload; the client never hears of it
            client.sendall(answer)

    def close(self) -> None:
        self.listener.close()


def read_request(connection: socket.socket) -> tuple[bytes, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        data += connection.recv(65536)
    head, body = data.split(b"\r\n\r\n", 1)
    length = next(
        (
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        ),
        0,
    )
    while len(body) < length:
        body += connection.recv(65536)
    return head, body


def read_all(connection: socket.socket) -> bytes:
    chunks = []
    while chunk := connection.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def idempotency_key(head: bytes) -> bytes:
    return next(line for line in head.split(b"\r\n") if line.lower().startswith(b"idempotency-key:"))
