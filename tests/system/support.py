"""Real components for the site tests: a private redis-server, headless
Chromium, a loopback HTTP server (and a raw one that misbehaves), bounded
child processes, and an HTML parser that lists what a page holds
(elements, attributes, text, links)."""

from __future__ import annotations

import functools
import http
import http.server
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import zlib
from html.parser import HTMLParser
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def sentinel_gen() -> Path:
    configured = os.environ.get("SENTINEL_GEN")
    if configured:
        return Path(configured)
    for build in ("debug", "release"):
        candidate = REPO_ROOT / ".build" / build / "sentinel-gen"
        if candidate.exists():
            return candidate
    raise RuntimeError("sentinel-gen is not built: run `swift build` at the repository root, or set SENTINEL_GEN")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A redis-server on a free loopback port, in its own folder."""

    def __init__(self, *options: str) -> None:
        """`options` are passed to redis-server (`"--requirepass", "pw"`)."""
        executable = shutil.which("redis-server")
        if executable is None:
            raise RuntimeError("redis-server is not on PATH: run scripts/bootstrap")
        self.directory = tempfile.mkdtemp(prefix="sentinel-site-redis-")
        self.process = None
        for _ in range(3):
            self.port = free_port()
            self.process = subprocess.Popen(
                [executable, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                 "--dir", self.directory, *options],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and self.process.poll() is None:
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as connection:
                        connection.sendall(b"PING\r\n")
                        # With --requirepass the answer is -NOAUTH: it listens all the same.
                        if connection.recv(16).startswith((b"+PONG", b"-NOAUTH")):
                            return
                except OSError:
                    time.sleep(0.05)
            self.process.kill()
            self.process.wait()
        raise RuntimeError("redis-server did not start")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.directory, ignore_errors=True)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    requests: list = []

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        QuietHandler.requests.append(self.path)


class HTTPServer:
    """Serves `root` on a free loopback port, in a thread; records the paths asked for."""

    def __init__(self, root: str) -> None:
        handler = functools.partial(QuietHandler, directory=root)
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def requests(self) -> list:
        return QuietHandler.requests

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


class Finished:
    """How a Child ended: `returncode` (negative: the signal), `stdout`,
    `stderr`, `elapsed` seconds, `timed_out`, and `peak_kb`, the peak
    resident memory (VmHWM) seen while it ran."""

    def __init__(self, args, returncode, stdout, stderr, elapsed, timed_out, peak_kb) -> None:
        self.args, self.returncode, self.stdout, self.stderr = args, returncode, stdout, stderr
        self.elapsed, self.timed_out, self.peak_kb = elapsed, timed_out, peak_kb

    def __repr__(self) -> str:
        return (f"<exit {self.returncode} after {self.elapsed:.1f} s{' (timed out, killed)' if self.timed_out else ''}, "
                f"stderr {self.stderr[-1500:]!r}>")


class Child:
    """A process in its own session, its output in files (so a grandchild
    that keeps a descriptor open cannot make the wait hang), its peak
    memory polled from /proc. wait() SIGKILLs the whole session when the
    time is up; kill() does so at any time, close() too and closes the
    output files (for cleanups)."""

    def __init__(self, args, *, env: "dict | None" = None, cwd: "str | None" = None) -> None:
        self.args = [str(argument) for argument in args]
        self._out = tempfile.TemporaryFile()
        self._err = tempfile.TemporaryFile()
        self.started = time.monotonic()
        self.process = subprocess.Popen(self.args, stdin=subprocess.DEVNULL, stdout=self._out, stderr=self._err,
                                        env=env, cwd=cwd, start_new_session=True)
        self.pid = self.process.pid
        self.peak_kb = 0
        self._finished: "Finished | None" = None
        self._watcher = threading.Thread(target=self._watch, daemon=True)
        self._watcher.start()

    def _watch(self) -> None:
        status = f"/proc/{self.pid}/status"
        while self.process.poll() is None:
            try:
                for line in Path(status).read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        self.peak_kb = max(self.peak_kb, int(line.split()[1]))
            except (OSError, ValueError):
                pass
            time.sleep(0.01)

    def wait(self, timeout: float) -> Finished:
        if self._finished is not None:
            return self._finished
        timed_out = False
        try:
            self.process.wait(timeout=max(0.0, self.started + timeout - time.monotonic()))
        except subprocess.TimeoutExpired:
            timed_out = True
            self.kill()
            self.process.wait()
        elapsed = time.monotonic() - self.started
        self._watcher.join(timeout=1)
        outputs = []
        for handle in (self._out, self._err):
            handle.seek(0)
            outputs.append(handle.read().decode("utf-8", "replace"))
            handle.close()
        self._finished = Finished(self.args, self.process.returncode, outputs[0], outputs[1], elapsed, timed_out,
                                  self.peak_kb)
        return self._finished

    def kill(self) -> None:
        """SIGKILLs the session (what is left of it), then reaps the child."""
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass

    def close(self) -> None:
        """kill(), and the output files closed (for cleanups)."""
        self.kill()
        if self._finished is None:
            self.wait(0)


def run_bounded(args, *, timeout: float, env: "dict | None" = None, cwd: "str | None" = None) -> Finished:
    """Runs `args` as a Child and waits at most `timeout` seconds."""
    return Child(args, env=env, cwd=cwd).wait(timeout)


def processes_matching(marker: str) -> "list[int]":
    """Pids of live processes whose command line holds `marker` (zombies left out)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if marker in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


