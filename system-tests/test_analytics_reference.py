"""Snapshot version 2 (docs/analytics.md) against an
independent Python reading of the contracts, on a seeded dataset of 94 days
in Europe/Paris (support/analytics_dataset.py: 2025-12-28 to 2026-03-31, the
ISO week-year boundary 2025-W52 / 2026-W01 at 2025-12-29, the 23-hour
2026-03-29, every revenue movement).
The reference is support/analytics_reference.py and analytics_per_user.py.
While the binary still writes schema_version 1, the version 1 fields are
checked and the rest is skipped.

Run from the repository root (after `swift build`)::

    python3 -m unittest system-tests/test_analytics_reference.py -v

Readings chosen where analytics.md leaves room (compare them with yours):

 1. On a day the ledger does not cover, `retention`, `lifecycle` and `funnel`
    are null as a whole (not objects of nulls); on a covered day `retention`
    is {"day_n": {...}, "weekly": ...} and `funnel` {"d7": ..., "d30": ...},
    whose members may be null on their own terms. (The build of 2026-12-01
    12:52 writes {"day_n": null, "weekly": null} and {"d7": null, "d30":
    null} on the uncovered first day: one side must give.)
 2. The "end of d" of the day in progress is just after `now` everywhere:
    movements' b, retention_30d's b_u, by_plan, by_interval (as for mrr).
 3. retention.day_n and the funnels take the registration time from the
    users hash (as users.new), a time after `now` ignored. day_n needs only
    day e covered: a cohort day before the stream is counted from the hash
    (2025-12-29's day-30 cohort is a pre-stream user). The funnels need c
    covered.
 4. funnel.d7: "activated" is a `command` event (a registration is not);
    "returned" is any activity (registration or command) on c+2..c+7;
    "converted" (d7 and d30) is any conversion entry of a cohort user in
    the window, a refund on the same day included, up to `now`.
 5. funnel.d30.by_source: the first registration event by ID, read up to
    the end of d; no event, or an event without `source`: "unknown". Each
    source's object is {"registered", "converted"}, keys by bytes.
 6. hourly, day in progress: the hours k with start + k h <= now (an hour
    that begins exactly at now has begun); the current hour holds the
    entries up to now, `active` its distinct users up to now. api_cost
    "0.00" for an hour without costs.
 7. "Paid before the ledger": MRR_u rewound by all of u's payment entries
    the stream holds at or after the first entry, those after now included.
 8. retention.weekly: this ISO week and the 11 before it; `size` counts
    hash registrations in the whole week (for this week: up to now),
    weeks before the stream included; `active` is activity in the
    snapshot's week up to the end of the snapshot's day (or now).
 9. lifecycle "new" needs a hash registration in V; a user active in V
    without one is returning or resurrecting.
10. by_plan drops a plan only when it has 0 subscriptions and "0.00";
    by_interval always has month and year, even at 0 / "0.00".
11. Latencies are compared by value (850 and 850.0 are equal).
12. Property 1's runs: a daily run at 16:13 local, 23 and 24 runs on the
    hourly days (2026-03-29, 2026-01-04, at :17), never before the first
    entry, none at the instant of an entry.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import unittest
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import redis

sys.path.insert(0, str(Path(__file__).resolve().parent))  # `support`, also when run by file name
import support  # noqa: E402
from support import analytics_dataset as data  # noqa: E402
from support.analytics_reference import Reference  # noqa: E402

CONFIG = 'timezone = "Europe/Paris"\n[revenue]\ncurrency = "EUR"\n'
HOUR_MS, DAY_MS = 3_600_000, 86_400_000
V1_PATHS = ["date", "timezone", "status", "coverage.events_from", "coverage.windows_complete",
            "users.total", "users.premium", "users.free", "users.new", "users.active", "users.active_7d",
            "users.active_30d", "revenue.currency", "revenue.mrr", "revenue.conversions", "revenue.cancellations",
            "revenue.new_mrr", "revenue.churned_mrr", "engagement.commands", "engagement.errors",
            "engagement.by_command", "engagement.latency_ms.p50", "engagement.latency_ms.p95", "costs.currency",
            "costs.api", "costs.api_total", "costs.infrastructure", "acquisition.by_source",
            "data_quality.events_read", "data_quality.rejected"]
V2_PATHS = ["schema_version", "revenue.movements", "revenue.movement_users", "revenue.movements_unexplained",
            "revenue.by_plan", "revenue.by_interval", "revenue.retention_30d", "engagement.by_command_paying",
            "data_quality.unread_gap", "hourly", "retention", "lifecycle", "funnel"]
LAYOUT = {"": ["schema_version", "date", "timezone", "status", "captured_at", "coverage", "users", "revenue",
               "engagement", "costs", "acquisition", "data_quality", "hourly", "retention", "lifecycle", "funnel"],
          "revenue": ["currency", "mrr", "conversions", "cancellations", "new_mrr", "churned_mrr", "movements",
                      "movement_users", "movements_unexplained", "by_plan", "by_interval", "retention_30d"],
          "engagement": ["commands", "errors", "by_command", "latency_ms", "by_command_paying"],
          "data_quality": ["events_read", "rejected", "unread_gap"]}
MISSING = object()


def fill(client, entries, users, subscriptions) -> None:
    """XADDs `entries` with their IDs, then replaces both hashes."""
    pipe = client.pipeline(transaction=False)
    for ms, seq, fields in entries:
        pipe.execute_command("XADD", data.PREFIX + "events", f"{ms}-{seq}", *[part for pair in fields for part in pair])
    pipe.delete(data.PREFIX + "users", data.PREFIX + "subscriptions")
    if users:
        pipe.hset(data.PREFIX + "users", mapping={user: str(ms) for user, ms in users.items()})
    if subscriptions:
        pipe.hset(data.PREFIX + "subscriptions", mapping=subscriptions)
    pipe.execute()


def snapshot(url: str, state: str, now_ms: int, config: str):
    return support.run_bounded([support.sentinel_gen(), "snapshot", "--quiet", "--redis", url, "--state", state,
                                "--now", data.iso(now_ms), "--config", config], timeout=120)


def read_snapshots(state: str) -> dict:
    return {path.stem: json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
            for path in sorted(Path(state, "snapshots").glob("*.json"))}


def lookup(document, path: str):
    for part in path.split(".") if path else []:
        if not isinstance(document, dict) or part not in document:
            return MISSING
        document = document[part]
    return document


def show(value) -> str:
    return "(absent)" if value is MISSING else json.dumps(value, ensure_ascii=False, default=str)


def differences(where: str, expected, actual, out: list) -> None:
    """Appends "where: expected …, got …" for each leaf that differs; dict keys must come in the same order."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        if list(expected) != list(actual):
            out.append(f"{where}: keys {show(list(actual))}, expected {show(list(expected))}")
        for key in expected:
            if key in actual:
                differences(f"{where}.{key}", expected[key], actual[key], out)
    elif isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        for index, (one, other) in enumerate(zip(expected, actual)):
            differences(f"{where}[{index}]", one, other, out)
    elif isinstance(expected, Decimal) and isinstance(actual, (int, Decimal)) and not isinstance(actual, bool):
        if expected != actual:
            out.append(f"{where}: expected {expected}, got {actual}")
    elif type(expected) is not type(actual) or expected != actual:
        out.append(f"{where}: expected {show(expected)}, got {show(actual)}")


