"""Record a Telegram bot's analytics events in Redis for Sentinel.

This module writes what the Sentinel Redis contract (version 1) describes
and nothing else: one entry per event in the ``<prefix>events`` stream, the
registration time of each user in the ``<prefix>users`` hash and each user's
active paid subscription in the ``<prefix>subscriptions`` hash.
``sentinel-gen`` reads these keys and publishes the KPI site.

It depends on redis-py only (``pip install redis``; written for version 4.2
or newer, tested with 8.1) and offers the same API twice:

* :class:`Tracker` for synchronous code (``redis.Redis``);
* :class:`AsyncTracker` for asyncio code (``redis.asyncio.Redis``), whose
  methods are coroutines.

Both share one validation layer: every argument is checked against the
contract's rules *before* anything is sent to Redis, and a bad argument
raises :class:`SentinelValueError` (a ``ValueError``) whose ``reason`` is
the contract's rejection reason (``missing_user``, ``bad_amount``, ...) and
whose ``field`` names the argument. The checks run in the contract's order,
so the reason is the one sentinel-gen would have given the entry.

Quick start::

    from decimal import Decimal
    from sentinel_tracker import Tracker

    tracker = Tracker("redis://127.0.0.1:6379/0", fail_silently=True)
    tracker.registration(42, source="ref:alice")
    with tracker.track_command(42, "analyze"):
        answer = analyze()                       # timed; errors recorded
    tracker.api_call("openai", cost=Decimal("0.0021"), latency_ms=790, user=42)
    tracker.conversion(42, Decimal("9.99"), currency="USD")

Value rules (see ``docs/redis-contract.md``):

* ``user``: ``str`` or ``int`` (a Telegram id); 1 to 128 bytes of UTF-8
  without control characters (U+0000-U+001F, U+007F).
* ``name`` (command or component): 1 to 64 bytes as written, same text rule;
  one leading ``/`` is allowed (the reader strips it), so ``"/"`` alone is
  ``bad_name``. It is written as given.
* ``provider``, ``source``: 1 to 64 bytes, same text rule.
* ``plan``, ``kind``, ``model``: any non-empty text.
* ``amount``, ``cost``: ``Decimal``, ``int`` or ``str`` in the contract
  format (1 to 12 digits, optionally ``.`` and 1 to 6 digits). **Floats are
  rejected** (``bad_amount`` / ``bad_cost``): a binary float such as ``9.99``
  is not the decimal it looks like, and money must stay exact. A ``Decimal``
  is written in plain notation (``Decimal("1E+3")`` -> ``"1000"``); one that
  needs more than 6 fractional digits is rejected rather than rounded.
* ``latency_ms``: ``int``, ``float``, ``Decimal`` or ``str``; a ``float`` or
  ``Decimal`` is rounded to the microsecond (3 fractional digits) and
  written without trailing zeros; at most 9 integer digits, never negative.
* ``currency``: ``None`` (the default) omits the field, so the reader uses
  its revenue currency; else three capital letters (``bad_currency``). The
  tracker cannot know which currencies the reader has exchange rates for
  (``unknown_currency`` is decided by sentinel-gen's configuration).
* ``interval``: ``"month"`` or ``"year"``.
* ``at``: see *Timestamps and backfills* below.

Consistency of the hashes with the stream. Each of these writes is one
MULTI/EXEC transaction (a redis-py pipeline with ``transaction=True``,
guarded by WATCH so that the decision below and the write are atomic):

* :meth:`~Tracker.registration` sets ``users[user]`` to the registration
  time in unix milliseconds (HSETNX) and adds the ``registration`` entry,
  only if the user is not registered yet. For a known user nothing is
  written and ``None`` is returned, so calling it on every ``/start`` is
  safe.
* :meth:`~Tracker.conversion` sets ``subscriptions[user]`` to
  ``{"plan", "amount" (a string), "currency", "interval", "since"}`` and adds
  the ``conversion`` entry. If the same subscription is already stored (a
  webhook delivered twice) nothing is written. If a *different* one is
  stored, the transaction also writes a ``cancellation`` of the stored one
  first: a plan change is a cancellation and a conversion.
* :meth:`~Tracker.cancellation` deletes ``subscriptions[user]`` (HDEL) and
  adds the ``cancellation`` entry, describing the subscription that was
  stored (which is what MRR counted; a warning is logged if the arguments
  differ from it). With no subscription stored nothing is written.

The other events (``command``, ``error``, ``api_call``) are one XADD each.

Retention. Every XADD trims the stream with
``MINID ~ <event time - retention>`` (30 days by default), so Redis keeps
about the last 30 days; ``retention=None`` turns trimming off.

Timestamps and backfills. Without ``at`` an entry gets a Redis-generated ID
(``*``): its time is the Redis server's clock, while the registration time
and ``since`` stored in the hashes come from this process's clock. Every
method also takes ``at=``: a timezone-aware ``datetime`` or an ``int`` of
unix milliseconds. The entry then gets an explicit ID ``<ms>-<seq>``, the
sequence number following the stream's last entry when it has the same
millisecond, and the hashes store that same time. Stream IDs must increase,
so a backfill writes its events in chronological order, into a stream whose
last entry is not later than the first backfilled event: an ``at`` before the
stream's last entry raises :class:`SentinelValueError` with reason
``at_not_increasing``, before anything is written. With ``at``, trimming is
relative to ``at``; pass ``retention=None`` to keep older history until
sentinel-gen has read it (see ``docs/integration.md``).

Redis outages. With ``fail_silently=True`` a Redis failure never reaches the
bot: connections use short timeouts (``timeout``, 0.5 s by default in this
mode) and no retries, a failed write is logged through :mod:`logging`
(logger ``sentinel_tracker``) and counted in :attr:`Tracker.failures`, the
method returns ``None``, and for ``retry_after`` seconds (5 by default)
further writes are skipped at once (and counted too) instead of each waiting
for a timeout. Invalid arguments still raise in this mode: they are bugs in
the calling code, not outages. Without it, Redis errors propagate as
redis-py's exceptions.

Return values. Every write method returns the stream ID (``str``) of the
event's entry, or ``None`` when nothing was written (a known user's
registration, a duplicate conversion, a cancellation with no subscription
stored, or a silenced Redis failure).
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import json
import logging
import os
import random
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any, Callable, Optional, Union

import redis
import redis.asyncio
from redis.backoff import NoBackoff
from redis.exceptions import ResponseError, WatchError

__all__ = [
    "AsyncTracker",
    "SentinelValueError",
    "Tracker",
    "DEFAULT_PREFIX",
    "DEFAULT_RETENTION",
]

__version__ = "1.0.0"

#: Key prefix used when none is given (sentinel-gen's default too).
DEFAULT_PREFIX = "sentinel:"
#: How much history each XADD asks Redis to keep.
DEFAULT_RETENTION = timedelta(days=30)
#: Socket timeout, in seconds, used by ``fail_silently`` mode by default.
SILENT_TIMEOUT = 0.5

logger = logging.getLogger("sentinel_tracker")

UserId = Union[str, int]
Money = Union[Decimal, int, str]
Latency = Union[int, float, Decimal, str]
Timestamp = Union[datetime, int]

_MONEY = re.compile(r"[0-9]{1,12}(?:\.[0-9]{1,6})?")
_LATENCY = re.compile(r"[0-9]{1,9}(?:\.[0-9]{1,6})?")
_CURRENCY = re.compile(r"[A-Z]{3}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MS = timedelta(milliseconds=1)
_MICROSECOND = Decimal("0.001")  # in milliseconds

#: WATCH conflicts tolerated before a write gives up (WatchError).
_MAX_ATTEMPTS = 32


def _backoff(attempt: int) -> float:
    """Seconds to wait after the ``attempt``-th WATCH conflict: random, so
    that writers contending for one hash stop colliding; at most 50 ms."""
    return random.uniform(0, min(0.05, 0.001 * 2 ** attempt))


class SentinelValueError(ValueError):
    """An argument breaks the Redis contract; nothing was written.

    ``reason`` is the contract's rejection reason (``missing_user``,
    ``bad_amount``, ``bad_name``, ...) or, for ``at``, ``bad_at`` or
    ``at_not_increasing``; ``field`` is the argument's contract name
    (``user``, ``amount``, ``latency_ms``, ``at``, ...).
    """

    def __init__(self, reason: str, field: str, detail: str) -> None:
        super().__init__(f"{reason}: {field} {detail}")
        self.reason = reason
        self.field = field


# --------------------------------------------------------------------------
# Validation: pure functions shared by both trackers.
# --------------------------------------------------------------------------


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value == "")


def _require(value: Any, name: str) -> None:
    """A required field: absent or empty is ``missing_<name>``."""
    if _missing(value):
        raise SentinelValueError(f"missing_{name}", name, "is required")


def _utf8(value: str, name: str) -> bytes:
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError:
        raise SentinelValueError(f"bad_{name}", name, "is not valid UTF-8 (lone surrogate)") from None


def _text(value: Any, name: str, max_bytes: int, allow_int: bool = False) -> str:
    """Contract text: 1 to ``max_bytes`` bytes of UTF-8, no control character."""
    if allow_int and isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        kinds = "str or int" if allow_int else "str"
        raise SentinelValueError(f"bad_{name}", name, f"must be {kinds}, not {type(value).__name__}")
    size = len(_utf8(value, name))
    if size == 0:
        raise SentinelValueError(f"bad_{name}", name, "is empty")
    if size > max_bytes:
        raise SentinelValueError(f"bad_{name}", name, f"is {size} bytes, more than {max_bytes}")
    if _CONTROL.search(value):
        raise SentinelValueError(f"bad_{name}", name, "holds a control character")
    return value


def _user(value: Any) -> str:
    return _text(value, "user", 128, allow_int=True)


def _name(value: Any) -> str:
    """A command or component name: text of 1 to 64 bytes as written, not
    empty once one leading ``/`` is stripped. Written as given."""
    text = _text(value, "name", 64)
    if text == "/":
        raise SentinelValueError("bad_name", "name", "is empty after its leading '/'")
    return text


def _label(value: Any, name: str) -> str:
    """``plan``, ``kind``, ``model``: non-empty UTF-8 text."""
    if not isinstance(value, str):
        raise SentinelValueError(f"bad_{name}", name, f"must be str, not {type(value).__name__}")
    if value == "":
        raise SentinelValueError(f"bad_{name}", name, "is empty")
    _utf8(value, name)
    return value


def _plain(number: Decimal, name: str) -> str:
    """A finite, non-negative Decimal in plain notation; fractional digits past
    the sixth are dropped only when they are zeros (never rounded)."""
    if not number.is_finite():
        raise SentinelValueError(f"bad_{name}", name, "is not a finite number")
    if number.is_zero():
        number = abs(number)  # -0 is 0
    text = format(number, "f")
    whole, dot, fraction = text.partition(".")
    if len(fraction) > 6:
        fraction = fraction.rstrip("0")
    return f"{whole}.{fraction}" if fraction else whole


def _money(value: Any, name: str) -> str:
    """``amount`` or ``cost``: Decimal, int or str in the contract format."""
    if isinstance(value, bool) or isinstance(value, float):
        raise SentinelValueError(
            f"bad_{name}", name,
            f"must be Decimal, int or str, not {type(value).__name__} (binary floats are not exact money)")
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, Decimal):
        text = _plain(value, name)
    elif isinstance(value, str):
        text = value
    else:
        raise SentinelValueError(f"bad_{name}", name, f"must be Decimal, int or str, not {type(value).__name__}")
    if not _MONEY.fullmatch(text):
        raise SentinelValueError(
            f"bad_{name}", name, "must be 1 to 12 digits, optionally '.' and 1 to 6 digits, not negative")
    return text


def _latency(value: Any) -> str:
    """``latency_ms``: a non-negative number of milliseconds."""
    name = "latency_ms"
    if isinstance(value, bool):
        raise SentinelValueError("bad_latency_ms", name, "must be a number, not bool")
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, (float, Decimal)):
        try:
            number = Decimal(value) if isinstance(value, float) else value
            if not number.is_finite():
                raise SentinelValueError("bad_latency_ms", name, "is not a finite number")
            text = _plain(number.quantize(_MICROSECOND, rounding=ROUND_HALF_EVEN), name)
        except InvalidOperation:
            raise SentinelValueError("bad_latency_ms", name, "is too large") from None
        whole, dot, fraction = text.partition(".")
        fraction = fraction.rstrip("0")
        text = f"{whole}.{fraction}" if fraction else whole
    elif isinstance(value, str):
        text = value
    else:
        raise SentinelValueError("bad_latency_ms", name, f"must be a number or str, not {type(value).__name__}")
    if not _LATENCY.fullmatch(text):
        raise SentinelValueError(
            "bad_latency_ms", name, "must be 1 to 9 digits, optionally '.' and 1 to 6 digits, not negative")
    return text


def _currency(value: Any) -> str:
    if not isinstance(value, str) or not _CURRENCY.fullmatch(value):
        raise SentinelValueError("bad_currency", "currency", "must be an ISO 4217 code: three capital letters")
    return value


def _interval(value: Any) -> str:
    if value not in ("month", "year") or not isinstance(value, str):
        raise SentinelValueError("bad_interval", "interval", "must be 'month' or 'year'")
    return value


def _at_ms(value: Any) -> Optional[int]:
    """``at``: None, an aware datetime, or unix milliseconds as an int."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise SentinelValueError("bad_at", "at", "must be timezone-aware (e.g. tzinfo=timezone.utc)")
        ms = (value - _EPOCH) // _MS
    elif isinstance(value, int) and not isinstance(value, bool):
        ms = value
    else:
        raise SentinelValueError(
            "bad_at", "at", f"must be an aware datetime or int unix milliseconds, not {type(value).__name__}")
    if ms < 0 or ms >= 10**15:
        raise SentinelValueError("bad_at", "at", "is out of range")
    return ms


