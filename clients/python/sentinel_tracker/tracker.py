"""The synchronous tracker, :class:`Tracker` (a ``redis.Redis`` client),
and :class:`CommandTimer`, the ``with`` block of
:meth:`Tracker.track_command`."""

from __future__ import annotations

import functools
import inspect
import time
from datetime import timedelta
from typing import Any, Callable, Optional, Union

import redis
from redis.exceptions import WatchError

from .core import (_MAX_ATTEMPTS, DEFAULT_PREFIX, DEFAULT_RETENTION, _backoff, _client_options, _Core,
                   _default_url, _text_of, logger)
from .events import _api_call, _command, _error, _payment, _registration, _timed_write, _Write
from .validation import Latency, Money, SentinelValueError, Timestamp, UserId, _name, _require


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
    :param fail_silently: never raise Redis failures (see the package doc).
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
        prefer :class:`~sentinel_tracker.AsyncTracker` in asyncio code)."""
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
