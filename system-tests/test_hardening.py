"""Hardening of `sentinel-gen`: it never loses a user's files, the cron job
never hangs on a misbehaving webhook, Telegram or mail command, allowed
input never crashes it, and no secret leaks through the process list, a
child's environment, an error line, the outbox or a template's symlink.

Run from this folder (after `swift build`, or with SENTINEL_GEN set)::

    python3 -m unittest test_hardening -v
"""

from __future__ import annotations

import json
import os
import random
import shutil
import stat
import tempfile
import time
import unittest
from decimal import Decimal
from datetime import datetime, timedelta, timezone
from pathlib import Path

import redis

import support

TEMPLATES = str(support.REPO_ROOT / "site-template")
# A Tuesday, 03:00 UTC, in the past of the machine's clock; the data is the
# day before, so a run at NOW completes 2026-11-23 (its daily mail is due)
# and `no_activity` fires (no command for 16 hours): one notification. With
# 19 users `conversion_rate_low` is not evaluated (it needs 20).
NOW = datetime(2026, 11, 24, 3, 0, tzinfo=timezone.utc)
DAY = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
PASSWORD = "hardening-redis-pw-4711"
TOKEN = "424242:hardening-telegram-token"
# Delivery: each message gets 3 tries, 1 s then 2 s apart, each limited by
# --delivery-timeout. A run that does not hang ends within that plus slack
# for the snapshot and the build (a debug build, 2 cores shared).
DELIVERY_TIMEOUT = 1
DELIVERY_BOUND = 3 * DELIVERY_TIMEOUT + (1 + 2) + 12   # 18 s
MAX_COST = "999999999999.999999"   # the largest `cost` the contract allows (12 + 6 digits)
HANG = 20   # a run still going after this is killed and counted as hung
INSTANT = 10   # the same for a run that should refuse at once


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def a_day_of_use(users: int = 19) -> "list[tuple[str, dict]]":
    """(stream id, fields): `users` users register on DAY and run two commands each."""
    entries = []
    for n in range(users):
        at = ms(DAY) + n * 60_000
        entries.append((f"{at}-0", {"type": "registration", "user": f"user-{n}", "source": "organic"}))
        entries.append((f"{at}-1", {"type": "command", "user": f"user-{n}", "name": "analyze", "latency_ms": "420"}))
        entries.append((f"{at + 30_000}-0", {"type": "command", "user": f"user-{n}", "name": "price"}))
    return entries


def load(port: int, entries, prefix: str = "sentinel:", password: "str | None" = None) -> None:
    """Writes stream entries (in ID order) and registers every user they name."""
    client = redis.Redis(host="127.0.0.1", port=port, password=password)
    pipe = client.pipeline(transaction=False)
    for entry_id, fields in entries:
        pipe.xadd(f"{prefix}events", fields, id=entry_id)
        if fields.get("type") == "registration":
            pipe.hset(f"{prefix}users", fields["user"], entry_id.split("-")[0])
    pipe.execute()
    client.close()


def tree(root) -> "dict[str, tuple]":
    """Every entry under `root`, links not followed: relative path ->
    (kind, inode, bytes or link target)."""
    entries = {}
    for folder, folders, names in os.walk(root):
        for name in folders + names:
            path = os.path.join(folder, name)
            info = os.lstat(path)
            if stat.S_ISLNK(info.st_mode):
                entries[os.path.relpath(path, root)] = ("link", info.st_ino, os.readlink(path))
            elif stat.S_ISDIR(info.st_mode):
                entries[os.path.relpath(path, root)] = ("dir", info.st_ino, None)
            else:
                entries[os.path.relpath(path, root)] = ("file", info.st_ino, Path(path).read_bytes())
    return entries


def entry(path) -> tuple:
    """(kind, inode, link target) of `path` itself, or None when nothing is there."""
    if not os.path.lexists(path):
        return None
    info = os.lstat(path)
    kind = "link" if stat.S_ISLNK(info.st_mode) else "dir" if stat.S_ISDIR(info.st_mode) else "file"
    return kind, info.st_ino, os.readlink(path) if kind == "link" else None


def pending(work: Path) -> list:
    return json.loads(Path(work, "state/delivery.json").read_text())["pending"]


def script(path: Path, body: str) -> str:
    """An executable /bin/sh script; returns its path."""
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return str(path)