@dataclass(frozen=True)
class _Entry:
    """One stream entry to add; ``fields`` starts with ``type``."""

    fields: dict
    effect: Optional[str] = None  # "register", "subscribe" or "unsubscribe"
    user: Optional[str] = None


@dataclass(frozen=True)
class _Write:
    """The validated entries of one call; ``entries[0]`` is the event returned."""

    entries: tuple
    at_ms: Optional[int] = None

    @property
    def effect(self) -> Optional[str]:
        return self.entries[0].effect

    @property
    def user(self) -> Optional[str]:
        return self.entries[0].user


def _registration(user: Any, source: Any) -> _Entry:
    _require(user, "user")
    fields = {"type": "registration", "user": _user(user)}
    if source is not None:
        fields["source"] = _text(source, "source", 64)
    return _Entry(fields, "register", fields["user"])


def _command(user: Any, name: Any, latency_ms: Any) -> _Entry:
    _require(user, "user")
    _require(name, "name")
    fields = {"type": "command", "user": _user(user), "name": _name(name)}
    if latency_ms is not None:
        fields["latency_ms"] = _latency(latency_ms)
    return _Entry(fields)


def _error(user: Any, name: Any, kind: Any) -> _Entry:
    fields = {"type": "error"}
    if user is not None:
        fields["user"] = _user(user)
    if name is not None:
        fields["name"] = _name(name)
    if kind is not None:
        fields["kind"] = _label(kind, "kind")
    return _Entry(fields)


