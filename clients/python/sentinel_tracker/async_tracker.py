"""The asyncio tracker, :class:`AsyncTracker` (a ``redis.asyncio.Redis``
client): the methods of :class:`~sentinel_tracker.Tracker` as coroutines,
and :class:`AsyncCommandTimer`, the ``async with`` block of
:meth:`AsyncTracker.track_command`."""

from __future__ import annotations

import asyncio
import functools
import inspect
import time
from datetime import timedelta
from typing import Any, Callable, Optional, Union

import redis.asyncio
from redis.exceptions import WatchError

from .core import (_MAX_ATTEMPTS, DEFAULT_PREFIX, DEFAULT_RETENTION, _backoff, _client_options, _Core,
                   _default_url, _text_of, logger)
from .events import _api_call, _command, _error, _payment, _registration, _timed_write, _Write
from .validation import Latency, Money, SentinelValueError, Timestamp, UserId, _name, _require


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
