#!/usr/bin/env python3
"""Write what a bot adds to Redis between two cron runs, as RESP on stdout.

    redis-cli -p 6379 --raw HKEYS sentinel:users >users.txt
    redis-cli -p 6379 --raw HKEYS sentinel:subscriptions >subscribers.txt
    python3 bench/generate_increment.py --users users.txt --subscribers subscribers.txt \\
        --after-id "$(redis-cli -p 6379 --raw XREVRANGE sentinel:events + - COUNT 1 | head -n 1)" \\
        --from-ms 1764057600000 | redis-cli -p 6379 --pipe

It continues data made by bench/generate_events.py (Redis contract version 1,
default prefix `sentinel:`) with --entries (350, about 15 minutes of the
default 1,000,000 events over 30 days) new stream entries, their times spread
over the --minutes (15) after --from-ms (the previous run's `--now`), strictly
after it and strictly before --from-ms + --minutes (the next run's `--now`),
with explicit IDs after --after-id (the stream's last entry).

The mix is generate_events.py's, in exact proportions rather than drawn
entry by entry, so that 350 entries hold every type: 3% registrations (its
cap, the share of the default stream), then of the rest 82% commands, 15% API
calls, 2.5% errors, 0.4% conversions and 0.1% cancellations, with at least one
API call, error, conversion and cancellation; the types come in a random
order. The entries agree with the hashes, as a bot writes them:

- a registration is a new user (an id that is not in --users), with
  `HSET sentinel:users <user> <ms>`;
- a conversion goes to a user who is not a subscriber, with
  `HSET sentinel:subscriptions`, a cancellation to a subscriber, with
  `HDEL sentinel:subscriptions` (either is replaced by a command when no
  such user is found quickly);
- every other entry's user is one who has registered by then.

--users and --subscribers list the ids in the two hashes, one per line (the
order does not matter: they are sorted). The output only depends on the
arguments and on those sets of ids: the same --seed gives the same bytes.
A summary goes to stderr.
"""

import argparse
import os
import random
import sys

sys.dont_write_bytecode = True   # no bench/__pycache__ left behind by the import below
import generate_events as gen   # noqa: E402  (the mix and the encoding are the generator's)

PLAN = '{"amount":"9.99","interval":"month"}'   # as generate_events.py writes it
MINUTE_MS = 60_000


def command(*arguments):
    """One Redis command as a RESP array of bulk strings."""
    return b"*%d\r\n" % len(arguments) + b"".join(gen.bulk(argument) for argument in arguments)


def read_ids(path):
    with open(path, encoding="utf-8") as file:
        return sorted({line.strip() for line in file if line.strip()})