def _payment(kind: str, user: Any, amount: Any, plan: Any, currency: Any, interval: Any) -> _Entry:
    _require(user, "user")
    _require(amount, "amount")
    fields = {"type": kind, "user": _user(user)}
    amount_text = _money(amount, "amount")
    if plan is not None:
        fields["plan"] = _label(plan, "plan")
    fields["amount"] = amount_text
    if currency is not None:
        fields["currency"] = _currency(currency)
    if interval is not None:
        fields["interval"] = _interval(interval)
    effect = "subscribe" if kind == "conversion" else "unsubscribe"
    return _Entry(fields, effect, fields["user"])


def _api_call(provider: Any, cost: Any, latency_ms: Any, user: Any, model: Any) -> _Entry:
    _require(provider, "provider")
    fields = {"type": "api_call", "provider": _text(provider, "provider", 64)}
    if cost is not None:
        fields["cost"] = _money(cost, "cost")
    if latency_ms is not None:
        fields["latency_ms"] = _latency(latency_ms)
    if user is not None:
        fields["user"] = _user(user)
    if model is not None:
        fields["model"] = _label(model, "model")
    return _Entry(fields)


# --------------------------------------------------------------------------
# Planning: what one write sends, given what Redis holds. Pure functions.
# --------------------------------------------------------------------------

