"""Alerts, version 2 (docs/metrics.md "Anomaly alerts", "Quiet hours" and
"States and notifications", docs/analytics.md "Hourly figures",
docs/cli.md "Delivery"), with real processes: a private redis-server filled once per
class with `redis-cli --pipe`, a loopback HTTP server standing in for the
webhooks and Telegram's Bot API, and the prebuilt sentinel-gen.

Run from the repository root::

    SENTINEL_GEN=/path/to/sentinel-gen python3 -m unittest system-tests/test_alerts_v2.py -v

The anomaly baseline is checked against an independent reading of the
spec written here (`baseline()` and `expected_anomalies()`): zoneinfo for
local times, fractions.Fraction for the interpolation, its half-even
rounding and the z-score comparison, exact Poisson sums in log space.

Readings chosen where the pages leave room:

 1. Today's value x is the count of today's entries at or before `now`
    (the sum of today's hourly array, the hour that begins at `now`
    included).
 2. A baseline day's "so far" takes the instant that today's local clock
    time names on that day (the earlier of two, or the next existing one),
    e = that instant - the day's start, and sums the first floor(e / 1 h)
    hours plus (e mod 1 h) / 1 h of the next one, rounded half to even.
 3. A baseline day counts when its snapshot file exists with
    schema_version 2 and today's `coverage.events_from` is at or before
    its start; the threshold is null only with no baseline day at all.
 4. `no_activity` outside quiet hours: real elapsed hours since the last
    active-user event minus the real time spent inside quiet hours in
    between (a quiet night across the fall-back change is 9 h long).
 5. Durations in messages: `N min` under an hour, `H h` or `H h M min`
    under a day, `D d` or `D d H h` beyond (minutes dropped).
"""

from __future__ import annotations

import hashlib
import hmac
import http.server
import json
import math
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import unittest
from bisect import bisect_left
from datetime import date, datetime, timedelta, timezone
from fractions import Fraction
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))  # `support`, also when run by file name
import support  # noqa: E402

HOUR_MS = 3_600_000
DAY_MS = 86_400_000
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
TOKEN = "424242:telegram-token-for-alerts-v2"
TEMPLATES = str(support.REPO_ROOT / "site-template")
ANOMALIES = ("commands_low", "registrations_low", "conversions_low", "errors_high")
ORDER = ["error_rate_high", "conversion_rate_low", "api_cost_high", "no_activity", *ANOMALIES]
KINDS = {"commands_low": "command", "registrations_low": "registration", "conversions_low": "conversion",
         "errors_high": "error"}
LABELS = {"command": "Commands", "registration": "Registrations", "conversion": "Conversions", "error": "Errors"}
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


# ---------------------------------------------------------------- time

def to_ms(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(milliseconds=1)


def iso(ms: int) -> str:
    text = datetime.fromtimestamp(ms // 1000, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    return text + (f".{ms % 1000:03d}Z" if ms % 1000 else "Z")


def local_naive(ms: int, tz: ZoneInfo) -> datetime:
    return (EPOCH + timedelta(milliseconds=ms)).astimezone(tz).replace(tzinfo=None)


def resolve(day: date, clock: "tuple[int, int, int, int]", tz: ZoneInfo) -> int:
    """The instant (ms) that local time `clock` (h, m, s, ms) names on `day`:
    the earlier of two, or, in a gap, the next existing one."""
    h, m, s, milli = clock
    naive = datetime(day.year, day.month, day.day, h, m, s, milli * 1000)
    found = []
    for fold in (0, 1):
        moment = naive.replace(tzinfo=tz, fold=fold).astimezone(timezone.utc)
        if moment.astimezone(tz).replace(tzinfo=None) == naive:
            found.append(to_ms(moment))
    if found:
        return min(found)
    # A gap: the first instant whose local time is later than `naive`.
    low = to_ms(naive.replace(tzinfo=timezone.utc)) - 26 * HOUR_MS
    high = low + 52 * HOUR_MS
    while low < high:
        middle = (low + high) // 2
        if local_naive(middle, tz) > naive:
            high = middle
        else:
            low = middle + 1
    return low


def day_start(day: date, tz: ZoneInfo) -> int:
    return resolve(day, (0, 0, 0, 0), tz)


def local_day(ms: int, tz: ZoneInfo) -> date:
    return local_naive(ms, tz).date()


def clock_of(ms: int, tz: ZoneInfo) -> "tuple[int, int, int, int]":
    moment = local_naive(ms, tz)
    return moment.hour, moment.minute, moment.second, moment.microsecond // 1000


def at_local(tz: ZoneInfo, y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0, milli: int = 0,
             fold: int = 0) -> int:
    naive = datetime(y, mo, d, h, mi, s, milli * 1000)
    moment = naive.replace(tzinfo=tz, fold=fold).astimezone(timezone.utc)
    assert moment.astimezone(tz).replace(tzinfo=None) == naive, f"{naive} does not exist in {tz}"
    return to_ms(moment)


def duration(ms: int) -> str:
    minutes = ms // 60_000
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h" if rest == 0 else f"{hours} h {rest} min"
    days, hours = divmod(hours, 24)
    return f"{days} d" if hours == 0 else f"{days} d {hours} h"


def number(value: Fraction) -> str:
    """A baseline median as a message shows it: 240, or 240.5."""
    return str(int(value)) if value.denominator == 1 else f"{float(value):g}"


# ---------------------------------------------------------------- the reference

_INDEX: dict = {}


def _times(events: list, kind: str) -> list:
    """The sorted instants of `kind` in `events` (cached per list)."""
    key = (id(events), kind)
    if key not in _INDEX:
        _INDEX[key] = (events, sorted(ms for ms, what in events if what == kind))
    return _INDEX[key][1]


def hourly(events: list, kind: str, day: date, now_ms: int, tz: ZoneInfo) -> list:
    """analytics.md's hourly array of `kind` on `day` (the day in progress:
    the hours begun at now, each with its entries up to now)."""
    start, end = day_start(day, tz), day_start(day + timedelta(days=1), tz)
    hours = (end - start) // HOUR_MS if end <= now_ms else (now_ms - start) // HOUR_MS + 1
    times = _times(events, kind)
    counts = []
    for k in range(hours):
        low, high = start + k * HOUR_MS, min(start + (k + 1) * HOUR_MS, end, now_ms + 1)
        counts.append(bisect_left(times, high) - bisect_left(times, low))
    return counts


def so_far(counts: list, elapsed_ms: int) -> int:
    whole, part = divmod(elapsed_ms, HOUR_MS)
    value = Fraction(sum(counts[:whole]))
    if part and whole < len(counts):
        value += Fraction(part, HOUR_MS) * counts[whole]
    return round(value)  # Fraction rounds half to even


def median(values: list) -> Fraction:
    ordered = sorted(Fraction(v) for v in values)
    n = len(ordered)
    return ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2


def z_beyond(x: int, m: Fraction, mad: Fraction, side: int) -> bool:
    """Exactly: z < -3.5 (side -1) or z > 3.5 (side +1), with
    s = max(1.4826 MAD, sqrt(m), 1)."""
    gap = (Fraction(x) - m) * side
    scale_squared = max((Fraction(14826, 10000) * mad) ** 2, m, Fraction(1))
    return gap > 0 and gap * gap > Fraction(49, 4) * scale_squared


def z_score(x: int, m: Fraction, mad: Fraction) -> float:
    return float(x - m) / max(1.4826 * float(mad), math.sqrt(m), 1.0)


def poisson_cdf(x: int, mean: Fraction) -> float:
    if mean == 0:
        return 1.0
    lam = float(mean)
    logs = [k * math.log(lam) - lam - math.lgamma(k + 1) for k in range(x + 1)]
    top = max(logs)
    return math.exp(top) * sum(math.exp(v - top) for v in logs)


def baseline(days_values: list) -> "tuple[Fraction, Fraction] | None":
    if not days_values:
        return None
    m = median(days_values)
    return m, median([abs(Fraction(v) - m) for v in days_values])


def expected_anomalies(x: dict, base: dict, commands_today: int, anomalies: bool = True) -> dict:
    """name -> {"state", "value", "threshold", "z"/"p"}: `x` today's counts by
    kind, `base` kind -> the baseline days' so-far values."""
    out = {}
    for name in ANOMALIES:
        kind = KINDS[name]
        values = base[kind]
        stats = baseline(values)
        m, mad = stats if stats else (None, None)
        row = {"value": x[kind], "threshold": m, "days": len(values), "values": values}
        enough = len(values) >= 3 and anomalies
        if name == "commands_low":
            enough = enough and m >= 20
        elif name == "registrations_low":
            enough = enough and m >= 5
        elif name == "errors_high":
            enough = enough and commands_today >= 20
        if not enough:
            row["state"] = "not_evaluated"
        elif name == "conversions_low":
            row["p"] = poisson_cdf(x[kind], m)
            row["state"] = "firing" if row["p"] < 0.01 else "ok"
        else:
            side = 1 if name == "errors_high" else -1
            row["z"] = z_score(x[kind], m, mad)
            row["state"] = "firing" if z_beyond(x[kind], m, mad, side) else "ok"
        out[name] = row
    return out


def reference_from_events(events: list, first_ms: int, now_ms: int, tz: ZoneInfo,
                          without: frozenset = frozenset()) -> dict:
    """The four anomaly alerts at `now`, from the dataset alone (`without`:
    days whose snapshot is not version 2)."""
    today = local_day(now_ms, tz)
    clock = clock_of(now_ms, tz)
    first_day = local_day(first_ms, tz)
    x = {kind: sum(hourly(events, kind, today, now_ms, tz)) for kind in LABELS}
    base = {kind: [] for kind in LABELS}
    for k in range(1, 9):
        day = today - timedelta(days=7 * k)
        if day < first_day or first_ms > day_start(day, tz) or day in without:  # no v2 snapshot, or not covered
            continue
        elapsed = resolve(day, clock, tz) - day_start(day, tz)
        for kind in LABELS:
            base[kind].append(so_far(hourly(events, kind, day, now_ms, tz), elapsed))
    return expected_anomalies(x, base, x["command"])


def reference_from_snapshots(state: str, now_ms: int, tz: ZoneInfo) -> "tuple[dict, list]":
    """The same from the snapshot files the run wrote; also the baseline days used."""
    today = local_day(now_ms, tz)
    clock = clock_of(now_ms, tz)
    snapshot = json.loads(Path(state, "snapshots", f"{today}.json").read_text())
    first = snapshot["coverage"]["events_from"]
    first_ms = None if first is None else to_ms(datetime.fromisoformat(first.replace("Z", "+00:00")))
    names = {"command": "commands", "error": "errors", "registration": "registrations", "conversion": "conversions"}
    x = {kind: sum(snapshot["hourly"][field]) for kind, field in names.items()}
    base = {kind: [] for kind in LABELS}
    used = []
    for k in range(1, 9):
        day = today - timedelta(days=7 * k)
        path = Path(state, "snapshots", f"{day}.json")
        if not path.is_file() or first_ms is None or first_ms > day_start(day, tz):
            continue
        old = json.loads(path.read_text())
        if old.get("schema_version") != 2:
            continue
        used.append(day)
        elapsed = resolve(day, clock, tz) - day_start(day, tz)
        for kind, field in names.items():
            base[kind].append(so_far(old["hourly"][field], elapsed))
    return expected_anomalies(x, base, x["command"]), used


# ---------------------------------------------------------------- Redis and processes

def resp(commands: list) -> bytes:
    payload = bytearray()
    for command in commands:
        payload += f"*{len(command)}\r\n".encode()
        for argument in command:
            data = str(argument).encode()
            payload += f"${len(data)}\r\n".encode() + data + b"\r\n"
    return bytes(payload)


def fill(redis, prefix: str, entries: list, users: dict, subscriptions: dict) -> None:
    """`entries`: (ms, [field, value, ...]) in any order; IDs ms-seq are given here."""
    commands, last, seq = [], None, 0
    for ms, fields in sorted(entries, key=lambda entry: entry[0]):
        seq = seq + 1 if ms == last else 0
        last = ms
        commands.append(["XADD", f"{prefix}events", f"{ms}-{seq}", *fields])
    for user, ms in users.items():
        commands.append(["HSET", f"{prefix}users", user, str(ms)])
    for user, value in subscriptions.items():
        commands.append(["HSET", f"{prefix}subscriptions", user, value])
    result = subprocess.run(["redis-cli", "-p", str(redis.port), "--pipe"], input=resp(commands),
                            capture_output=True, timeout=120)
    assert result.returncode == 0 and b"errors: 0" in result.stdout, result.stdout[-500:]


def connections(redis) -> int:
    """Redis's total_connections_received (this probe included)."""
    with socket.create_connection(("127.0.0.1", redis.port), timeout=5) as connection:
        connection.sendall(b"INFO stats\r\n")
        data = b""
        while b"total_connections_received" not in data or not data.endswith(b"\r\n"):
            chunk = connection.recv(65536)
            if not chunk:
                break
            data += chunk
    return int(re.search(rb"total_connections_received:(\d+)", data).group(1))


def environment(**extra) -> dict:
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("SENTINEL_") or name == "SENTINEL_GEN"}
    env.update(extra)
    return env


def sentinel(args: list, env: dict, cwd: "str | None" = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(support.sentinel_gen()), *args], capture_output=True, text=True, timeout=120,
                          env=env, cwd=cwd)


