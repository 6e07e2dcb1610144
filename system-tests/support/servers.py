"""nginx and a local S3 (moto's server) on free loopback ports, each a
Child in its own session: stop() sends SIGTERM, then SIGKILLs what is left."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Callable

from .processes import Child, run_bounded
from .redis_server import free_port

# Everything nginx writes is inside `prefix`; one process, no daemon, so
# the Child is nginx itself. /etc/nginx/mime.types is Debian's.
NGINX_CONF = """\
daemon off;
master_process off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log info;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;

{servers}
}}
"""


def wait_for_http(port: int, path: str = "/", timeout: float = 20, child: "Child | None" = None) -> bool:
    """True once a GET of `path` on 127.0.0.1:`port` gets any answer;
    False after `timeout` seconds or when `child` has exited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child is not None and child.process.poll() is not None:
            return False
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", path)
            connection.getresponse().read()
            return True
        except (OSError, http.client.HTTPException):
            time.sleep(0.05)
        finally:
            connection.close()
    return False


def _stop(child: "Child | None", grace: float = 5) -> None:
    if child is None:
        return
    if child.process.poll() is None:
        try:
            os.killpg(child.pid, signal.SIGTERM)
            child.process.wait(timeout=grace)
        except (ProcessLookupError, PermissionError, subprocess.TimeoutExpired):
            pass
    child.close()


class Nginx:
    """nginx on a free loopback port. `servers(port)` returns the http-level
    configuration (server blocks) for that port; it is wrapped in
    NGINX_CONF, checked with `nginx -t` (its stderr in `checked`), then
    started. `prefix` holds the configuration, logs, pid and temp paths."""

    def __init__(self, servers: Callable[[int], str], prefix: "str | None" = None) -> None:
        self.executable = shutil.which("nginx") or "/usr/sbin/nginx"
        if not os.path.exists(self.executable):
            raise RuntimeError("nginx is not installed: run scripts/bootstrap")
        self._own = prefix is None
        self.prefix = prefix or tempfile.mkdtemp(prefix="sentinel-nginx-")
        os.makedirs(self.prefix, exist_ok=True)
        self.conf = os.path.join(self.prefix, "nginx.conf")
        self.child: "Child | None" = None
        for _ in range(3):
            self.port = free_port()
            Path(self.conf).write_text(NGINX_CONF.format(prefix=self.prefix, servers=servers(self.port)))
            self.checked = run_bounded(self.command("-t"), timeout=30)
            if self.checked.returncode != 0:
                raise RuntimeError(f"nginx -t refused {self.conf}: {self.checked.stderr}")
            self.child = Child(self.command())
            if wait_for_http(self.port, timeout=15, child=self.child):
                return
            _stop(self.child)
            self.child = None
        self.stop()
        raise RuntimeError(f"nginx did not start: {self.error_log()[-2000:]}")

    def command(self, *extra: str) -> "list[str]":
        return [self.executable, "-p", self.prefix, "-e", os.path.join(self.prefix, "error.log"), "-c", self.conf,
                *extra]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def error_log(self) -> str:
        try:
            return Path(self.prefix, "error.log").read_text("utf-8", "replace")
        except OSError:
            return ""

    def stop(self) -> None:
        _stop(self.child)
        self.child = None
        if self._own:
            shutil.rmtree(self.prefix, ignore_errors=True)


class MotoServer:
    """moto's S3 (`moto_server -H 127.0.0.1 -p PORT`), up once it answers
    HTTP. `environment()` is what an S3 client needs to talk to it and to
    nothing else: test credentials, a region, no profile or config file."""

    def __init__(self) -> None:
        executable = shutil.which("moto_server")
        if executable is None:
            raise RuntimeError("moto_server is not on PATH: run scripts/bootstrap (pip install 'moto[server]')")
        self.child: "Child | None" = None
        last = ""
        for _ in range(3):
            self.port = free_port()
            self.child = Child([executable, "-H", "127.0.0.1", "-p", str(self.port)])
            if wait_for_http(self.port, timeout=30, child=self.child):
                return
            _stop(self.child)
            last = self.child.wait(0).stderr[-2000:]
            self.child = None
        raise RuntimeError(f"moto_server did not start: {last}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @staticmethod
    def environment(base: "dict | None" = None) -> dict:
        environment = {name: value for name, value in (base if base is not None else os.environ).items()
                       if not name.startswith("AWS_")}
        environment.update(AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1",
                           AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull,
                           AWS_EC2_METADATA_DISABLED="true")
        return environment

    def stop(self) -> None:
        _stop(self.child)
        self.child = None
