"""A private redis-server on a free loopback port, for every suite."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time


def redis_pipe(port: int, commands: list) -> None:
    """Sends commands (lists of text) to the Redis on `port` in one
    `redis-cli --pipe`, encoded as the protocol's arrays of bulk strings."""
    payload = bytearray()
    for command in commands:
        payload += f"*{len(command)}\r\n".encode()
        for argument in command:
            data = argument.encode("utf-8")
            payload += f"${len(data)}\r\n".encode() + data + b"\r\n"
    subprocess.run(["redis-cli", "-p", str(port), "--pipe"], input=bytes(payload), check=True, capture_output=True,
                   timeout=60)


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