def run_job(work: str, config: str, redis_url: str, now_ms: int, env: "dict | None" = None,
            state: str = "state", output: str = "site") -> subprocess.CompletedProcess:
    return sentinel(["run", "--quiet", "--config", config, "--redis", redis_url, "--state", f"{work}/{state}",
                     "--output", f"{work}/{output}", "--now", iso(now_ms), "--templates", TEMPLATES,
                     "--delivery-timeout", "5"],
                    env if env is not None else environment(SENTINEL_TELEGRAM_TOKEN=TOKEN), cwd=work)


def published(work: str, output: str = "site") -> dict:
    return json.loads(Path(work, output, "api/alerts.json").read_text())


def alert(document: dict, name: str) -> dict:
    return next(row for row in document["alerts"] if row["name"] == name)


class Endpoint(http.server.BaseHTTPRequestHandler):
    """Webhooks and Telegram: every POST is kept (path, headers, raw body);
    a path in `failing` answers 500, any other 200."""

    received: list = []
    failing: set = set()
    lock = threading.Lock()

    def do_POST(self):  # noqa: N802 - http.server's name
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        with Endpoint.lock:
            Endpoint.received.append({"path": self.path, "headers": dict(self.headers.items()), "body": body})
        self.send_response(500 if self.path in Endpoint.failing else 200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"ok":true,"result":{}}')

    def log_message(self, format, *args):  # noqa: A002
        pass

    @classmethod
    def take(cls) -> list:
        with cls.lock:
            taken = list(cls.received)
            cls.received.clear()
        return taken


class WithServers(unittest.TestCase):
    """A redis-server and the loopback HTTP endpoint for the class."""

    @classmethod
    def setUpClass(cls):
        cls.redis = support.RedisServer()
        cls.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Endpoint)
        cls.server.daemon_threads = True
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.base = f"http://127.0.0.1:{cls.server.server_address[1]}"
        cls.fill()

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()
        cls.redis.stop()

    @classmethod
    def fill(cls):
        pass

    def setUp(self):
        Endpoint.take()
        self.work = tempfile.mkdtemp(prefix="sentinel-alerts-v2-")
        self.addCleanup(shutil.rmtree, self.work, True)

    def write_config(self, text: str, name: str = "sentinel.toml") -> str:
        path = f"{self.work}/{name}"
        Path(path).write_text(text)
        return path


def poisson(rng: random.Random, lam: float) -> int:
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p < limit:
            return k
        k += 1


# ---------------------------------------------------------------- 1. the baseline against the reference

PARIS = ZoneInfo("Europe/Paris")
SHAPE = [3, 2, 1, 1, 1, 2, 5, 9, 13, 15, 16, 16, 15, 14, 14, 14, 14, 15, 16, 15, 13, 10, 7, 5]


def paris(*args, **kwargs) -> int:
    return at_local(PARIS, *args, **kwargs)


