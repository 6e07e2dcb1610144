"""analytics.md's per-user fields of one day, for analytics_reference.py:
movements, retention_30d, by_command_paying, retention, lifecycle, funnel.
They are null on a day the ledger does not cover."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

from .analytics_reference import MOVES, ZERO, by_bytes, money

PER_USER = ("revenue.movements", "revenue.movement_users", "revenue.movements_unexplained", "revenue.retention_30d",
            "engagement.by_command_paying", "retention", "lifecycle", "funnel")


def per_user(ref, day: date, low: int, high: int, end: int, kinds: dict, mrr_end: Decimal) -> dict:
    if not ref.covered(day):
        return {path: None for path in PER_USER}
    out = movements(ref, day, low, end, mrr_end)
    out["revenue.retention_30d"] = retention_30d(ref, day, end)
    paying = Counter(f["name"] for key, f in kinds["command"]
                     if ref.mrr_u(f["user"], lambda other, key=key: other > key) > 0)
    out["engagement.by_command_paying"] = by_bytes(paying)
    day_n = {}
    for n in (1, 7, 30):
        cohort_day = day - timedelta(days=n)
        users = ref.cohort(ref.start(cohort_day), ref.start(cohort_day + timedelta(days=1)))
        day_n[str(n)] = {"cohort": cohort_day.isoformat(), "size": len(users),
                         "active": len(users & ref.active(low, high))}
    weekly = lifecycle = None
    if day.weekday() == 6 or high > ref.now:  # an ISO Sunday, or the day in progress
        monday = day - timedelta(days=day.weekday())
        week = (ref.start(monday), ref.start(monday + timedelta(days=7)))
        this_week = ref.active(*week)
        if ref.covered(monday):
            weekly = []
            for back in range(11, -1, -1):
                first = monday - timedelta(days=7 * back)
                users = ref.cohort(ref.start(first), ref.start(first + timedelta(days=7)))
                year, number, _ = first.isocalendar()
                weekly.append({"week": f"{year}-W{number:02d}", "size": len(users), "active": len(users & this_week)})
        if ref.covered(monday - timedelta(days=7)):
            before = ref.active(ref.start(monday - timedelta(days=7)), week[0])
            new = this_week & ref.cohort(*week)
            returning = (this_week & before) - new
            lifecycle = {"new": len(new), "returning": len(returning),
                         "resurrecting": len(this_week - new - returning), "dormant": len(before - this_week)}
    out["retention"] = {"day_n": day_n, "weekly": weekly}
    out["lifecycle"] = lifecycle
    out["funnel"] = {"d7": funnel_d7(ref, day), "d30": funnel_d30(ref, day)}
    return out


def movements(ref, day: date, low: int, end: int, mrr_end: Decimal) -> dict:
    amounts, users = {kind: ZERO for kind in MOVES}, {kind: 0 for kind in MOVES}
    for user in sorted(ref.payers):
        a, b = max(ref.at(user, low), ZERO), max(ref.at(user, end), ZERO)
        if a == 0 and b > 0:
            kind, amount = ("reactivation" if ref.paid_before(user, day) else "new"), b
        elif 0 < a < b:
            kind, amount = "expansion", b - a
        elif 0 < b < a:
            kind, amount = "contraction", a - b
        elif a > 0 and b == 0:
            kind, amount = "churn", a
        else:
            continue
        amounts[kind] += amount
        users[kind] += 1
    explained = (amounts["new"] + amounts["expansion"] + amounts["reactivation"]
                 - amounts["contraction"] - amounts["churn"])
    unexplained = mrr_end - ref.rewind(low)[1] - explained
    return {"revenue.movements": {kind: money(value) for kind, value in amounts.items()},
            "revenue.movement_users": users, "revenue.movements_unexplained": money(unexplained)}


def retention_30d(ref, day: date, end: int):
    first = day - timedelta(days=29)
    if not ref.covered(first):
        return None
    window = ref.start(first)
    start = {user: ref.at(user, window) for user in ref.payers}
    start = {user: value for user, value in start.items() if value > 0}
    now = {user: max(ref.at(user, end), ZERO) for user in start}
    return {"customers_start": len(start), "customers_retained": sum(1 for value in now.values() if value > 0),
            "mrr_start": money(sum(start.values(), ZERO)),
            "mrr_retained": money(sum((min(start[user], now[user]) for user in start), ZERO)),
            "mrr_now": money(sum(now.values(), ZERO))}


def converted(ref, users: set, low: int, high: int) -> set:
    return {f["user"] for key, f in ref.applied if f["type"] == "conversion" and low <= key[0] < high} & users


def funnel_d7(ref, day: date):
    c = day - timedelta(days=7)
    if not ref.covered(c):
        return None
    edge = lambda n: ref.start(c + timedelta(days=n))  # noqa: E731 - start of day c + n
    users = ref.cohort(edge(0), edge(1))
    activated = {f["user"] for key, f in ref.applied
                 if f["type"] == "command" and edge(0) <= key[0] < edge(2)} & users
    return {"cohort": c.isoformat(), "registered": len(users), "activated": len(activated),
            "returned": len(activated & ref.active(edge(2), edge(8))),
            "converted": len(converted(ref, users, edge(0), edge(8)))}


def funnel_d30(ref, day: date):
    c = day - timedelta(days=30)
    if not ref.covered(c):
        return None
    high = ref.start(day + timedelta(days=1))
    users = ref.cohort(ref.start(c), ref.start(c + timedelta(days=1)))
    bought = converted(ref, users, ref.start(c), high)
    sources = {}
    for key, f in ref.applied:  # in ID order: the first registration event wins
        if f["type"] == "registration" and key[0] < high and f["user"] in users:
            sources.setdefault(f["user"], f.get("source", "unknown"))
    by_source = {}
    for user in users:
        row = by_source.setdefault(sources.get(user, "unknown"), {"registered": 0, "converted": 0})
        row["registered"] += 1
        row["converted"] += user in bought
    return {"cohort": c.isoformat(), "registered": len(users), "converted": len(bought),
            "by_source": {name: by_source[name] for name in sorted(by_source, key=lambda name: name.encode())}}