_SUBSCRIPTION_KEYS = ("plan", "amount", "currency", "interval")


def _subscription(raw: Any) -> Optional[dict]:
    """A stored subscription as the reader would accept it, else None."""
    try:
        value = json.loads(raw)
    except (TypeError, ValueError):
        return None
    if not isinstance(value, dict):
        return None
    amount = value.get("amount")
    if not isinstance(amount, str) or not _MONEY.fullmatch(amount):
        return None
    result = {"amount": amount}
    if "plan" in value:
        if not isinstance(value["plan"], str) or value["plan"] == "":
            return None
        result["plan"] = value["plan"]
    if "currency" in value:
        if not isinstance(value["currency"], str) or not _CURRENCY.fullmatch(value["currency"]):
            return None
        result["currency"] = value["currency"]
    if "interval" in value:
        if value["interval"] not in ("month", "year"):
            return None
        result["interval"] = value["interval"]
    if "since" in value and (not isinstance(value["since"], int) or isinstance(value["since"], bool)):
        return None
    return result


def _same_subscription(a: dict, b: dict) -> bool:
    """Equal as the reader values them (defaults applied, amounts as numbers)."""
    return (Decimal(a["amount"]) == Decimal(b["amount"])
            and a.get("plan", "premium") == b.get("plan", "premium")
            and a.get("currency") == b.get("currency")
            and a.get("interval", "month") == b.get("interval", "month"))


def _payment_fields(kind: str, user: str, subscription: dict) -> dict:
    fields = {"type": kind, "user": user}
    for key in _SUBSCRIPTION_KEYS:
        if key in subscription:
            fields[key] = subscription[key]
    return fields


def _parse_id(raw: Any) -> tuple:
    text = raw.decode() if isinstance(raw, bytes) else str(raw)
    ms, _, seq = text.partition("-")
    return int(ms), int(seq or 0)


def _text_of(raw: Any) -> str:
    return raw.decode() if isinstance(raw, bytes) else str(raw)


@dataclass
class _Plan:
    """Commands of one transaction: ("xadd", fields, id) / ("hsetnx" |
    "hset" | "hdel", key, ...). ``primary`` indexes the returned entry."""

    ops: list = field(default_factory=list)
    primary: Optional[int] = None


