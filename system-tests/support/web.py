"""Loopback HTTP servers: one serving a folder, one that misbehaves on purpose."""

from __future__ import annotations

import functools
import http
import http.server
import socket
import threading
import time


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Logs nothing; records each path asked for in its server's list."""

    requests: list = []

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        getattr(self.server, "asked", QuietHandler.requests).append(self.path)


class HTTPServer:
    """Serves `root` on a free loopback port, in a thread; records the paths asked for."""

    def __init__(self, root: str) -> None:
        handler = functools.partial(QuietHandler, directory=root)
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        # Each server's own record: one suite's requests never show in another's.
        self.server.asked = []
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def requests(self) -> list:
        return self.server.asked

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class RawHTTPServer:
    """An HTTP/1.1 server on a raw loopback socket, in threads, that
    misbehaves on purpose. Each request is read whole (headers and a
    Content-Length body) and recorded in `requests` (method, path, headers,
    body, `at`: time.monotonic() when its headers arrived), then answered
    as `mode` says:

    - "reply": the next of `replies` (from `reply()`), the last one repeating
    - "trickle": 200 with a Content-Length of 1000, the body one byte a second
    - "chunked": 200 with an endless chunked body (1 KB every 50 ms)
    - "flood": 200 with a body of 1 MB writes, no length, until the client leaves
    - "silent": no answer at all; the connection is held open until stop()
    """

    MODES = ("reply", "trickle", "chunked", "flood", "silent")

    def __init__(self, mode: str = "reply", replies: "list[bytes] | None" = None) -> None:
        if mode not in self.MODES:
            raise ValueError(f"unknown mode {mode!r}")
        self.mode = mode
        self.replies = list(replies or [self.reply(200, b'{"ok":true}')])
        self.requests: list = []
        self.stopped = threading.Event()
        self._lock = threading.Lock()
        self._connections: list = []
        self._threads: list = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.port = self.listener.getsockname()[1]
        self._accepter = threading.Thread(target=self._accept, daemon=True)
        self._accepter.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @staticmethod
    def reply(status: int, body: bytes = b"", headers: "dict | None" = None) -> bytes:
        """A whole response with a Content-Length, closing the connection."""
        try:
            reason = http.HTTPStatus(status).phrase
        except ValueError:
            reason = "Status"
        lines = [f"HTTP/1.1 {status} {reason}", f"Content-Length: {len(body)}", "Connection: close"]
        if body:
            lines.append("Content-Type: application/json")
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + body

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                connection, _ = self.listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            connection.settimeout(0.2)
            with self._lock:
                self._connections.append(connection)
            thread = threading.Thread(target=self._serve, args=(connection,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _read_request(self, connection: socket.socket) -> "dict | None":
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = self._recv(connection)
            if not chunk:
                return None
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, path = (lines[0].split(" ") + ["", ""])[:2]
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        at = time.monotonic()
        length = int(headers.get("content-length", "0") or 0)
        while len(body) < length:
            chunk = self._recv(connection)
            if not chunk:
                break
            body += chunk
        request = {"method": method, "path": path, "headers": headers, "body": body, "at": at}
        with self._lock:
            self.requests.append(request)
        return request

    def _recv(self, connection: socket.socket) -> bytes:
        while not self.stopped.is_set():
            try:
                return connection.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return b""
        return b""

    def _send(self, connection: socket.socket, data: bytes) -> bool:
        """Sends all of `data` unless the client leaves or the server stops."""
        view = memoryview(data)
        while view and not self.stopped.is_set():
            try:
                view = view[connection.send(view):]
            except socket.timeout:
                continue
            except OSError:
                return False
        return not view

    def _serve(self, connection: socket.socket) -> None:
        try:
            if self._read_request(connection) is None:
                return
            if self.mode == "reply":
                with self._lock:
                    answer = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
                self._send(connection, answer)
            elif self.mode == "trickle":
                if self._send(connection, b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"):
                    for _ in range(1000):
                        if not self._send(connection, b"x") or self.stopped.wait(1):
                            break
            elif self.mode == "chunked":
                if self._send(connection, b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"):
                    chunk = b"400\r\n" + b"x" * 1024 + b"\r\n"
                    while self._send(connection, chunk) and not self.stopped.wait(0.05):
                        pass
            elif self.mode == "flood":
                if self._send(connection, b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"):
                    block = b"x" * (1 << 20)
                    while self._send(connection, block):
                        pass
            elif self.mode == "silent":
                self.stopped.wait(120)
        finally:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            connection.close()

    def stop(self) -> None:
        self.stopped.set()
        self.listener.close()
        self._accepter.join(timeout=5)
        for thread in self._threads:
            thread.join(timeout=5)