REDIS: "support.RedisServer | None" = None


def setUpModule():  # noqa: N802 - unittest's name
    global REDIS
    REDIS = support.RedisServer()
    load(REDIS.port, a_day_of_use())


def tearDownModule():  # noqa: N802
    if REDIS is not None:
        REDIS.stop()


class Hardening(unittest.TestCase):
    """Scratch folders and sentinel-gen runs with every path relative to
    the scratch folder (so an error line names `www` as the user typed it)."""

    def redis_url(self) -> str:
        return REDIS.url

    def environment(self) -> dict:
        return dict(os.environ)

    def scratch(self, config: str = "") -> Path:
        work = Path(tempfile.mkdtemp(prefix="sentinel-hardening-"))
        self.addCleanup(shutil.rmtree, work, True)
        (work / "sentinel.toml").write_text('timezone = "UTC"\n[site]\ntitle = "Hardening"\n' + config)
        return work

    def arguments(self, command: str, *extra: str, now: "datetime | str" = NOW, state: str = "state",
                  output: str = "www", templates: str = TEMPLATES, redis_url: "str | None" = "default") -> "list[str]":
        args = [str(support.sentinel_gen()), command, "--config", "sentinel.toml", "--state", state,
                "--now", now if isinstance(now, str) else iso(now)]
        if command in ("snapshot", "run") and redis_url is not None:
            args += ["--redis", self.redis_url() if redis_url == "default" else redis_url]
        if command in ("build", "run"):
            args += ["--output", output, "--templates", templates]
        return args + list(extra)

    def start(self, command: str, work: Path, *extra: str, env: "dict | None" = None, **options) -> support.Child:
        child = support.Child(self.arguments(command, *extra, **options), env=env or self.environment(), cwd=str(work))
        self.addCleanup(child.close)
        return child

    def sentinel(self, command: str, work: Path, *extra: str, timeout: float = HANG, **options) -> support.Finished:
        return self.start(command, work, *extra, **options).wait(timeout)

    def assertNoSignal(self, result: support.Finished):  # noqa: N802 - unittest's style
        self.assertFalse(result.timed_out, f"hung, killed after {result.elapsed:.0f} s: {result}")
        self.assertTrue(0 <= result.returncode < 128, f"died of a signal: {result}")

    def assertRefused(self, result: support.Finished, status: int, *names: str, alone: bool = True):  # noqa: N802
        """Exit `status` with one error line on stderr that names each of
        `names`: the only line, or with `alone=False` the last one, after
        progress lines (a check that needs what Redis holds)."""
        self.assertNoSignal(result)
        self.assertEqual(result.returncode, status, result)
        lines = result.stderr.splitlines()
        self.assertTrue(lines, result)
        if alone:
            self.assertEqual(len(lines), 1, result)
        self.assertTrue(lines[-1].startswith("sentinel-gen: "), result)
        for line in lines[:-1]:
            self.assertRegex(line, r"^\[\d/\d\] ", f"not a progress line: {result}")
        for name in names:
            self.assertIn(name, lines[-1])

    def assertSucceeded(self, result: support.Finished):  # noqa: N802
        self.assertNoSignal(result)
        self.assertEqual(result.returncode, 0, result)

    def assertPublished(self, work: Path, output: str = "www") -> Path:  # noqa: N802
        """`output` is a symlink to a whole release in `output`.releases/; returns the release."""
        link = work / output
        self.assertTrue(link.is_symlink(), f"{output} is not a symlink")
        release = link.resolve()
        self.assertEqual(release.parent, (work / f"{output}.releases").resolve())
        page = support.Page((release / "index.html").read_text())
        self.assertTrue(page.title, "index.html has no title")
        json.loads((release / "api/health.json").read_text())
        return release


