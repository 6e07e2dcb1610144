"""Tests of sentinel_tracker against a real redis-server.

The module starts its own ``redis-server`` on a free loopback port (no
persistence) and stops it at the end. Nothing is skipped: without
``redis-server`` on PATH or without the ``redis`` package, the module fails
with a message saying what to install. The end-to-end test runs the
``sentinel-gen`` binary (``$SENTINEL_GEN``, else ``.build/debug`` or
``.build/release`` of the repository) and fails if it has not been built.

They test the *installed* package ``sentinel_tracker`` (distribution
``sentinel-tracker``)::

    clients/python/run_tests.sh

installs ``clients/python`` into a fresh virtual environment and runs them
with its interpreter and ``SENTINEL_TRACKER_EXPECT_INSTALLED=1``, which makes
:class:`PackageTests` check that the package was imported from that
environment's site-packages. With ``SENTINEL_TRACKER_FROM_SOURCE=1`` they
import the source tree (``clients/python``) instead, to iterate without
installing::

    SENTINEL_TRACKER_FROM_SOURCE=1 python3 -m unittest discover -s clients/python/tests -v
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
import unittest
import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from importlib import metadata
from pathlib import Path
from unittest import mock

HERE = Path(__file__).resolve().parent
CLIENT_DIR = HERE.parent
REPO_ROOT = CLIENT_DIR.parent.parent
FROM_SOURCE = os.environ.get("SENTINEL_TRACKER_FROM_SOURCE") == "1"
EXPECT_INSTALLED = os.environ.get("SENTINEL_TRACKER_EXPECT_INSTALLED") == "1"
if FROM_SOURCE:
    sys.path.insert(0, str(CLIENT_DIR))

try:
    import redis
    import redis.asyncio
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    import sentinel_tracker as st
    from sentinel_tracker import AsyncTracker, SentinelValueError, Tracker

    IMPORT_ERROR = None
except ImportError as error:  # reported by setUpModule, never skipped
    IMPORT_ERROR = error

SERVER: "subprocess.Popen | None" = None
PORT = 0
SERVER_DIR = ""


def url(db: int = 0, port: "int | None" = None) -> str:
    return f"redis://127.0.0.1:{port or PORT}/{db}"


def free_port() -> int:
    """A loopback port nothing listens on (bound to port 0, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def setUpModule() -> None:
    global SERVER, PORT, SERVER_DIR
    if IMPORT_ERROR is not None:
        if getattr(IMPORT_ERROR, "name", None) == "sentinel_tracker":
            raise RuntimeError(
                f"the sentinel_tracker package is not installed for {sys.executable}: run "
                f"clients/python/run_tests.sh (it installs it into a fresh virtual environment), "
                f"or `{sys.executable} -m pip install ./clients/python`, or set "
                f"SENTINEL_TRACKER_FROM_SOURCE=1 to test the source tree ({IMPORT_ERROR})")
        raise RuntimeError(
            f"the redis package (redis-py) is required: install it with "
            f"`{sys.executable} -m pip install redis` ({IMPORT_ERROR})")
    executable = shutil.which("redis-server")
    if executable is None:
        raise RuntimeError("redis-server is not on PATH: install it (Debian: apt-get install redis-server)")
    SERVER_DIR = tempfile.mkdtemp(prefix="sentinel-tracker-redis-")
    log_path = Path(SERVER_DIR, "redis.log")
    for _ in range(3):  # another process may take the port between probe and bind
        PORT = free_port()
        with open(log_path, "ab") as log:
            SERVER = subprocess.Popen(
                [executable, "--port", str(PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                 "--dir", SERVER_DIR, "--daemonize", "no"],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        probe = redis.Redis(host="127.0.0.1", port=PORT, socket_timeout=0.5, socket_connect_timeout=0.5,
                            retry=Retry(NoBackoff(), 0))
        deadline = time.monotonic() + 10
        try:
            while time.monotonic() < deadline and SERVER.poll() is None:
                try:
                    if probe.ping():
                        return
                except redis.RedisError:
                    time.sleep(0.05)
        finally:
            probe.close()
        SERVER.kill()
        SERVER.wait()
    raise RuntimeError(f"redis-server did not answer PING; its log:\n{log_path.read_text(errors='replace')}")


def tearDownModule() -> None:
    if SERVER is not None:
        SERVER.terminate()
        try:
            SERVER.wait(timeout=10)
        except subprocess.TimeoutExpired:
            SERVER.kill()
            SERVER.wait()
    if SERVER_DIR:
        shutil.rmtree(SERVER_DIR, ignore_errors=True)


def ms(moment: datetime) -> int:
    return (moment - datetime(1970, 1, 1, tzinfo=timezone.utc)) // timedelta(milliseconds=1)


T0 = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)


def minute(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


class RedisCase(unittest.TestCase):
    """A tracker on a fresh key prefix, and a raw client to read back."""

    def setUp(self) -> None:
        self.prefix = f"test:{uuid.uuid4().hex[:12]}:"
        self.raw = redis.Redis(host="127.0.0.1", port=PORT)
        self.addCleanup(self.raw.close)
        self.tracker = Tracker(url(), prefix=self.prefix)
        self.addCleanup(self.tracker.close)

    def key(self, name: str) -> str:
        return self.prefix + name

    def entries(self, prefix: "str | None" = None) -> list:
        """The stream as (id, {field: value}) in order."""
        return [(i.decode(), {k.decode(): v.decode() for k, v in f.items()})
                for i, f in self.raw.xrange((prefix or self.prefix) + "events")]

    def users(self, prefix: "str | None" = None) -> dict:
        return {k.decode(): v.decode() for k, v in self.raw.hgetall((prefix or self.prefix) + "users").items()}

    def subscriptions(self, prefix: "str | None" = None) -> dict:
        """user -> raw JSON text."""
        return {k.decode(): v.decode()
                for k, v in self.raw.hgetall((prefix or self.prefix) + "subscriptions").items()}

    def state(self) -> tuple:
        return self.entries(), self.users(), self.subscriptions()

    def fields(self) -> list:
        return [f for _, f in self.entries()]


class PackageTests(unittest.TestCase):
    """The package imported is the one expected, with the public API."""

    def test_public_api(self) -> None:
        self.assertEqual(st.__all__, ["AsyncTracker", "SentinelValueError", "Tracker", "DEFAULT_PREFIX",
                                      "DEFAULT_RETENTION"])
        for name in st.__all__ + ["CommandTimer", "AsyncCommandTimer", "SILENT_TIMEOUT", "UserId", "Money",
                                  "Latency", "Timestamp", "logger", "__version__"]:
            self.assertTrue(hasattr(st, name), name)
        self.assertTrue(issubclass(SentinelValueError, ValueError))
        self.assertEqual((st.DEFAULT_PREFIX, st.DEFAULT_RETENTION, st.SILENT_TIMEOUT),
                         ("sentinel:", timedelta(days=30), 0.5))
        self.assertIs(st.logger, logging.getLogger("sentinel_tracker"))

    def test_version_is_the_distribution_version(self) -> None:
        pyproject = (CLIENT_DIR / "pyproject.toml").read_text(encoding="utf-8")
        declared = re.search(r'^version = "([^"]+)"', pyproject, re.MULTILINE)
        self.assertIsNotNone(declared, "no version in clients/python/pyproject.toml")
        self.assertEqual(st.__version__, declared.group(1))

    def test_imported_from_the_expected_place(self) -> None:
        package = Path(st.__file__).resolve().parent
        self.assertEqual(package.name, "sentinel_tracker")
        if FROM_SOURCE:
            self.assertEqual(package, CLIENT_DIR / "sentinel_tracker")
        if not EXPECT_INSTALLED:
            return
        # run_tests.sh: the package installed in its virtual environment, as
        # built from the source tree, not the source tree itself.
        site_packages = Path(sysconfig.get_paths()["purelib"]).resolve()
        self.assertNotEqual(sys.prefix, sys.base_prefix, f"{sys.executable} is not in a virtual environment")
        self.assertIn(Path(sys.prefix).resolve(), site_packages.parents)
        self.assertEqual(package, site_packages / "sentinel_tracker",
                         f"sentinel_tracker was imported from {package}, not from {site_packages}")
        installed, source = package_files(package), package_files(CLIENT_DIR / "sentinel_tracker")
        self.assertEqual(sorted(installed), sorted(source), "the installed files are not the source's")
        self.assertTrue(installed == source, "an installed module differs from its source (a stale build/?)")
        distribution = metadata.distribution("sentinel-tracker")
        self.assertEqual(distribution.version, st.__version__)
        self.assertEqual(distribution.requires, ["redis>=4.2"])


def package_files(folder: Path) -> dict:
    """name -> content of the package's modules and py.typed in ``folder``."""
    return {path.name: path.read_bytes() for path in folder.iterdir()
            if path.is_file() and (path.suffix == ".py" or path.name == "py.typed")}


class EventTests(RedisCase):
    """Every call writes what the contract says."""

    def test_registration_sets_user_and_adds_entry(self) -> None:
        entry_id = self.tracker.registration(42, source="ref:alice", at=minute(0))
        self.assertEqual(entry_id, f"{ms(minute(0))}-0")
        self.assertEqual(self.entries(), [(entry_id, {"type": "registration", "user": "42", "source": "ref:alice"})])
        self.assertEqual(self.users(), {"42": str(ms(minute(0)))})

    def test_registration_without_at_uses_the_clock(self) -> None:
        before = time.time_ns() // 1_000_000
        entry_id = self.tracker.registration("u1")
        after = time.time_ns() // 1_000_000
        self.assertIsNotNone(entry_id)
        self.assertTrue(before <= int(self.users()["u1"]) <= after)
        self.assertLess(abs(int(entry_id.split("-")[0]) - before), 5_000)
        self.assertEqual(self.fields(), [{"type": "registration", "user": "u1"}])

    def test_known_user_registration_writes_nothing(self) -> None:
        self.tracker.registration(42, "organic", at=minute(0))
        self.assertIsNone(self.tracker.registration(42, "ref:bob", at=minute(1)))
        self.assertEqual(len(self.entries()), 1)
        self.assertEqual(self.users(), {"42": str(ms(minute(0)))})

    def test_command_fields(self) -> None:
        self.tracker.command(42, "/analyze", 850)
        self.tracker.command("42", "analyze", 12.5)
        self.tracker.command(42, "help", Decimal("0.1236"))
        self.tracker.command(42, "price", "12.000001")
        self.tracker.command(-1001234, "stats")
        self.assertEqual(self.fields(), [
            {"type": "command", "user": "42", "name": "/analyze", "latency_ms": "850"},
            {"type": "command", "user": "42", "name": "analyze", "latency_ms": "12.5"},
            {"type": "command", "user": "42", "name": "help", "latency_ms": "0.124"},
            {"type": "command", "user": "42", "name": "price", "latency_ms": "12.000001"},
            {"type": "command", "user": "-1001234", "name": "stats"},
        ])
        self.assertFalse(self.raw.exists(self.key("users"), self.key("subscriptions")))

    def test_error_fields(self) -> None:
        self.tracker.error()
        self.tracker.error(42, "/analyze", "TimeoutError")
        self.tracker.error(name="scheduler")
        self.assertEqual(self.fields(), [
            {"type": "error"},
            {"type": "error", "user": "42", "name": "/analyze", "kind": "TimeoutError"},
            {"type": "error", "name": "scheduler"},
        ])

    def test_conversion_sets_subscription_and_adds_entry(self) -> None:
        entry_id = self.tracker.conversion(7, Decimal("9.99"), at=minute(0))
        self.assertEqual(self.entries(), [(entry_id, {
            "type": "conversion", "user": "7", "plan": "premium", "amount": "9.99", "interval": "month"})])
        self.assertEqual(self.subscriptions(),
                         {"7": '{"plan":"premium","amount":"9.99","interval":"month","since":%d}' % ms(minute(0))})

    def test_conversion_with_currency_and_yearly_interval(self) -> None:
        self.tracker.conversion(7, "99.90", plan="pro", currency="EUR", interval="year", at=minute(0))
        self.assertEqual(self.fields(), [{"type": "conversion", "user": "7", "plan": "pro", "amount": "99.90",
                                          "currency": "EUR", "interval": "year"}])
        self.assertEqual(json.loads(self.subscriptions()["7"]), {
            "plan": "pro", "amount": "99.90", "currency": "EUR", "interval": "year", "since": ms(minute(0))})

    def test_repeated_conversion_writes_nothing(self) -> None:
        self.tracker.conversion(7, Decimal("9.99"), currency="EUR", at=minute(0))
        self.assertIsNone(self.tracker.conversion(7, "9.990", currency="EUR", at=minute(1)))
        self.assertEqual(len(self.entries()), 1)
        self.assertEqual(json.loads(self.subscriptions()["7"])["since"], ms(minute(0)))

    def test_plan_change_is_a_cancellation_and_a_conversion(self) -> None:
        self.tracker.conversion(7, "4.99", plan="basic", at=minute(0))
        entry_id = self.tracker.conversion(7, "9.99", at=minute(5))
        t = ms(minute(5))
        self.assertEqual(self.entries()[1:], [
            (f"{t}-0", {"type": "cancellation", "user": "7", "plan": "basic", "amount": "4.99", "interval": "month"}),
            (f"{t}-1", {"type": "conversion", "user": "7", "plan": "premium", "amount": "9.99", "interval": "month"}),
        ])
        self.assertEqual(entry_id, f"{t}-1")
        self.assertEqual(json.loads(self.subscriptions()["7"]),
                         {"plan": "premium", "amount": "9.99", "interval": "month", "since": t})

    def test_cancellation_removes_subscription_and_adds_entry(self) -> None:
        self.tracker.conversion(7, "9.99", currency="EUR", at=minute(0))
        entry_id = self.tracker.cancellation(7, Decimal("9.99"), currency="EUR", at=minute(1))
        self.assertEqual(self.entries()[1], (entry_id, {
            "type": "cancellation", "user": "7", "plan": "premium", "amount": "9.99", "currency": "EUR",
            "interval": "month"}))
        self.assertEqual(self.subscriptions(), {})

    def test_cancellation_records_the_stored_subscription(self) -> None:
        self.tracker.conversion(7, "9.99", currency="EUR", at=minute(0))
        with self.assertLogs("sentinel_tracker", "WARNING"):
            self.tracker.cancellation(7, "5", at=minute(1))
        self.assertEqual(self.fields()[1], {"type": "cancellation", "user": "7", "plan": "premium",
                                            "amount": "9.99", "currency": "EUR", "interval": "month"})

    def test_cancellation_without_subscription_writes_nothing(self) -> None:
        self.assertIsNone(self.tracker.cancellation(7, "9.99"))
        self.assertEqual(self.state(), ([], {}, {}))

    def test_api_call_fields(self) -> None:
        self.tracker.api_call("coingecko")
        self.tracker.api_call("openai", cost=Decimal("0.000150"), latency_ms=790, user=42, model="gpt-4o-mini")
        self.tracker.api_call("openai", cost=0)
        self.assertEqual(self.fields(), [
            {"type": "api_call", "provider": "coingecko"},
            {"type": "api_call", "provider": "openai", "cost": "0.000150", "latency_ms": "790", "user": "42",
             "model": "gpt-4o-mini"},
            {"type": "api_call", "provider": "openai", "cost": "0"},
        ])

    def test_amounts_are_written_in_plain_decimal(self) -> None:
        for user, amount, text in [("a", Decimal("1E+3"), "1000"), ("b", Decimal("9.9900000"), "9.99"),
                                   ("c", 12, "12"), ("d", "0.000150", "0.000150"), ("e", Decimal("-0"), "0"),
                                   ("f", "999999999999.999999", "999999999999.999999")]:
            self.tracker.conversion(user, amount)
            self.assertEqual(self.fields()[-1]["amount"], text)
            self.assertEqual(json.loads(self.subscriptions()[user])["amount"], text)

    def test_text_limits_are_counted_in_bytes(self) -> None:
        self.tracker.command("u" * 128, "/" + "n" * 63)
        self.tracker.command("é" * 64, "é" * 32)
        self.tracker.api_call("p" * 64)
        self.tracker.registration("x", source="s" * 64)
        self.assertEqual(len(self.entries()), 4)

    def test_default_prefix_and_database(self) -> None:
        raw = redis.Redis(host="127.0.0.1", port=PORT, db=1)
        self.addCleanup(raw.close)
        raw.flushdb()
        with Tracker(url(db=1)) as tracker:
            self.assertEqual(tracker.prefix, "sentinel:")
            tracker.registration(1)
            tracker.conversion(1, "9.99")
            tracker.command(1, "go")
        self.assertEqual(sorted(raw.keys()), [b"sentinel:events", b"sentinel:subscriptions", b"sentinel:users"])
        self.assertEqual(raw.xlen("sentinel:events"), 3)
        raw.flushdb()

    def test_xadd_trims_with_minid(self) -> None:
        old = time.time_ns() // 1_000_000 - 40 * 86_400_000
        for index in range(150):  # more than one radix node (100 entries): '~' removes whole nodes
            self.raw.xadd(self.key("events"), {"type": "error"}, id=f"{old + index}-0")
        self.tracker.command(1, "go")
        self.assertLess(self.raw.xlen(self.key("events")), 151)
        self.assertEqual(self.fields()[-1], {"type": "command", "user": "1", "name": "go"})

    def test_retention_is_configurable(self) -> None:
        now = time.time_ns() // 1_000_000
        for index in range(150):
            self.raw.xadd(self.key("events"), {"type": "error"}, id=f"{now - 2 * 86_400_000 + index}-0")
        with Tracker(url(), prefix=self.prefix, retention=None) as keep_all:
            keep_all.command(1, "go")
        self.assertEqual(self.raw.xlen(self.key("events")), 151)
        with Tracker(url(), prefix=self.prefix, retention=timedelta(days=3)) as three_days:
            three_days.command(1, "go")
        self.assertEqual(self.raw.xlen(self.key("events")), 152)
        with Tracker(url(), prefix=self.prefix, retention=timedelta(days=1)) as one_day:
            one_day.command(1, "go")
        self.assertLess(self.raw.xlen(self.key("events")), 153)


class BackfillTests(RedisCase):
    """Explicit timestamps give explicit, increasing IDs."""

    def test_explicit_ids(self) -> None:
        t = ms(minute(0))
        self.assertEqual(self.tracker.command(1, "a", at=minute(0)), f"{t}-0")
        self.assertEqual(self.tracker.command(1, "b", at=t), f"{t}-1")
        self.assertEqual(self.tracker.command(1, "c", at=t + 1), f"{t + 1}-0")
        self.assertEqual([i for i, _ in self.entries()], [f"{t}-0", f"{t}-1", f"{t + 1}-0"])

    def test_hash_times_follow_at(self) -> None:
        self.tracker.registration(1, at=minute(3))
        self.tracker.conversion(1, "9.99", at=minute(4))
        self.assertEqual(self.users(), {"1": str(ms(minute(3)))})
        self.assertEqual(json.loads(self.subscriptions()["1"])["since"], ms(minute(4)))

    def test_time_before_the_last_entry_is_refused_before_writing(self) -> None:
        self.tracker.command(1, "a", at=minute(10))
        before = self.state()
        for call in (lambda: self.tracker.command(1, "b", at=minute(9)),
                     lambda: self.tracker.registration(2, at=minute(9)),
                     lambda: self.tracker.conversion(2, "1", at=minute(9))):
            with self.subTest(), self.assertRaises(SentinelValueError) as caught:
                call()
            self.assertEqual((caught.exception.reason, caught.exception.field), ("at_not_increasing", "at"))
            self.assertEqual(self.state(), before)

    def test_bad_at(self) -> None:
        for value in (datetime(2026, 11, 20, 9, 0), 1.5e12, "2026-11-20", -1, True):
            with self.subTest(value=value), self.assertRaises(SentinelValueError) as caught:
                self.tracker.command(1, "a", at=value)
            self.assertEqual(caught.exception.reason, "bad_at")
        self.assertEqual(self.state(), ([], {}, {}))

    def test_backfill_trims_relative_to_at(self) -> None:
        old = ms(minute(0)) - 40 * 86_400_000
        for index in range(150):
            self.raw.xadd(self.key("events"), {"type": "error"}, id=f"{old + index}-0")
        self.tracker.command(1, "go", at=minute(0))
        self.assertLess(self.raw.xlen(self.key("events")), 151)


class ValidationTests(RedisCase):
    """Invalid arguments raise SentinelValueError before anything is written."""

    def setUp(self) -> None:
        super().setUp()
        self.tracker.registration(1, at=minute(0))
        self.tracker.conversion(1, "9.99", at=minute(1))
        self.silent = Tracker(url(), prefix=self.prefix, fail_silently=True)
        self.addCleanup(self.silent.close)

    CASES = [
        # (method, args, kwargs, reason, field)
        ("registration", (None,), {}, "missing_user", "user"),
        ("registration", ("",), {}, "missing_user", "user"),
        ("registration", ("u" * 129,), {}, "bad_user", "user"),
        ("registration", ("é" * 65,), {}, "bad_user", "user"),
        ("registration", ("a\nb",), {}, "bad_user", "user"),
        ("registration", ("a\x7fb",), {}, "bad_user", "user"),
        ("registration", ("a\x00",), {}, "bad_user", "user"),
        ("registration", ("\ud800",), {}, "bad_user", "user"),
        ("registration", (True,), {}, "bad_user", "user"),
        ("registration", (4.2,), {}, "bad_user", "user"),
        ("registration", (2,), {"source": ""}, "bad_source", "source"),
        ("registration", (2,), {"source": "s" * 65}, "bad_source", "source"),
        ("registration", (2,), {"source": "ref\tx"}, "bad_source", "source"),
        ("command", ("", ""), {}, "missing_user", "user"),
        ("command", ("a\n", None), {}, "missing_name", "name"),
        ("command", ("a\n", "go"), {}, "bad_user", "user"),
        ("command", (2, "/"), {}, "bad_name", "name"),
        ("command", (2, "/" + "n" * 64), {}, "bad_name", "name"),
        ("command", (2, "é" * 33), {}, "bad_name", "name"),
        ("command", (2, "go\r"), {}, "bad_name", "name"),
        ("command", (2, "go", -1), {}, "bad_latency_ms", "latency_ms"),
        ("command", (2, "go", "1e3"), {}, "bad_latency_ms", "latency_ms"),
        ("command", (2, "go", "1000000000"), {}, "bad_latency_ms", "latency_ms"),
        ("command", (2, "go", "1.1234567"), {}, "bad_latency_ms", "latency_ms"),
        ("command", (2, "go", float("nan")), {}, "bad_latency_ms", "latency_ms"),
        ("command", (2, "go", float("inf")), {}, "bad_latency_ms", "latency_ms"),
        ("command", (2, "go", 1e9), {}, "bad_latency_ms", "latency_ms"),
        ("command", (2, "go", ""), {}, "bad_latency_ms", "latency_ms"),
        ("command", (2, "go", True), {}, "bad_latency_ms", "latency_ms"),
        ("error", (), {"user": ""}, "bad_user", "user"),
        ("error", (), {"name": ""}, "bad_name", "name"),
        ("error", (), {"name": "/"}, "bad_name", "name"),
        ("error", (), {"kind": ""}, "bad_kind", "kind"),
        ("error", (), {"user": "\n", "name": "/"}, "bad_user", "user"),
        ("conversion", (None, None), {}, "missing_user", "user"),
        ("conversion", (2, None), {}, "missing_amount", "amount"),
        ("conversion", (2, ""), {}, "missing_amount", "amount"),
        ("conversion", ("\n", "bad"), {}, "bad_user", "user"),
        ("conversion", (2, 9.99), {}, "bad_amount", "amount"),
        ("conversion", (2, "-1"), {}, "bad_amount", "amount"),
        ("conversion", (2, "1e3"), {}, "bad_amount", "amount"),
        ("conversion", (2, ".5"), {}, "bad_amount", "amount"),
        ("conversion", (2, "1,5"), {}, "bad_amount", "amount"),
        ("conversion", (2, "1."), {}, "bad_amount", "amount"),
        ("conversion", (2, " 1"), {}, "bad_amount", "amount"),
        ("conversion", (2, "1\n"), {}, "bad_amount", "amount"),
        ("conversion", (2, "٣"), {}, "bad_amount", "amount"),
        ("conversion", (2, "1234567890123"), {}, "bad_amount", "amount"),
        ("conversion", (2, "1.1234567"), {}, "bad_amount", "amount"),
        ("conversion", (2, Decimal("1.1234567")), {}, "bad_amount", "amount"),
        ("conversion", (2, Decimal("-1")), {}, "bad_amount", "amount"),
        ("conversion", (2, Decimal("NaN")), {}, "bad_amount", "amount"),
        ("conversion", (2, Decimal("Infinity")), {}, "bad_amount", "amount"),
        ("conversion", (2, -5), {}, "bad_amount", "amount"),
        ("conversion", (2, True), {}, "bad_amount", "amount"),
        ("conversion", (2, "bad"), {"currency": "eur"}, "bad_amount", "amount"),
        ("conversion", (2, "9.99"), {"plan": ""}, "bad_plan", "plan"),
        ("conversion", (2, "9.99"), {"currency": "eur"}, "bad_currency", "currency"),
        ("conversion", (2, "9.99"), {"currency": "EURO"}, "bad_currency", "currency"),
        ("conversion", (2, "9.99"), {"currency": ""}, "bad_currency", "currency"),
        ("conversion", (2, "9.99"), {"interval": "week"}, "bad_interval", "interval"),
        ("conversion", (2, "9.99"), {"interval": ""}, "bad_interval", "interval"),
        ("cancellation", (1, None), {}, "missing_amount", "amount"),
        ("cancellation", (1, 9.99), {}, "bad_amount", "amount"),
        ("cancellation", (1, "9.99"), {"interval": "Month"}, "bad_interval", "interval"),
        ("api_call", (None,), {}, "missing_provider", "provider"),
        ("api_call", ("",), {}, "missing_provider", "provider"),
        ("api_call", ("p" * 65,), {}, "bad_provider", "provider"),
        ("api_call", ("open\x1bai",), {}, "bad_provider", "provider"),
        ("api_call", ("openai",), {"cost": 0.0021}, "bad_cost", "cost"),
        ("api_call", ("openai",), {"cost": ""}, "bad_cost", "cost"),
        ("api_call", ("openai",), {"cost": "-0.1"}, "bad_cost", "cost"),
        ("api_call", ("openai",), {"latency_ms": "fast"}, "bad_latency_ms", "latency_ms"),
        ("api_call", ("openai",), {"user": ""}, "bad_user", "user"),
        ("api_call", ("openai",), {"model": ""}, "bad_model", "model"),
        ("api_call", ("openai",), {"cost": 0.1, "model": ""}, "bad_cost", "cost"),
    ]

    def test_invalid_arguments(self) -> None:
        before = self.state()
        for method, args, kwargs, reason, field in self.CASES:
            for tracker in (self.tracker, self.silent):
                with self.subTest(method=method, args=args, kwargs=kwargs, silent=tracker.fail_silently):
                    with self.assertRaises(SentinelValueError) as caught:
                        getattr(tracker, method)(*args, **kwargs)
                    self.assertIsInstance(caught.exception, ValueError)
                    self.assertEqual((caught.exception.reason, caught.exception.field), (reason, field))
                    self.assertEqual(self.state(), before)
        self.assertEqual(self.silent.failures, 0)

    def test_bad_command_name_is_refused_before_the_body_runs(self) -> None:
        ran = []
        with self.assertRaises(SentinelValueError) as caught:
            with self.tracker.track_command(2, "/"):
                ran.append(True)
        self.assertEqual(caught.exception.reason, "bad_name")
        self.assertEqual(ran, [])
        with self.assertRaises(SentinelValueError):
            self.tracker.tracked("", user=1)


class TransactionTests(RedisCase):
    """A write with a hash is all or nothing, and decided atomically."""

    def test_concurrent_registrations_of_one_user(self) -> None:
        barrier = threading.Barrier(8)
        results = []

        def register() -> None:
            barrier.wait()
            results.append(self.tracker.registration(99, "organic"))

        threads = [threading.Thread(target=register) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(sum(r is not None for r in results), 1)
        self.assertEqual(len(self.entries()), 1)
        self.assertEqual(list(self.users()), ["99"])

    def test_concurrent_writes_stay_consistent(self) -> None:
        barrier = threading.Barrier(6)

        def pay(user: int) -> None:
            barrier.wait()
            for round_ in range(5):
                self.tracker.registration(user)
                self.tracker.conversion(user, f"{round_ + 1}")  # a plan change each round but the first
                self.tracker.command(user, "go")
            self.tracker.cancellation(user, "5")

        threads = [threading.Thread(target=pay, args=(u,)) for u in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        kinds = [f["type"] for f in self.fields()]
        self.assertEqual(kinds.count("registration"), 6)
        self.assertEqual(kinds.count("conversion"), 30)
        self.assertEqual(kinds.count("cancellation"), 30)
        self.assertEqual(kinds.count("command"), 30)
        self.assertEqual(len(self.users()), 6)
        self.assertEqual(self.subscriptions(), {})

    def test_a_concurrent_change_makes_the_transaction_retry(self) -> None:
        other = redis.Redis(host="127.0.0.1", port=PORT)
        self.addCleanup(other.close)
        plan = self.tracker._plan
        calls = []

        def plan_with_interference(*args):
            calls.append(1)
            if len(calls) == 1:  # between WATCH and EXEC, another writer registers user 5
                other.hset(self.key("users"), "5", "1")
            return plan(*args)

        with mock.patch.object(self.tracker, "_plan", side_effect=plan_with_interference):
            entry_id = self.tracker.registration(6, at=minute(0))
        self.assertEqual(len(calls), 2)
        self.assertEqual(self.entries(), [(entry_id, {"type": "registration", "user": "6"})])
        self.assertEqual(self.users(), {"5": "1", "6": str(ms(minute(0)))})

    def test_failure_inside_the_transaction_leaves_nothing(self) -> None:
        queue = self.tracker._queue

        def queue_then_drop(pipe, op, minid):
            result = queue(pipe, op, minid)
            if op[0] != "xadd":  # the connection drops after the hash command
                raise redis.ConnectionError("connection lost")
            return result

        with mock.patch.object(self.tracker, "_queue", side_effect=queue_then_drop):
            with self.assertRaises(redis.ConnectionError):
                self.tracker.registration(1, at=minute(0))
            with self.assertRaises(redis.ConnectionError):
                self.tracker.conversion(1, "9.99", at=minute(0))
        self.assertEqual(self.state(), ([], {}, {}))

    def test_events_key_of_another_type_leaves_the_hashes_alone(self) -> None:
        self.raw.set(self.key("events"), "not a stream")
        for call in (lambda: self.tracker.registration(1), lambda: self.tracker.conversion(1, "9.99")):
            with self.subTest(), self.assertRaises(redis.ResponseError):
                call()
        self.assertEqual((self.users(), self.subscriptions()), ({}, {}))
        with Tracker(url(), prefix=self.prefix, fail_silently=True) as silent:
            with self.assertLogs("sentinel_tracker", "WARNING"):
                self.assertIsNone(silent.registration(1))
            self.assertEqual(silent.failures, 1)
        self.assertEqual(self.users(), {})


class NonBlockingTests(unittest.TestCase):
    """fail_silently: a Redis outage neither raises nor slows the bot."""

    def calls(self, tracker: Tracker) -> list:
        return [
            lambda: tracker.registration(1, "organic"),
            lambda: tracker.command(1, "go", 5),
            lambda: tracker.error(1, "go", "ValueError"),
            lambda: tracker.conversion(1, Decimal("9.99")),
            lambda: tracker.cancellation(1, Decimal("9.99")),
            lambda: tracker.api_call("openai", cost="0.01"),
            lambda: tracker.command(1, "go", at=minute(0)),
        ]

    def test_closed_port_returns_quickly(self) -> None:
        with Tracker(url(port=free_port()), fail_silently=True, retry_after=0) as tracker:
            start = time.monotonic()
            with self.assertLogs("sentinel_tracker", "WARNING") as logs:
                results = [call() for call in self.calls(tracker)]
                with tracker.track_command(1, "go"):
                    pass
            elapsed = time.monotonic() - start
        self.assertLess(elapsed, 1.0)
        self.assertEqual(results, [None] * 7)
        self.assertEqual(tracker.failures, 8)
        self.assertIsInstance(tracker.last_error, redis.ConnectionError)
        self.assertEqual(len(logs.records), 8)

    def test_writes_are_skipped_for_a_while_after_a_failure(self) -> None:
        with Tracker(url(port=free_port()), fail_silently=True, retry_after=60) as tracker:
            with self.assertLogs("sentinel_tracker", "WARNING"):
                tracker.command(1, "go")
            with mock.patch.object(tracker, "_execute") as execute:
                start = time.monotonic()
                for call in self.calls(tracker):
                    self.assertIsNone(call())
                self.assertLess(time.monotonic() - start, 0.1)
                execute.assert_not_called()
            self.assertEqual(tracker.failures, 8)

    def test_unresponsive_server_times_out(self) -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as silent_server:
            silent_server.bind(("127.0.0.1", 0))
            silent_server.listen(16)  # accepts connections, never answers
            port = silent_server.getsockname()[1]
            with Tracker(url(port=port), fail_silently=True, timeout=0.2, retry_after=0) as tracker:
                start = time.monotonic()
                with self.assertLogs("sentinel_tracker", "WARNING"):
                    self.assertIsNone(tracker.command(1, "go"))
                self.assertLess(time.monotonic() - start, 1.0)
                self.assertEqual(tracker.failures, 1)

    def test_track_command_reraises_the_body_error_when_redis_is_down(self) -> None:
        down = url(port=free_port())
        strict_client = redis.Redis.from_url(down, retry=Retry(NoBackoff(), 0))
        self.addCleanup(strict_client.close)
        for tracker in (Tracker(down, fail_silently=True), Tracker(client=strict_client)):
            with self.subTest(silent=tracker.fail_silently), self.assertLogs("sentinel_tracker", "WARNING"):
                with self.assertRaises(KeyError):
                    with tracker.track_command(1, "go"):
                        raise KeyError("body")

    def test_strict_mode_raises_redis_errors(self) -> None:
        client = redis.Redis.from_url(url(port=free_port()), retry=Retry(NoBackoff(), 0))
        self.addCleanup(client.close)
        tracker = Tracker(client=client)
        with self.assertRaises(redis.ConnectionError):
            tracker.command(1, "go")
        with self.assertRaises(redis.ConnectionError):
            with tracker.track_command(1, "go"):
                pass
        self.assertEqual(tracker.failures, 0)


class TimerTests(RedisCase):
    """track_command and tracked time commands and record failures."""

    def test_success_records_the_latency(self) -> None:
        with self.tracker.track_command(42, "/analyze") as timer:
            time.sleep(0.02)
        (fields,) = self.fields()
        self.assertEqual({k: fields[k] for k in ("type", "user", "name")},
                         {"type": "command", "user": "42", "name": "/analyze"})
        self.assertGreaterEqual(float(fields["latency_ms"]), 20.0)
        self.assertAlmostEqual(float(fields["latency_ms"]), timer.latency_ms, delta=0.001)

    def test_failure_records_command_and_error_and_reraises(self) -> None:
        with self.assertRaises(ZeroDivisionError):
            with self.tracker.track_command(42, "price"):
                1 / 0
        command, error = self.fields()
        self.assertEqual(command["type"], "command")
        self.assertEqual(error, {"type": "error", "user": "42", "name": "price", "kind": "ZeroDivisionError"})

    def test_cancellation_records_nothing(self) -> None:
        class Stop(BaseException):
            pass

        with self.assertRaises(Stop):
            with self.tracker.track_command(42, "price"):
                raise Stop()
        self.assertEqual(self.entries(), [])

    def test_decorator_on_functions(self) -> None:
        @self.tracker.tracked("help", user=lambda update: update["user"])
        def help_handler(update):
            return "ok"

        @self.tracker.tracked("/boom", user=7)
        def boom():
            raise RuntimeError("boom")

        @self.tracker.tracked("async", user=lambda update: update["user"])
        async def async_handler(update):
            await asyncio.sleep(0)
            return "async ok"

        self.assertEqual(help_handler({"user": 42}), "ok")
        self.assertEqual(help_handler({"user": None}), "ok")  # not tracked
        with self.assertRaises(RuntimeError):
            boom()
        self.assertEqual(asyncio.run(async_handler({"user": 43})), "async ok")
        self.assertEqual(help_handler.__name__, "help_handler")
        summary = [(f["type"], f.get("user"), f.get("name"), f.get("kind")) for f in self.fields()]
        self.assertEqual(summary, [("command", "42", "help", None), ("command", "7", "/boom", None),
                                   ("error", "7", "/boom", "RuntimeError"), ("command", "43", "async", None)])


class AsyncTests(RedisCase):
    """AsyncTracker writes the same as Tracker."""

    def test_async_tracker(self) -> None:
        prefix = self.prefix

        async def scenario() -> list:
            async with AsyncTracker(url(), prefix=prefix) as tracker:
                ids = [
                    await tracker.registration(1, "organic", at=minute(0)),
                    await tracker.registration(1, "organic", at=minute(1)),
                    await tracker.command(1, "/analyze", 850, at=minute(2)),
                    await tracker.api_call("openai", cost=Decimal("0.0021"), user=1, at=minute(3)),
                    await tracker.error(1, "analyze", "TimeoutError", at=minute(4)),
                    await tracker.conversion(1, "4.99", plan="basic", at=minute(5)),
                    await tracker.conversion(1, "4.99", plan="basic", at=minute(6)),
                    await tracker.conversion(1, Decimal("9.99"), currency="USD", at=minute(7)),
                    await tracker.cancellation(1, "9.99", currency="USD", at=minute(8)),
                    await tracker.cancellation(1, "9.99", at=minute(9)),
                ]
                async with tracker.track_command(1, "help"):
                    await asyncio.sleep(0.01)
                try:
                    async with tracker.track_command(1, "price"):
                        raise LookupError("no price")
                except LookupError:
                    ids.append("reraised")

                @tracker.tracked("stats", user=lambda message: message["from"])
                async def stats(message):
                    return "stats"

                ids.append(await stats({"from": 2}))
                with self.assertRaises(TypeError):
                    tracker.tracked("sync", user=1)(lambda: None)
                with self.assertRaises(SentinelValueError):
                    await tracker.conversion(1, 9.99)
                return ids

        ids = asyncio.run(scenario())
        self.assertIsNone(ids[1])
        self.assertIsNone(ids[6])
        self.assertIsNone(ids[9])
        self.assertEqual(ids[-2:], ["reraised", "stats"])
        summary = [(f["type"], f.get("name") or f.get("plan") or f.get("provider"), f.get("amount"))
                   for f in self.fields()]
        self.assertEqual(summary, [
            ("registration", None, None), ("command", "/analyze", None), ("api_call", "openai", None),
            ("error", "analyze", None), ("conversion", "basic", "4.99"), ("cancellation", "basic", "4.99"),
            ("conversion", "premium", "9.99"), ("cancellation", "premium", "9.99"), ("command", "help", None),
            ("command", "price", None), ("error", "price", None), ("command", "stats", None)])
        self.assertEqual(self.entries()[0][0], f"{ms(minute(0))}-0")
        self.assertEqual(self.entries()[6][0], f"{ms(minute(7))}-1")
        self.assertEqual(self.users(), {"1": str(ms(minute(0)))})
        self.assertEqual(self.subscriptions(), {})

    def test_async_concurrent_registrations(self) -> None:
        prefix = self.prefix

        async def scenario() -> list:
            async with AsyncTracker(url(), prefix=prefix) as tracker:
                return await asyncio.gather(*(tracker.registration(5) for _ in range(10)))

        results = asyncio.run(scenario())
        self.assertEqual(sum(r is not None for r in results), 1)
        self.assertEqual(len(self.entries()), 1)

    def test_async_fail_silently(self) -> None:
        async def scenario() -> tuple:
            async with AsyncTracker(url(port=free_port()), fail_silently=True, retry_after=0) as tracker:
                start = time.monotonic()
                results = [await tracker.command(1, "go"), await tracker.registration(1),
                           await tracker.conversion(1, "9.99")]
                async with tracker.track_command(1, "go"):
                    pass
                return results, time.monotonic() - start, tracker.failures

        with self.assertLogs("sentinel_tracker", "WARNING"):
            results, elapsed, failures = asyncio.run(scenario())
        self.assertEqual(results, [None, None, None])
        self.assertLess(elapsed, 1.0)
        self.assertEqual(failures, 4)


def sentinel_gen() -> "Path | None":
    configured = os.environ.get("SENTINEL_GEN")
    if configured:
        return Path(configured)
    for build in ("debug", "release"):
        candidate = REPO_ROOT / ".build" / build / "sentinel-gen"
        if candidate.exists():
            return candidate
    return None


class EndToEndTests(unittest.TestCase):
    """The tracker's writes, read by sentinel-gen, give the expected snapshot."""

    DB = 15

    def test_snapshot_of_a_tracked_day(self) -> None:
        binary = sentinel_gen()
        if binary is None or not binary.exists():
            self.fail(f"sentinel-gen binary not found (SENTINEL_GEN={os.environ.get('SENTINEL_GEN')!r}, "
                      f"{REPO_ROOT / '.build/debug/sentinel-gen'}, {REPO_ROOT / '.build/release/sentinel-gen'}): "
                      "build it first with `swift build` at the repository root, or set SENTINEL_GEN")
        raw = redis.Redis(host="127.0.0.1", port=PORT, db=self.DB)
        self.addCleanup(raw.close)
        raw.flushdb()
        self.addCleanup(raw.flushdb)

        with Tracker(url(db=self.DB)) as tracker:  # default prefix, as sentinel-gen reads it
            tracker.registration(1001, "organic", at=minute(0))
            tracker.registration(1002, "ref:alice", at=minute(5))
            tracker.registration(1003, at=minute(10))
            self.assertIsNone(tracker.registration(1001, "ref:bob", at=minute(11)))
            tracker.command(1001, "analyze", 850, at=minute(15))
            tracker.command(1002, "/analyze", 1200, at=minute(16))
            tracker.command(1003, "help", 40, at=minute(17))
            tracker.command(1001, "price", 300.5, at=minute(18))
            tracker.api_call("openai", cost=Decimal("0.0021"), latency_ms=790, user=1001, model="gpt-4o-mini",
                             at=minute(19))
            tracker.api_call("openai", cost="0.0104", at=minute(20))
            tracker.api_call("coingecko", at=minute(21))
            tracker.error(1003, "price", "TimeoutError", at=minute(22))
            tracker.conversion(1002, "4.99", plan="basic", at=minute(60))  # revenue currency (USD)
            tracker.conversion(1002, Decimal("9.99"), currency="USD", at=minute(120))  # plan change
            tracker.conversion(1003, "4.99", at=minute(180))
            tracker.cancellation(1003, "4.99", at=minute(240))

        with tempfile.TemporaryDirectory(prefix="sentinel-e2e-") as work:
            env = {k: v for k, v in os.environ.items() if not k.startswith("SENTINEL_")}
            run = subprocess.run(
                [str(binary), "snapshot", "--redis", url(db=self.DB), "--state", os.path.join(work, "state"),
                 "--now", "2026-11-20T18:00:00Z"],
                cwd=work, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
            self.assertEqual(run.returncode, 0, f"sentinel-gen failed:\n{run.stdout}\n{run.stderr}")
            snapshot = json.loads(Path(work, "state", "snapshots", "2026-11-20.json").read_text())

        self.assertEqual(snapshot["date"], "2026-11-20")
        self.assertEqual(snapshot["status"], "partial")
        self.assertEqual(snapshot["users"], {"total": 3, "premium": 1, "free": 2, "new": 3, "active": 3,
                                             "active_7d": 3, "active_30d": 3})
        revenue = {key: snapshot["revenue"][key] for key in ("currency", "mrr", "conversions", "cancellations", "new_mrr", "churned_mrr")}
        self.assertEqual(revenue, {"currency": "USD", "mrr": "9.99", "conversions": 3,
                                   "cancellations": 2, "new_mrr": "19.97", "churned_mrr": "9.98"})
        self.assertEqual(snapshot["schema_version"], 2)
        # Tracked payments give the plan mix and, within the day, movements
        # only on a day the ledger covers (this one starts mid-day: null).
        self.assertEqual(snapshot["revenue"]["by_plan"], {"premium": {"subscriptions": 1, "mrr": "9.99"}})
        self.assertIsNone(snapshot["revenue"]["movements"])
        engagement = snapshot["engagement"]
        self.assertEqual(engagement["commands"], 4)
        self.assertEqual(engagement["errors"], 1)
        self.assertEqual(engagement["by_command"], {"analyze": 2, "help": 1, "price": 1})
        self.assertEqual(engagement["latency_ms"], {"p50": 300.5, "p95": 1200})
        self.assertEqual(snapshot["costs"]["api"], {"coingecko": {"calls": 1, "cost": "0.00"},
                                                    "openai": {"calls": 2, "cost": "0.0125"}})
        self.assertEqual(snapshot["costs"]["api_total"], "0.0125")
        self.assertEqual(snapshot["acquisition"]["by_source"], {"organic": 1, "ref:alice": 1, "unknown": 1})
        self.assertEqual(snapshot["data_quality"], {"events_read": 16, "rejected": {}, "unread_gap": False})


if __name__ == "__main__":
    unittest.main(verbosity=2)
