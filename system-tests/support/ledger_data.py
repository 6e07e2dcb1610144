"""Small seeded bot data and ledger helpers for test_ledger.py: a Bot that
writes stream entries with explicit increasing IDs and keeps both hashes
consistent with them, runs of `snapshot` and `forget` under a deadline,
pseudonyms computed as analytics.md says, and readers of the state (files,
snapshots, the ledger's rows with pseudonyms turned back into user ids)."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time
from bisect import bisect_left
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from .paths import sentinel_gen
from .processes import Child, run_bounded

PREFIX = "sentinel:"
EVENTS, USERS, SUBSCRIPTIONS = PREFIX + "events", PREFIX + "users", PREFIX + "subscriptions"
MINUTE_MS, HOUR_MS, DAY_MS = 60_000, 3_600_000, 86_400_000
DAY0 = date(2026, 11, 2)  # a Monday; --now may not be later than the system clock
COMMANDS = ["analyze", "price", "alert", "portfolio"]
SOURCES = ["organic", "ref:alice", "ads", None]
LEDGER_TABLES = ("users", "payments", "days", "forgotten")
NEW_EVENTS = re.compile(r"^\[2/4\] read ([0-9,]+) new events in ", re.M)


def uid(n: int) -> str:
    """A long, distinctive user id: grepping the state for it cannot match by chance."""
    return f"user-7f3a9c{n:03d}-{hashlib.sha256(b'ledger-test-%d' % n).hexdigest()[:24]}"


def day_ms(index: int, hour: float = 0.0) -> int:
    """UTC: `hour` hours into day DAY0 + index."""
    day = DAY0 + timedelta(days=index)
    return int(datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp()) * 1000 + int(hour * HOUR_MS)


def day_name(index: int) -> str:
    return (DAY0 + timedelta(days=index)).isoformat()


def new_events(result) -> int:
    """N of the progress line `[2/4] read N new events in …` of a snapshot run."""
    found = NEW_EVENTS.findall(result.stderr)
    if len(found) != 1:
        raise AssertionError(f"no single '[2/4] read N new events' line in {result.stderr!r}")
    return int(found[0].replace(",", ""))


def iso(ms: int) -> str:
    moment = datetime.fromtimestamp(ms // 1000, timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + (f".{ms % 1000:03d}Z" if ms % 1000 else "Z")


class Bot:
    """Writes what a bot following redis-contract.md writes, with explicit
    IDs `ms-seq` (increasing) through a pipeline; `flush()` sends it."""

    def __init__(self, client) -> None:
        self.client = client
        self.pipe = client.pipeline(transaction=False)
        self.last = (0, -1)
        self.ids: list = []  # every ID written, in order

    def xadd(self, ms: int, *fields) -> str:
        ms = max(ms, self.last[0])
        seq = self.last[1] + 1 if ms == self.last[0] else 0
        self.last = (ms, seq)
        entry = f"{ms}-{seq}"
        self.pipe.execute_command("XADD", EVENTS, entry, *fields)
        self.ids.append(entry)
        return entry

    def register(self, ms: int, user: str, source: "str | None" = None) -> None:
        self.xadd(ms, "type", "registration", "user", user, *(["source", source] if source else []))
        self.pipe.hset(USERS, user, str(self.last[0]))

    def command(self, ms: int, user: str, name: str = "analyze", latency: "int | None" = None) -> None:
        self.xadd(ms, "type", "command", "user", user, "name", name, *(["latency_ms", latency] if latency else []))

    def convert(self, ms: int, user: str, amount: str = "9.99", plan: str = "premium", interval: str = "month") -> None:
        self.xadd(ms, "type", "conversion", "user", user, "amount", amount, "plan", plan, "interval", interval)
        self.pipe.hset(SUBSCRIPTIONS, user, json.dumps({"plan": plan, "amount": amount, "interval": interval,
                                                        "since": self.last[0]}))

    def cancel(self, ms: int, user: str, amount: str = "9.99", plan: str = "premium", interval: str = "month") -> None:
        self.xadd(ms, "type", "cancellation", "user", user, "amount", amount, "plan", plan, "interval", interval)
        self.pipe.hdel(SUBSCRIPTIONS, user)

    def apply(self, events: list) -> None:
        """`events` from story(), in time order."""
        for ms, kind, args in events:
            if kind == "api_call":
                self.xadd(ms, "type", "api_call", "provider", "openai", "cost", args[0], "latency_ms", "700")
            elif kind == "error":
                self.xadd(ms, "type", "error", "name", "analyze", "kind", "Timeout")
            else:
                getattr(self, kind)(ms, *args)

    def flush(self) -> None:
        self.pipe.execute()


def story(seed: int, days: int, users: int = 12, per_day: int = 30, first: int = 0) -> list:
    """[(ms, Bot method, args)] over days first .. first + days - 1, sorted:
    registrations (half on the first day), commands of registered users,
    api calls, errors, and a few conversions, plan changes and cancellations."""
    rng = random.Random(seed)
    start, end = day_ms(first), day_ms(first + days)
    registered = {uid(n): start + rng.randrange(DAY_MS if n < users // 2 else end - start) for n in range(users)}
    events = [(ms, "register", (user, rng.choice(SOURCES))) for user, ms in registered.items()]
    order = sorted(registered, key=registered.get)
    times = [registered[user] for user in order]
    for index in range(days):
        for _ in range(per_day):
            ms = day_ms(first + index) + rng.randrange(DAY_MS)
            ready = bisect_left(times, ms)  # the users registered before ms
            if ready:
                user = order[rng.randrange(ready)]
                events.append((ms, "command", (user, rng.choice(COMMANDS), rng.randrange(50, 3000))))
        events += [(day_ms(first + index) + rng.randrange(DAY_MS), "api_call", (f"0.{rng.randrange(1, 9999):04d}",))
                   for _ in range(4)]
        events.append((day_ms(first + index) + rng.randrange(DAY_MS), "error", ()))
    for n, user in enumerate(sorted(registered)[: users // 3]):
        at = registered[user] + rng.randrange(HOUR_MS, 6 * HOUR_MS)
        events.append((at, "convert", (user, "9.99")))
        if n % 2:  # a plan change, then a cancellation
            events.append((at + 2 * HOUR_MS, "cancel", (user, "9.99")))
            events.append((at + 2 * HOUR_MS + 1, "convert", (user, "19.99", "pro")))
            events.append((at + 20 * HOUR_MS, "cancel", (user, "19.99", "pro")))
    return sorted((event for event in events if event[0] < end), key=lambda event: event[0])


def config(work: str, timezone_name: str = "UTC", name: str = "sentinel.toml", currency: str = "EUR") -> str:
    path = f"{work}/{name}"
    Path(path).write_text(f'timezone = "{timezone_name}"\n[revenue]\ncurrency = "{currency}"\n')
    return path


def snapshot_args(url: str, state: str, now_ms: int, config_file: str, *extra: str) -> list:
    return [sentinel_gen(), "snapshot", "--redis", url, "--state", state, "--now", iso(now_ms),
            "--config", config_file, *extra]


def snapshot(url: str, state: str, now_ms: int, config_file: str, *extra: str, timeout: float = 60):
    return run_bounded(snapshot_args(url, state, now_ms, config_file, *extra), timeout=timeout)


def forget(state: str, users: list, stdin: "str | None" = None, timeout: float = 30) -> subprocess.CompletedProcess:
    """`forget --state STATE USER...` (or `-` with `stdin`); subprocess.run for the input, under a deadline."""
    args = [str(sentinel_gen()), "forget", "--state", state, *users]
    return subprocess.run(args, input=stdin, capture_output=True, text=True, timeout=timeout)


def pseudonym(key: bytes, user: str) -> int:
    return int.from_bytes(hmac.new(key, user.encode(), hashlib.sha256).digest()[:8], "big", signed=True)


@contextmanager
def ledger(state: str, file: str = "ledger.sqlite"):
    """A connection to a copy of STATE/`file` and its -wal: opening the
    ledger itself would leave -wal and -shm files that no run made."""
    folder = tempfile.mkdtemp(prefix="sentinel-ledger-copy-")
    try:
        for suffix in ("", "-wal"):
            if Path(state, file + suffix).exists():
                shutil.copyfile(Path(state, file + suffix), Path(folder, "ledger.sqlite" + suffix))
        db = sqlite3.connect(f"{folder}/ledger.sqlite")
        try:
            yield db
        finally:
            db.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def meta(state: str, key: str, file: str = "ledger.sqlite"):
    """meta's `key` in STATE/`file` (a kept ledger: ledger-<time>.sqlite)."""
    with ledger(state, file) as db:
        row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def last_now(state: str):
    """The `now` of the last run the ledger committed (None: no ledger, or not yet a readable one)."""
    try:
        return meta(state, "last_now") if Path(state, "ledger.sqlite").exists() else None
    except sqlite3.Error:
        return None