class _Core:
    """Configuration, validation and planning shared by both trackers."""

    def __init__(self, prefix: str, retention: Optional[timedelta], fail_silently: bool,
                 retry_after: float) -> None:
        if not isinstance(prefix, str):
            raise TypeError("prefix must be a str")
        if retention is not None and (not isinstance(retention, timedelta) or retention <= timedelta(0)):
            raise ValueError("retention must be a positive timedelta or None")
        self.prefix = prefix
        self.events_key = prefix + "events"
        self.users_key = prefix + "users"
        self.subscriptions_key = prefix + "subscriptions"
        self.retention = retention
        self.fail_silently = fail_silently
        self.retry_after = retry_after
        #: Events not recorded because Redis failed (``fail_silently`` mode),
        #: including those skipped while waiting ``retry_after``.
        self.failures = 0
        #: The last Redis failure silenced, or None.
        self.last_error: Optional[BaseException] = None
        self._skip_until = 0.0
        self._lock = threading.Lock()

    # -- building writes ---------------------------------------------------

    @staticmethod
    def _write(entry: _Entry, at: Any) -> _Write:
        return _Write((entry,), _at_ms(at))

    @staticmethod
    def _now_ms() -> int:
        return time.time_ns() // 1_000_000

    def _plan(self, write: _Write, registered: bool, stored: Any, top: Any) -> _Plan:
        """The commands of ``write`` given the watched state: whether the user
        is registered, the stored subscription (raw), the stream's last ID."""
        at_ms = write.at_ms
        event_ms = at_ms if at_ms is not None else self._now_ms()
        plan = _Plan()
        entry = write.entries[0]
        user = write.user
        if write.effect == "register":
            if registered:
                return plan  # a known user: nothing to record
            plan.ops.append(("hsetnx", self.users_key, user, str(event_ms)))
        elif write.effect == "subscribe":
            new = {k: entry.fields[k] for k in _SUBSCRIPTION_KEYS if k in entry.fields}
            old = _subscription(stored) if stored is not None else None
            if old is not None:
                if _same_subscription(old, new):
                    return plan  # the same subscription again (a repeated webhook)
                plan.ops.append(("xadd", _payment_fields("cancellation", user, old), None))
            document = dict(new)
            document["since"] = event_ms
            plan.ops.append(("hset", self.subscriptions_key, user,
                             json.dumps(document, ensure_ascii=False, separators=(",", ":"))))
        elif write.effect == "unsubscribe":
            if stored is None:
                logger.info("sentinel: cancellation with no active subscription stored; nothing written")
                return plan
            plan.ops.append(("hdel", self.subscriptions_key, user))
            old = _subscription(stored)
            if old is not None:
                given = {k: entry.fields[k] for k in _SUBSCRIPTION_KEYS if k in entry.fields}
                if not _same_subscription(old, given):
                    logger.warning("sentinel: cancellation differs from the stored subscription; "
                                   "the stored subscription is recorded")
                entry = _Entry(_payment_fields("cancellation", user, old), entry.effect, user)
        first = True
        for item in write.entries:
            if first:
                plan.primary = len(plan.ops)
                plan.ops.append(("xadd", entry.fields, None))
                first = False
            else:
                plan.ops.append(("xadd", item.fields, None))
        self._assign_ids(plan, at_ms, top)
        return plan

    def _assign_ids(self, plan: _Plan, at_ms: Optional[int], top: Any) -> None:
        """Explicit increasing IDs ``ms-seq`` for a write with ``at``."""
        if at_ms is None:
            return
        seq = 0
        if top is not None:
            top_ms, top_seq = _parse_id(top)
            if top_ms > at_ms:
                raise SentinelValueError(
                    "at_not_increasing", "at",
                    f"is before the stream's last entry ({top_ms} ms): stream IDs must increase")
            if top_ms == at_ms:
                seq = top_seq + 1
        if at_ms == 0 and seq == 0:
            seq = 1  # 0-0 is not a valid stream ID
        for index, op in enumerate(plan.ops):
            if op[0] == "xadd":
                plan.ops[index] = ("xadd", op[1], f"{at_ms}-{seq}")
                seq += 1

    def _minid(self, write: _Write) -> Optional[int]:
        if self.retention is None:
            return None
        event_ms = write.at_ms if write.at_ms is not None else self._now_ms()
        minid = event_ms - self.retention // _MS
        return minid if minid > 0 else None

    def _queue(self, pipe: Any, op: tuple, minid: Optional[int]) -> Any:
        """Sends or queues one planned command on a client or pipeline."""
        kind = op[0]
        if kind == "xadd":
            return pipe.xadd(self.events_key, op[1], id=op[2] or "*", minid=minid, approximate=True)
        if kind == "hsetnx":
            return pipe.hsetnx(op[1], op[2], op[3])
        if kind == "hset":
            return pipe.hset(op[1], op[2], op[3])
        return pipe.hdel(op[1], op[2])

    def _watch_keys(self, write: _Write) -> list:
        keys = []
        if write.effect == "register":
            keys.append(self.users_key)
        elif write.effect in ("subscribe", "unsubscribe"):
            keys.append(self.subscriptions_key)
        if write.at_ms is not None:
            keys.append(self.events_key)
        return keys

    def _check_stream_type(self, kind: Any) -> None:
        """Refuses to start a transaction whose XADD would fail inside EXEC
        (Redis applies the rest of a transaction when one command fails)."""
        text = _text_of(kind)
        if text not in ("stream", "none"):
            raise ResponseError(f"WRONGTYPE {self.events_key} holds a {text}, not a stream")

    # -- outages ------------------------------------------------------------

    def _skipping(self, write: _Write) -> bool:
        if not self.fail_silently or time.monotonic() >= self._skip_until:
            return False
        with self._lock:
            self.failures += 1
        logger.debug("sentinel: Redis failed recently; %s event skipped", write.entries[0].fields["type"])
        return True

    def _failed(self, write: _Write, error: BaseException) -> None:
        with self._lock:
            self.failures += 1
            self.last_error = error
            self._skip_until = time.monotonic() + self.retry_after
        logger.warning("sentinel: could not record a %s event (%s: %s); skipping writes for %.1f s",
                       write.entries[0].fields["type"], type(error).__name__, error, self.retry_after)


def _client_options(fail_silently: bool, timeout: Optional[float], retry_class: type) -> dict:
    options: dict = {}
    if timeout is None and fail_silently:
        timeout = SILENT_TIMEOUT
    if timeout is not None:
        options["socket_timeout"] = timeout
        options["socket_connect_timeout"] = timeout
    if fail_silently:
        options["retry"] = retry_class(NoBackoff(), 0)
        options["retry_on_error"] = []
    return options


def _default_url(url: Optional[str]) -> str:
    return url or os.environ.get("SENTINEL_REDIS_URL") or "redis://127.0.0.1:6379/0"