def report(problems: list, limit: int = 80) -> str:
    more = f"\n… and {len(problems) - limit} more" if len(problems) > limit else ""
    return f"{len(problems)} differences:\n" + "\n".join(problems[:limit]) + more


class AnalyticsReferenceTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="sentinel-analytics-")
        cls.config = f"{cls.work}/sentinel.toml"
        Path(cls.config).write_text(CONFIG)
        cls.data = data.Dataset()
        cls.redis = support.RedisServer()
        fill(redis.Redis(port=cls.redis.port), cls.data.entries, cls.data.users, cls.data.subscriptions)
        cls.oneshot = snapshot(cls.redis.url, f"{cls.work}/oneshot", data.NOW_MS, cls.config)
        cls.snapshots = read_snapshots(f"{cls.work}/oneshot") if cls.oneshot.returncode == 0 else {}

    @classmethod
    def tearDownClass(cls):
        cls.redis.stop()
        shutil.rmtree(cls.work, ignore_errors=True)

    def setUp(self):
        self.assertEqual(self.oneshot.returncode, 0, self.oneshot)

    def skip_before_version_2(self, checked: str = ""):
        versions = {snap.get("schema_version") for snap in self.snapshots.values()}
        if versions == {1}:
            self.skipTest(f"sentinel-gen still writes schema_version 1: version 2 is not implemented yet{checked}")

    def daily_nows(self, hourly=()) -> list:
        nows = []
        for index in range(data.DAYS):
            day = data.DAY0 + timedelta(days=index)
            low, high = data.start_ms(day), data.start_ms(day + timedelta(days=1))
            if day in hourly:
                nows += [moment for moment in range(low + 17 * 60_000, high, HOUR_MS) if moment > data.STREAM_START]
            else:
                nows.append(min(low + 16 * HOUR_MS + 13 * 60_000, data.NOW_MS))
        return [now for now in nows if now <= data.NOW_MS]

    def test_the_reference_agrees_with_figures_checked_by_hand(self):
        """The stories of analytics_dataset.STORIES, worked out on paper (no binary needed)."""
        reference = Reference(self.data.entries, self.data.users, self.data.subscriptions, data.NOW_MS)
        moves = {"2026-01-03": {}, "2026-01-17": {"new": "9.99", "churn": "19.99"}, "2026-01-22": {"new": "1.00"},
                 "2026-01-27": {"expansion": "10.00"}, "2026-02-01": {"contraction": "1.665"},
                 "2026-02-06": {"churn": "9.99"}, "2026-02-07": {"reactivation": "19.99"},
                 "2026-02-24": {"reactivation": "9.99"}, "2026-02-26": {"expansion": "1.665"},
                 "2026-03-01": {"reactivation": "19.99"}, "2026-03-29": {"new": "19.99"},
                 "2026-03-31": {"new": "8.325", "churn": "9.99"}}
        for name, nonzero in moves.items():
            day = reference.day(date.fromisoformat(name))
            wanted = {kind: nonzero.get(kind, "0.00") for kind in ("new", "expansion", "contraction", "churn",
                                                                    "reactivation")}
            self.assertEqual(day["revenue.movements"], wanted, name)
            self.assertEqual(day["revenue.movements_unexplained"], "0.00", name)
        refund = reference.day(date(2026, 1, 3))
        self.assertEqual((refund["revenue.conversions"], refund["revenue.cancellations"]), (1, 1))
        self.assertIsNone(reference.day(data.DAY0)["revenue.movements"])  # the first day is not covered
        dst = reference.day(date(2026, 3, 29))["hourly"]
        self.assertEqual((len(dst["conversions"]), dst["conversions"][2]), (23, 1))  # 03:30 local is hour 2
        today = reference.day(date(2026, 3, 31))
        self.assertEqual((today["status"], today["revenue.mrr"], today["users.premium"]), ("partial", "197.53", 15))
        self.assertEqual(len(today["hourly"]["commands"]), 16)  # 00:00 to 15:37 local
        self.assertEqual(today["revenue.by_plan"], {"basic": {"subscriptions": 1, "mrr": "1.00"},
                                                    "premium": {"subscriptions": 8, "mrr": "76.59"},
                                                    "pro": {"subscriptions": 6, "mrr": "119.94"}})
        self.assertEqual(today["revenue.by_interval"], {"month": {"subscriptions": 12, "mrr": "179.88"},
                                                        "year": {"subscriptions": 3, "mrr": "17.65"}})

    def test_each_field_matches_the_reference(self):
        reference = Reference(self.data.entries, self.data.users, self.data.subscriptions, data.NOW_MS)
        days = reference.days()
        self.assertEqual((days[0], days[-1]), (date(2025, 12, 28), date(2026, 3, 31)))
        self.assertEqual(sorted(self.snapshots), [day.isoformat() for day in days])
        expected = {day.isoformat(): reference.day(day) for day in days}
        problems = []
        for name, snap in self.snapshots.items():
            for path in V1_PATHS + ["captured_at"]:
                wanted = data.iso(data.NOW_MS) if path == "captured_at" else expected[name][path]
                differences(f"{name} {path}", wanted, lookup(snap, path), problems)
        if problems:
            self.fail(report(problems))
        self.skip_before_version_2(" (its version 1 fields match the reference)")
        for name, snap in self.snapshots.items():
            for path in V2_PATHS:
                differences(f"{name} {path}", expected[name][path], lookup(snap, path), problems)
            for path, keys in LAYOUT.items():
                found = lookup(snap, path)
                if not isinstance(found, dict) or list(found) != keys:
                    got = show(list(found) if isinstance(found, dict) else found)
                    problems.append(f"{name} layout of {path or 'the file'}: keys {got}, expected {show(keys)}")
        if problems:
            self.fail(report(problems))

    def test_runs_at_increasing_now_end_as_one_run(self):
        self.skip_before_version_2()
        state = f"{self.work}/incremental"
        nows = self.daily_nows(hourly=(date(2026, 3, 29), date(2026, 1, 4)))
        self.assertEqual(nows[-1], data.NOW_MS)
        for now in nows:
            result = snapshot(self.redis.url, state, now, self.config)
            self.assertEqual(result.returncode, 0, f"run at {data.iso(now)}: {result}")
        self.assert_same(read_snapshots(state), self.snapshots, "after runs at increasing now")

    def test_daily_runs_on_a_trimmed_stream_lose_nothing(self):
        self.skip_before_version_2()
        trimmed = support.RedisServer()
        self.addCleanup(trimmed.stop)
        client = redis.Redis(port=trimmed.port)
        state, written = f"{self.work}/trimmed", 0
        nows = self.daily_nows()
        for now in nows:
            cut = None if now == data.NOW_MS else now  # the last run: the after-now entries and the final hashes too
            entries = self.data.entries_until(cut)
            fill(client, entries[written:], *self.data.hashes_at(cut))
            written = len(entries)
            client.execute_command("XTRIM", data.PREFIX + "events", "MINID", str(now - 30 * DAY_MS))
            result = snapshot(trimmed.url, state, now, self.config)
            self.assertEqual(result.returncode, 0, f"run at {data.iso(now)}: {result}")
        self.assertLess(client.xlen(data.PREFIX + "events"), len(self.data.entries) // 2, "the trim kept too much")
        mine = read_snapshots(state)
        self.assertEqual(sorted(mine), sorted(self.snapshots))
        self.assert_same(mine, self.snapshots, "trimmed daily runs vs. one untrimmed run")

    def assert_same(self, mine: dict, theirs: dict, what: str) -> None:
        problems = []
        if sorted(mine) != sorted(theirs):
            problems.append(f"days: {sorted(set(mine) ^ set(theirs))} in one set only")
        for name in sorted(set(mine) & set(theirs)):
            one, other = dict(mine[name]), dict(theirs[name])
            if one.get("status") == "complete" and other.get("status") == "complete":
                one.pop("captured_at", None)
                other.pop("captured_at", None)
            differences(name, other, one, problems)  # expected: the one-shot run's
        if problems:
            self.fail(f"{what}: " + report(problems))


if __name__ == "__main__":
    unittest.main()