def seeded_dataset(seed: int, first: int, last_day: date, tweak, extra: list) -> "tuple[list, list, dict, dict]":
    """About 400 commands, 10 errors, 40 registrations and 12 conversions a
    day with SHAPE, seeded, from the instant `first` (its own command) to the
    end of `last_day` in Paris. tweak(day, k, hour, rates) changes the rates
    of hour k of the day (local clock hour `hour`); `extra`: (ms, kind) added.
    Returns the (ms, kind) events, the stream entries and both hashes."""
    rng = random.Random(seed)
    events = [(first, "command")]
    total = sum(SHAPE)
    day = local_day(first, PARIS)
    while day <= last_day:
        start, end = day_start(day, PARIS), day_start(day + timedelta(days=1), PARIS)
        for k, slot in enumerate(range(start, end, HOUR_MS)):
            hour = local_naive(slot, PARIS).hour
            rates = {"command": 400 * SHAPE[hour] / total, "error": 10 * SHAPE[hour] / total,
                     "registration": 40 * SHAPE[hour] / total, "conversion": 12 * SHAPE[hour] / total}
            tweak(day, k, hour, rates)
            for kind, rate in rates.items():
                for _ in range(poisson(rng, rate)):
                    moment = slot + rng.randrange(HOUR_MS)
                    if moment > first:
                        events.append((moment, kind))
        day += timedelta(days=1)
    events = sorted(events + extra)
    entries, users, subscriptions = [], {}, {}
    for n in range(150):
        users[f"pre-{n}"] = first - DAY_MS * (n + 1)
    pool = list(users)
    for n, (ms, kind) in enumerate(events):
        if kind == "registration":
            user = f"user-{n}"
            users[user] = ms
            pool.append(user)
            entries.append((ms, ["type", "registration", "user", user, "source", "organic"]))
        elif kind == "command":
            entries.append((ms, ["type", "command", "user", rng.choice(pool), "name", "analyze", "latency_ms", "420"]))
        elif kind == "error":
            entries.append((ms, ["type", "error", "name", "analyze", "kind", "Timeout"]))
        else:
            user = rng.choice(pool)
            subscriptions[user] = '{"plan":"premium","amount":"9.99","currency":"EUR","interval":"month"}'
            entries.append((ms, ["type", "conversion", "user", user, "amount", "9.99", "currency", "EUR"]))
    return events, entries, users, subscriptions


# Thursdays swing from week to week, so that on them the MAD, not sqrt(m), sets the scale.
THURSDAYS = {date(2026, 9, 17): 1.3, date(2026, 9, 24): 0.7, date(2026, 10, 1): 1.4, date(2026, 10, 8): 0.6,
             date(2026, 10, 15): 1.5, date(2026, 10, 22): 0.7, date(2026, 10, 29): 1.3, date(2026, 11, 5): 0.6,
             date(2026, 11, 12): 1.4, date(2026, 11, 19): 0.55}


# Wednesdays before 10:00 are written by hand: 100 commands and 4 errors by
# 09:00, no error from 04:00 to 10:00 (so m = 4, MAD = 0, s = 2 for the
# errors, m = 100, s = 10 for the commands at 09:00); 2026-11-18 has 65
# commands and 11 errors by 09:00 (z = -3.5 and +3.5 exactly: both ok), and a
# 12th error at 09:10 (z = +4 at 09:30: firing).
WEDNESDAY_COMMANDS = [4, 4, 4, 4, 4, 10, 15, 25, 30]
BOUNDARY_DAY = date(2026, 11, 18)
BOUNDARY_COMMANDS = [3, 3, 3, 3, 3, 6, 10, 16, 18]
BOUNDARY_ERRORS = [2, 2, 2, 2, 1, 1, 1, 0, 0]


