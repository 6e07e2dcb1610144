"""Real components for the system tests: a private redis-server, loopback
HTTP servers, nginx and a local S3, child processes under a deadline,
headless Chromium and an HTML parser. The suites import it as `support`."""

from .browser import Page, chromium, chromium_binary, console_errors, png_pixels  # noqa: F401
from .paths import REPO_ROOT, sentinel_gen  # noqa: F401
from .processes import Child, Finished, kill_matching, processes_matching, run_bounded  # noqa: F401
from .redis_server import RedisServer, free_port, redis_pipe  # noqa: F401
from .servers import MotoServer, Nginx, wait_for_http  # noqa: F401
from .web import HTTPServer, QuietHandler, RawHTTPServer  # noqa: F401
