"""A seeded, hand-checkable dataset for test_analytics_reference.py: 94 local
days in Europe/Paris (2025-12-28, a Sunday whose stream starts at 14:00,
to 2026-03-31 in progress), across the ISO week-year boundary (2025-12-29
to 2025-12-31 are in 2026-W01) and the 23-hour day of 2026-03-29. (--now
may not be later than the system clock, so the range stays in the past.)

Every payment story is written by hand (see STORIES below); commands,
errors and api calls around them come from a seeded generator. The hashes
are derived from the stream, so they agree with it at any cut."""

from __future__ import annotations

import json
import random
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Europe/Paris")
DAY0 = date(2025, 12, 28)
DAYS = 94                                                    # DAY0 .. 2026-03-31
NOW = datetime(2026, 3, 31, 13, 37, 12, tzinfo=timezone.utc)  # 15:37:12 local, a Tuesday
NOW_MS = int(NOW.timestamp()) * 1000
PREFIX = "sentinel:"
HOSTILE = "<script>\"&'"
CAFE_NFC, CAFE_NFD = "caf\u00e9", "cafe\u0301"


def start_ms(day: date) -> int:
    """00:00 local of `day` (Paris has no skipped midnight)."""
    return int(datetime(day.year, day.month, day.day, tzinfo=TZ).timestamp()) * 1000


def local_ms(index: int, hour: int, minute: int = 0, second: int = 0, milli: int = 0) -> int:
    """A local wall time on day DAY0 + index (never inside a repeated hour)."""
    day = DAY0 + timedelta(days=index)
    moment = datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=TZ)
    return int(moment.timestamp()) * 1000 + milli


STREAM_START = local_ms(0, 14)  # the first entry: 2025-12-28 14:00:00.000 local