class DataLossTests(Hardening):
    """A. The user's files are never moved, replaced or deleted."""

    def assertOutputRefusedAndIntact(self, work: Path, runs: int = 1):  # noqa: N802
        """`run` (`runs` times) and `build` refuse `www` with exit 2 and
        leave it, whatever it is, exactly as it was: same entries, same
        inodes, same bytes; no www.releases appears."""
        before, target = entry(work / "www"), tree(work)
        for attempt in [("run", n) for n in range(runs)] + [("build", 0)]:
            with self.subTest(command=attempt[0], attempt=attempt[1]):
                result = self.sentinel(attempt[0], work)
                self.assertRefused(result, 2, "www")
                self.assertEqual(entry(work / "www"), before)
                self.assertFalse(os.path.lexists(work / "www.releases"), "www.releases was created")
                after = tree(work)
                for name in [name for name in target if name == "www" or name.startswith(("www/", "elsewhere"))]:
                    self.assertEqual(after.get(name), target[name], f"{name} changed")

    def test_a_non_empty_output_folder_is_never_moved_or_deleted(self):
        work = self.scratch()
        (work / "www").mkdir()
        (work / "www/thesis.txt").write_text("precious")
        self.assertOutputRefusedAndIntact(work, runs=5)
        self.assertEqual((work / "www/thesis.txt").read_text(), "precious")

    def test_an_output_that_is_a_regular_file_is_refused(self):
        work = self.scratch()
        (work / "www").write_text("precious")
        self.assertOutputRefusedAndIntact(work)
        self.assertEqual((work / "www").read_text(), "precious")

    def test_an_output_symlink_that_is_not_a_release_is_refused(self):
        for target in ("elsewhere", "elsewhere/notes.txt"):
            with self.subTest(target=target):
                work = self.scratch()
                (work / "elsewhere").mkdir()
                (work / "elsewhere/notes.txt").write_text("precious")
                os.symlink(target, work / "www")
                self.assertOutputRefusedAndIntact(work)
                self.assertEqual((work / "elsewhere/notes.txt").read_text(), "precious")

    def test_an_empty_output_folder_is_replaced_by_the_site(self):
        work = self.scratch()
        (work / "www").mkdir()
        self.assertSucceeded(self.sentinel("run", work))
        self.assertPublished(work)

    def test_a_releases_folder_that_is_not_sentinels_is_refused(self):
        work = self.scratch()
        (work / "www.releases").mkdir()
        (work / "www.releases/notes.txt").write_text("precious")
        before = tree(work / "www.releases")
        for command in ("run", "build"):
            with self.subTest(command=command):
                self.assertRefused(self.sentinel(command, work), 2, "www.releases")
                self.assertEqual(tree(work / "www.releases"), before)
                self.assertFalse(os.path.lexists(work / "www"))

    def test_files_the_user_drops_into_the_releases_folder_survive_pruning(self):
        work = self.scratch()
        self.assertSucceeded(self.sentinel("run", work))
        (work / "www.releases/mine.txt").write_text("precious")
        (work / "www.releases/keep").mkdir()
        (work / "www.releases/keep/a.txt").write_text("precious too")
        releases = {self.assertPublished(work).name}
        # Each hour changes the day in progress, so each run publishes a new
        # release and the oldest ones are pruned (three old ones are kept).
        for hour in range(1, 6):
            self.assertSucceeded(self.sentinel("run", work, now=NOW + timedelta(hours=hour)))
            releases.add(self.assertPublished(work).name)
        self.assertEqual(len(releases), 6, "every run should have published a new release")
        self.assertEqual((work / "www.releases/mine.txt").read_text(), "precious")
        self.assertEqual((work / "www.releases/keep/a.txt").read_text(), "precious too")
        kept = set(os.listdir(work / "www.releases")) & releases
        self.assertLessEqual(len(kept), 4, f"old releases were not pruned: {sorted(kept)}")

    def test_user_files_named_like_temporary_files_survive(self):
        work = self.scratch()
        self.assertSucceeded(self.sentinel("run", work))
        mine = {work / ".tmp-notes": "notes", work / ".tmp-123-www": "not a link",
                work / "state/.tmp-mine": "state notes", work / "state/snapshots/.tmp-mine": "snapshot notes"}
        for path, text in mine.items():
            path.write_text(text)
        for hour in (1, 2):
            self.assertSucceeded(self.sentinel("run", work, now=NOW + timedelta(hours=hour)))
        self.assertEqual({str(path.relative_to(work)): path.read_text() if path.is_file() else None for path in mine},
                         {str(path.relative_to(work)): text for path, text in mine.items()})

    def test_a_state_and_an_output_that_overlap_are_refused_before_anything_is_written(self):
        cases = [  # (state, output, links to make: name -> target)
            ("site", "site", {}),
            ("site/state", "site", {}),
            ("state", "state/site", {}),
            ("shared-link", "out", {"shared-link": "out"}),           # a dangling link to the output
            ("state-link/site", "state", {"state-link": "state"}),    # output through a link into the state
        ]
        for state, output, links in cases + [("alias/state", "www", "release")]:
            for command in ("run", "build"):
                with self.subTest(command=command, state=state, output=output):
                    work = self.scratch()
                    if links == "release":
                        # A link to the published release: its state would be inside the site.
                        self.assertSucceeded(self.sentinel("run", work))
                        os.symlink(os.readlink(work / "www"), work / "alias")
                    else:
                        for name, target in links.items():
                            os.symlink(target, work / name)
                    before = tree(work)
                    self.assertRefused(self.sentinel(command, work, state=state, output=output), 2, state, output)
                    self.assertEqual(tree(work), before, "something was written")

    def test_a_state_linked_to_an_existing_empty_output_folder_is_refused(self):
        work = self.scratch()
        (work / "out").mkdir()
        os.symlink("out", work / "shared-link")
        before = tree(work)
        for command in ("run", "build"):
            with self.subTest(command=command):
                self.assertRefused(self.sentinel(command, work, state="shared-link", output="out"), 2,
                                   "shared-link", "out")
                self.assertEqual(tree(work), before)

    def test_separate_sibling_folders_keep_working(self):
        # `sitestate` starts like `site`: siblings, not one inside the other.
        work = self.scratch()
        for hour in (0, 1):
            self.assertSucceeded(self.sentinel("run", work, state="sitestate", output="site",
                                               now=NOW + timedelta(hours=hour)))
        self.assertPublished(work, "site")
        self.assertTrue(list((work / "sitestate/snapshots").glob("*.json")))

    def assertNothingWritten(self, work: Path):  # noqa: N802
        """No snapshot, no alert or delivery state, no site: at most the
        empty folders and lock files a run takes before it reads Redis."""
        residue = sorted(name for name, (kind, _, _) in tree(work).items()
                         if kind != "dir" and name != "sentinel.toml" and not name.endswith("/.lock"))
        self.assertEqual(residue, [])
        self.assertFalse(os.path.lexists(work / "www"), "www was written")

    def test_a_now_later_than_the_clock_is_refused(self):
        tomorrow = datetime.now(timezone.utc) + timedelta(days=1)
        for now in (iso(tomorrow), "9999-12-31T12:00:00Z"):
            for command in ("snapshot", "run"):
                with self.subTest(command=command, now=now):
                    work = self.scratch()
                    result = self.sentinel(command, work, now=now, timeout=INSTANT)
                    self.assertRefused(result, 2)
                    self.assertNothingWritten(work)
            with self.subTest(command="build", now=now):
                work = self.scratch()
                self.assertSucceeded(self.sentinel("snapshot", work))
                before = tree(work)
                self.assertRefused(self.sentinel("build", work, now=now, timeout=INSTANT), 2)
                self.assertEqual(tree(work), before)

    def test_a_stream_older_than_3700_days_is_refused_at_once(self):
        load(REDIS.port, [("1000-0", {"type": "command", "user": "old", "name": "analyze"})] + a_day_of_use(3),
             prefix="old:")
        for command in ("snapshot", "run"):
            with self.subTest(command=command):
                work = self.scratch('[redis]\nkey_prefix = "old:"\n')
                result = self.sentinel(command, work, timeout=INSTANT)
                # The check needs the stream's oldest entry: progress lines may come first.
                self.assertRefused(result, 2, alone=False)
                self.assertLess(result.elapsed, 5, "it took long: it computed the days instead of refusing")
                self.assertLess(result.peak_kb, 200 * 1024, f"peak memory {result.peak_kb // 1024} MB")
                self.assertNothingWritten(work)

    def test_two_runs_sharing_an_output_never_fail(self):
        work = self.scratch()
        statuses, problems = [], []
        for pair in range(20):
            # Odd pairs build the same content (the same release), even pairs two different ones.
            nows = (NOW + timedelta(minutes=pair), NOW + timedelta(minutes=pair, seconds=30 * (pair % 2 == 0)))
            runs = [self.start("run", work, state=state, now=now) for state, now in zip(("state-a", "state-b"), nows)]
            for result in [run.wait(HANG) for run in runs]:
                statuses.append(result.returncode)
                if result.returncode not in (0, 75):
                    problems.append(f"pair {pair}: {result}")
                elif result.returncode == 75 and "lock" not in result.stderr:
                    problems.append(f"pair {pair}: a 75 that names no lock: {result.stderr!r}")
            try:
                self.assertPublished(work)
            except (AssertionError, OSError, ValueError) as error:
                problems.append(f"pair {pair}: the site is not a whole release: {error}")
        self.assertEqual(problems, [])
        self.assertIn(0, statuses)


