"""Validated reads of JSON values that come back from the review database's caches.

A cache entry is written by studyprep, but an earlier version or a hand edit may have left another shape: each
reader here raises `MalformedEntryError` (a ValueError) for a value not of the type written, so the caller treats the
entry as a miss and computes it again, never a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar
from zoneinfo import ZoneInfo

T = TypeVar("T")

__all__ = [
    "MalformedEntryError",
    "as_bool",
    "as_float",
    "as_int",
    "as_list",
    "as_number",
    "as_object",
    "as_optional_int",
    "as_str",
    "as_zone",
]


class MalformedEntryError(ValueError):
    """A cache entry that is not of the shape studyprep writes."""


def as_object(value: object, keys: set[str]) -> Mapping[str, object]:
    """A JSON object with exactly these keys."""
    if not isinstance(value, dict) or set(value) != keys:
        raise MalformedEntryError(f"expected an object with keys {sorted(keys)}")
    return value


def as_list(value: object) -> list[object]:
    """A JSON array."""
    if not isinstance(value, list):
        raise MalformedEntryError(f"expected a list, got {value!r}")
    return value


def as_int(value: object, low: int | None = None, high: int | None = None) -> int:
    """A whole number (not a boolean), within [low, high] when given."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise MalformedEntryError(f"expected a whole number, got {value!r}")
    if (low is not None and value < low) or (high is not None and value > high):
        raise MalformedEntryError(f"{value} is out of range")
    return value


def as_optional_int(value: object) -> int | None:
    """None or a whole number."""
    return None if value is None else as_int(value)


def as_number(value: object) -> float:
    """An int or a float (not a boolean), returned as stored: JSON shown from it keeps its spelling."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise MalformedEntryError(f"expected a number, got {value!r}")
    return value


def as_float(value: object) -> float:
    """A float, as `json.dumps` writes one (an int is another version's shape)."""
    return _of_type(value, float)


def as_bool(value: object) -> bool:
    """A boolean."""
    return _of_type(value, bool)


def as_str(value: object) -> str:
    """A string."""
    return _of_type(value, str)


def _of_type(value: object, kind: type[T]) -> T:
    if not isinstance(value, kind):
        raise MalformedEntryError(f"expected a {kind.__name__}, got {value!r}")
    return value


def as_zone(value: object) -> str | None:
    """None (the computer's local time) or the name of a time zone this computer knows."""
    if value is None:
        return None

    try:
        ZoneInfo(as_str(value))
    except (KeyError, ValueError, OSError) as error:  # ZoneInfoNotFoundError is a KeyError
        raise MalformedEntryError(f"unknown time zone {value!r}") from error
    return value  # type: ignore[return-value]  # a str, checked by as_str