def kill_matching(marker: str) -> None:
    """SIGKILLs each live process whose command line holds `marker` (a
    unique string a test gave the processes it started)."""
    for pid in processes_matching(marker):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def chromium_binary() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    raise RuntimeError("Chromium is not on PATH: run scripts/bootstrap (Debian's chromium)")


def chromium(url: str, *, budget_ms: int = 5000, screenshot: "str | None" = None,
             size: str = "1280,2200") -> "tuple[str, str]":
    """Loads `url` in headless Chromium; returns the DOM after scripts ran
    (or "" with a screenshot) and what Chromium logged."""
    profile = tempfile.mkdtemp(prefix="sentinel-chromium-")
    try:
        args = [chromium_binary(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--no-first-run", "--disable-extensions", "--disable-dev-shm-usage", f"--user-data-dir={profile}",
                "--enable-logging=stderr", "--v=0", f"--virtual-time-budget={budget_ms}", f"--window-size={size}"]
        args += [f"--screenshot={screenshot}"] if screenshot else ["--dump-dom"]
        result = subprocess.run(args + [url], capture_output=True, timeout=180)
        return result.stdout.decode("utf-8", "replace"), result.stderr.decode("utf-8", "replace")
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def console_errors(log: str) -> list:
    """Script errors and CSP violations Chromium reported for the page."""
    return [line for line in log.splitlines()
            if "CONSOLE" in line and ("Uncaught" in line or "Content Security Policy" in line or "Refused" in line)]


class Page(HTMLParser):
    """Elements, attributes, links and text of an HTML document."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list = []
        self.links: list = []
        self.texts: list = []
        self.title = ""
        self._in_title = False
        self._in_script = False
        self.scripts: list = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append(value)
        self._in_title = tag == "title"
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data
            return
        if self._in_title:
            self.title += data
        self.texts.append(data)

    @property
    def text(self) -> str:
        return "".join(self.texts)


def png_pixels(path: str) -> "tuple[int, int, list]":
    """Width, height and rows of (r, g, b) of an 8-bit RGB or RGBA PNG."""
    data = Path(path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    offset, idat, width, height, channels = 8, b"", 0, 0, 0
    while offset < len(data):
        length = int.from_bytes(data[offset:offset + 4], "big")
        kind = data[offset + 4:offset + 8]
        body = data[offset + 8:offset + 8 + length]
        if kind == b"IHDR":
            width, height = int.from_bytes(body[0:4], "big"), int.from_bytes(body[4:8], "big")
            assert body[8] == 8 and body[9] in (2, 6), "only 8-bit RGB or RGBA"
            channels = 3 if body[9] == 2 else 4
        elif kind == b"IDAT":
            idat += body
        offset += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b = previous[x]
            c = previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[i:i + 3]) for i in range(0, stride, channels)])
        previous = line
    return width, height, rows