class DeliveryTests(Hardening):
    """B. A webhook, Telegram or a mail command that misbehaves never makes the cron job hang."""

    def deliver(self, work: Path, timeout: float = DELIVERY_TIMEOUT, bound: float = DELIVERY_BOUND,
                **options) -> support.Finished:
        """A run with `--delivery-timeout timeout`, killed soon after `bound` seconds."""
        return self.sentinel("run", work, "--delivery-timeout", str(timeout), timeout=bound + 2, **options)

    def assertEndedInTime(self, result: support.Finished, bound: float = DELIVERY_BOUND):  # noqa: N802
        self.assertFalse(result.timed_out, f"hung: killed after {result.elapsed:.1f} s (bound {bound} s): {result}")
        self.assertNoSignal(result)
        self.assertLess(result.elapsed, bound, f"the run took {result.elapsed:.1f} s (bound {bound} s): {result}")

    def server(self, mode: str = "reply", replies=None) -> support.RawHTTPServer:
        server = support.RawHTTPServer(mode, replies)
        self.addCleanup(server.stop)
        return server

    def webhook(self, server: support.RawHTTPServer, path: str = "/hook") -> Path:
        return self.scratch(f'[alerts]\nwebhooks = ["{server.url}{path}"]\n')

    def misbehaving_webhook(self, mode: str) -> "tuple[support.Finished, Path, support.RawHTTPServer]":
        server = self.server(mode)
        work = self.webhook(server)
        result = self.deliver(work)
        self.assertEndedInTime(result)
        self.assertTrue(server.requests, "the webhook was never called: no alert fired?")
        self.assertPublished(work)
        return result, work, server

    def test_a_webhook_that_trickles_its_body(self):
        result, _, _ = self.misbehaving_webhook("trickle")
        self.assertIn(result.returncode, (0, 4), result)

    def test_a_webhook_with_an_endless_chunked_body(self):
        result, _, _ = self.misbehaving_webhook("chunked")
        self.assertIn(result.returncode, (0, 4), result)

    def test_a_webhook_that_floods_its_body(self):
        result, _, _ = self.misbehaving_webhook("flood")
        self.assertIn(result.returncode, (0, 4), result)
        self.assertLess(result.peak_kb, 300 * 1024, f"peak memory {result.peak_kb // 1024} MB")

    def test_a_webhook_that_never_answers(self):
        result, work, _ = self.misbehaving_webhook("silent")
        self.assertEqual(result.returncode, 4, result)
        self.assertEqual([message["channel"] for message in pending(work)], ["webhook"])

    def test_a_webhook_redirect_is_not_followed(self):
        for status in (302, 307):
            with self.subTest(status=status):
                other = self.server()
                server = self.server(replies=[support.RawHTTPServer.reply(status, headers={"Location": f"{other.url}/steal"})])
                work = self.webhook(server)
                result = self.deliver(work)
                self.assertEndedInTime(result)
                self.assertTrue(server.requests)
                self.assertEqual(other.requests, [], "the redirect was followed")
                self.assertEqual(result.returncode, 4, result)
                self.assertIn(str(status), result.stderr)
                self.assertEqual([message["channel"] for message in pending(work)], ["webhook"])

    def telegram(self, *replies: bytes) -> "tuple[support.Finished, Path, support.RawHTTPServer]":
        server = self.server(replies=list(replies))
        work = self.scratch(f'[telegram]\nchat_id = "42"\napi_url = "{server.url}"\n')
        result = self.deliver(work, bound=30, env=dict(os.environ, SENTINEL_TELEGRAM_TOKEN=TOKEN))
        self.assertEndedInTime(result, 30)
        self.assertTrue(server.requests, "Telegram was never called: no alert fired?")
        for request in server.requests:
            self.assertEqual(request["path"], f"/bot{TOKEN}/sendMessage")
        return result, work, server

    @staticmethod
    def too_many_requests(seconds: int) -> bytes:
        return support.RawHTTPServer.reply(429, json.dumps(
            {"ok": False, "error_code": 429, "description": f"Too Many Requests: retry after {seconds}",
             "parameters": {"retry_after": seconds}}).encode())

    def test_telegram_retry_after_is_honoured(self):
        result, _, server = self.telegram(self.too_many_requests(2), support.RawHTTPServer.reply(200, b'{"ok":true,"result":{}}'))
        self.assertEqual(result.returncode, 0, result)
        self.assertGreaterEqual(len(server.requests), 2)
        gap = server.requests[1]["at"] - server.requests[0]["at"]
        self.assertGreaterEqual(gap, 1.95, f"the second try came {gap:.2f} s after the 429 that said 2 s")

    def test_telegram_retry_after_an_hour_waits_for_the_next_run(self):
        result, work, _ = self.telegram(self.too_many_requests(3600))
        self.assertEqual(result.returncode, 4, result)
        self.assertEqual([message["channel"] for message in pending(work)], ["telegram"])

    def mail_command(self, body: str) -> Path:
        """A scratch folder whose `[email] sendmail` is a script with `body`."""
        work = self.scratch()
        command = script(work / "sendmail-script", body)
        with (work / "sentinel.toml").open("a") as config:
            config.write(f'[email]\nto = ["a@example.com"]\nsendmail = "{command} -t"\n')
        return work

    def sleep_marker(self, seconds: str) -> str:
        """A unique `sleep` argument (`seconds` and 6 random digits); whatever
        still runs with it at cleanup is SIGKILLed."""
        marker = f"{seconds}{random.randrange(10 ** 6):06d}"
        self.addCleanup(support.kill_matching, f"sleep {marker}")
        return marker

    def test_a_mail_command_that_hangs_is_killed_with_its_children(self):
        marker = self.sleep_marker("120.5")
        work = self.mail_command(f"cat > /dev/null\nsleep {marker} &\nsleep {marker}\n")
        result = self.deliver(work)
        self.assertEndedInTime(result)
        self.assertEqual(result.returncode, 4, result)
        self.assertEqual([message["channel"] for message in pending(work)], ["email"])
        time.sleep(0.2)  # lets the kernel finish delivering a SIGKILL sent as the run ended
        self.assertEqual(support.processes_matching(f"sleep {marker}"), [], "the mail command's children outlived the run")
        self.assertEqual(support.processes_matching(str(work / "sendmail-script")), [], "the mail command outlived the run")

    def test_a_mail_command_whose_child_keeps_the_pipe_open_counts_as_sent(self):
        marker = self.sleep_marker("120.6")
        work = self.mail_command(f"cat > /dev/null\nsleep {marker} &\nexit 0\n")
        # A run that waited for the child's end of the pipe would wait the whole 10 s timeout.
        result = self.deliver(work, timeout=10, bound=8)
        self.assertEndedInTime(result, 8)
        self.assertEqual(result.returncode, 0, result)
        self.assertEqual(pending(work), [])


