#!/usr/bin/env python3
"""Write benchmark data for sentinel-gen as Redis protocol (RESP) on stdout.

    python3 bench/generate_events.py | redis-cli -p 6379 --pipe

Everything follows the Redis contract (version 1, default prefix `sentinel:`):

- `sentinel:events`: --events stream entries over the --days days ending at
  --end-ms (the last one before it), written with explicit, strictly
  increasing IDs `<ms>-<seq>` as a backfill would;
- `sentinel:users`: every user's registration time;
- `sentinel:subscriptions`: about 10% of the users, 9.99 a month in the
  default revenue currency (no currency given, so no exchange rate is needed).

The mix, roughly: 30% of the users register inside the window (one
`registration` event each, capped at 3% of the events), the others earlier;
of the remaining events 82% are commands, 15% API calls, 2.5% errors, 0.4%
conversions and 0.1% cancellations. An event's user is always one who has
registered by then. A conversion goes to a subscriber who has not converted
yet in the window, a cancellation to a non-subscriber who has not cancelled
yet, so the events agree with the hashes (they are replaced by a command when
no such user is found quickly).

The output only depends on the arguments: the same --seed gives the same bytes.
"""

import argparse
import os
import random
import sys

KEY_PREFIX = "sentinel:"
DAY_MS = 86_400_000

# 2025-11-25T08:00:00Z.
DEFAULT_END_MS = 1_764_057_600_000

COMMANDS = [
    "analyze", "price", "alert", "portfolio", "start", "help", "chart",
    "news", "watchlist", "signal", "compare", "convert", "settings", "subscribe",
    "top", "gas", "whale", "trend", "history", "summary",
]
# Relative popularity of COMMANDS (a few dominate, as in any bot).
COMMAND_WEIGHTS = [30, 25, 12, 10, 3, 4, 6, 5, 5, 4, 3, 3, 2, 1, 3, 2, 2, 3, 2, 2]
SOURCES = ["organic"] * 6 + ["ads"] * 2 + ["channel:cryptonews", "ref:alice", "ref:bob", "ref:k7f2"]
ERROR_KINDS = ["timeout", "rate_limited", "upstream_5xx", "bad_input", "internal"]
ERROR_COMPONENTS = COMMANDS[:6] + ["openai", "coingecko", "scheduler"]

NEW_USER_SHARE = 0.30      # users registered inside the window
REGISTRATION_CAP = 0.03    # at most this share of the events are registrations
SUBSCRIBER_SHARE = 0.10    # users in sentinel:subscriptions
# Cumulative thresholds of the non-registration event types.
P_COMMAND = 0.82
P_API_CALL = P_COMMAND + 0.15
P_ERROR = P_API_CALL + 0.025
P_CONVERSION = P_ERROR + 0.004
# The rest (0.1%) are cancellations.

POOL = 4096                # size of the pools of pre-encoded random values
FLUSH_EVERY = 50_000       # entries per write to stdout
HSET_BATCH = 1_000         # field/value pairs per HSET


def bulk(value):
    """One RESP bulk string."""
    data = value.encode() if isinstance(value, str) else value
    return b"$%d\r\n%s\r\n" % (len(data), data)


def header(argc):
    """The start of an XADD of `argc` arguments, key included."""
    return b"*%d\r\n" % argc + bulk("XADD") + bulk(KEY_PREFIX + "events")


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="stream entries (default 1000000)")
    parser.add_argument("--users", type=int, default=100_000, help="users (default 100000)")
    parser.add_argument("--days", type=int, default=30, help="days covered by the stream (default 30)")
    parser.add_argument("--end-ms", type=int, default=DEFAULT_END_MS,
                        help=f"end of the window, unix ms, exclusive (default {DEFAULT_END_MS})")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    arguments = parser.parse_args()
    if arguments.events < 0 or arguments.users < 1 or arguments.days < 1 or arguments.end_ms <= arguments.days * DAY_MS:
        parser.error("expected --events >= 0, --users >= 1, --days >= 1 and --end-ms after --days days since 1970")
    return arguments


