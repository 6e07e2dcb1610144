"""Record a Telegram bot's analytics events in Redis for Sentinel.

This package writes what the Sentinel Redis contract (version 1) describes
and nothing else: one entry per event in the ``<prefix>events`` stream, the
registration time of each user in the ``<prefix>users`` hash and each user's
active paid subscription in the ``<prefix>subscriptions`` hash.
``sentinel-gen`` reads these keys and publishes the KPI site.

It depends on redis-py only (version 4.2 or newer, for ``redis.asyncio``;
tested with 8.1), which ``pip install ./clients/python`` installs with it,
and offers the same API twice:

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

Layout. Import everything from ``sentinel_tracker`` itself; the modules
behind it are not part of the API: ``validation`` (the contract's value
formats and :class:`SentinelValueError`), ``events`` (the entries of each
event), ``core`` (what both trackers share: planning, IDs, trimming,
outages), ``tracker`` (:class:`Tracker`) and ``async_tracker``
(:class:`AsyncTracker`).
"""

from __future__ import annotations

# The names below were the attributes of the single-file module; __all__ is
# unchanged, the others (timers, type aliases, SILENT_TIMEOUT, logger) stay
# importable from here too.
from .async_tracker import AsyncCommandTimer, AsyncTracker
from .core import DEFAULT_PREFIX, DEFAULT_RETENTION, SILENT_TIMEOUT, logger
from .tracker import CommandTimer, Tracker
from .validation import Latency, Money, SentinelValueError, Timestamp, UserId

__all__ = [
    "AsyncTracker",
    "SentinelValueError",
    "Tracker",
    "DEFAULT_PREFIX",
    "DEFAULT_RETENTION",
]

#: The distribution's version (``version`` in ``pyproject.toml``).
__version__ = "0.1.0"