class Tracker(_Core):
    """Records events with a synchronous ``redis.Redis`` client.

    :param url: Redis URL; default ``$SENTINEL_REDIS_URL``, else
        ``redis://127.0.0.1:6379/0``. Ignored when ``client`` is given.
    :param client: an existing ``redis.Redis`` to use instead (its own
        timeouts and retries then apply, also in ``fail_silently`` mode).
    :param prefix: key prefix, ``"sentinel:"`` by default; it must match
        sentinel-gen's ``[redis] key_prefix``.
    :param retention: history kept by XADD's ``MINID ~`` trimming
        (30 days by default); ``None`` turns trimming off.
    :param fail_silently: never raise Redis failures (see the module doc).
    :param timeout: socket connect and read timeout in seconds; default
        0.5 in ``fail_silently`` mode, else redis-py's.
    :param retry_after: seconds during which writes are skipped after a
        silenced failure.

    The tracker is thread-safe (redis-py's connection pool is); use
    :meth:`close` or a ``with`` block to release its connections.
    """

    def __init__(self, url: Optional[str] = None, *, client: Optional[redis.Redis] = None,
                 prefix: str = DEFAULT_PREFIX, retention: Optional[timedelta] = DEFAULT_RETENTION,
                 fail_silently: bool = False, timeout: Optional[float] = None,
                 retry_after: float = 5.0) -> None:
        super().__init__(prefix, retention, fail_silently, retry_after)
        self._owns_client = client is None
        if client is None:
            from redis.retry import Retry
            client = redis.Redis.from_url(_default_url(url), **_client_options(fail_silently, timeout, Retry))
        #: The redis-py client used.
        self.client = client

    def close(self) -> None:
        """Releases the connections (only those of a client it created)."""
        if self._owns_client:
            self.client.close()

    def __enter__(self) -> "Tracker":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- events --------------------------------------------------------------

    def registration(self, user: UserId, source: Optional[str] = None, *,
                     at: Optional[Timestamp] = None) -> Optional[str]:
        """A new user (``/start``): ``users[user]`` and a ``registration``
        entry, only if the user is not registered yet.

        ``source`` is the acquisition channel (``organic``, ``ref:abc``, the
        ``/start`` deep-link payload, ...)."""
        return self._record(self._write(_registration(user, source), at))

    def command(self, user: UserId, name: str, latency_ms: Optional[Latency] = None, *,
                at: Optional[Timestamp] = None) -> Optional[str]:
        """A command the user sent; ``latency_ms`` is the time to answer it."""
        return self._record(self._write(_command(user, name, latency_ms), at))

    def error(self, user: Optional[UserId] = None, name: Optional[str] = None,
              kind: Optional[str] = None, *, at: Optional[Timestamp] = None) -> Optional[str]:
        """An error, optionally with the user, the command or component
        (``name``) and the error class (``kind``)."""
        return self._record(self._write(_error(user, name, kind), at))

    def conversion(self, user: UserId, amount: Money, plan: Optional[str] = "premium",
                   currency: Optional[str] = None, interval: Optional[str] = "month", *,
                   at: Optional[Timestamp] = None) -> Optional[str]:
        """The start of a paid subscription of ``amount`` per ``interval``:
        ``subscriptions[user]`` and a ``conversion`` entry (with a
        ``cancellation`` of a different stored subscription first)."""
        return self._record(self._write(_payment("conversion", user, amount, plan, currency, interval), at))

    def cancellation(self, user: UserId, amount: Money, plan: Optional[str] = "premium",
                     currency: Optional[str] = None, interval: Optional[str] = "month", *,
                     at: Optional[Timestamp] = None) -> Optional[str]:
        """The end of the user's paid subscription: HDEL and a
        ``cancellation`` entry, if a subscription is stored."""
        return self._record(self._write(_payment("cancellation", user, amount, plan, currency, interval), at))

    def api_call(self, provider: str, cost: Optional[Money] = None, latency_ms: Optional[Latency] = None,
                 user: Optional[UserId] = None, model: Optional[str] = None, *,
                 at: Optional[Timestamp] = None) -> Optional[str]:
        """A paid call to an external API; ``cost`` is in the cost currency
        (USD by default) and is omitted (counted as 0) when None."""
        return self._record(self._write(_api_call(provider, cost, latency_ms, user, model), at))

    # -- helpers -------------------------------------------------------------

    def track_command(self, user: UserId, name: str) -> "CommandTimer":
        """A context manager that times its body and records a ``command``
        with ``latency_ms``; when the body raises an ``Exception``, it also
        records an ``error`` (``kind`` = the exception's class name) and the
        exception propagates unchanged. The arguments are checked at once."""
        return CommandTimer(self, user, name)

    def tracked(self, name: str, *, user: Union[UserId, Callable[..., Optional[UserId]]]) -> Callable:
        """A decorator doing :meth:`track_command` around each call.

        ``user`` is an id, or a function called with the handler's arguments
        that returns it (``lambda update, context: update.effective_user.id``);
        when it returns None the call is not tracked. Works on plain and
        ``async def`` functions (writes then block the event loop briefly:
        prefer :class:`AsyncTracker` in asyncio code)."""
        _require(name, "name")
        _name(name)

        def decorate(function: Callable) -> Callable:
            if inspect.iscoroutinefunction(function):
                @functools.wraps(function)
                async def run_async(*args: Any, **kwargs: Any) -> Any:
                    uid = user(*args, **kwargs) if callable(user) else user
                    if uid is None:
                        return await function(*args, **kwargs)
                    with self.track_command(uid, name):
                        return await function(*args, **kwargs)
                return run_async

            @functools.wraps(function)
            def run(*args: Any, **kwargs: Any) -> Any:
                uid = user(*args, **kwargs) if callable(user) else user
                if uid is None:
                    return function(*args, **kwargs)
                with self.track_command(uid, name):
                    return function(*args, **kwargs)
            return run
        return decorate

    # -- execution -----------------------------------------------------------

    def _record(self, write: _Write) -> Optional[str]:
        if self._skipping(write):
            return None
        try:
            return self._execute(write)
        except SentinelValueError:
            raise
        except Exception as error:  # an outage must not reach the bot
            if not self.fail_silently:
                raise
            self._failed(write, error)
            return None

    def _execute(self, write: _Write) -> Optional[str]:
        minid = self._minid(write)
        keys = self._watch_keys(write)
        if not keys:
            plan = self._plan(write, False, None, None)
            if len(plan.ops) == 1:
                return _text_of(self._queue(self.client, plan.ops[0], minid))
            with self.client.pipeline(transaction=True) as pipe:
                for op in plan.ops:
                    self._queue(pipe, op, minid)
                return _text_of(pipe.execute()[plan.primary])
        for attempt in range(_MAX_ATTEMPTS):
            if attempt:
                time.sleep(_backoff(attempt))
            with self.client.pipeline(transaction=True) as pipe:
                try:
                    pipe.watch(*keys)
                    registered = stored = top = None
                    if write.effect == "register":
                        registered = bool(pipe.hexists(self.users_key, write.user))
                    elif write.effect is not None:
                        stored = pipe.hget(self.subscriptions_key, write.user)
                    if write.at_ms is not None:
                        last = pipe.xrevrange(self.events_key, "+", "-", count=1)
                        top = last[0][0] if last else None
                    if write.effect is not None:
                        self._check_stream_type(pipe.type(self.events_key))
                    plan = self._plan(write, bool(registered), stored, top)
                    if not plan.ops:
                        return None
                    pipe.multi()
                    for op in plan.ops:
                        self._queue(pipe, op, minid)
                    return _text_of(pipe.execute()[plan.primary])
                except WatchError:
                    continue
        raise WatchError(f"sentinel: gave up after {_MAX_ATTEMPTS} concurrent modifications")