def main():
    arguments = parse_arguments()
    rng = random.Random(arguments.seed)
    rand = rng.random
    write = sys.stdout.buffer.write

    events, users, end_ms = arguments.events, arguments.users, arguments.end_ms
    start_ms = end_ms - arguments.days * DAY_MS
    span = end_ms - start_ms

    # Users 0 .. old-1 registered before the window (up to a year before it),
    # users old .. users-1 inside it, in the order of their registration.
    new_users = min(round(users * NEW_USER_SHARE), round(events * REGISTRATION_CAP))
    old = users - new_users
    ids = [str(n) for n in rng.sample(range(100_000_000, 8_000_000_000), users)]
    registered = [start_ms - 1 - int(rand() * 365 * DAY_MS) for _ in range(old)]
    registered += sorted(start_ms + int(rand() * span) for _ in range(new_users))
    user_bulks = [bulk("user") + bulk(user) for user in ids]
    subscriber = [rand() < SUBSCRIBER_SHARE for _ in range(users)]

    # Every entry's time, shifted left by one bit: a clear low bit marks a
    # registration. One sort of plain ints puts them all in time order.
    times = [start_ms + int(rand() * span) << 1 | 1 for _ in range(events - new_users)]
    times += [t << 1 for t in registered[old:]]
    times.sort()

    # Pre-encoded field/value pairs, so that the loop mostly concatenates bytes.
    command_pool = [bulk("name") + bulk(name) for name in rng.choices(COMMANDS, COMMAND_WEIGHTS, k=POOL)]
    # Command latency: mostly a few hundred ms, a long tail, some fractional.
    latency_pool = []
    for _ in range(POOL):
        latency = rng.lognormvariate(6.0, 0.8)
        text = f"{latency:.1f}" if rand() < 0.1 else str(max(1, int(latency)))
        latency_pool.append(bulk("latency_ms") + bulk(text))
    api_pool = []
    for _ in range(POOL):
        if rand() < 0.6:
            pair = bulk("provider") + bulk("openai") + bulk("model") + bulk(rng.choice(["gpt-4o-mini", "gpt-4o"]))
            pair += bulk("cost") + bulk(f"{rng.uniform(0.0002, 0.02):.4f}")
            pair += bulk("latency_ms") + bulk(str(int(rng.lognormvariate(6.5, 0.5))))
            api_pool.append((13, pair))  # XADD's argc without a user
        else:
            pair = bulk("provider") + bulk("coingecko") + bulk("cost") + bulk("0")
            pair += bulk("latency_ms") + bulk(str(int(rng.lognormvariate(4.5, 0.5))))
            api_pool.append((11, pair))
    error_pool = [bulk("name") + bulk(rng.choice(ERROR_COMPONENTS)) + bulk("kind") + bulk(rng.choice(ERROR_KINDS))
                  for _ in range(POOL)]
    source_pool = [bulk("source") + bulk(rng.choice(SOURCES)) for _ in range(POOL)]

    type_registration = bulk("type") + bulk("registration")
    type_command = bulk("type") + bulk("command")
    type_api_call = bulk("type") + bulk("api_call")
    type_error = bulk("type") + bulk("error")
    type_conversion = bulk("type") + bulk("conversion")
    type_cancellation = bulk("type") + bulk("cancellation")
    payment = bulk("amount") + bulk("9.99") + bulk("interval") + bulk("month")
    headers = {argc: header(argc) for argc in (9, 11, 13, 15)}

    chunk = []
    append = chunk.append
    eligible = old          # users registered so far: indices 0 .. eligible-1
    converted = set()
    cancelled = set()
    previous_ms, seq = -1, 0
    for count, key in enumerate(times, 1):
        ms = key >> 1
        seq = seq + 1 if ms == previous_ms else 0
        previous_ms = ms
        entry_id = b"%d-%d" % (ms, seq)
        entry_id = b"$%d\r\n%s\r\n" % (len(entry_id), entry_id)
        if not key & 1:
            append(headers[9] + entry_id + type_registration + user_bulks[eligible] + source_pool[int(rand() * POOL)])
            eligible += 1
        else:
            user = int(rand() * eligible)
            roll = rand()
            if roll >= P_ERROR:
                # A payment needs a fitting user: look for one a few times,
                # else write a command instead.
                wants_subscriber = roll < P_CONVERSION
                done = converted if wants_subscriber else cancelled
                for _ in range(50):
                    if subscriber[user] == wants_subscriber and user not in done:
                        done.add(user)
                        kind = type_conversion if wants_subscriber else type_cancellation
                        append(headers[11] + entry_id + kind + user_bulks[user] + payment)
                        break
                    user = int(rand() * eligible)
                else:
                    roll = 0.0
            if roll < P_COMMAND:
                append(headers[11] + entry_id + type_command + user_bulks[user]
                       + command_pool[int(rand() * POOL)] + latency_pool[int(rand() * POOL)])
            elif roll < P_API_CALL:
                argc, pair = api_pool[int(rand() * POOL)]
                if rand() < 0.9:
                    append(headers[argc + 2] + entry_id + type_api_call + pair + user_bulks[user])
                else:
                    append(headers[argc] + entry_id + type_api_call + pair)
            elif roll < P_ERROR:
                append(headers[11] + entry_id + type_error + user_bulks[user] + error_pool[int(rand() * POOL)])
        if count % FLUSH_EVERY == 0:
            write(b"".join(chunk))
            chunk.clear()
    write(b"".join(chunk))

    # The hashes, many pairs per HSET.
    def hset(key, pairs):
        for offset in range(0, len(pairs), HSET_BATCH):
            batch = pairs[offset:offset + HSET_BATCH]
            write(b"*%d\r\n" % (2 + 2 * len(batch)) + bulk("HSET") + bulk(KEY_PREFIX + key)
                  + b"".join(bulk(field) + bulk(value) for field, value in batch))

    hset("users", [(ids[i], str(registered[i])) for i in range(users)])
    plan = '{"amount":"9.99","interval":"month"}'
    hset("subscriptions", [(ids[i], plan) for i in range(users) if subscriber[i]])


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:
        # The reader went away (redis-cli stopped, or the benchmark was
        # interrupted): no traceback, and no second error when Python
        # flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