def wednesdays(first_day: date, last_day: date) -> list:
    extra = []
    day = first_day
    while day <= last_day:
        if day.weekday() == 2:
            start = day_start(day, PARIS)
            counts = BOUNDARY_COMMANDS if day == BOUNDARY_DAY else WEDNESDAY_COMMANDS
            errors = BOUNDARY_ERRORS if day == BOUNDARY_DAY else [1, 1, 1, 1, 0, 0, 0, 0, 0]
            for k in range(9):
                extra += [(start + k * HOUR_MS + n * HOUR_MS // counts[k] + 1000, "command") for n in range(counts[k])]
                extra += [(start + k * HOUR_MS + n * HOUR_MS // errors[k] + 2000, "error") for n in range(errors[k])]
            if day == BOUNDARY_DAY:
                extra.append((start + 9 * HOUR_MS + 10 * 60_000, "error"))
        day += timedelta(days=1)
    return extra


SILENT_DAY = date(2026, 10, 30)  # a Friday


def fall_tweak(day: date, k: int, hour: int, rates: dict) -> None:
    if day == date(2026, 10, 25) and k <= 2:     # 00:00-03:00 CEST: nothing
        for kind in rates:
            rates[kind] = 0
    if day == SILENT_DAY:                        # the bot is down all day: a snapshot of zeros
        for kind in rates:
            rates[kind] = 0
    if day.weekday() == 2 and hour < 9:
        rates["command"] = rates["error"] = 0
    if day.weekday() == 2 and hour == 9:
        rates["error"] = 0
    if day == date(2026, 10, 25) and k == 3:     # 02:00-03:00 CET: a burst
        rates.update(command=80, error=15, registration=25, conversion=12)
    if day == date(2026, 10, 27) and 6 <= hour < 12:
        rates["error"] *= 6
    if day == date(2026, 11, 3) and 5 <= hour < 12:
        rates["command"] *= 0.2
    if day == date(2026, 11, 17) and hour < 21:
        rates["registration"] = 0
    if day == date(2026, 11, 19):
        rates["conversion"] = 0
    rates["command"] *= THURSDAYS.get(day, 1)


def reference_dataset() -> "tuple[list, list, dict, dict, int]":
    """About 10 weeks in Europe/Paris, 2026-09-14 09:13:27.123 (the first
    entry, so that 09-14 has a snapshot but is not covered) to the end of
    2026-11-24, across the 25-hour 2026-10-25 (empty until its second 02:00
    hour, which is a burst). A few bad days: errors x6 on 2026-10-27
    06:00-12:00, commands x0.2 on 2026-11-03 05:00-12:00, no registration on
    2026-11-17 before 21:00, no conversion on 2026-11-19, no entry at all on
    2026-10-30; Thursdays swing."""
    first = paris(2026, 9, 14, 9, 13, 27, 123)
    # Entries on the edges: at an hour's first millisecond, at a run's `now` exactly.
    extra = [(paris(2026, 11, 3, 9), "command"), (paris(2026, 11, 3, 10), "command"),
             (paris(2026, 10, 25, 2, 30, fold=1), "command"), (paris(2026, 10, 25, 3), "error"),
             (paris(2026, 11, 9), "command"), (paris(2026, 11, 9), "error"),
             (paris(2026, 11, 8, 23, 59, 59, 999), "command")]
    extra += wednesdays(date(2026, 9, 16), date(2026, 11, 24))
    return (*seeded_dataset(20261025, first, date(2026, 11, 24), fall_tweak, extra), first)


def spring_tweak(day: date, k: int, hour: int, rates: dict) -> None:
    if day == date(2026, 3, 29) and k == 2:     # 03:00-04:00 CEST, the hour after the gap: a burst
        rates.update(command=90, error=15, registration=25, conversion=12)


def spring_dataset() -> "tuple[list, list, dict, dict, int]":
    """2026-02-23 06:00 to 2026-04-19 in Europe/Paris, across the 23-hour
    2026-03-29 (02:00-03:00 does not exist; the hour after it is a burst)."""
    first = paris(2026, 2, 23, 6, 0, 0, 1)
    return (*seeded_dataset(20260329, first, date(2026, 4, 19), spring_tweak, []), first)


# The runs, in order (one state directory): local times, with the fold for the repeated hour.
SPRING_RUNS = [
    (2026, 3, 23, 10, 0), (2026, 3, 29, 1, 30), (2026, 3, 29, 3, 30), (2026, 3, 29, 23, 30),
    (2026, 4, 5, 1, 59, 59, 999), (2026, 4, 5, 2, 0), (2026, 4, 5, 2, 30), (2026, 4, 5, 3, 0),
    (2026, 4, 5, 3, 30), (2026, 4, 5, 10, 0), (2026, 4, 12, 2, 45), (2026, 4, 12, 22, 30),
    (2026, 4, 19, 2, 15),
]
REFERENCE_RUNS = [
    (2026, 9, 14, 12, 0), (2026, 9, 21, 10, 0), (2026, 9, 28, 8, 20), (2026, 10, 5, 0, 30),
    (2026, 10, 12, 10, 0), (2026, 10, 18, 2, 30), (2026, 10, 20, 10, 30),
    (2026, 10, 25, 0, 30), (2026, 10, 25, 2, 30, 0, 0, 0), (2026, 10, 25, 2, 30, 0, 0, 1),
    (2026, 10, 25, 2, 59, 59, 999, 1), (2026, 10, 25, 10, 0), (2026, 10, 25, 23, 30),
    (2026, 10, 27, 8, 20), (2026, 10, 27, 10, 45), (2026, 10, 27, 11, 30),
    (2026, 11, 1, 0, 30), (2026, 11, 1, 2, 30),
    (2026, 11, 1, 3, 30), (2026, 11, 1, 10, 0), (2026, 11, 3, 8, 20), (2026, 11, 3, 10, 0), (2026, 11, 6, 12, 0),
    (2026, 11, 8, 2, 15, 0, 500), (2026, 11, 8, 8, 20), (2026, 11, 9, 0, 0),
    (2026, 11, 10, 10, 7, 33, 517), (2026, 11, 13, 16, 0), (2026, 11, 15, 3, 0),
    (2026, 11, 17, 20, 30), (2026, 11, 18, 9, 0), (2026, 11, 18, 9, 30), (2026, 11, 19, 18, 45),
    (2026, 11, 22, 23, 59, 59, 999), (2026, 11, 24, 10, 0),
]
# After this run, 2026-11-10's complete snapshot is made a version 1 one (as
# an upgraded state keeps them): the later runs' baselines leave it out.
DOWNGRADE_AFTER, DOWNGRADED = (2026, 11, 15, 3, 0), date(2026, 11, 10)
V1_FIELDS = {"": ["schema_version", "date", "timezone", "status", "captured_at", "coverage", "users", "revenue",
                  "engagement", "costs", "acquisition", "data_quality"],
             "revenue": ["currency", "mrr", "conversions", "cancellations", "new_mrr", "churned_mrr"],
             "engagement": ["commands", "errors", "by_command", "latency_ms"],
             "data_quality": ["events_read", "rejected"]}


def downgrade(path: Path) -> None:
    """Rewrites a version 2 snapshot as version 1: its version 1 fields only."""
    snapshot = json.loads(path.read_text())
    old = {key: snapshot[key] for key in V1_FIELDS[""]}
    for section in ("revenue", "engagement", "data_quality"):
        old[section] = {key: snapshot[section][key] for key in V1_FIELDS[section]}
    old["schema_version"] = 1
    path.write_text(json.dumps(old, indent=2, ensure_ascii=False) + "\n")


def run_instant(spec: tuple) -> int:
    y, mo, d, h, mi, *rest = spec
    s, milli, fold = (rest + [0, 0, 0])[:3]
    return paris(y, mo, d, h, mi, s, milli, fold=fold)


class AnomalyBaselineTests(WithServers):
    """The fall dataset under `sentinel:`, the spring one under `spring:`."""

    @classmethod
    def fill(cls):
        cls.events, entries, users, subscriptions, cls.first = reference_dataset()
        fill(cls.redis, "sentinel:", entries, users, subscriptions)
        cls.spring, entries, users, subscriptions, cls.spring_first = spring_dataset()
        fill(cls.redis, "spring:", entries, users, subscriptions)

    def config(self, extra: str = "", prefix: str = "sentinel:") -> str:
        return self.write_config(f'timezone = "Europe/Paris"\n[redis]\nkey_prefix = "{prefix}"\n'
                                 f'[revenue]\ncurrency = "EUR"\n[alerts]\n{extra}[site]\ntitle = "Reference"\n'
                                 f'[telegram]\nchat_id = "-100500"\napi_url = "{self.base}/tg"\n',
                                 f"{prefix.strip(':')}.toml")

    def walk(self, config: str, runs: list, events: list, first: int, folder: str, downgrade_after=None) -> dict:
        """Runs at each instant of `runs` on one state directory and compares
        the four anomaly alerts with the reference; returns the states seen."""
        seen = {name: set() for name in ANOMALIES}
        without = frozenset()
        state = f"{self.work}/state-{folder}"
        history = []  # (now, expected rows, the anomaly alerts' Telegram texts)
        for spec in runs:
            now = run_instant(spec)
            label = f"{local_naive(now, PARIS)} (fold {spec[7] if len(spec) > 7 else 0}, {iso(now)})"
            Endpoint.take()
            result = run_job(self.work, config, self.redis.url, now, state=f"state-{folder}", output=f"site-{folder}")
            texts = [json.loads(r["body"])["text"] for r in Endpoint.take() if r["path"].endswith("/sendMessage")]
            self.assertEqual(result.returncode, 0, f"{label}: {result.stderr[-1500:]}")
            document = published(self.work, f"site-{folder}")
            self.assertEqual(document["as_of"], iso(now))
            self.assertEqual([row["name"] for row in document["alerts"]], ORDER)
            expected = reference_from_events(events, first, now, PARIS, without)
            from_files, used = reference_from_snapshots(state, now, PARIS)
            today = local_day(now, PARIS)
            # The snapshots agree with the dataset (else a difference below is the hourly figures').
            for day in [today, *used]:
                snapshot = json.loads(Path(state, "snapshots", f"{day}.json").read_text())
                for kind, field in (("command", "commands"), ("error", "errors"),
                                    ("registration", "registrations"), ("conversion", "conversions")):
                    with self.subTest(run=label, day=str(day), hourly=field):
                        self.assertEqual(snapshot["hourly"][field], hourly(events, kind, day, now, PARIS))
            with self.subTest(run=label, check="baseline days"):
                self.assertEqual(len(used), expected["commands_low"]["days"])
            for name in ANOMALIES:
                row, want = alert(document, name), expected[name]
                seen[name].add(want["state"])
                with self.subTest(run=label, alert=name, reference=want):
                    self.assertEqual(from_files[name]["state"], want["state"], "the snapshots' reference differs")
                    self.assertEqual(row["state"], want["state"])
                    self.assertIs(type(row["value"]), int)
                    self.assertEqual(row["value"], want["value"])
                    if want["threshold"] is None:
                        self.assertIsNone(row["threshold"])
                    else:
                        self.assertIn(type(row["threshold"]), (int, float))
                        self.assertEqual(Fraction(row["threshold"]), want["threshold"])
                    if want["state"] == "firing":
                        self.assertIsNotNone(row["since"])
                    else:
                        self.assertIsNone(row["since"])
            mine = re.compile(r"^(🔴|✅) Reference: (%s) " % "|".join(ANOMALIES))
            history.append((now, expected, [text for text in texts if mine.match(text)]))
            if spec == downgrade_after:
                downgrade(Path(state, "snapshots", f"{DOWNGRADED}.json"))
                without = frozenset({DOWNGRADED})
        self.check_messages(history)
        return seen

    def check_messages(self, history: list) -> None:
        """The Telegram texts of the anomaly alerts, run by run, against the
        notifications metrics.md's rules give for the reference's states
        (cooldown 6 h, no base_url: no link line)."""
        since, last = {}, {}
        for now, expected, texts in history:
            wanted = []
            for name in ANOMALIES:
                row = expected[name]
                when = local_naive(now, PARIS)
                figure = (f"{LABELS[KINDS[name]]} so far {row['value']}, usually "
                          f"{'n/a' if row['threshold'] is None else number(row['threshold'])} by {when:%H:%M} "
                          f"on a {WEEKDAYS[when.weekday()]}")
                if row["state"] == "firing" and name not in since:
                    since[name] = last[name] = now
                    wanted.append(f"🔴 Reference: {name} is firing\n{figure}\n"
                                  f"Since {local_naive(now, PARIS):%Y-%m-%d %H:%M} (Europe/Paris)")
                elif row["state"] == "firing" and now - last[name] >= 6 * HOUR_MS:
                    last[name] = now
                    wanted.append(f"🔴 Reference: {name} still firing for {duration(now - since[name])}\n{figure}\n"
                                  f"Since {local_naive(since[name], PARIS):%Y-%m-%d %H:%M} (Europe/Paris)")
                elif row["state"] != "firing" and name in since:
                    started = since.pop(name)
                    wanted.append(f"✅ Reference: {name} resolved ({row['state'].replace('_', ' ')}) after firing for "
                                  f"{duration(now - started)}\n{figure}\nIt fired from "
                                  f"{local_naive(started, PARIS):%Y-%m-%d %H:%M} to {when:%Y-%m-%d %H:%M} "
                                  "(Europe/Paris)")
            with self.subTest(run=iso(now), check="messages"):
                self.assertEqual(sorted(texts), sorted(wanted))

    def test_the_four_anomaly_alerts_follow_the_reference_at_many_instants(self):
        seen = self.walk(self.config(), REFERENCE_RUNS, self.events, self.first, "fall", DOWNGRADE_AFTER)
        # The dataset reaches every state of every alert (else the test proves less than it claims).
        for name in ANOMALIES:
            self.assertEqual(seen[name], {"firing", "ok", "not_evaluated"}, name)

    def test_a_baseline_day_with_a_skipped_hour_is_read_at_the_next_existing_time(self):
        self.walk(self.config(prefix="spring:"), SPRING_RUNS, self.spring, self.spring_first, "spring")

    def test_anomalies_false_makes_all_four_not_evaluated(self):
        config = self.config("anomalies = false\n")
        now = paris(2026, 11, 3, 10, 0)
        self.assertEqual(reference_from_events(self.events, self.first, now, PARIS)["commands_low"]["state"], "firing")
        result = run_job(self.work, config, self.redis.url, now)
        self.assertEqual(result.returncode, 0, result.stderr[-1500:])
        document = published(self.work)
        self.assertEqual(alert(document, "error_rate_high")["state"], "ok")  # the other alerts are evaluated
        self.assertEqual([alert(document, name)["state"] for name in ANOMALIES], ["not_evaluated"] * 4)
        book = Path(self.work, "state/alerts.json").read_text()
        self.assertNotIn('"firing"', book)


# ---------------------------------------------------------------- 2. the scenario of the issue

NEW_YORK = ZoneInfo("America/New_York")
STEADY = [4, 2, 1, 1, 2, 6, 14, 24, 30, 30, 26, 22, 20, 20, 20, 20, 22, 24, 26, 24, 20, 16, 12, 8]  # 400 a day
LOSS_DAY = date(2026, 11, 24)  # a Tuesday; the baseline reaches back across the end of DST (2026-11-01)


def ny(*args, **kwargs) -> int:
    return at_local(NEW_YORK, *args, **kwargs)


def steady_dataset() -> "tuple[list, list, dict, dict]":
    """A steady bot from 2026-09-15 to 2026-11-24: each hour's commands are
    the shape's count +-1, spread evenly; on LOSS_DAY every other command
    from 06:00 to 10:00 is missing, and 13:00-15:00 has 60 extra an hour."""
    rng = random.Random(400)
    events, entries = [], []
    day = date(2026, 9, 15)
    while day <= LOSS_DAY:
        start, end = day_start(day, NEW_YORK), day_start(day + timedelta(days=1), NEW_YORK)
        for slot in range(start, end, HOUR_MS):
            hour = local_naive(slot, NEW_YORK).hour
            count = STEADY[hour] + rng.choice((-1, 0, 1))
            if day == LOSS_DAY and 13 <= hour < 15:
                count += 60
            for n in range(count):
                if day == LOSS_DAY and 6 <= hour < 10 and n % 2:
                    continue
                events.append((slot + (n * HOUR_MS) // count + 17_000, "command"))
        day += timedelta(days=1)
    users = {f"steady-{n}": ny(2026, 9, 1) + n * 60_000 for n in range(60)}
    subscriptions = {f"steady-{n}": '{"plan":"premium","amount":"9.99","currency":"USD"}' for n in range(15)}
    for n, (ms, _) in enumerate(events):
        entries.append((ms, ["type", "command", "user", f"steady-{n % 60}", "name", "analyze"]))
    return events, entries, users, subscriptions


class CommandsLowScenarioTests(WithServers):
    @classmethod
    def fill(cls):
        cls.events, entries, users, subscriptions = steady_dataset()
        cls.first = cls.events[0][0]
        fill(cls.redis, "sentinel:", entries, users, subscriptions)

    def test_a_morning_that_loses_half_its_commands_fires_repeats_and_resolves(self):
        config = self.write_config(
            'timezone = "America/New_York"\n[revenue]\ncurrency = "USD"\n'
            f'[alerts]\ncooldown_hours = 2\nwebhooks = [{{ url = "{self.base}/slack/hook", format = "slack" }}]\n'
            '[site]\ntitle = "Steady bot"\nbase_url = "https://kpi.example.com/s/"\n'
            f'[telegram]\nchat_id = "-100300"\napi_url = "{self.base}/tg"\n')
        runs = [ny(2026, 11, 24, 5, 45) + n * 15 * 60_000 for n in range(14)]    # 05:45 .. 09:00
        runs += [ny(2026, 11, 24, 9, 30) + n * 30 * 60_000 for n in range(10)]   # 09:30 .. 14:00
        states, sent = [], []
        for now in runs:
            Endpoint.take()
            result = run_job(self.work, config, self.redis.url, now)
            self.assertEqual(result.returncode, 0, result.stderr[-1500:])
            want = reference_from_events(self.events, self.first, now, NEW_YORK)["commands_low"]
            row = alert(published(self.work), "commands_low")
            clock = local_naive(now, NEW_YORK).strftime("%H:%M")
            with self.subTest(run=clock, reference=want):
                self.assertEqual(want["days"], 8)
                self.assertEqual(row["state"], want["state"])
                self.assertEqual(row["value"], want["value"])
                self.assertEqual(Fraction(row["threshold"]), want["threshold"])
            states.append((now, want))
            if want["state"] == "firing":
                fired = next(moment for moment, w in states if w["state"] == "firing")
                self.assertEqual(row["since"], iso(fired))
            requests = Endpoint.take()
            texts = [json.loads(r["body"])["text"] for r in requests if r["path"].endswith("/sendMessage")]
            texts = [t for t in texts if t.startswith(("🔴", "✅"))]  # the alerts (not the weekly summary)
            slack = [json.loads(r["body"])["text"] for r in requests if r["path"] == "/slack/hook"]
            for r in requests:
                if r["path"].endswith("/sendMessage"):
                    self.assertEqual(r["path"], f"/tg/bot{TOKEN}/sendMessage")
            mine = [t for t in texts if "commands_low" in t]
            self.assertEqual(len(texts), len(slack), f"{clock}: {texts} / {slack}")
            sent.append((now, mine, [t for t in slack if "commands_low" in t], texts))
        # The reference's story: ok, then firing (no earlier than the loss shows), then ok again.
        # (Before 06:15 the baseline median is under 20: not evaluated.)
        sequence = [want["state"] for _, want in states]
        self.assertEqual(sequence[0], "not_evaluated")
        self.assertIn("firing", sequence)
        first = sequence.index("firing")
        resolved = sequence.index("ok", first)
        self.assertEqual(set(sequence[:first]), {"not_evaluated", "ok"})
        self.assertEqual(sequence[first - 4:first], ["ok"] * 4)
        self.assertEqual(set(sequence[first:resolved]), {"firing"})
        self.assertTrue(local_naive(runs[first], NEW_YORK).hour >= 6)
        # What was notified, and when: firing, repeats each 2 h, resolved once.
        fired_at = runs[first]
        expected, last = {}, None
        for index, (now, want) in enumerate(states):
            if index == first:
                expected[now], last = "firing", now
            elif first < index < resolved and now - last >= 2 * HOUR_MS:
                expected[now], last = "still", now
            elif index == resolved:
                expected[now] = "resolved"
        for (now, texts, slack, everything), (_, want) in zip(sent, states):
            clock = local_naive(now, NEW_YORK).strftime("%H:%M")
            figure = f"Commands so far {want['value']}, usually {number(want['threshold'])} by {clock} on a Tuesday"
            since = local_naive(fired_at, NEW_YORK).strftime("%Y-%m-%d %H:%M")
            kind = expected.get(now)
            with self.subTest(run=clock, expected=kind, sent=everything):
                self.assertEqual(len(texts), 0 if kind is None else 1)
                self.assertEqual(slack, [t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                                         for t in texts])
                link = "https://kpi.example.com/s/index.html"
                if kind == "firing":
                    self.assertEqual(texts[0], f"🔴 Steady bot: commands_low is firing\n{figure}\n"
                                               f"Since {since} (America/New_York)\n{link}")
                elif kind == "still":
                    self.assertEqual(texts[0], "🔴 Steady bot: commands_low still firing for "
                                               f"{duration(now - fired_at)}\n{figure}\n"
                                               f"Since {since} (America/New_York)\n{link}")
                elif kind == "resolved":
                    to = local_naive(now, NEW_YORK).strftime("%Y-%m-%d %H:%M")
                    self.assertEqual(texts[0], f"✅ Steady bot: commands_low resolved (ok) after firing for "
                                               f"{duration(now - fired_at)}\n{figure}\n"
                                               f"It fired from {since} to {to} (America/New_York)\n{link}")
        self.assertIn("still", expected.values())
        # Resolved: the published alert has no since any more.
        self.assertEqual(alert(published(self.work), "commands_low")["since"], None)


# ---------------------------------------------------------------- 3. quiet hours

def quiet_bot(last_activity: int, days: int = 8) -> "tuple[list, dict]":
    """A command every 20 minutes for `days` days, the last one at `last_activity`."""
    entries, users = [], {}
    for n in range(days * 72 + 1):
        moment = last_activity - n * 20 * 60_000
        entries.append((moment, ["type", "command", "user", f"quiet-{n % 5}", "name", "price"]))
    for n in range(5):
        users[f"quiet-{n}"] = last_activity - (days + 1) * DAY_MS
    return entries, users


class QuietHoursTests(WithServers):
    """Four bots under four key prefixes: A quiet from 22:00 on 2026-11-10,
    B from 20:00 on 2026-11-10, C from 22:00 on 2026-10-24 (the night of the
    fall-back change: 23:00-07:00 local is 9 real hours), D as B but back at
    02:00 on 2026-11-11."""

    @classmethod
    def fill(cls):
        cls.last = {"a": paris(2026, 11, 10, 22), "b": paris(2026, 11, 10, 20), "c": paris(2026, 10, 24, 22),
                    "d": paris(2026, 11, 10, 20)}
        for bot, last in cls.last.items():
            entries, users = quiet_bot(last)
            if bot == "d":  # back at 02:00, inside the quiet hours, a command every 20 minutes
                entries += [(paris(2026, 11, 11, 2) + n * 20 * 60_000,
                             ["type", "command", "user", "quiet-1", "name", "price"]) for n in range(24)]
            fill(cls.redis, f"{bot}:", entries, users, {})

    def config(self, bot: str, extra: str = 'quiet_hours = "23:00-07:00"\n') -> str:
        return self.write_config(
            f'timezone = "Europe/Paris"\n[redis]\nkey_prefix = "{bot}:"\n[alerts]\n{extra}'
            f'webhooks = ["{self.base}/quiet/{bot}"]\n[site]\ntitle = "Quiet {bot}"\n', f"{bot}.toml")

    def walk(self, bot: str, steps: list, extra: str = 'quiet_hours = "23:00-07:00"\n') -> None:
        """steps: (now, state, value or None, notified state or None, since or None)."""
        config = self.config(bot, extra)
        for now, state, value, notified, since in steps:
            label = f"bot {bot} at {local_naive(now, PARIS)}"
            result = run_job(self.work, config, self.redis.url, now, state=f"state-{bot}", output=f"site-{bot}")
            self.assertEqual(result.returncode, 0, f"{label}: {result.stderr[-1500:]}")
            row = alert(published(self.work, f"site-{bot}"), "no_activity")
            hooks = [json.loads(r["body"]) for r in Endpoint.take() if r["path"] == f"/quiet/{bot}"]
            mine = [hook for hook in hooks if hook["alert"] == "no_activity"]
            with self.subTest(run=label, published=row, sent=hooks):
                self.assertEqual(row["state"], state)
                if value is not None:
                    self.assertAlmostEqual(row["value"], value, places=6)
                self.assertEqual([hook["state"] for hook in mine], [] if notified is None else [notified])
                self.assertEqual(row["since"], None if since is None else iso(since))
                for hook in mine:
                    self.assertEqual(hook["since"], iso(since if since is not None else now))

    def test_quiet_hours_across_midnight_hold_the_alert_until_the_quiet_time_is_over(self):
        fire = paris(2026, 11, 11, 8, 0)
        self.walk("a", [
            (paris(2026, 11, 10, 22, 30), "ok", 0.5, None, None),
            (paris(2026, 11, 10, 23, 30), "not_evaluated", None, None, None),
            (paris(2026, 11, 11, 3, 0), "not_evaluated", None, None, None),
            (paris(2026, 11, 11, 6, 59), "not_evaluated", None, None, None),
            (paris(2026, 11, 11, 7, 30), "ok", 1.5, None, None),       # 1 h before 23:00 + 0.5 h after 07:00
            (fire, "firing", 2.0, "firing", fire),
            (paris(2026, 11, 11, 8, 30), "firing", 2.5, None, fire),
        ])

    def test_a_firing_held_by_quiet_hours_is_not_resolved_and_a_still_quiet_bot_fires_anew(self):
        fire, again, third = paris(2026, 11, 10, 22, 0), paris(2026, 11, 11, 7, 30), paris(2026, 11, 12, 8, 0)
        self.walk("b", [
            (paris(2026, 11, 10, 21, 0), "ok", 1.0, None, None),
            (fire, "firing", 2.0, "firing", fire),
            (paris(2026, 11, 10, 22, 30), "firing", 2.5, None, fire),
            (paris(2026, 11, 10, 23, 30), "not_evaluated", None, None, None),
            (paris(2026, 11, 11, 3, 0), "not_evaluated", None, None, None),
            (again, "firing", 3.5, "firing", again),                     # 3 h before 23:00 + 0.5 h
            (paris(2026, 11, 11, 8, 0), "firing", 4.0, None, again),
            (paris(2026, 11, 11, 23, 30), "not_evaluated", None, None, None),
            (third, "firing", 20.0, "firing", third),                    # 36 h, two quiet nights of 8 h
        ])

    def test_a_firing_that_ends_inside_quiet_hours_is_never_notified_as_resolved(self):
        fire = paris(2026, 11, 10, 22, 0)
        self.walk("d", [
            (fire, "firing", 2.0, "firing", fire),
            (paris(2026, 11, 11, 1, 0), "not_evaluated", None, None, None),
            (paris(2026, 11, 11, 3, 10), "not_evaluated", None, None, None),   # active again since 02:00
            (paris(2026, 11, 11, 7, 30), "ok", 1 / 6, None, None),          # the command of 07:20
            (paris(2026, 11, 11, 8, 0), "ok", 0.0, None, None),             # the command of 08:00
        ])

    def test_the_quiet_time_is_measured_in_real_hours_across_the_fall_back_night(self):
        fire = paris(2026, 10, 25, 8, 0)
        self.walk("c", [
            (paris(2026, 10, 24, 22, 30), "ok", 0.5, None, None),
            (paris(2026, 10, 25, 2, 30, fold=1), "not_evaluated", None, None, None),
            (paris(2026, 10, 25, 7, 30), "ok", 1.5, None, None),        # 10.5 real hours, 9 of them quiet
            (fire, "firing", 2.0, "firing", fire),
        ])

    def test_quiet_hours_within_a_day(self):
        fire, again = paris(2026, 11, 11, 0, 30), paris(2026, 11, 11, 7, 30)
        self.walk("a", [
            (paris(2026, 11, 10, 23, 30), "ok", 1.5, None, None),
            (fire, "firing", 2.5, "firing", fire),
            (paris(2026, 11, 11, 1, 30), "not_evaluated", None, None, None),
            (again, "firing", 3.5, "firing", again),                     # 3 h before 01:00 + 0.5 h
        ], extra='quiet_hours = "01:00-07:00"\n')

    def test_without_quiet_hours_the_night_fires_after_two_hours_as_in_version_1(self):
        fire = paris(2026, 11, 11, 0, 0)
        self.walk("a", [
            (paris(2026, 11, 10, 23, 30), "ok", 1.5, None, None),
            (fire, "firing", 2.0, "firing", fire),
            (paris(2026, 11, 11, 3, 0), "firing", 5.0, None, fire),
        ], extra="")


# ---------------------------------------------------------------- 4. webhook formats

HOSTILE = "<!channel> & @everyone <b>x</b>"
SECRET = "whsec-Zq8pLm3VtR7yK2nB"
PATHS = {"plain": "/plain/PLAINPATHTOKEN77", "slack": "/slack/T000/B000/SLACKPATHTOKEN88",
         "discord": "/discord/api/webhooks/1/DISCORDPATHTOKEN99", "signed": "/signed/SIGNEDPATHTOKEN66",
         "slack-signed": "/slack2/T001/B001/SLACKTWOTOKEN33"}
SLACK_SECRET = "slack-signing-Hq2Wv9Rt"
T0 = to_ms(datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc))  # 13:00 in Paris


class WebhookFormatTests(WithServers):
    @classmethod
    def fill(cls):
        """A week of use, then 30 commands and 10 errors in the hour before T0:
        error_rate_high fires at T0 (10 errors over 55 commands)."""
        entries, users, subscriptions = [], {}, {}
        for day in range(7, 0, -1):
            start = T0 - day * DAY_MS
            for n in range(25):
                user = f"hook-user-{n}"
                if day == 7:
                    users[user] = start
                    entries.append((start + n, ["type", "registration", "user", user]))
                entries.append((start + HOUR_MS + n, ["type", "command", "user", user, "name", "analyze"]))
        for n in range(30):
            moment = T0 - HOUR_MS + n * 1000
            entries.append((moment, ["type", "command", "user", f"hook-user-{n % 25}", "name", "price"]))
            if n % 3 == 0:
                entries.append((moment, ["type", "error", "name", "price", "kind", "Timeout"]))
        for n in range(3):
            subscriptions[f"hook-user-{n}"] = '{"plan":"premium","amount":"9.99","currency":"EUR"}'
        fill(cls.redis, "sentinel:", entries, users, subscriptions)

    def config(self, paths: dict) -> str:
        title = HOSTILE.replace("\\", "\\\\").replace('"', '\\"')
        return self.write_config(
            'timezone = "Europe/Paris"\n[revenue]\ncurrency = "EUR"\n[alerts]\nwebhooks = [\n'
            f'  "{self.base}{paths["plain"]}",\n'
            f'  {{ url = "{self.base}{paths["slack"]}", format = "slack" }},\n'
            f'  {{ url = "{self.base}{paths["discord"]}", format = "discord" }},\n'
            f'  {{ url = "{self.base}{paths["signed"]}", format = "json", secret_env = "HOOK_SECRET" }},\n'
            f'  {{ url = "{self.base}{paths["slack-signed"]}", format = "slack", secret_env = "SLACK_SECRET" }},\n]\n'
            f'[site]\ntitle = "{title}"\nbase_url = "https://kpi.example.com/"\n'
            f'[telegram]\nchat_id = "-100400"\napi_url = "{self.base}/tg"\n')

    def assert_no_secret(self, result: subprocess.CompletedProcess, paths: dict) -> None:
        secrets = [SECRET, SLACK_SECRET, *(path.rsplit("/", 1)[1] for path in paths.values()), TOKEN]
        for secret in secrets:
            self.assertNotIn(secret, result.stderr)
            self.assertNotIn(secret, result.stdout)
        for folder in ("state", "site"):
            for path in Path(self.work, folder).rglob("*"):
                if path.is_file():
                    data = path.read_bytes()
                    for secret in secrets:
                        self.assertNotIn(secret.encode(), data, f"{secret} in {path}")

    def test_json_slack_discord_and_signed_bodies(self):
        config = self.config(PATHS)
        result = run_job(self.work, config, self.redis.url, T0,
                         env=environment(SENTINEL_TELEGRAM_TOKEN=TOKEN, HOOK_SECRET=SECRET, SLACK_SECRET=SLACK_SECRET))
        self.assertEqual(result.returncode, 0, result.stderr[-1500:])
        requests = Endpoint.take()
        by_path = {}
        for request in requests:
            by_path.setdefault(request["path"], []).append(request)
        telegram = [json.loads(r["body"]) for r in by_path.get(f"/tg/bot{TOKEN}/sendMessage", [])]
        firing = [body["text"] for body in telegram if "error_rate_high is firing" in body["text"]]
        self.assertEqual(len(firing), 1, [body["text"] for body in telegram])
        text = firing[0]
        since_local = local_naive(T0, PARIS).strftime("%Y-%m-%d %H:%M")
        self.assertEqual(text, f"🔴 {HOSTILE}: error_rate_high is firing\n"
                               "Error rate, last 24 h: 18.2 % (threshold 5.0 %)\n"
                               f"Since {since_local} (Europe/Paris)\nhttps://kpi.example.com/index.html")
        for name in PATHS:
            self.assertIn(PATHS[name], by_path, name)
        # Every webhook got one POST per notification, JSON, in the same order.
        count = len(by_path[PATHS["plain"]])
        for name in PATHS:
            self.assertEqual(len(by_path[PATHS[name]]), count, name)
            for request in by_path[PATHS[name]]:
                self.assertTrue(request["headers"].get("Content-Type", "").startswith("application/json"), name)
        plain = [json.loads(r["body"]) for r in by_path[PATHS["plain"]]]
        index = next(i for i, body in enumerate(plain) if body["alert"] == "error_rate_high")
        body = plain[index]
        self.assertEqual(list(body), ["alert", "state", "value", "threshold", "since", "at", "site", "link"])
        self.assertEqual((body["alert"], body["state"], body["since"], body["at"], body["site"], body["link"]),
                         ("error_rate_high", "firing", iso(T0), iso(T0), HOSTILE, "https://kpi.example.com/index.html"))
        self.assertAlmostEqual(body["value"], 10 / 55, places=9)
        self.assertEqual(body["threshold"], 0.05)
        # Slack: {"text"} with &, <, > escaped.
        slack = json.loads(by_path[PATHS["slack"]][index]["body"])
        self.assertEqual(list(slack), ["text"])
        self.assertEqual(slack["text"], text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
        self.assertNotIn("<!channel>", slack["text"])
        self.assertIn("&lt;!channel&gt; &amp; @everyone &lt;b&gt;x&lt;/b&gt;", slack["text"])
        # Discord: {"content", "allowed_mentions": {"parse": []}}.
        discord = json.loads(by_path[PATHS["discord"]][index]["body"])
        self.assertEqual(discord, {"content": text, "allowed_mentions": {"parse": []}})
        self.assertEqual(list(discord), ["content", "allowed_mentions"])
        # Signed: the same JSON as plain, and an HMAC of the exact bytes.
        for plain_request, signed_request in zip(by_path[PATHS["plain"]], by_path[PATHS["signed"]]):
            self.assertEqual(json.loads(signed_request["body"]), json.loads(plain_request["body"]))
            headers = {k.lower(): v for k, v in signed_request["headers"].items()}
            digest = hmac.new(SECRET.encode(), signed_request["body"], hashlib.sha256).hexdigest()
            self.assertEqual(headers.get("x-sentinel-signature"), f"sha256={digest}")
        # A Slack webhook with a secret: the same text, signed with its own secret.
        for slack_request, signed_request in zip(by_path[PATHS["slack"]], by_path[PATHS["slack-signed"]]):
            self.assertEqual(signed_request["body"], slack_request["body"])
            headers = {k.lower(): v for k, v in signed_request["headers"].items()}
            digest = hmac.new(SLACK_SECRET.encode(), signed_request["body"], hashlib.sha256).hexdigest()
            self.assertEqual(headers.get("x-sentinel-signature"), f"sha256={digest}")
        for name in ("plain", "slack", "discord"):
            for request in by_path[PATHS[name]]:
                self.assertNotIn("x-sentinel-signature", {k.lower() for k in request["headers"]}, name)
        # The other notifications of the run are the same across formats.
        for i, request in enumerate(by_path[PATHS["discord"]]):
            self.assertEqual(json.loads(request["body"])["allowed_mentions"], {"parse": []})
            self.assertEqual(json.loads(by_path[PATHS["slack"]][i]["body"])["text"],
                             json.loads(request["body"])["content"].replace("&", "&amp;").replace("<", "&lt;")
                             .replace(">", "&gt;"))
        self.assert_no_secret(result, PATHS)

    def test_a_failed_signed_webhook_keeps_neither_secret_nor_url_in_the_outbox(self):
        paths = dict(PATHS, signed="/signed/FAILPATHTOKEN55", slack="/slack/FAILSLACKTOKEN44")
        config = self.config(paths)
        Endpoint.failing = {paths["signed"], paths["slack"]}
        self.addCleanup(setattr, Endpoint, "failing", set())
        result = run_job(self.work, config, self.redis.url, T0,
                         env=environment(SENTINEL_TELEGRAM_TOKEN=TOKEN, HOOK_SECRET=SECRET, SLACK_SECRET=SLACK_SECRET))
        self.assertEqual(result.returncode, 4, result.stderr[-1500:])
        pending = json.loads(Path(self.work, "state/delivery.json").read_text())["pending"]
        self.assertTrue(pending)
        self.assertTrue(all(message["channel"] == "webhook" for message in pending))
        failed = [r for r in Endpoint.take() if r["path"] == paths["signed"]]
        self.assertTrue(failed)
        for request in failed:
            digest = hmac.new(SECRET.encode(), request["body"], hashlib.sha256).hexdigest()
            self.assertEqual({k.lower(): v for k, v in request["headers"].items()}.get("x-sentinel-signature"),
                             f"sha256={digest}")
        self.assert_no_secret(result, paths)
        # The next run delivers the kept messages, signed again.
        Endpoint.failing = set()
        again = run_job(self.work, config, self.redis.url, T0 + 15 * 60_000,
                        env=environment(SENTINEL_TELEGRAM_TOKEN=TOKEN, HOOK_SECRET=SECRET, SLACK_SECRET=SLACK_SECRET))
        self.assertEqual(again.returncode, 0, again.stderr[-1500:])
        retried = [r for r in Endpoint.take() if r["path"] == paths["signed"]]
        self.assertEqual(sorted(r["body"] for r in retried), sorted({r["body"] for r in failed}))
        for request in retried:
            digest = hmac.new(SECRET.encode(), request["body"], hashlib.sha256).hexdigest()
            self.assertEqual({k.lower(): v for k, v in request["headers"].items()}.get("x-sentinel-signature"),
                             f"sha256={digest}")
        self.assertEqual(json.loads(Path(self.work, "state/delivery.json").read_text())["pending"], [])
        self.assert_no_secret(again, paths)


# ---------------------------------------------------------------- 5. configuration errors

class ConfigurationErrorTests(WithServers):
    BASE = 'timezone = "Europe/Paris"\n'

    def check(self, text: str, key: str, env: "dict | None" = None,
              files: "dict | None" = None) -> subprocess.CompletedProcess:
        """A run with this configuration: exit 2 naming `key` on one line,
        no state or output directory made, no connection to Redis."""
        work = tempfile.mkdtemp(prefix="sentinel-alerts-v2-config-")
        self.addCleanup(shutil.rmtree, work, True)
        for name, content in (files or {}).items():
            Path(work, name).write_text(content)
            os.chmod(Path(work, name), 0o644)
        config = f"{work}/sentinel.toml"
        Path(config).write_text(text.replace("WORK", work))
        before = connections(self.redis)
        result = sentinel(["run", "--config", config, "--redis", self.redis.url, "--state", f"{work}/state",
                           "--output", f"{work}/site", "--now", iso(T0), "--templates", TEMPLATES],
                          env if env is not None else environment(), cwd=work)
        after = connections(self.redis)
        with self.subTest(key=key, stderr=result.stderr):
            self.assertEqual(result.returncode, 2)
            self.assertIn(key, result.stderr)
            self.assertEqual(len(result.stderr.strip().splitlines()), 1)
            self.assertFalse(Path(work, "state").exists(), "a state directory was created")
            self.assertFalse(Path(work, "site").exists(), "an output directory was created")
            self.assertEqual(after - before, 1, "sentinel-gen connected to Redis")
        return result

    def test_delivery_that_cannot_work_is_refused_before_anything_is_read(self):
        telegram = self.BASE + '[telegram]\nchat_id = "-100"\n'
        self.check(telegram, "telegram.token_env")
        self.check(telegram, "telegram.token_env", env=environment(SENTINEL_TELEGRAM_TOKEN=""))
        self.check(self.BASE + '[telegram]\nchat_id = "-100"\ntoken_env = "MY_BOT_TOKEN"\n', "telegram.token_env",
                   env=environment(SENTINEL_TELEGRAM_TOKEN=TOKEN))
        mail = self.BASE + '[email]\nto = ["ops@example.com"]\nsendmail = "SENDMAIL -t"\n'
        self.check(mail.replace("SENDMAIL", "/nonexistent/sendmail"), "email.sendmail")
        self.check(mail.replace("SENDMAIL", "WORK/not-executable"), "email.sendmail",
                   files={"not-executable": "#!/bin/sh\ncat >/dev/null\n"})
        hooks = (self.BASE + '[alerts]\nwebhooks = ["http://127.0.0.1:9/a", { url = "https://h.example.com/b" }, '
                 '{ url = "https://h.example.com/c", secret_env = "UNSET_HOOK_SECRET" }]\n')
        self.check(hooks, "alerts.webhooks[2].secret_env")

    def test_a_webhook_that_is_not_http_is_refused(self):
        for text, key in (('[alerts]\nwebhooks = ["ftp://hooks.example.com/x"]\n', "alerts.webhooks[0]"),
                          ('[alerts]\nwebhooks = ["https://ok.example.com/a", { url = "file:///etc/passwd", '
                           'format = "json" }]\n', "alerts.webhooks[1]"),
                          ('[alerts]\nwebhooks = [{ url = "javascript:alert(1)", format = "slack" }]\n',
                           "alerts.webhooks[0]")):
            self.check(self.BASE + text, key)

    def test_bad_quiet_hours_and_formats_name_their_key(self):
        for value in ("25:00-07:00", "07:00-07:00", "7-9", "23:00-07:60", "23:00", ""):
            self.check(self.BASE + f'[alerts]\nquiet_hours = "{value}"\n', "alerts.quiet_hours")
        self.check(self.BASE + '[alerts]\nwebhooks = ["https://a.example.com/", '
                   '{ url = "https://b.example.com/", format = "teams" }]\n', "alerts.webhooks[1].format")
        self.check(self.BASE + '[alerts]\nanomalies = "yes"\n', "alerts.anomalies")
        self.check(self.BASE + '[alerts]\nwebhooks = [{ url = "https://a.example.com/", secrets = "X" }]\n',
                   "alerts.webhooks[0].secrets")
        self.check(self.BASE + '[alerts]\nwebhooks = [{ format = "slack" }]\n', "alerts.webhooks[0].url")

    def test_an_existing_state_and_site_are_left_untouched(self):
        work = tempfile.mkdtemp(prefix="sentinel-alerts-v2-untouched-")
        self.addCleanup(shutil.rmtree, work, True)
        os.makedirs(f"{work}/state/snapshots")
        os.makedirs(f"{work}/site/api")
        Path(work, "state/snapshots/2026-11-01.json").write_text("{}")
        Path(work, "state/alerts.json").write_text("{}")
        Path(work, "site/index.html").write_text("<p>old</p>")
        Path(work, "site/api/alerts.json").write_text("{}")
        config = f"{work}/sentinel.toml"
        Path(config).write_text(self.BASE + '[telegram]\nchat_id = "-100"\n')

        def tree():
            return sorted((str(p.relative_to(work)), p.stat().st_mtime_ns, p.read_bytes() if p.is_file() else b"")
                          for p in Path(work).rglob("*") if p.name != "sentinel.toml")

        before = tree()
        result = sentinel(["run", "--config", config, "--redis", self.redis.url, "--state", f"{work}/state",
                           "--output", f"{work}/site", "--now", iso(T0), "--templates", TEMPLATES], environment(),
                          cwd=work)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("telegram.token_env", result.stderr)
        self.assertEqual(tree(), before)

    def test_demo_refuses_redis(self):
        work = tempfile.mkdtemp(prefix="sentinel-alerts-v2-demo-")
        self.addCleanup(shutil.rmtree, work, True)
        result = sentinel(["demo", "--redis", "redis://127.0.0.1:1", "--state", f"{work}/state", "--output",
                           f"{work}/out", "--templates", TEMPLATES], environment(), cwd=work)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("--redis", result.stderr)
        self.assertFalse(Path(work, "state").exists())
        self.assertFalse(Path(work, "out").exists())


if __name__ == "__main__":
    unittest.main()
