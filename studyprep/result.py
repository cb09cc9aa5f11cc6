"""The one way a command's result becomes `--json` data: from its dataclass fields.

Core functions return frozen dataclasses; `to_json(result)` turns one (or a list of them) into plain JSON data,
field by field in declaration order, so the `--json` shapes are the result types themselves (each is pinned by
a golden file under tests/golden/json/). Values convert the same way everywhere:

- a nested dataclass: its own JSON object; a list or tuple: a list; a dict: an object (keys as strings);
- a datetime: `clock.isoformat` (`2026-03-02T09:00:00Z`, UTC, whole seconds); a date: `2026-03-02`;
- an enum: its value; a Path: its text; None, bool, int, float, str: as they are.

Anything else (a timedelta, a set) has no single JSON form and raises TypeError: the field must say what it
means (`convert`). Where a shape differs from the plain field list, the field says so in its metadata,
`field(metadata=json_field(...))`: another JSON name, left out (always, or when None), a value conversion,
or its object's keys spliced into the parent (`inline`). Figures that are not fields (a property such as
`ok`, a method's totals) are declared on the class as `json_computed = (Computed("ok"), ...)`, each placed
after a named key. A class whose shape cannot come from fields at all (one that switches to another shape)
defines `json_shape(self)`; `dataclass_json` gives it the field-based form for the rest.
"""

from __future__ import annotations

__all__ = ["Computed", "JsonField", "as_objects", "dataclass_json", "json_field", "rounded", "to_json"]

import dataclasses
import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import PurePath
from typing import Any

from studyprep.clock import isoformat

_METADATA_KEY = "studyprep.json"


@dataclasses.dataclass(frozen=True)
class JsonField:
    """How one field appears in JSON (see `json_field`)."""

    name: str | None = None
    skip: bool = False
    skip_none: bool = False
    inline: bool = False
    convert: Callable[[Any], Any] | None = None


def json_field(
    *,
    name: str | None = None,
    skip: bool = False,
    skip_none: bool = False,
    inline: bool = False,
    convert: Callable[[Any], Any] | None = None,
) -> dict[str, JsonField]:
    """Metadata for `dataclasses.field(metadata=...)`: the JSON key `name` (default: the attribute's), `skip`
    (never in JSON), `skip_none` (left out while None), `convert` (applied to the value first; its result is
    converted like any value) and `inline` (the value's object's keys go into the parent object in its place)."""
    return {_METADATA_KEY: JsonField(name, skip, skip_none, inline, convert)}


@dataclasses.dataclass(frozen=True)
class Computed:
    """A JSON key whose value is not a field: the attribute `attribute` (default: `key`) of the result, called
    when it is a method. It follows the key `after` (a field's JSON key or an earlier computed key; None: first).
    `convert` and `inline` work as in `json_field`."""

    key: str
    after: str | None = None
    attribute: str | None = None
    convert: Callable[[Any], Any] | None = None
    inline: bool = False


def rounded(digits: int) -> Callable[[float | None], float | None]:
    """A `convert` rounding a number to `digits` decimals (None stays None)."""

    def convert(value: float | None) -> float | None:
        return None if value is None else round(value, digits)

    return convert


def as_objects(*keys: str) -> Callable[[Iterable[Sequence[Any]] | Mapping[Any, Any]], list[dict[str, Any]]]:
    """A `convert` writing each tuple of a list (or each item of a dict) as an object with `keys`:
    `as_objects("deck", "error")` turns `{"a": "bad"}` into `[{"deck": "a", "error": "bad"}]`."""

    def convert(rows: Iterable[Sequence[Any]] | Mapping[Any, Any]) -> list[dict[str, Any]]:
        items = rows.items() if isinstance(rows, Mapping) else rows
        return [dict(zip(keys, row, strict=True)) for row in items]

    return convert


def to_json(value: Any) -> Any:
    """`value` as plain JSON data (see the module's docstring for each type)."""
    if isinstance(value, enum.Enum):
        value = value.value
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        shape = getattr(value, "json_shape", None)
        return shape() if shape is not None else dataclass_json(value)
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    if isinstance(value, Mapping):
        return {_key(key): to_json(item) for key, item in value.items()}
    return _scalar(value)


# Checked in this order: a datetime is a date too.
_SCALARS: tuple[tuple[type, Callable[[Any], str]], ...] = (
    (datetime, isoformat),
    (date, date.isoformat),
    (PurePath, str),
)


def _scalar(value: Any) -> str:
    for kind, convert in _SCALARS:
        if isinstance(value, kind):
            return convert(value)
    raise TypeError(f"no JSON form for {type(value).__name__}: give its field a `convert` (studyprep.result)")


def dataclass_json(result: Any) -> dict[str, Any]:
    """The field-based JSON object of the dataclass instance `result` (its `json_shape`, if any, not consulted)."""
    data: dict[str, Any] = {}
    for key, read, spec in _plan(type(result)):
        value = read(result)
        if spec.skip_none and value is None:
            continue
        if spec.convert is not None:
            value = spec.convert(value)
        if not spec.inline:
            _put(data, key, to_json(value), result)
            continue
        inlined = to_json(value)
        if not isinstance(inlined, dict):
            raise TypeError(f"{type(result).__name__}.{key} is inline but its JSON is not an object")
        for inner_key, inner_value in inlined.items():
            _put(data, inner_key, inner_value, result)
    return data


def _put(data: dict[str, Any], key: str, value: Any, result: Any) -> None:
    # Two fields writing one key would lose one silently: a shape is declared wrong, say so.
    if key in data:
        raise TypeError(f"{type(result).__name__}: two values for the JSON key {key!r}")
    data[key] = value


def _key(key: Any) -> str:
    if isinstance(key, enum.Enum):
        key = key.value
    if not isinstance(key, str):
        raise TypeError(f"JSON object keys are strings, not {type(key).__name__}")
    return key


_Step = tuple[str, Callable[[Any], Any], JsonField]


_PLANS: dict[type, tuple[_Step, ...]] = {}


def _plan(cls: type) -> tuple[_Step, ...]:
    """Each JSON key of `cls` in order, with how to read its value (worked out once per class)."""
    if cls not in _PLANS:
        _PLANS[cls] = _steps(cls)
    return _PLANS[cls]


def _steps(cls: type) -> tuple[_Step, ...]:
    """Fields in declaration order, skipped ones left out, and each `Computed` placed after its anchor."""
    steps: list[_Step] = []
    for spec_field in dataclasses.fields(cls):
        spec = spec_field.metadata.get(_METADATA_KEY, JsonField())
        if not spec.skip:
            steps.append((spec.name or spec_field.name, _attribute_reader(spec_field.name, call=False), spec))
    for computed in getattr(cls, "json_computed", ()):
        at = 0
        if computed.after is not None:
            keys = [key for key, _, _ in steps]
            if computed.after not in keys:
                raise TypeError(f"{cls.__name__}: {computed.key!r} is after {computed.after!r}, which is no key")
            at = keys.index(computed.after) + 1
        spec = JsonField(computed.key, convert=computed.convert, inline=computed.inline)
        steps.insert(at, (computed.key, _attribute_reader(computed.attribute or computed.key, call=True), spec))
    return tuple(steps)


def _attribute_reader(attribute: str, call: bool) -> Callable[[Any], Any]:
    def read(result: Any) -> Any:
        value = getattr(result, attribute)
        return value() if call and callable(value) else value

    return read
