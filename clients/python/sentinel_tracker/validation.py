"""The contract's value formats: every argument is checked here before
anything is sent to Redis (see ``docs/redis-contract.md``).

Pure functions shared by both trackers. Each returns the text written to
Redis or raises :class:`SentinelValueError` with the contract's rejection
reason; the entry builders in :mod:`sentinel_tracker.events` call them in
the contract's order.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any, Optional, Union

# The argument types the trackers accept (rules in the package doc).
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