class CommandTimer:
    """Times a command for :meth:`Tracker.track_command` (``with`` block).

    After the block, ``latency_ms`` holds the measured time (a float).
    """

    def __init__(self, tracker: Tracker, user: UserId, name: str) -> None:
        self._tracker = tracker
        self._entry = _command(user, name, None)  # checks the arguments now
        self._start = 0.0
        self.latency_ms: Optional[float] = None

    def __enter__(self) -> "CommandTimer":
        self._start = time.perf_counter()
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> bool:
        self.latency_ms = (time.perf_counter() - self._start) * 1000.0
        write = _timed_write(self._entry, self.latency_ms, exc_type)
        if write is None:
            return False
        if exc_type is None:
            self._tracker._record(write)
            return False
        try:
            self._tracker._record(write)
        except Exception as error:  # never mask the body's exception
            logger.warning("sentinel: could not record a failed command (%s: %s)", type(error).__name__, error)
        return False


def _timed_write(entry: _Entry, latency_ms: float, exc_type: Any) -> Optional[_Write]:
    """The entries a timed command records: the command, plus an error when
    the body raised an Exception; nothing for other BaseExceptions
    (cancellation, KeyboardInterrupt, SystemExit)."""
    fields = dict(entry.fields)
    fields["latency_ms"] = _latency(latency_ms)
    command = _Entry(fields)
    if exc_type is None:
        return _Write((command,))
    if not issubclass(exc_type, Exception):
        return None
    error = _error(fields["user"], fields["name"], exc_type.__name__)
    return _Write((command, error))


