"""The ledger, STATE/ledger.sqlite (docs/analytics.md, "The
ledger", "Reading incrementally", "Properties", "Forgetting a user"), with a
private redis-server and small seeded data (support/ledger_data.py). The
figures themselves and properties 1 and 2 are test_analytics_reference.py's.

Run from the repository root (after `swift build`)::

    python3 -m unittest system-tests/test_ledger.py -v

Readings chosen where analytics.md leaves room:

 1. `forget`: "left out of every figure computed afterwards ... as if the bot
    had never written them" covers the day in progress whole, the commands a
    forgotten user ran before `forget` included (the subTest that says so);
    --recompute gives that figure, so a plain run should too.
 2. --recompute keeps the ledger's key (forgotten pseudonyms must still
    match); the kept file is ledger-YYYYMMDDTHHMMSSZ.sqlite, of any clock.
 3. The kill test compares the ledgers' tables and meta (pseudonyms mapped
    back to user ids), but not meta's `key` nor `verified_through`, a cache
    of which days had a complete snapshot when a run started.
"""

from __future__ import annotations

import fcntl
import os
import random
import re
import shutil
import sys
import tempfile
import time
import unittest
from datetime import timedelta
from pathlib import Path

import redis

sys.path.insert(0, str(Path(__file__).resolve().parent))  # `support`, also when run by file name
import support  # noqa: E402
from support import ledger_data as L  # noqa: E402
from support.ledger_data import DAY0, MINUTE_MS, day_ms, day_name as name, new_events, uid  # noqa: E402

KEPT = re.compile(r"^ledger-(\d{8}T\d{6}Z)\.sqlite$")  # ledger-<UTC time>.sqlite


