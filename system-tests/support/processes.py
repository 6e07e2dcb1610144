"""Child processes under a deadline, and the ones a run may leave behind."""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path


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
