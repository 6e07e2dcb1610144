"""An independent reading of metrics.md and analytics.md in Python: the
snapshot fields of each local day, computed from the stream entries, the
two hashes and `now`. Money is `decimal.Decimal`, rounded half to even to
6 digits only where the pages say; names are compared as bytes.

`Reference(...).day(d)` returns {dotted path: expected JSON value}; a dict
value is a whole object, compared with its keys in order."""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_EVEN, Decimal
from zoneinfo import ZoneInfo

SIX = Decimal("0.000001")
ZERO = Decimal(0)
MOVES = ("new", "expansion", "contraction", "churn", "reactivation")
AMOUNT = re.compile(r"[0-9]{1,12}(\.[0-9]{1,6})?")
LATENCY = re.compile(r"[0-9]{1,9}(\.[0-9]{1,6})?")
ROWS = {"registration": (("user",), ("source",)), "command": (("user", "name"), ("latency_ms",)),
        "error": ((), ("user", "name", "kind")), "conversion": (("user", "amount"), ("plan", "currency", "interval")),
        "cancellation": (("user", "amount"), ("plan", "currency", "interval")),
        "api_call": (("provider",), ("cost", "latency_ms", "user", "model"))}


def money(value: Decimal) -> str:
    """2 to 6 fractional digits, no further trailing zeros."""
    text = format(value.quantize(SIX, rounding=ROUND_HALF_EVEN), "f")
    while text.endswith("0") and len(text.split(".")[1]) > 2:
        text = text[:-1]
    return text


def by_bytes(counts: dict) -> dict:
    return {name: counts[name] for name in sorted(counts, key=lambda name: name.encode()) if counts[name]}


def monthly(amount: str, interval: str) -> Decimal:
    value = Decimal(amount)
    return value if interval == "month" else (value / 12).quantize(SIX, rounding=ROUND_HALF_EVEN)


def rejection(fields: dict, currency: str) -> "str | None":
    """metrics.md's checks, in its order (only what the dataset can need)."""
    kind = fields.get("type", "")
    if not kind:
        return "missing_type"
    if kind not in ROWS:
        return "unknown_type"
    required, optional = ROWS[kind]
    for field in required:
        if not fields.get(field):
            return f"missing_{field}"
    for field in required + optional:
        if field not in fields:
            continue
        value = fields[field]
        bad = value == "" or (field in ("user", "name", "provider", "source")
                              and (any(ord(c) < 32 or ord(c) == 127 for c in value)
                                   or len(value.encode()) > (128 if field == "user" else 64)))
        bad = bad or (field in ("amount", "cost") and not AMOUNT.fullmatch(value))
        bad = bad or (field == "latency_ms" and not LATENCY.fullmatch(value))
        bad = bad or (field == "interval" and value not in ("month", "year"))
        bad = bad or (field == "name" and value.removeprefix("/") == "")
        bad = bad or (field == "currency" and not re.fullmatch(r"[A-Z]{3}", value))
        if bad:
            return f"bad_{field}"
    if kind in ("conversion", "cancellation") and fields.get("currency", currency) != currency:
        return "unknown_currency"
    return None