class CrashTests(Hardening):
    """C. Allowed input and a lost stderr never kill the process."""

    def test_costs_that_overflow_never_crash_the_run(self):
        start = ms(DAY)
        load(REDIS.port, [(f"{start + n}-0", {"type": "api_call", "provider": "openai", "model": "gpt-4o",
                                             "cost": MAX_COST}) for n in range(300)], prefix="big:")
        # A rate of 10^9 or more is a configuration error naming the key
        # (no two currencies are that far apart); the largest rate below it,
        # with 18 digits, converts these costs exactly.
        work = self.scratch('[redis]\nkey_prefix = "big:"\n[revenue]\ncurrency = "EUR"\n'
                            '[costs]\ncurrency = "USD"\n[exchange_rates]\nUSD = "999999999999999999"\n')
        result = self.sentinel("run", work)
        self.assertRefused(result, 2)
        self.assertIn("exchange_rates.USD", result.stderr)
        work = self.scratch('[redis]\nkey_prefix = "big:"\n[revenue]\ncurrency = "EUR"\n'
                            '[costs]\ncurrency = "USD"\n[exchange_rates]\nUSD = "999999999.999999999"\n')
        result = self.sentinel("run", work)
        self.assertNoSignal(result)
        self.assertEqual(result.returncode, 0, result)
        snapshot = json.loads((work / "state/snapshots/2026-11-23.json").read_text())
        self.assertEqual(snapshot["costs"]["api"]["openai"]["calls"], 300, snapshot)
        self.assertEqual(Decimal(snapshot["costs"]["api_total"]), 300 * Decimal(MAX_COST), snapshot["costs"])
        self.assertPublished(work)

    def test_hand_edited_snapshots_fail_the_build_with_one_line(self):
        base = self.scratch()
        self.assertSucceeded(self.sentinel("snapshot", base))
        name = "2026-11-23.json"
        original = json.loads((base / "state/snapshots" / name).read_text())
        self.assertEqual(original["status"], "complete")

        def edited(change):
            data = json.loads(json.dumps(original))
            change(data)
            return data

        cases = [
            ("engagement.commands", lambda d: d["engagement"].update(commands=9223372036854775807)),
            ("revenue.mrr", lambda d: d["revenue"].update(mrr="99999999999999999999999999999999.99")),
            ("users.total", lambda d: d["users"].update(total=-5)),
            ("date", lambda d: d.update(date="2026-11-22")),
            ("users.active", lambda d: d["users"].pop("active")),
        ]
        for field, change in [(None, lambda d: None)] + cases:
            with self.subTest(field=field):
                work = self.scratch()
                shutil.copytree(base / "state", work / "state")
                (work / "state/snapshots" / name).write_text(json.dumps(edited(change), indent=2) + "\n")
                result = self.sentinel("build", work)
                if field is None:  # the same file written back by Python builds
                    self.assertSucceeded(result)
                    continue
                self.assertRefused(result, 1, name, field)
                self.assertFalse(os.path.lexists(work / "www"), "a failed build published a site")

    def test_a_broken_or_closed_stderr(self):
        for redirect in ("2>&1 | true; echo ${PIPESTATUS[0]}", "2>&-; echo $?"):
            with self.subTest(redirect=redirect):
                work = self.scratch()
                command = " ".join(f"'{argument}'" for argument in self.arguments("snapshot"))
                result = support.run_bounded(["bash", "-c", f"{command} {redirect}"], timeout=HANG, cwd=str(work))
                self.assertFalse(result.timed_out, result)
                self.assertEqual(result.stdout.strip(), "0", result)
                written = sorted((work / "state/snapshots").glob("*.json"))
                self.assertEqual([path.name for path in written], ["2026-11-23.json", "2026-11-24.json"])
                for path in written:  # a progress line written into a file that took fd 2 would show here
                    json.loads(path.read_text())


