#!/usr/bin/env python3
"""Writes schema-valid daily snapshots (docs/metrics.md) for the build benchmark.

    python3 bench/generate_snapshots.py --days 1095 --end 2026-11-25 STATE_DIR

Figures follow a growing bot: users, premium, MRR, commands by name, api
costs by provider, sources and a few rejections. Deterministic for a seed.
"""
import argparse
import datetime as dt
import json
import os
import random

COMMANDS = ["analyze", "price", "alert", "portfolio", "chart", "news", "help", "signal", "start", "trend", "settings", "subscribe"]
SOURCES = ["organic", "ref:alice", "ref:bob", "channel:cryptonews", "ads:google"]


def money(micros: int) -> str:
    text = f"{micros // 1_000_000}.{micros % 1_000_000:06d}".rstrip("0")
    whole, _, fraction = text.partition(".")
    return f"{whole}.{fraction.ljust(2, '0')}"


def snapshot(day: dt.date, index: int, days: int, rng: random.Random, complete: bool) -> dict:
    growth = (index + 1) / days
    total = int(50 + 900 * growth)
    premium = int(total * (0.08 + 0.03 * rng.random()))
    dau = int(total * (0.25 + 0.1 * rng.random()) * (0.8 if day.weekday() >= 5 else 1.0))
    commands = {name: rng.randint(0, dau) for name in COMMANDS}
    total_commands = sum(commands.values())
    openai = rng.randint(dau, 3 * dau)
    infra = 8_000_000 * 1_000_000 // (31 * 1_000_000)
    return {
        "schema_version": 1,
        "date": day.isoformat(),
        "timezone": "Europe/Paris",
        "status": "complete" if complete else "partial",
        "captured_at": (dt.datetime.combine(day, dt.time(23, 0)) if complete else dt.datetime.combine(day, dt.time(8, 0))).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "coverage": {"events_from": "2023-11-27T00:00:00Z", "windows_complete": index >= 29},
        "users": {"total": total, "premium": premium, "free": total - premium, "new": rng.randint(0, 12),
                  "active": dau, "active_7d": min(total, int(dau * 2.2)), "active_30d": min(total, int(dau * 3.1))},
        "revenue": {"currency": "EUR", "mrr": money(premium * 9_990_000), "conversions": rng.randint(0, 3),
                    "cancellations": rng.randint(0, 2), "new_mrr": money(rng.randint(0, 3) * 9_990_000),
                    "churned_mrr": money(rng.randint(0, 2) * 9_990_000)},
        "engagement": {"commands": total_commands, "errors": rng.randint(0, total_commands // 30 + 1),
                       "by_command": dict(sorted(commands.items())),
                       "latency_ms": {"p50": round(300 + 200 * rng.random(), 1), "p95": round(900 + 900 * rng.random(), 1)}},
        "costs": {"currency": "USD",
                  "api": {"coingecko": {"calls": rng.randint(0, dau), "cost": "0.00"},
                          "openai": {"calls": openai, "cost": money(openai * 2100)}},
                  "api_total": money(openai * 2100), "infrastructure": money(infra)},
        "acquisition": {"by_source": {name: rng.randint(0, 4) for name in sorted(SOURCES)}},
        "data_quality": {"events_read": total_commands + openai, "rejected": {"bad_amount": rng.randint(0, 2)} if rng.random() < 0.2 else {}},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=1095)
    parser.add_argument("--end", default="2026-11-25", help="last day, in progress (YYYY-MM-DD)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("state")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    end = dt.date.fromisoformat(args.end)
    folder = os.path.join(args.state, "snapshots")
    os.makedirs(folder, exist_ok=True)
    for index in range(args.days):
        day = end - dt.timedelta(days=args.days - 1 - index)
        data = snapshot(day, index, args.days, rng, complete=index < args.days - 1)
        with open(os.path.join(folder, f"{day.isoformat()}.json"), "w", encoding="utf-8") as file:
            json.dump(data, file, indent=2, ensure_ascii=False)
            file.write("\n")


if __name__ == "__main__":
    main()
