"""The entries of each event: the validated stream fields of one call.

Pure functions shared by both trackers: each checks its arguments (through
:mod:`sentinel_tracker.validation`, in the contract's order) and returns
what to write; nothing here talks to Redis.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from .validation import (_currency, _interval, _label, _latency, _money, _name, _require, _text,
                         _user)


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