class AsyncTracker(_Core):
    """Records events with a ``redis.asyncio.Redis`` client; the methods of
    :class:`Tracker`, as coroutines. Use ``await tracker.aclose()`` or
    ``async with`` to release its connections."""

    def __init__(self, url: Optional[str] = None, *, client: Optional[redis.asyncio.Redis] = None,
                 prefix: str = DEFAULT_PREFIX, retention: Optional[timedelta] = DEFAULT_RETENTION,
                 fail_silently: bool = False, timeout: Optional[float] = None,
                 retry_after: float = 5.0) -> None:
        super().__init__(prefix, retention, fail_silently, retry_after)
        self._owns_client = client is None
        if client is None:
            from redis.asyncio.retry import Retry
            client = redis.asyncio.Redis.from_url(
                _default_url(url), **_client_options(fail_silently, timeout, Retry))
        #: The redis-py asyncio client used.
        self.client = client

    async def aclose(self) -> None:
        """Releases the connections (only those of a client it created)."""
        if self._owns_client:
            close = getattr(self.client, "aclose", None) or self.client.close
            await close()

    async def __aenter__(self) -> "AsyncTracker":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.aclose()

    async def registration(self, user: UserId, source: Optional[str] = None, *,
                           at: Optional[Timestamp] = None) -> Optional[str]:
        """See :meth:`Tracker.registration`."""
        return await self._record(self._write(_registration(user, source), at))

    async def command(self, user: UserId, name: str, latency_ms: Optional[Latency] = None, *,
                      at: Optional[Timestamp] = None) -> Optional[str]:
        """See :meth:`Tracker.command`."""
        return await self._record(self._write(_command(user, name, latency_ms), at))

    async def error(self, user: Optional[UserId] = None, name: Optional[str] = None,
                    kind: Optional[str] = None, *, at: Optional[Timestamp] = None) -> Optional[str]:
        """See :meth:`Tracker.error`."""
        return await self._record(self._write(_error(user, name, kind), at))

    async def conversion(self, user: UserId, amount: Money, plan: Optional[str] = "premium",
                         currency: Optional[str] = None, interval: Optional[str] = "month", *,
                         at: Optional[Timestamp] = None) -> Optional[str]:
        """See :meth:`Tracker.conversion`."""
        return await self._record(self._write(_payment("conversion", user, amount, plan, currency, interval), at))

    async def cancellation(self, user: UserId, amount: Money, plan: Optional[str] = "premium",
                           currency: Optional[str] = None, interval: Optional[str] = "month", *,
                           at: Optional[Timestamp] = None) -> Optional[str]:
        """See :meth:`Tracker.cancellation`."""
        return await self._record(self._write(_payment("cancellation", user, amount, plan, currency, interval), at))

    async def api_call(self, provider: str, cost: Optional[Money] = None, latency_ms: Optional[Latency] = None,
                       user: Optional[UserId] = None, model: Optional[str] = None, *,
                       at: Optional[Timestamp] = None) -> Optional[str]:
        """See :meth:`Tracker.api_call`."""
        return await self._record(self._write(_api_call(provider, cost, latency_ms, user, model), at))

    def track_command(self, user: UserId, name: str) -> "AsyncCommandTimer":
        """See :meth:`Tracker.track_command`; use with ``async with``."""
        return AsyncCommandTimer(self, user, name)

    def tracked(self, name: str, *, user: Union[UserId, Callable[..., Optional[UserId]]]) -> Callable:
        """See :meth:`Tracker.tracked`; decorates ``async def`` handlers only."""
        _require(name, "name")
        _name(name)

        def decorate(function: Callable) -> Callable:
            if not inspect.iscoroutinefunction(function):
                raise TypeError("AsyncTracker.tracked decorates async def functions only")

            @functools.wraps(function)
            async def run(*args: Any, **kwargs: Any) -> Any:
                uid = user(*args, **kwargs) if callable(user) else user
                if uid is None:
                    return await function(*args, **kwargs)
                async with self.track_command(uid, name):
                    return await function(*args, **kwargs)
            return run
        return decorate

    async def _record(self, write: _Write) -> Optional[str]:
        if self._skipping(write):
            return None
        try:
            return await self._execute(write)
        except SentinelValueError:
            raise
        except Exception as error:  # an outage must not reach the bot
            if not self.fail_silently:
                raise
            self._failed(write, error)
            return None

    async def _execute(self, write: _Write) -> Optional[str]:
        minid = self._minid(write)
        keys = self._watch_keys(write)
        if not keys:
            plan = self._plan(write, False, None, None)
            if len(plan.ops) == 1:
                return _text_of(await self._queue(self.client, plan.ops[0], minid))
            async with self.client.pipeline(transaction=True) as pipe:
                for op in plan.ops:
                    self._queue(pipe, op, minid)
                return _text_of((await pipe.execute())[plan.primary])
        for attempt in range(_MAX_ATTEMPTS):
            if attempt:
                await asyncio.sleep(_backoff(attempt))
            async with self.client.pipeline(transaction=True) as pipe:
                try:
                    await pipe.watch(*keys)
                    registered = stored = top = None
                    if write.effect == "register":
                        registered = bool(await pipe.hexists(self.users_key, write.user))
                    elif write.effect is not None:
                        stored = await pipe.hget(self.subscriptions_key, write.user)
                    if write.at_ms is not None:
                        last = await pipe.xrevrange(self.events_key, "+", "-", count=1)
                        top = last[0][0] if last else None
                    if write.effect is not None:
                        self._check_stream_type(await pipe.type(self.events_key))
                    plan = self._plan(write, bool(registered), stored, top)
                    if not plan.ops:
                        return None
                    pipe.multi()
                    for op in plan.ops:
                        self._queue(pipe, op, minid)
                    return _text_of((await pipe.execute())[plan.primary])
                except WatchError:
                    continue
        raise WatchError(f"sentinel: gave up after {_MAX_ATTEMPTS} concurrent modifications")


class AsyncCommandTimer:
    """Times a command for :meth:`AsyncTracker.track_command` (``async with``)."""

    def __init__(self, tracker: AsyncTracker, user: UserId, name: str) -> None:
        self._tracker = tracker
        self._entry = _command(user, name, None)  # checks the arguments now
        self._start = 0.0
        self.latency_ms: Optional[float] = None

    async def __aenter__(self) -> "AsyncCommandTimer":
        self._start = time.perf_counter()
        return self

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> bool:
        self.latency_ms = (time.perf_counter() - self._start) * 1000.0
        write = _timed_write(self._entry, self.latency_ms, exc_type)
        if write is None:
            return False
        if exc_type is None:
            await self._tracker._record(write)
            return False
        try:
            await self._tracker._record(write)
        except Exception as error:  # never mask the body's exception
            logger.warning("sentinel: could not record a failed command (%s: %s)", type(error).__name__, error)
        return False
