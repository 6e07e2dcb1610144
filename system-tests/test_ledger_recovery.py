"""The ledger's recovery paths (docs/analytics.md): a `--recompute` that
fails, `forget` followed by runs with nothing new, forgotten users' API
calls and rejected entries, gaps that entries after `now` or a recreated
stream would hide, and a Redis ACL that refuses XINFO. A private
redis-server and support/ledger_data.py's bot.

    python3 -m unittest system-tests/test_ledger_recovery.py -v
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import unittest
from pathlib import Path

import redis

sys.path.insert(0, str(Path(__file__).resolve().parent))  # `support`, also when run by file name
import support  # noqa: E402
from support import ledger_data as L  # noqa: E402
from support.ledger_data import day_ms, day_name as name, uid  # noqa: E402


class LedgerRecoveryTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.redis = support.RedisServer()
        cls.client = redis.Redis(port=cls.redis.port)

    @classmethod
    def tearDownClass(cls):
        cls.redis.stop()

    def setUp(self):
        self.client.flushall()
        self.client.execute_command("ACL", "SETUSER", "default", "+@all")
        self.bot = L.Bot(self.client)
        self.work = tempfile.mkdtemp(prefix="sentinel-ledger-recovery-")
        self.addCleanup(shutil.rmtree, self.work, True)
        self.state = f"{self.work}/state"
        self.config = L.config(self.work)

    def ok(self, now_ms: int, *extra: str, url: "str | None" = None):
        result = L.snapshot(url or self.redis.url, self.state, now_ms, self.config, *extra)
        self.assertEqual(result.returncode, 0, f"run at {L.iso(now_ms)}: {result}")
        return result

    def forgotten_count(self) -> int:
        with L.ledger(self.state) as db:
            return db.execute("SELECT count(*) FROM forgotten").fetchone()[0]

    def test_a_failed_recompute_keeps_the_ledger_and_its_forgotten_users(self):
        self.bot.register(day_ms(0, 8), uid(1))
        self.bot.register(day_ms(0, 9), uid(2))
        self.bot.command(day_ms(0, 10), uid(1))
        self.bot.flush()
        self.ok(day_ms(0, 12))
        self.assertEqual(L.forget(self.state, [uid(1)]).returncode, 0)
        before = L.state_files(self.state)
        # Redis refuses the connection: the rebuild never gets to its commit.
        failed = L.snapshot("redis://127.0.0.1:1", self.state, day_ms(0, 13), self.config, "--recompute")
        self.assertEqual(failed.returncode, 3, failed)
        self.assertEqual(L.changed_files(before, self.state), [])
        self.assertEqual(L.kept_ledgers(self.state), [])
        self.assertEqual(self.forgotten_count(), 1)
        # The rebuild that succeeds keeps the old ledger and still forgets.
        self.ok(day_ms(0, 14), "--recompute")
        self.assertEqual(len(L.kept_ledgers(self.state)), 1)
        self.assertEqual(self.forgotten_count(), 1)
        today = L.snapshots(self.state)[name(0)]
        self.assertEqual((today["users"]["total"], today["users"]["active"], today["engagement"]["commands"]), (1, 1, 0))

    def test_runs_after_forget_with_nothing_new_go_on(self):
        for hour in (8, 9, 10):
            self.bot.register(day_ms(0, hour), uid(hour))
        self.bot.flush()
        self.ok(day_ms(1, 0.5))
        self.assertEqual(L.forget(self.state, [uid(9)]).returncode, 0)
        # The rebuild starts after the last complete day, with nothing to
        # read again: the cursor stays an entry the stream holds.
        for minutes in (60, 90, 120):
            self.assertEqual(L.new_events(self.ok(day_ms(1, minutes / 60))), 0)
        days = L.snapshots(self.state)
        self.assertEqual(days[name(1)]["users"]["total"], 2)

    def test_a_forgotten_users_api_calls_and_rejected_entries_are_left_out(self):
        self.bot.register(day_ms(0, 8), uid(1))
        self.bot.register(day_ms(0, 8.5), uid(2))
        self.bot.xadd(day_ms(0, 9), "type", "api_call", "provider", "openai", "cost", "1.50", "user", uid(1))
        self.bot.xadd(day_ms(0, 9.5), "type", "command", "user", uid(1), "name", "analyze", "latency_ms", "fast")
        self.bot.xadd(day_ms(0, 9.6), "type", "api_call", "provider", "openai", "cost", "0.25", "user", uid(2))
        self.bot.flush()
        self.ok(day_ms(0, 10))
        self.assertEqual(L.forget(self.state, [uid(1)]).returncode, 0)
        self.bot.xadd(day_ms(0, 10.5), "type", "api_call", "provider", "openai", "cost", "2.00", "user", uid(1))
        self.bot.flush()
        self.ok(day_ms(0, 11))
        today = L.snapshots(self.state)[name(0)]
        self.assertEqual(today["costs"]["api"], {"openai": {"calls": 1, "cost": "0.25"}})
        self.assertEqual(today["data_quality"]["rejected"], {})
        self.assertEqual(today["data_quality"]["events_read"], 2)

    def test_entries_after_now_do_not_hide_a_trimmed_stretch(self):
        for index, hour in enumerate((8, 9, 10, 13, 14)):
            self.bot.register(day_ms(0, hour), uid(index))
        self.bot.flush()
        self.ok(day_ms(0, 11))  # the last two are after now: read, not passed
        self.bot.command(day_ms(0, 15), uid(0))
        self.bot.command(day_ms(0, 16), uid(1))
        self.bot.flush()
        first_new = self.bot.ids[-2]
        self.client.execute_command("XTRIM", L.EVENTS, "MINID", first_new)
        result = self.ok(day_ms(0, 17))
        self.assertIn("trimmed before they were read", result.stderr)
        self.assertTrue(L.snapshots(self.state)[name(0)]["data_quality"]["unread_gap"])

    def test_a_stream_deleted_and_written_again_is_a_gap(self):
        for index, hour in enumerate((8, 9, 10)):
            self.bot.register(day_ms(0, hour), uid(index))
        self.bot.flush()
        self.ok(day_ms(0, 11))
        self.bot.command(day_ms(0, 12), uid(0))
        self.bot.flush()
        self.client.delete(L.EVENTS)
        self.bot.command(day_ms(0, 13), uid(1))
        self.bot.flush()
        result = self.ok(day_ms(0, 14))
        self.assertIn("trimmed before they were read", result.stderr)
        self.assertTrue(L.snapshots(self.state)[name(0)]["data_quality"]["unread_gap"])

    def test_an_acl_that_refuses_xinfo_still_reads(self):
        self.bot.register(day_ms(0, 8), uid(1))
        self.bot.command(day_ms(0, 9), uid(1))
        self.bot.flush()
        self.client.execute_command("ACL", "SETUSER", "default", "-xinfo")
        try:
            self.ok(day_ms(0, 10))
            self.bot.command(day_ms(0, 10.5), uid(1))
            self.bot.flush()
            result = self.ok(day_ms(0, 11))
        finally:
            self.client.execute_command("ACL", "SETUSER", "default", "+@all")
        self.assertEqual(L.new_events(result), 1)
        self.assertEqual(L.snapshots(self.state)[name(0)]["engagement"]["commands"], 2)


if __name__ == "__main__":
    unittest.main()