class Reference:
    def __init__(self, entries: list, users: dict, subscriptions: dict, now_ms: int,
                 zone: str = "Europe/Paris", currency: str = "EUR") -> None:
        self.tz, self.zone, self.currency, self.now = ZoneInfo(zone), zone, currency, now_ms
        self.first = entries[0][0] if entries else None  # the ledger's first entry read (even after now)
        self.read, self.rejected = Counter(), defaultdict(Counter)
        self.events = []  # (key, fields) of the valid entries, all of them (after now too)
        for ms, seq, pairs in entries:
            fields = dict(pairs)  # a field given twice: the last value wins
            reason = rejection(fields, currency)
            if ms <= now_ms:
                self.read[self.local(ms)] += 1
                if reason:
                    self.rejected[self.local(ms)][reason] += 1
            if reason is None:
                if fields["type"] in ("conversion", "cancellation"):
                    fields["mrr"] = monthly(fields["amount"], fields.get("interval", "month"))
                    fields.setdefault("plan", "premium")
                    fields.setdefault("interval", "month")
                if "name" in fields:
                    fields["name"] = fields["name"].removeprefix("/")
                self.events.append(((ms, seq), fields))
        self.applied = [(key, f) for key, f in self.events if key[0] <= now_ms]
        self.payments = [(key, f) for key, f in self.events if f["type"] in ("conversion", "cancellation")]
        self.acts = sorted((key[0], f["user"]) for key, f in self.applied
                           if f["type"] in ("registration", "command"))
        self.act_ms = [ms for ms, _ in self.acts]
        self.registered = {user: int(ms) for user, ms in users.items() if int(ms) <= now_ms}
        self.subs = {}
        for user, text in subscriptions.items():
            value = json.loads(text)
            self.subs[user] = (value.get("plan", "premium"), value.get("interval", "month"),
                               monthly(value["amount"], value.get("interval", "month")))
        self.payers = set(self.subs) | {f["user"] for _, f in self.payments}

    # Time
    def local(self, ms: int) -> date:
        return datetime.fromtimestamp(ms // 1000, self.tz).date()

    def start(self, day: date) -> int:
        return int(datetime(day.year, day.month, day.day, tzinfo=self.tz).timestamp()) * 1000

    def end(self, day: date) -> int:
        """The day's end for the stocks: the next midnight, or just after now."""
        return min(self.start(day + timedelta(days=1)), self.now + 1)

    def covered(self, day: date) -> bool:
        return self.first is not None and self.first <= self.start(day)

    def days(self) -> list:
        first, last = self.local(self.first), self.local(self.now)
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]

    def in_window(self, low: int, high: int) -> list:
        """Applied events with low <= ms < high."""
        return [(key, f) for key, f in self.applied if low <= key[0] < high]

    def active(self, low: int, high: int) -> set:
        return {user for _, user in self.acts[bisect_left(self.act_ms, low):bisect_left(self.act_ms, high)]}

    def cohort(self, low: int, high: int) -> set:
        return {user for user, ms in self.registered.items() if low <= ms < high}

    # Stocks, rewound by the payment entries at or after t (after now included)
    def rewind(self, t: int, keep=lambda f: True) -> tuple:
        count = sum(1 for plan, interval, _ in self.subs.values() if keep({"plan": plan, "interval": interval}))
        mrr = sum((m for plan, interval, m in self.subs.values() if keep({"plan": plan, "interval": interval})), ZERO)
        for key, f in self.payments:
            if key[0] >= t and keep(f):
                sign = -1 if f["type"] == "conversion" else 1
                count, mrr = count + sign, mrr + sign * f["mrr"]
        return count, mrr

    def mrr_u(self, user: str, after) -> Decimal:
        """MRR_u rewound by u's payment entries for which after(key) holds."""
        value = self.subs[user][2] if user in self.subs else ZERO
        for key, f in self.payments:
            if f["user"] == user and after(key):
                value += -f["mrr"] if f["type"] == "conversion" else f["mrr"]
        return value

    def at(self, user: str, t: int) -> Decimal:
        return self.mrr_u(user, lambda key: key[0] >= t)

    def paid_before(self, user: str, day: date) -> bool:
        start = self.start(day)
        if any(f["user"] == user and f["type"] == "conversion" and key[0] < start for key, f in self.payments):
            return True
        return self.mrr_u(user, lambda key: key[0] >= self.first) > 0

    # The snapshot
    def day(self, day: date) -> dict:
        low, high, end = self.start(day), self.start(day + timedelta(days=1)), self.end(day)
        todays = self.in_window(low, high)
        kinds = defaultdict(list)
        for key, f in todays:
            kinds[f["type"]].append((key, f))
        premium, mrr = self.rewind(end)
        total = sum(1 for ms in self.registered.values() if ms < end)
        latencies = sorted(Decimal(f["latency_ms"]) for _, f in kinds["command"] if "latency_ms" in f)
        api = defaultdict(lambda: [0, ZERO])
        for _, f in kinds["api_call"]:
            api[f["provider"]][0] += 1
            api[f["provider"]][1] += Decimal(f.get("cost", "0"))
        out = {
            "schema_version": 2, "date": day.isoformat(), "timezone": self.zone,
            "status": "complete" if high <= self.now else "partial",
            "coverage.events_from": iso(self.first),
            "coverage.windows_complete": self.start(day - timedelta(days=29)) >= self.first,
            "users.total": total, "users.premium": premium, "users.free": total - premium,
            "users.new": len(self.cohort(low, high)), "users.active": len(self.active(low, high)),
            "users.active_7d": len(self.active(self.start(day - timedelta(days=6)), high)),
            "users.active_30d": len(self.active(self.start(day - timedelta(days=29)), high)),
            "revenue.currency": self.currency, "revenue.mrr": money(mrr),
            "revenue.conversions": len(kinds["conversion"]), "revenue.cancellations": len(kinds["cancellation"]),
            "revenue.new_mrr": money(sum((f["mrr"] for _, f in kinds["conversion"]), ZERO)),
            "revenue.churned_mrr": money(sum((f["mrr"] for _, f in kinds["cancellation"]), ZERO)),
            "engagement.commands": len(kinds["command"]), "engagement.errors": len(kinds["error"]),
            "engagement.by_command": by_bytes(Counter(f["name"] for _, f in kinds["command"])),
            "engagement.latency_ms.p50": nearest_rank(latencies, 50),
            "engagement.latency_ms.p95": nearest_rank(latencies, 95),
            "costs.currency": "USD",
            "costs.api": {p: {"calls": n, "cost": money(c)} for p, (n, c) in by_bytes(dict(api)).items()},
            "costs.api_total": money(sum((c for _, c in api.values()), ZERO)), "costs.infrastructure": "0.00",
            "acquisition.by_source": by_bytes(Counter(f.get("source", "unknown") for _, f in kinds["registration"])),
            "data_quality.events_read": self.read[day],
            "data_quality.rejected": by_bytes(dict(self.rejected[day])),
            "data_quality.unread_gap": False,
        }
        out.update(self.plans(end))
        out["hourly"] = self.hourly(day, low, high)
        from .analytics_per_user import per_user  # the covered-day fields
        out.update(per_user(self, day, low, high, end, kinds, mrr))
        return out

    def plans(self, end: int) -> dict:
        def split(field: str, names) -> dict:
            result = {}
            for name in names:
                count, mrr = self.rewind(end, lambda f: f.get(field) == name)
                result[name] = {"subscriptions": count, "mrr": money(mrr)}
            return result
        names = {plan for plan, _, _ in self.subs.values()} | {f["plan"] for _, f in self.payments}
        plans = split("plan", sorted(names, key=lambda name: name.encode()))
        plans = {name: v for name, v in plans.items() if v["subscriptions"] != 0 or v["mrr"] != "0.00"}
        return {"revenue.by_plan": plans, "revenue.by_interval": split("interval", ("month", "year"))}

    def hourly(self, day: date, low: int, high: int) -> dict:
        hours = (high - low) // 3_600_000 if high <= self.now else (self.now - low) // 3_600_000 + 1
        rows = {name: [] for name in ("commands", "errors", "registrations", "conversions", "cancellations",
                                      "active", "api_cost")}
        kinds = {"command": "commands", "error": "errors", "registration": "registrations",
                 "conversion": "conversions", "cancellation": "cancellations"}
        for k in range(hours):
            a, b = low + k * 3_600_000, low + (k + 1) * 3_600_000
            events = self.in_window(a, b)
            for kind, name in kinds.items():
                rows[name].append(sum(1 for _, f in events if f["type"] == kind))
            rows["active"].append(len(self.active(low, min(b, self.now + 1))))
            rows["api_cost"].append(money(sum((Decimal(f.get("cost", "0")) for _, f in events
                                               if f["type"] == "api_call"), ZERO)))
        return rows


def nearest_rank(values: list, p: int):
    return values[(p * len(values) + 99) // 100 - 1] if values else None


def iso(ms: int) -> str:
    text = datetime.fromtimestamp(ms // 1000, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    return text + (f".{ms % 1000:03d}Z" if ms % 1000 else "Z")
