"""What both trackers share: configuration, the planning of each write
(what one call sends, given what Redis holds), key names, XADD trimming,
explicit IDs for backfills, and the bookkeeping of silenced outages.

Nothing here performs I/O: :class:`~sentinel_tracker.Tracker` and
:class:`~sentinel_tracker.AsyncTracker` read the watched state, ask
:meth:`_Core._plan` for the commands and send them, each with its client.
"""

from __future__ import annotations

import json
import logging
import os
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any, Optional

from redis.backoff import NoBackoff
from redis.exceptions import ResponseError

from .events import _Entry, _Write
from .validation import _CURRENCY, _MONEY, _MS, SentinelValueError, _at_ms

#: Key prefix used when none is given (sentinel-gen's default too).
DEFAULT_PREFIX = "sentinel:"
#: How much history each XADD asks Redis to keep.
DEFAULT_RETENTION = timedelta(days=30)
#: Socket timeout, in seconds, used by ``fail_silently`` mode by default.
SILENT_TIMEOUT = 0.5

logger = logging.getLogger("sentinel_tracker")

#: WATCH conflicts tolerated before a write gives up (WatchError).
_MAX_ATTEMPTS = 32


def _backoff(attempt: int) -> float:
    """Seconds to wait after the ``attempt``-th WATCH conflict: random, so
    that writers contending for one hash stop colliding; at most 50 ms."""
    return random.uniform(0, min(0.05, 0.001 * 2 ** attempt))


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
