"""Fuzzed input through a real Redis: 100,000 random stream entries and
random hash values (random field names and bytes, values up to 64 KB,
invalid UTF-8, huge, negative and exponent numbers) mixed among valid
events. `sentinel-gen snapshot` must not crash or hang, must count every
entry it reads as accepted or rejected, and must give the valid events
the same figures as without the noise.

Run from the repository root (after `swift build`)::

    python3 -m unittest discover -s system-tests -p test_fuzz.py -v
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

import support

SEED = int(os.environ.get("SENTINEL_FUZZ_SEED", "20261126"))
NOISE = int(os.environ.get("SENTINEL_FUZZ_ENTRIES", "100000"))
NOW_MS = 1795600000000            # 2026-11-25T...Z
DAY = 86_400_000
START_MS = NOW_MS - 30 * DAY
NOW = "2026-11-25T10:26:40Z"

FIELDS = ["type", "user", "name", "source", "provider", "amount", "cost", "currency", "interval", "latency_ms",
          "plan", "kind", "model", "", "Type", "TYPE", "user ", "x" * 300, "naïve", "\u202efield"]
TYPES = ["registration", "command", "error", "conversion", "cancellation", "api_call"]
NUMBERS = ["-1", "1e3", ".5", "1,5", "99999999999999999999", "0x10", "NaN", "inf", "", " 1", "1.1234567",
           "12345678901234", "9.99.9", "+3", "1e-7", "0.", "٣", "１"]


def junk(rng: random.Random) -> bytes:
    """Random bytes: text, invalid UTF-8, control characters, sometimes large."""
    roll = rng.random()
    if roll < 0.01:
        return rng.randbytes(rng.randint(1024, 65536))
    if roll < 0.3:
        return rng.randbytes(rng.randint(0, 40))
    if roll < 0.5:
        return rng.choice(NUMBERS).encode()
    if roll < 0.6:
        return rng.choice([b"\xff\xfe", b"\xc3", b"a\x00b", b"\x7f", b"\xed\xa0\x80", b"\xf4\x90\x80\x80"])
    return "".join(rng.choice("abc/<>&\"'|*`[]é漢字🙂 \t") for _ in range(rng.randint(0, 80))).encode()


def invalid_entry(rng: random.Random) -> "list[bytes]":
    """A random entry that the contract must reject: random fields, and one
    defect that no random value can mend (checked by the test's reference
    run, which has none of these)."""
    fields: "dict[bytes, bytes]" = {}
    for _ in range(rng.randint(0, 8)):
        fields[rng.choice(FIELDS).encode()] = junk(rng)
    defect = rng.randrange(6)
    kind = rng.choice(TYPES)
    if defect == 0:     # no type, or one outside the contract
        fields.pop(b"type", None)
        if rng.random() < 0.5:
            fields[b"type"] = rng.choice([b"Command", b"commands", b"", b"\xff", b"bogus", b"registration "])
    elif defect == 1:   # a required field missing
        fields[b"type"] = kind.encode()
        required = {"registration": [b"user"], "command": [b"user", b"name"], "error": [b"user"],
                    "conversion": [b"user", b"amount"], "cancellation": [b"user", b"amount"], "api_call": [b"provider"]}[kind]
        if kind == "error":   # an error needs nothing: make its user malformed instead
            fields[b"user"] = rng.choice([b"", b"a\x01b", b"\xff", b"u" * 129])
        else:
            for name in required:
                fields.pop(name, None)
    elif defect == 2:   # a malformed money value
        fields[b"type"] = rng.choice([b"conversion", b"cancellation", b"api_call"])
        fields[b"user"], fields[b"provider"] = b"fuzz-user", b"fuzz-provider"
        fields[b"amount" if fields[b"type"] != b"api_call" else b"cost"] = rng.choice(NUMBERS).encode()
    elif defect == 3:   # a malformed latency
        fields[b"type"] = b"command"
        fields[b"user"], fields[b"name"] = b"fuzz-user", b"fuzz"
        fields[b"latency_ms"] = rng.choice(NUMBERS + ["1234567890", "-5"]).encode()
    elif defect == 4:   # a bad text field: control characters, invalid UTF-8, too long
        fields[b"type"] = b"command"
        fields[b"user"] = b"fuzz-user"
        fields[b"name"] = rng.choice([b"a\x00b", b"\xc3\x28", b"n" * 65, b"/", b"x\x7fy", b"\xed\xa0\x80"])
    else:               # an unknown currency or interval
        fields[b"type"] = b"conversion"
        fields[b"user"], fields[b"amount"] = b"fuzz-user", b"9.99"
        if rng.random() < 0.5:
            fields[b"currency"] = rng.choice([b"XXX", b"eur", b"EURO", b"\xff\xfe\xfd"])
        else:
            fields[b"interval"] = rng.choice([b"week", b"Month", b"", b"yearly"])
    flat: "list[bytes]" = []
    for name, value in fields.items():
        flat += [name, value]
    if not flat:
        flat = [b"note", junk(rng)]
    return flat


def valid_events(rng: random.Random) -> "list[tuple[int, list[bytes]]]":
    events = []
    for n in range(400):
        user = f"fz-{n}".encode()
        at = START_MS + rng.randrange(29 * DAY)
        events.append((at, [b"type", b"registration", b"user", user, b"source", rng.choice([b"organic", b"ref:x"])]))
        for _ in range(rng.randint(1, 20)):
            moment = at + rng.randrange(NOW_MS - at)
            events.append((moment, [b"type", b"command", b"user", user, b"name", rng.choice([b"analyze", b"price", b"/alert"]),
                                    b"latency_ms", str(rng.randint(10, 3000)).encode()]))
            if rng.random() < 0.3:
                events.append((moment + 1, [b"type", b"api_call", b"provider", b"openai", b"cost", b"0.0021"]))
            if rng.random() < 0.05:
                events.append((moment + 2, [b"type", b"error", b"name", b"analyze", b"kind", b"Timeout"]))
        if rng.random() < 0.1:
            events.append((at + 1000, [b"type", b"conversion", b"user", user, b"amount", b"9.99"]))
    return events


def resp(commands: "list[list[bytes]]") -> bytes:
    out = bytearray()
    for command in commands:
        out += b"*%d\r\n" % len(command)
        for argument in command:
            out += b"$%d\r\n%s\r\n" % (len(argument), argument)
    return bytes(out)


class FuzzTests(unittest.TestCase):
    def test_noise_is_counted_and_changes_no_figure(self):
        rng = random.Random(SEED)
        valid = valid_events(rng)
        first, last = min(at for at, _ in valid), max(at for at, _ in valid)
        noise = [(rng.randrange(first, last), invalid_entry(rng)) for _ in range(NOISE)]
        users = [[b"HSET", b"sentinel:users", f"fz-{n}".encode(), str(START_MS + n).encode()] for n in range(400)]
        bad_hashes = [[b"HSET", b"sentinel:users", b"bad-%d-" % n + junk(rng)[:60], rng.choice([b"soon", b"-", b"1e3", b"", b"12a"])]
                      for n in range(2000)]
        bad_hashes += [[b"HSET", b"sentinel:subscriptions", f"sub-{n}".encode(),
                        rng.choice([b"{", b"null", b"[]", b'{"amount":9.99}', b'{"amount":"x"}', junk(rng)])]
                       for n in range(2000)]

        work = tempfile.mkdtemp(prefix="sentinel-fuzz-")
        self.addCleanup(shutil.rmtree, work, True)
        server = support.RedisServer()
        self.addCleanup(server.stop)

        def load(db: int, entries, hashes) -> None:
            ordered = sorted(entries, key=lambda item: item[0])
            commands, last_at, sequence = [[b"SELECT", str(db).encode()]], -1, 0
            for at, fields in ordered:
                sequence = sequence + 1 if at == last_at else 0
                last_at = at
                commands.append([b"XADD", b"sentinel:events", f"{at}-{sequence}".encode()] + fields)
            commands += hashes
            result = subprocess.run(["redis-cli", "-p", str(server.port), "--pipe"], input=resp(commands),
                                    capture_output=True, timeout=300)
            self.assertEqual(result.returncode, 0, result.stdout[-500:] + result.stderr[-500:])

        load(1, valid, users)
        load(2, valid + noise, users + bad_hashes)

        def snapshot(db: int) -> "dict[str, dict]":
            state = f"{work}/state{db}"
            result = subprocess.run([str(support.sentinel_gen()), "snapshot", "--config", "/dev/null", "--state", state,
                                     "--redis", f"redis://127.0.0.1:{server.port}/{db}", "--now", NOW],
                                    capture_output=True, text=True, timeout=300)
            self.assertEqual(result.returncode, 0, result.stderr[-2000:])
            self.assertNotIn("fz-", result.stderr + result.stdout)
            return {path.stem: json.loads(path.read_text("utf-8")) for path in Path(state, "snapshots").glob("*.json")}

        clean, noisy = snapshot(1), snapshot(2)
        self.assertEqual(sorted(clean), sorted(noisy))
        read = 0
        for day, figures in noisy.items():
            quality = figures["data_quality"]
            rejected = quality["rejected"]
            hash_rejections = rejected.get("bad_registered_at", 0) + rejected.get("bad_subscription", 0)
            accepted = (sum(figures["acquisition"]["by_source"].values()) + figures["engagement"]["commands"]
                        + figures["engagement"]["errors"] + figures["revenue"]["conversions"]
                        + figures["revenue"]["cancellations"] + sum(p["calls"] for p in figures["costs"]["api"].values()))
            self.assertEqual(quality["events_read"], accepted + sum(rejected.values()) - hash_rejections, day)
            self.assertEqual(hash_rejections, 4000, day)
            read += quality["events_read"]
            # Without data quality, the day is the same as without the noise.
            for snapshot_figures in (figures, clean[day]):
                snapshot_figures.pop("data_quality")
            self.assertEqual(figures, clean[day], day)
        self.assertEqual(read, len(valid) + NOISE)
        print(f"\nfuzz: {NOISE:,} noise entries and 4,000 bad hash values among {len(valid):,} valid events "
              f"(seed {SEED}): all counted, figures unchanged", flush=True)


if __name__ == "__main__":
    unittest.main()