def iso(ms: int) -> str:
    moment = datetime.fromtimestamp(ms // 1000, timezone.utc)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    return text + (f".{ms % 1000:03d}Z" if ms % 1000 else "Z")


# Subscriptions older than the stream: in the hash from the start, with no conversion event.
OLD_SUBSCRIPTIONS = {
    "p-old": {"plan": "premium", "amount": "9.99", "currency": "EUR", "interval": "month", "since": local_ms(-138, 9)},
    "p-old2": {"plan": "pro", "amount": "19.99", "since": local_ms(-68, 8)},
}
# Users registered before the stream (hash only): cohorts e - 30, e - 7 and e - 1 of 2025-12-29.
OLD_USERS = {"p-old": local_ms(-139, 11), "p-old2": local_ms(-69, 16, 30), "p-30": local_ms(-29, 12),
             "p-7": local_ms(-6, 9, 15), "p-1": local_ms(0, 10, 5)}

# The payment stories: user -> registration day, then (day, hour, minute, second, kind, amount, plan, interval).
# None as the plan or interval leaves the field out (default premium / month).
C, X, M, Y = "conversion", "cancellation", "month", "year"
STORIES = {
    "u01": (1, [(2, 10, 0, 0, C, "9.99", "premium", M)]),                      # new
    "u02": (4, [(6, 10, 0, 0, C, "9.99", "premium", M),                        # a refund within a day: no movement
                (6, 18, 0, 0, X, "9.99", "premium", M)]),
    "u03": (1, [(5, 12, 0, 0, C, "9.99", None, None),                          # a plan change in a day: expansion
                (30, 11, 0, 0, X, "9.99", None, None),
                (30, 11, 0, 0, C, "19.99", "pro", M)]),                         # same ms, next seq
    "u04": (2, [(8, 9, 30, 0, C, "9.99", "premium", M),                        # a change across midnight:
                (40, 23, 50, 0, X, "9.99", "premium", M),                      # churn, then reactivation
                (41, 0, 10, 0, C, "19.99", "pro", M)]),
    "u05": (3, [(10, 8, 0, 0, C, "9.99", "premium", M),                        # month -> year: contraction 1.665,
                (35, 14, 0, 0, X, "9.99", "premium", M),                       # year -> month: expansion 1.665
                (35, 14, 0, 30, C, "99.90", "premium", Y),
                (60, 16, 0, 0, X, "99.90", "premium", Y),
                (60, 16, 5, 0, C, "9.99", "premium", M)]),
    "u06": (1, [(3, 20, 0, 0, C, "9.99", "premium", M),                        # reactivation 46 days after a churn
                (12, 7, 0, 0, X, "9.99", "premium", M),
                (58, 12, 0, 0, C, "9.99", "premium", M)]),
    "p-old2": (None, [(20, 9, 0, 0, X, "19.99", "pro", None),                  # churn of a pre-stream plan, then
                      (63, 10, 0, 0, C, "19.99", "pro", M)]),                  # reactivation: paid before the ledger
    "u07": (20, [(25, 13, 0, 0, C, "12.000006", "basic", Y)]),                 # 1.0000005 -> 1.000000, half to even
    "u08": (40, [(45, 0, 0, 0, C, "9.99", "premium", M),                       # exactly at 00:00 local
                 (70, 15, 0, 0, X, "9.99", "premium", M)]),
    "u09": (10, [(15, 18, 0, 0, C, "9.99", "premium", M)]),                    # a same-ms command after it: paying
    "u11": (45, [(50, 9, 0, 0, C, "19.99", "pro", M)]),                        # cancelled after now
    "u12": (90, [(93, 9, 0, 0, C, "99.90", "premium", Y)]),                    # new on the day in progress
    "u13": (15, [(20, 12, 0, 0, C, "9.99", "premium", M),
                 (93, 10, 0, 0, X, "9.99", "premium", M)]),                    # churn on the day in progress
    "u14": (21, [(22, 15, 0, 0, C, "19.99", "pro", M)]),
    "u15": (30, [(33, 11, 0, 0, C, "9.99", "premium", M),
                 (68, 11, 0, 0, X, "9.99", "premium", M)]),
    "u16": (46, [(47, 19, 0, 0, C, "9.99", "premium", M)]),
    "u17": (49, [(52, 21, 0, 0, C, "99.90", "premium", Y)]),
    "u18": (72, [(75, 8, 0, 0, C, "9.99", "premium", M)]),
    "u25": (85, [(91, 3, 30, 0, C, "19.99", "pro", M)]),                       # 03:30 on the 23-hour day: hour 2
    "u26": (80, [(84, 20, 0, 0, C, "9.99", "premium", M),
                 (86, 9, 0, 0, X, "9.99", "premium", M)]),
}
AFTER_NOW = [  # (ms, fields): in the stream, in the hashes' present, in no flow
    (NOW_MS + 3_600_000, [("type", "cancellation"), ("user", "u11"), ("amount", "19.99"), ("plan", "pro")]),
    (NOW_MS + 5_400_000, [("type", "registration"), ("user", "u46"), ("source", "organic")]),
    (NOW_MS + 7_200_000, [("type", "conversion"), ("user", "u10"), ("amount", "9.99"), ("currency", "EUR")]),
    (NOW_MS + 7_300_000, [("type", "command"), ("user", "u10"), ("name", "analyze")]),
]
SOURCES = ["organic", "organic", "ref:alice", "ads", None]
COMMANDS = ["analyze", "analyze", "analyze", "/price", "price", "alert", "portfolio", CAFE_NFC, CAFE_NFD, "<b>x</b>"]


class Dataset:
    """`entries`: [(ms, seq, [(field, value)...])] in ID order; `users` and
    `subscriptions`: the final hashes (values as the bot writes them)."""

    def __init__(self, seed: int = 20261025) -> None:
        self.rng = random.Random(seed)
        self._seq: dict = {}
        self.entries: list = []
        self._build()
        self.entries.sort(key=lambda entry: (entry[0], entry[1]))
        self.users, self.subscriptions = self.hashes_at(None)

    def add(self, ms: int, fields: list) -> None:
        seq = self._seq.get(ms, 0)
        self._seq[ms] = seq + 1
        self.entries.append((ms, seq, fields))

    def moment(self, index: int, earliest: "int | None" = None) -> int:
        """A random instant of day DAY0 + index, never on a whole second, never after now."""
        low = max(start_ms(DAY0 + timedelta(days=index)), earliest or 0, STREAM_START + 1)
        high = min(start_ms(DAY0 + timedelta(days=index + 1)), NOW_MS - 60_000)
        ms = self.rng.randrange(low, high) if low < high else low
        return ms + 1 if ms % 1000 == 0 else ms

    def command(self, ms: int, user: str) -> None:
        fields = [("type", "command"), ("user", user), ("name", self.rng.choice(COMMANDS))]
        if self.rng.random() < 0.7:
            latency = self.rng.randrange(40, 4000)
            fields.append(("latency_ms", f"{latency}.5" if latency % 7 == 0 else str(latency)))
        self.add(ms, fields)

    def _build(self) -> None:
        rng = self.rng
        self.add(STREAM_START, [("type", "command"), ("user", "p-old"), ("name", "/analyze"), ("latency_ms", "850")])
        registered = dict(OLD_USERS)
        users = [f"u{n:02d}" for n in range(1, 46)]
        users[19] = "ユーザー20"  # a user id is bytes: not ASCII is fine
        days = {user: STORIES[user][0] if user in STORIES else rng.randrange(0, DAYS) for user in users}
        days.update({"u10": 55, "u19": 0, "u21": 9, "u22": 9, "u23": 48, "u24": 48})
        sources = {"u19": HOSTILE, "u21": "organic", "u22": CAFE_NFC, "u23": CAFE_NFD, "u24": HOSTILE}
        for user in users:
            ms = self.moment(days[user])
            registered[user] = ms
            source = sources.get(user, rng.choice(SOURCES))
            self.add(ms, [("type", "registration"), ("user", user)] + ([("source", source)] if source else []))
            first_command = ms + rng.randrange(60_000, 3 * 3_600_000) | 1
            if rng.random() < 0.85 and first_command < NOW_MS - 60_000:  # activated, sometimes only after midnight
                self.command(first_command, user)
        self.add(self.moment(30), [("type", "registration"), ("user", "u21"), ("source", "ads")])  # a second /start
        self.registered = registered
        payers = {user for user in STORIES}
        for user, registered_at in registered.items():
            first = max(0, (datetime.fromtimestamp(registered_at // 1000, TZ).date() - DAY0).days + 1)
            keen = 0.6 if user in payers else rng.choice([0.05, 0.2, 0.35, 0.5])
            for index in range(first, DAYS):
                age = index - first
                if rng.random() < keen * (1.0 if age < 7 else 0.6):
                    for _ in range(rng.randrange(1, 4)):
                        self.command(self.moment(index), user)
        for user, (_, story) in STORIES.items():
            for index, hour, minute, second, kind, amount, plan, interval in story:
                fields = [("type", kind), ("user", user), ("amount", amount)]
                fields += [("plan", plan)] if plan else []
                fields += [("interval", interval)] if interval else []
                self.add(local_ms(index, hour, minute, second), fields)
        # Same millisecond, ordered by sequence: paying as of the entry that comes first.
        self.add(local_ms(15, 18), [("type", "command"), ("user", "u09"), ("name", "analyze")])
        cancel = local_ms(50, 18)  # seq 0 still paying, seq 2 not
        self.add(cancel, [("type", "command"), ("user", "u09"), ("name", "price")])
        self.add(cancel, [("type", "cancellation"), ("user", "u09"), ("amount", "9.99")])
        self.add(cancel, [("type", "command"), ("user", "u09"), ("name", "price")])
        for index in range(DAYS):
            for _ in range(rng.randrange(0, 5)):
                fields = [("type", "error")]
                if rng.random() < 0.7:
                    fields += [("user", rng.choice(users)), ("name", "analyze"),
                               ("kind", rng.choice(["Timeout", "RateLimit"]))]
                self.add(self.moment(index), fields)
            for _ in range(rng.randrange(2, 9)):
                provider = rng.choice(["openai", "openai", "coingecko"])
                fields = [("type", "api_call"), ("provider", provider)]
                if provider == "openai":
                    cost = rng.choice(["0.0021", "0.000150", "0.012", f"0.{rng.randrange(1, 999999):06d}"])
                    fields += [("cost", cost),
                               ("latency_ms", str(rng.randrange(100, 2000))), ("model", "gpt-4o-mini")]
                elif rng.random() < 0.5:
                    fields += [("cost", "0")]
                self.add(self.moment(index), fields)
        for index, fields in [(11, [("user", "u30"), ("name", "x")]), (26, [("type", "teleport"), ("user", "u30")]),
                              (44, [("type", "conversion"), ("user", "u30"), ("amount", "1e3")]),
                              (7, [("type", "command"), ("user", "u30")]),
                              (93, [("type", "api_call"), ("provider", "openai"), ("cost", "-1")])]:
            self.add(self.moment(index), fields)  # missing_type, unknown_type, bad_amount, missing_name, bad_cost
        for ms, fields in AFTER_NOW:
            self.add(ms, fields)
        self.registered["u46"] = AFTER_NOW[1][0]

    def hashes_at(self, cut: "int | None") -> tuple:
        """The two hashes as the bot has them once every entry up to `cut` (None: all) is written."""
        users = {user: ms for user, ms in self.registered.items() if cut is None or ms <= cut}
        subscriptions = {user: dict(value) for user, value in OLD_SUBSCRIPTIONS.items()}
        for ms, _, fields in self.entries:
            if cut is not None and ms > cut:
                break
            values = dict(fields)
            if values.get("type") == "conversion" and values.get("amount", "").replace(".", "").isdigit():
                value = {"amount": values["amount"], "since": ms}
                value.update({key: values[key] for key in ("plan", "currency", "interval") if key in values})
                subscriptions[values["user"]] = value
            elif values.get("type") == "cancellation":
                subscriptions.pop(values["user"], None)
        return users, {user: json.dumps(value) for user, value in subscriptions.items()}

    def entries_until(self, cut: "int | None") -> list:
        return [entry for entry in self.entries if cut is None or entry[0] <= cut]