def parse_id(text, parser):
    ms, dash, seq = text.partition("-")
    if not (ms.isdigit() and dash and seq.isdigit()):
        parser.error(f"--after-id {text!r} is not a stream ID <ms>-<seq>")
    return int(ms), int(seq)


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", required=True, help="file of the ids in sentinel:users, one per line")
    parser.add_argument("--subscribers", required=True, help="file of the ids in sentinel:subscriptions")
    parser.add_argument("--after-id", required=True, help="the stream's last entry ID")
    parser.add_argument("--from-ms", type=int, required=True, help="the previous run's --now, unix ms")
    parser.add_argument("--minutes", type=int, default=15, help="minutes covered (default 15)")
    parser.add_argument("--entries", type=int, default=350, help="stream entries (default 350)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    arguments = parser.parse_args()
    if arguments.entries < 10 or arguments.minutes < 1 or arguments.from_ms < 0:
        parser.error("expected --entries >= 10, --minutes >= 1 and --from-ms >= 0")
    arguments.last_id = parse_id(arguments.after_id, parser)
    if arguments.last_id[0] > arguments.from_ms:
        parser.error(f"--after-id {arguments.after_id} is after --from-ms {arguments.from_ms}")
    arguments.users = read_ids(arguments.users)
    if not arguments.users:
        parser.error("--users lists no user (every event but an API call needs one)")
    arguments.subscribers = read_ids(arguments.subscribers)
    return arguments


def type_counts(entries):
    """How many entries of each type: the generator's shares, rounded."""
    registrations = round(entries * gen.REGISTRATION_CAP)
    rest = entries - registrations
    counts = {
        "registration": registrations,
        "api_call": max(1, round(rest * (gen.P_API_CALL - gen.P_COMMAND))),
        "error": max(1, round(rest * (gen.P_ERROR - gen.P_API_CALL))),
        "conversion": max(1, round(rest * (gen.P_CONVERSION - gen.P_ERROR))),
        "cancellation": max(1, round(rest * (1.0 - gen.P_CONVERSION))),
    }
    counts["command"] = entries - sum(counts.values())
    return counts


def main():
    arguments = parse_arguments()
    rng = random.Random(arguments.seed)
    rand = rng.random

    users = arguments.users             # registered so far, in a fixed order
    known = set(users)
    subscribers = arguments.subscribers
    subscribed = set(subscribers)

    kinds = [kind for kind, count in type_counts(arguments.entries).items() for _ in range(count)]
    rng.shuffle(kinds)
    span = arguments.minutes * MINUTE_MS
    times = sorted(rng.randrange(arguments.from_ms + 1, arguments.from_ms + span) for _ in kinds)

    events = gen.KEY_PREFIX + "events"
    out = []
    written = dict.fromkeys(["registration", "command", "api_call", "error", "conversion", "cancellation"], 0)
    previous_ms, seq = arguments.last_id
    first_id = None
    for kind, ms in zip(kinds, times):
        seq = seq + 1 if ms == previous_ms else 0
        previous_ms = ms
        entry_id = f"{ms}-{seq}"
        first_id = first_id or entry_id
        if kind == "registration":
            user = str(rng.randrange(100_000_000, 8_000_000_000))
            while user in known:
                user = str(rng.randrange(100_000_000, 8_000_000_000))
            known.add(user)
            users.append(user)
            out.append(command("HSET", gen.KEY_PREFIX + "users", user, str(ms)))
            out.append(command("XADD", events, entry_id, "type", "registration", "user", user,
                               "source", rng.choice(gen.SOURCES)))
            written[kind] += 1
            continue
        user = users[int(rand() * len(users))]
        if kind == "conversion":
            for _ in range(50):
                if user not in subscribed:
                    break
                user = users[int(rand() * len(users))]
            else:
                kind = "command"
            if kind == "conversion":
                subscribed.add(user)
                subscribers.append(user)
                out.append(command("XADD", events, entry_id, "type", "conversion", "user", user,
                                   "amount", "9.99", "interval", "month"))
                out.append(command("HSET", gen.KEY_PREFIX + "subscriptions", user, PLAN))
        elif kind == "cancellation":
            if subscribers:
                user = subscribers.pop(int(rand() * len(subscribers)))
                subscribed.discard(user)
                out.append(command("XADD", events, entry_id, "type", "cancellation", "user", user,
                                   "amount", "9.99", "interval", "month"))
                out.append(command("HDEL", gen.KEY_PREFIX + "subscriptions", user))
            else:
                kind = "command"
        if kind == "command":
            latency = rng.lognormvariate(6.0, 0.8)
            latency = f"{latency:.1f}" if rand() < 0.1 else str(max(1, int(latency)))
            out.append(command("XADD", events, entry_id, "type", "command", "user", user,
                               "name", rng.choices(gen.COMMANDS, gen.COMMAND_WEIGHTS)[0], "latency_ms", latency))
        elif kind == "api_call":
            if rand() < 0.6:
                fields = ["provider", "openai", "model", rng.choice(["gpt-4o-mini", "gpt-4o"]),
                          "cost", f"{rng.uniform(0.0002, 0.02):.4f}",
                          "latency_ms", str(int(rng.lognormvariate(6.5, 0.5)))]
            else:
                fields = ["provider", "coingecko", "cost", "0",
                          "latency_ms", str(int(rng.lognormvariate(4.5, 0.5)))]
            if rand() < 0.9:
                fields += ["user", user]
            out.append(command("XADD", events, entry_id, "type", "api_call", *fields))
        elif kind == "error":
            out.append(command("XADD", events, entry_id, "type", "error", "user", user,
                               "name", rng.choice(gen.ERROR_COMPONENTS), "kind", rng.choice(gen.ERROR_KINDS)))
        written[kind] += 1

    sys.stdout.buffer.write(b"".join(out))
    labels = {"registration": "registration", "command": "command", "api_call": "API call",
              "error": "error", "conversion": "conversion", "cancellation": "cancellation"}
    summary = ", ".join(f"{count} {labels[kind]}{'' if count == 1 else 's'}" for kind, count in written.items())
    print(f"generate_increment: {len(kinds)} entries, {first_id} to {entry_id}: {summary}", file=sys.stderr)


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