class SecretTests(Hardening):
    """D. No password, token or secret URL part leaks."""

    @classmethod
    def setUpClass(cls):
        cls.secured = support.RedisServer("--requirepass", PASSWORD)
        load(cls.secured.port, a_day_of_use(), password=PASSWORD)

    @classmethod
    def tearDownClass(cls):
        cls.secured.stop()

    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.secured.port}/0"

    def environment(self) -> dict:
        return dict(os.environ, SENTINEL_REDIS_PASSWORD=PASSWORD)

    def test_the_redis_password_is_not_in_the_process_list(self):
        server = support.RawHTTPServer("silent")
        self.addCleanup(server.stop)
        work = self.scratch(f'[alerts]\nwebhooks = ["{server.url}/hook"]\n')
        environment = {name: value for name, value in os.environ.items() if name != "SENTINEL_REDIS_PASSWORD"}
        run = self.start("run", work, "--delivery-timeout", "2", env=environment,
                         redis_url=f"redis://:{PASSWORD}@127.0.0.1:{self.secured.port}/0")
        # The webhook never answers: the run is alive and past its reading of Redis.
        deadline = time.monotonic() + 20
        while not server.requests and time.monotonic() < deadline and run.process.poll() is None:
            time.sleep(0.05)
        self.assertTrue(server.requests, "the run never reached its delivery")
        time.sleep(0.5)
        cmdline = Path(f"/proc/{run.pid}/cmdline").read_bytes()
        run.kill()
        self.assertIn(b"run", cmdline)
        self.assertNotIn(PASSWORD.encode(), cmdline)

    def test_the_mail_command_gets_no_secret_in_its_environment(self):
        work = self.scratch()
        command = script(work / "sendmail-script", f'cat > /dev/null\nenv > "{work}/mail-environment"\n')
        with (work / "sentinel.toml").open("a") as config:
            config.write(f'[email]\nto = ["a@example.com"]\nsendmail = "{command} -t"\n')
        environment = dict(os.environ, SENTINEL_REDIS_PASSWORD=PASSWORD, SENTINEL_TELEGRAM_TOKEN=TOKEN,
                           SENTINEL_REDIS_URL=self.redis_url())
        self.assertSucceeded(self.sentinel("run", work, env=environment, redis_url=None))
        seen = (work / "mail-environment").read_text()
        names = {line.split("=", 1)[0] for line in seen.splitlines() if "=" in line}
        self.assertIn("PATH", names)
        for name in ("SENTINEL_REDIS_PASSWORD", "SENTINEL_TELEGRAM_TOKEN", "SENTINEL_REDIS_URL"):
            self.assertNotIn(name, names)
        self.assertNotIn(PASSWORD, seen)
        self.assertNotIn(TOKEN, seen)

    def test_a_bad_url_in_the_configuration_is_named_without_its_secrets(self):
        cases = [("alerts.webhooks[0]", '[alerts]\nwebhooks = ["ftp://user:s3cret@hooks.example.com/services/T0/B0/XYZSECRET"]\n'),
                 ("telegram.api_url", '[telegram]\napi_url = "gopher://tok:s3cret@api.example.com/secretpath"\n')]
        for key, text in cases:
            with self.subTest(key=key):
                work = self.scratch(text)
                result = self.sentinel("run", work, redis_url=f"redis://127.0.0.1:{support.free_port()}/0")
                self.assertRefused(result, 2, key)
                for secret in ("s3cret", "XYZSECRET", "secretpath"):
                    self.assertNotIn(secret, result.stdout + result.stderr)

    def test_the_outbox_keeps_no_webhook_secret(self):
        server = support.RawHTTPServer("reply", [support.RawHTTPServer.reply(500)])
        self.addCleanup(server.stop)
        work = self.scratch(f'[alerts]\nwebhooks = ["http://user:s3cret@127.0.0.1:{server.port}/hook/XYZSECRET"]\n')
        result = self.sentinel("run", work, "--delivery-timeout", "1")
        self.assertNoSignal(result)
        self.assertEqual(result.returncode, 4, result)
        self.assertEqual({request["path"] for request in server.requests}, {"/hook/XYZSECRET"})
        outbox = work / "state/delivery.json"
        self.assertEqual(stat.S_IMODE(outbox.stat().st_mode), 0o600)
        self.assertEqual([message["channel"] for message in pending(work)], ["webhook"])
        for secret in ("s3cret", "XYZSECRET"):
            self.assertNotIn(secret, outbox.read_text())
            self.assertNotIn(secret, result.stdout + result.stderr)

    def templates_with_link(self, name: str, target: str) -> str:
        """A copy of site-template with assets/`name` a symlink to `target`."""
        folder = Path(tempfile.mkdtemp(prefix="sentinel-hardening-templates-"))
        self.addCleanup(shutil.rmtree, folder, True)
        shutil.copytree(TEMPLATES, folder / "site-template")
        os.symlink(target, folder / "site-template/assets" / name)
        return str(folder / "site-template")

    def test_a_template_symlink_out_of_the_templates_is_refused(self):
        work = self.scratch()
        self.assertSucceeded(self.sentinel("snapshot", work))
        result = self.sentinel("build", work, templates=self.templates_with_link("passwd.txt", "/etc/passwd"))
        self.assertRefused(result, 1, "assets/passwd.txt", alone=False)
        first = Path("/etc/passwd").read_text().splitlines()[0].encode()
        leaked = [str(path) for path in work.rglob("*") if path.is_file() and first in path.read_bytes()]
        self.assertEqual(leaked, [])

    def test_a_template_symlink_inside_the_templates_is_published_as_a_file(self):
        work = self.scratch()
        self.assertSucceeded(self.sentinel("snapshot", work))
        templates = self.templates_with_link("alias.css", "style.css")
        self.assertSucceeded(self.sentinel("build", work, templates=templates))
        alias = self.assertPublished(work) / "assets/alias.css"
        self.assertTrue(alias.is_file() and not alias.is_symlink(), "assets/alias.css is not a regular file")
        self.assertEqual(alias.read_bytes(), Path(templates, "assets/style.css").read_bytes())


if __name__ == "__main__":
    unittest.main()