class LedgerTests(unittest.TestCase):
    KILLS = 6  # per run of the kill test

    @classmethod
    def setUpClass(cls):
        cls.redis = support.RedisServer()
        cls.client = redis.Redis(port=cls.redis.port)

    @classmethod
    def tearDownClass(cls):
        cls.redis.stop()

    def setUp(self):
        self.maxDiff = None
        self.client.flushall()
        self.bot = L.Bot(self.client)
        self.work = tempfile.mkdtemp(prefix="sentinel-ledger-")
        self.addCleanup(shutil.rmtree, self.work, True)
        self.state = f"{self.work}/state"
        self.config = L.config(self.work)

    def run_at(self, now_ms: int, *extra: str, config: "str | None" = None, state: "str | None" = None):
        return L.snapshot(self.redis.url, state or self.state, now_ms, config or self.config, *extra)

    def ok(self, now_ms: int, *extra: str, **options):
        result = self.run_at(now_ms, *extra, **options)
        self.assertEqual(result.returncode, 0, f"run at {L.iso(now_ms)}: {result}")
        return result

    def assertRefused(self, result, status: int, *words: str):  # noqa: N802 - unittest's style
        self.assertEqual(result.returncode, status, result)
        lines = result.stderr.splitlines()
        self.assertEqual(len(lines), 1, result.stderr)
        for word in words:
            self.assertIn(word, lines[0])

    def kept_ledgers(self) -> list:
        return L.kept_ledgers(self.state)

    def test_a_run_reads_only_what_is_new(self):
        self.bot.apply(L.story(1, 2))
        self.bot.flush()
        first = self.ok(day_ms(2, 1))
        self.assertEqual(new_events(first), self.client.xlen(L.EVENTS))
        read_before = L.snapshots(self.state)[name(2)]["data_quality"]["events_read"]
        for n in range(5):
            self.bot.command(day_ms(2, 2) + n * MINUTE_MS, uid(0), "price")
        self.bot.flush()
        self.assertEqual(new_events(self.ok(day_ms(2, 3))), 5)
        self.assertEqual(L.snapshots(self.state)[name(2)]["data_quality"]["events_read"], read_before + 5)
        self.assertEqual(new_events(self.ok(day_ms(2, 3.25))), 0)

    def test_a_replaced_stream_stops_the_run_until_recompute(self):
        self.bot.apply(L.story(2, 3))
        self.bot.flush()
        self.ok(day_ms(3, 1))
        cursor, key = L.meta(self.state, "cursor"), L.meta(self.state, "key")
        self.assertEqual(cursor, self.bot.ids[-1])
        shorter = self.client.xrange(L.EVENTS, max=day_ms(1) - 1)  # a backup of day 0, restored
        self.client.delete(L.EVENTS)
        for entry, fields in shorter:
            self.client.xadd(L.EVENTS, fields, id=entry)
        before = L.state_files(self.state)
        self.assertRefused(self.run_at(day_ms(3, 2)), 3, "replaced")
        self.assertEqual(L.changed_files(before, self.state), [], "a refused run changed the state")
        old_day_0 = Path(self.state, "snapshots", f"{name(0)}.json").read_bytes()
        self.ok(day_ms(3, 2), "--recompute")
        kept = self.kept_ledgers()
        self.assertEqual(len(kept), 1, os.listdir(self.state))
        self.assertRegex(kept[0], KEPT)
        self.assertEqual((L.meta(self.state, "cursor", kept[0]), L.meta(self.state, "key", kept[0])), (cursor, key))
        self.assertEqual(L.meta(self.state, "cursor"), shorter[-1][0].decode())
        snaps = L.snapshots(self.state)
        self.assertEqual(Path(self.state, "snapshots", f"{name(0)}.json").read_bytes(), old_day_0,
                         "day 0 is not covered by the rebuilt ledger: its complete snapshot stays")
        for index in (1, 2, 3):  # covered: rewritten from the restored stream (which ends on day 0)
            self.assertEqual(snaps[name(index)]["captured_at"], L.iso(day_ms(3, 2)), name(index))
            self.assertEqual(snaps[name(index)]["data_quality"]["events_read"], 0, name(index))

    def test_a_changed_setting_or_an_earlier_now_is_refused_until_recompute(self):
        paris = L.config(self.work, "Europe/Paris", "paris.toml")
        self.bot.apply(L.story(3, 2))
        self.bot.flush()
        self.ok(day_ms(2, 1), config=paris)
        before = L.state_files(self.state)
        refusals = [(L.config(self.work, "UTC", "utc.toml"), day_ms(2, 2), ("timezone", "UTC")),
                    (L.config(self.work, "Europe/Paris", "usd.toml", "USD"), day_ms(2, 2), ("currency", "USD")),
                    (paris, day_ms(2, 0.5), ("now",))]
        for config, now, words in refusals:
            self.assertRefused(self.run_at(now, config=config), 2, *words)
            self.assertEqual(L.changed_files(before, self.state), [], f"a refused run ({words}) changed the state")
        self.ok(day_ms(2, 2), "--recompute", config=refusals[0][0])
        kept = self.kept_ledgers()
        self.assertEqual(len(kept), 1, os.listdir(self.state))
        self.assertRegex(kept[0], KEPT)
        self.assertEqual(L.meta(self.state, "timezone", kept[0]), "Europe/Paris")
        self.assertEqual(L.meta(self.state, "timezone"), "UTC")
        self.assertEqual(L.snapshots(self.state)[name(2)]["timezone"], "UTC")
        self.ok(day_ms(2, 3), config=refusals[0][0])  # the rebuilt ledger goes on with the new setting

    def test_entries_trimmed_before_they_were_read_are_an_unread_gap(self):
        events = L.story(4, 5)
        cut, end = day_ms(1, 12), day_ms(4, 6)
        self.bot.apply([event for event in events if event[0] < cut])
        self.bot.flush()
        first = self.ok(cut)
        self.assertNotIn("trimmed", first.stderr)
        self.bot.apply([event for event in events if cut <= event[0] < end])
        self.bot.flush()
        self.client.execute_command("XTRIM", L.EVENTS, "MINID", str(day_ms(3, 12)))
        second = self.ok(day_ms(4, 8))
        self.assertIn("trimmed", second.stderr)
        gaps = {day: snap["data_quality"]["unread_gap"] for day, snap in L.snapshots(self.state).items()}
        self.assertEqual(gaps, {name(0): False, name(1): True, name(2): True, name(3): True, name(4): False})
        # Trimming only entries already read is no gap.
        self.client.execute_command("XTRIM", L.EVENTS, "MINID", str(day_ms(4, 7)))
        self.bot.command(day_ms(4, 9), uid(0))
        self.bot.flush()
        third = self.ok(day_ms(4, 10))
        self.assertNotIn("trimmed", third.stderr)
        gaps = {day: snap["data_quality"]["unread_gap"] for day, snap in L.snapshots(self.state).items()}
        self.assertEqual(gaps, {name(0): False, name(1): True, name(2): True, name(3): True, name(4): False})

    def test_forget_removes_users_from_the_ledger_and_every_later_figure(self):
        a, b, c, d = uid(100), uid(101), uid(102), uid(103)  # d: never written before it is forgotten
        for n, user in enumerate((a, b, c)):
            self.bot.register(day_ms(0, 8) + n, user, "organic")
        self.bot.convert(day_ms(0, 9), a)
        for user in (a, b, c, a, b, c):
            self.bot.command(day_ms(0, 10), user)
        for user in (a, a, b, c):
            self.bot.command(day_ms(1, 8), user, "price")
        self.bot.flush()
        self.ok(day_ms(1, 9))
        day_0 = Path(self.state, "snapshots", f"{name(0)}.json").read_bytes()
        today = L.snapshots(self.state)[name(1)]
        self.assertEqual((today["users"]["total"], today["users"]["active"], today["users"]["premium"],
                          today["engagement"]["commands"]), (3, 3, 1, 4))
        rows = L.ledger_rows(self.state, [a, b, c, d])
        self.assertIn(a, {row[0] for row in rows["users"]})
        self.assertIn(a, {row[1] for row in rows["payments"]})

        result = L.forget(self.state, [a, d])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.strip(), "forgot 2 user ids; 1 was in the ledger")
        rows = L.ledger_rows(self.state, [a, b, c, d])
        self.assertEqual(rows["forgotten"], {(a,), (d,)})
        self.assertNotIn(a, {row[0] for row in rows["users"]})
        self.assertNotIn(a, {row[1] for row in rows["payments"]})
        self.assertEqual({row[0] for row in rows["users"]}, {b, c})

        self.bot.command(day_ms(1, 10), a, "alert")
        self.bot.command(day_ms(1, 10), b, "alert")
        self.bot.register(day_ms(1, 10), d, "ads")
        self.bot.command(day_ms(1, 10), d, "alert")
        self.bot.flush()
        self.ok(day_ms(1, 11))
        today = L.snapshots(self.state)[name(1)]
        # As if the bot had never written a's or d's entries: b and c are left, a's subscription is gone.
        self.assertEqual((today["users"]["total"], today["users"]["active"], today["users"]["premium"],
                          today["revenue"]["mrr"]), (2, 2, 0, "0.00"))
        self.assertEqual(today["engagement"]["by_command"].get("alert"), 1, "a's and d's later commands count")
        self.assertEqual(today["acquisition"]["by_source"], {}, "d's registration counts")
        with self.subTest("the day in progress also drops what a did before being forgotten"):
            self.assertEqual(today["engagement"]["commands"], 3, today["engagement"])  # b's, c's, then b's alert
            self.assertEqual(today["engagement"]["by_command"], {"alert": 1, "price": 2})
            self.assertEqual(today["engagement"]["by_command_paying"], {}, "a's subscription is left out")
        self.assertEqual(Path(self.state, "snapshots", f"{name(0)}.json").read_bytes(), day_0,
                         "a complete snapshot holds only aggregates: forget leaves it")

        by_stdin = L.forget(self.state, ["-"], stdin=f"{b}\n")
        self.assertEqual(by_stdin.returncode, 0, by_stdin.stderr)
        self.assertRegex(by_stdin.stdout.strip(), r"^forgot 1 user id; 1 was in the ledger$")
        with open(f"{self.state}/.lock", "w") as lock:  # forget takes the state's lock
            fcntl.flock(lock, fcntl.LOCK_EX)
            locked = L.forget(self.state, [c])
        self.assertEqual(locked.returncode, 75, locked.stderr)
        for output in (result, by_stdin, locked):
            for user in (a, b, c, d):
                self.assertNotIn(user, output.stdout + output.stderr)

        self.ok(day_ms(1, 12), "--recompute")  # forgotten users stay out of a rebuilt ledger
        rows = L.ledger_rows(self.state, [a, b, c, d])
        self.assertEqual(rows["forgotten"], {(a,), (b,), (d,)})
        self.assertEqual({row[0] for row in rows["users"]}, {c})
        self.assertEqual(rows["payments"], set())
        today = L.snapshots(self.state)[name(1)]
        self.assertEqual((today["users"]["total"], today["users"]["active"], today["engagement"]["commands"]),
                         (1, 1, 1))

    def test_no_user_id_in_clear_anywhere_in_the_state(self):
        users = [uid(n) for n in range(12)]
        events = L.story(6, 3)
        self.bot.apply([event for event in events if event[0] < day_ms(1, 12)])
        self.bot.xadd(day_ms(1, 12), "type", "command", "user", users[0], "name", "x", "latency_ms", "-1")  # rejected
        self.bot.xadd(day_ms(1, 12), "type", "bogus", "user", users[1])
        self.bot.flush()
        outputs = [self.ok(day_ms(1, 13))]
        self.bot.apply([event for event in events if day_ms(1, 12) <= event[0] < day_ms(2, 13)])
        self.bot.flush()
        outputs += [self.ok(day_ms(2, 13)), L.forget(self.state, [users[2]]),
                    L.forget(self.state, ["-"], stdin=f"{users[3]}\n"), self.ok(day_ms(2, 14), "--recompute")]
        self.bot.apply([event for event in events if event[0] >= day_ms(2, 13)])
        self.bot.flush()
        held = L.sqlite3.connect(f"{self.state}/ledger.sqlite")  # an open reader: the next run's -wal stays
        try:
            held.execute("SELECT count(*) FROM users").fetchall()
            outputs.append(self.ok(day_ms(2, 23)))
            files = {str(path.relative_to(self.state)): path.read_bytes()
                     for path in sorted(Path(self.state).rglob("*")) if path.is_file()}
        finally:
            held.close()
        self.assertTrue(any(path.endswith("-wal") and data for path, data in files.items()), sorted(files))
        self.assertEqual(len(self.kept_ledgers()), 1)
        registered = {args[0] for ms, kind, args in events if kind == "register" and ms <= day_ms(2, 23)}
        self.assertEqual(L.snapshots(self.state)[name(2)]["users"]["total"], len(registered - set(users[2:4])))
        leaks = [f"{path}: {user}" for path, data in files.items() for user in users + ["user-7f3a9c"]
                 if user.encode() in data]
        leaks += [f"output of {output.args[1:2]}: {user}" for output in outputs for user in users + ["user-7f3a9c"]
                  if user in output.stdout + output.stderr]
        self.assertEqual(leaks, [])

    def test_a_version_1_state_is_upgraded_keeping_its_complete_snapshots(self):
        self.bot.apply(L.story(7, 4))
        self.bot.flush()
        events_from = int(self.client.xrange(L.EVENTS, count=1)[0][0].split(b"-")[0])
        folder = Path(self.state, "snapshots")
        folder.mkdir(parents=True)
        old = {index: L.version_1_snapshot(DAY0 + timedelta(days=index), status, day_ms(2, 6), events_from)
               for index, status in ((0, "complete"), (1, "complete"), (2, "partial"))}
        for index, data in old.items():
            Path(folder, f"{name(index)}.json").write_bytes(data)
        for now in (day_ms(3, 12), day_ms(3, 13)):  # the upgrade, then an ordinary run on its ledger
            self.ok(now)
            self.assertTrue(Path(self.state, "ledger.sqlite").is_file())
            for index in (0, 1):
                self.assertEqual(Path(folder, f"{name(index)}.json").read_bytes(), old[index], name(index))
            snaps = L.snapshots(self.state)
            self.assertEqual(sorted(snaps), [name(index) for index in range(4)])
            for index, status in ((2, "complete"), (3, "partial")):
                snap = snaps[name(index)]
                self.assertEqual((snap["schema_version"], snap["status"]), (2, status), name(index))
                self.assertIn("unread_gap", snap["data_quality"])
                self.assertIn("hourly", snap)
            self.assertNotEqual(snaps[name(2)]["users"]["total"], 4321)  # recomputed, not the version 1 figure
        self.assertGreater(len(L.ledger_rows(self.state, [])["days"]), 0)

    def test_runs_killed_at_random_moments_end_as_the_runs_never_killed(self):
        users = [uid(n) for n in range(300)]
        events = L.story(8, 3, users=len(users), per_day=12_000)
        nows = [day_ms(day, hour) for day in range(3) for hour in (5.3, 11.7, 17.2, 23.9)]
        reference, killed = f"{self.work}/reference", self.state
        seed = random.randrange(1 << 30)
        rng, problems, kills, committed, written = random.Random(seed), [], 0, 0, 0
        started = time.monotonic()
        for step, now in enumerate(nows):
            ahead = [event for event in events[written:] if event[0] <= now + 20 * MINUTE_MS]  # some after now
            self.bot.apply(ahead)
            self.bot.flush()
            written += len(ahead)
            clock = time.monotonic()
            self.ok(now, "-q", state=reference)
            duration = time.monotonic() - clock
            args = L.snapshot_args(self.redis.url, killed, now, self.config, "-q")
            killed_now, committed_now, found = L.kill_attempts(args, killed, duration, self.KILLS, rng, now)
            kills, committed = kills + killed_now, committed + committed_now
            problems += [f"step {step} ({L.iso(now)}): {problem}" for problem in found]
            self.ok(now, "-q", state=killed)  # the same run again, to its end
            if step == 5:
                for state in (reference, killed):
                    self.assertEqual(L.forget(state, users[5:7]).returncode, 0)
            mine, theirs = L.comparable(L.snapshots(killed)), L.comparable(L.snapshots(reference))
            problems += [f"step {step} ({L.iso(now)}): snapshot {day} differs from the uninterrupted runs'"
                         for day in sorted(set(mine) | set(theirs)) if mine.get(day) != theirs.get(day)]
            problems += [f"step {step} ({L.iso(now)}): {problem}" for problem in
                         L.row_differences(L.ledger_rows(killed, users), L.ledger_rows(reference, users))]
        print(f"\nledger kills: {kills} of {len(nows) * self.KILLS} runs killed mid-way, {committed} after their "
              f"commit (seed {seed}, {time.monotonic() - started:.1f} s)", file=sys.stderr)
        self.assertEqual(problems, [])
        self.assertGreaterEqual(kills, len(nows) * self.KILLS // 2, "most runs should have been killed mid-way")
        self.assertEqual(len(L.ledger_rows(killed, users)["forgotten"]), 2)
        self.assertEqual(sorted(L.snapshots(killed)), [name(day) for day in range(3)])