def ledger_rows(state: str, users: list) -> dict:
    """table -> set of rows, each pseudonym replaced by the user id it stands
    for (among `users`), so that two ledgers with different keys compare."""
    with ledger(state) as db:
        key = db.execute("SELECT value FROM meta WHERE key = 'key'").fetchone()[0]
        names = {pseudonym(key, user): user for user in users}
        out = {}
        for table in LEDGER_TABLES:
            columns = [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
            out[table] = {tuple(names.get(value, ("unknown pseudonym", value)) if column == "pseudonym" else value
                                for column, value in zip(columns, row))
                          for row in db.execute(f"SELECT * FROM {table}")}
        # meta too, but its random key and `verified_through` (which days had a complete snapshot when
        # a run started: after a kill between commit and snapshots, one run later than without kills).
        out["meta"] = set(db.execute("SELECT key, value FROM meta WHERE key NOT IN ('key', 'verified_through')"))
    return out


def state_files(state: str) -> dict:
    """Relative path -> (bytes, mtime_ns) of every file under `state`."""
    root = Path(state)
    return {str(path.relative_to(root)): (path.read_bytes(), path.stat().st_mtime_ns)
            for path in sorted(root.rglob("*")) if path.is_file()}


def changed_files(before: dict, state: str) -> list:
    """What differs from `before` (a state_files() of `state`): "path: new|gone|bytes|mtime"."""
    after = state_files(state)
    out = []
    for path in sorted(set(before) | set(after)):
        old, new = before.get(path), after.get(path)
        if old != new:
            out.append(f"{path}: " + ("new" if old is None else "gone" if new is None
                                      else "bytes" if old[0] != new[0] else "mtime"))
    return out


def kept_ledgers(state: str) -> list:
    return sorted(entry for entry in os.listdir(state) if entry.startswith("ledger-"))


def snapshots(state: str) -> dict:
    """name -> parsed JSON of every snapshot (hidden temporary files left out)."""
    folder = Path(state, "snapshots")
    return {path.stem: json.loads(path.read_bytes()) for path in sorted(folder.glob("*.json"))
            if not path.name.startswith(".")}


def kill_attempts(args: list, state: str, duration: float, attempts: int, rng, now: int) -> tuple:
    """Starts `args` `attempts` times, each SIGKILLed after a delay stratified over [0, duration];
    returns (runs killed mid-way, of them killed after their commit, problems seen after each)."""
    kills, committed, problems = 0, 0, []
    for attempt in range(attempts):
        before = set(snapshots(state)) if Path(state, "snapshots").is_dir() else set()
        child = Child(args)
        time.sleep(duration * (attempt + rng.random()) / attempts)
        running = child.process.poll() is None
        child.kill()
        finished = child.wait(30)
        kills += running
        committed += running and last_now(state) == now
        if not running and finished.returncode != 0:
            problems.append(f"an unkilled run exited {finished.returncode}: {finished.stderr!r}")
        try:
            lost = before - set(snapshots(state))
            problems += [f"kill {attempt}: snapshots lost: {sorted(lost)}"] if lost else []
        except ValueError as error:
            problems.append(f"kill {attempt}: a snapshot is not JSON: {error}")
    return kills, committed, problems


def row_differences(mine: dict, theirs: dict) -> list:
    """ledger_rows() of two ledgers: for each table that differs, a line with examples."""
    return [f"ledger table {table}: {len(mine[table] - theirs[table])} rows only in the first, e.g. "
            f"{sorted(mine[table] - theirs[table], key=repr)[:2]}, {len(theirs[table] - mine[table])} only in "
            f"the second, e.g. {sorted(theirs[table] - mine[table], key=repr)[:2]}"
            for table in mine if mine[table] != theirs[table]]


def comparable(snaps: dict) -> dict:
    """Snapshots without the `captured_at` of complete days (analytics.md, property 1)."""
    out = {}
    for name, snap in snaps.items():
        snap = dict(snap)
        if snap.get("status") == "complete":
            snap.pop("captured_at", None)
        out[name] = snap
    return out


def version_1_snapshot(day: date, status: str, captured_ms: int, events_from_ms: int) -> bytes:
    """A schema_version 1 snapshot as the version 1 binary wrote it (metrics.md's fields only, in its
    layout), with figures no version 2 run would compute, so that a rewrite shows."""
    document = {
        "schema_version": 1, "date": day.isoformat(), "timezone": "UTC", "status": status,
        "captured_at": iso(captured_ms),
        "coverage": {"events_from": iso(events_from_ms), "windows_complete": False},
        "users": {"total": 4321, "premium": 21, "free": 4300, "new": 17, "active": 99, "active_7d": 99,
                  "active_30d": 99},
        "revenue": {"currency": "EUR", "mrr": "209.79", "conversions": 3, "cancellations": 1, "new_mrr": "29.97",
                    "churned_mrr": "9.99"},
        "engagement": {"commands": 777, "errors": 7, "by_command": {"analyze": 700, "price": 77},
                       "latency_ms": {"p50": 40, "p95": 60}},
        "costs": {"currency": "USD", "api": {"openai": {"calls": 12, "cost": "0.0252"}}, "api_total": "0.0252",
                  "infrastructure": "0.00"},
        "acquisition": {"by_source": {"organic": 17}},
        "data_quality": {"events_read": 801, "rejected": {}},
    }
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode()
