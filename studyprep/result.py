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
after a named key. A class whose shape cannot come from fields at all defines `json_shape(self)`, and
`dataclass_json` gives it the field-based form for the rest. Three do: `DeckSummary` and `DeckReadiness` switch
to `{deck, error}` for a deck whose file cannot be read (the figures absent, not null), and `Card` is written
in its deck-file form (`cards.models.card_data`, shared with the deck writer; `by_hand` only when true).

The plan caches' kept forms (`DeadlinePlan`, `PlanSettings`, `DayPlan`) are written the same way; their
`from_json` readers validate what comes back.
"""

from __future__ import annotations

__all__ = ["Computed", "JsonField", "as_objects", "dataclass_json", "json_field", "rounded", "to_json"]

import dataclasses
import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from operator import attrgetter
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
    when it is a method. It follows the key `after`: a field's JSON key (an inline field's own name) or an earlier
    computed key; None: first (several in the order declared). `convert` and `inline` work as in `json_field`."""

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
    kind = type(value)
    if kind in _PLAIN:
        return value
    encode = _ENCODERS.get(kind)
    if encode is None:
        encode = _ENCODERS[kind] = _encoder(kind)
    return encode(value)


def dataclass_json(result: Any) -> dict[str, Any]:
    """The field-based JSON object of the dataclass instance `result` (its `json_shape`, if any, not consulted)."""
    return _fields_json(result, *_steps(type(result)))


# Values of these exact types are JSON as they are: the fast path (`cards --json` writes 100,000 rows).
_PLAIN = frozenset({str, int, float, bool, type(None)})
# How values of each other type become JSON, worked out once per exact type (`_encoder`).
_ENCODERS: dict[type, Callable[[Any], Any]] = {}


def _encoder(kind: type) -> Callable[[Any], Any]:
    if dataclasses.is_dataclass(kind):
        if hasattr(kind, "json_shape"):
            return lambda value: value.json_shape()
        steps, checked = _steps(kind)
        return lambda value: _fields_json(value, steps, checked)
    return next((encode for base, encode in _BY_BASE if issubclass(kind, base)), _refuse)


def _refuse(value: Any) -> Any:
    raise TypeError(f"no JSON form for {type(value).__name__}: give its field a `convert` (studyprep.result)")


def _list_json(items: list[Any] | tuple[Any, ...]) -> list[Any]:
    return [item if type(item) in _PLAIN else to_json(item) for item in items]


def _object_json(mapping: Mapping[Any, Any]) -> dict[str, Any]:
    return {(key if type(key) is str else _key(key)): (item if type(item) in _PLAIN else to_json(item))
            for key, item in mapping.items()}  # fmt: skip


def _key(key: Any) -> str:
    if isinstance(key, enum.Enum):
        key = key.value
    if not isinstance(key, str):
        raise TypeError(f"JSON object keys are strings, not {type(key).__name__}")
    return key


# A type that is not a dataclass is encoded by the first of these it derives from (an enum before its str or int;
# a datetime before the date it also is).
_BY_BASE: tuple[tuple[type | tuple[type, ...], Callable[[Any], Any]], ...] = (
    (enum.Enum, lambda value: to_json(value.value)),
    ((bool, int, float, str), lambda value: value),
    ((list, tuple), _list_json),
    (Mapping, _object_json),
    (datetime, isoformat),
    (date, date.isoformat),
    (PurePath, str),
)


# One JSON key of a class: the key, how to read its value, left out when None, convert, inline.
_Step = tuple[str, Callable[[Any], Any], bool, Callable[[Any], Any] | None, bool]
# A class's steps, and whether its keys are checked as they are written (it inlines an object: its keys are
# known only then; without one, two steps with one key are refused once, by `_steps`).
_STEPS: dict[type, tuple[tuple[_Step, ...], bool]] = {}


def _fields_json(result: Any, steps: tuple[_Step, ...], checked: bool) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, read, skip_none, convert, inline in steps:
        value = read(result)
        if value is None and skip_none:
            continue
        if convert is not None:
            value = convert(value)
        if inline:
            inlined = to_json(value)
            if not isinstance(inlined, dict):
                raise TypeError(f"{type(result).__name__}.{key} is inline but its JSON is not an object")
            for inner_key, inner_value in inlined.items():
                _put(data, inner_key, inner_value, result)
        elif checked:
            _put(data, key, to_json(value), result)
        else:
            data[key] = value if type(value) in _PLAIN else to_json(value)
    return data


def _put(data: dict[str, Any], key: str, value: Any, result: Any) -> None:
    # Two values for one key would lose one silently: the shape is declared wrong, say so.
    if key in data:
        raise TypeError(f"{type(result).__name__}: two values for the JSON key {key!r}")
    data[key] = value


def _steps(cls: type) -> tuple[tuple[_Step, ...], bool]:
    """Each JSON key of `cls` in order (worked out once per class): fields in declaration order, skipped ones
    left out, and each `Computed` placed after its anchor (those without one first, in declaration order)."""
    if cls in _STEPS:
        return _STEPS[cls]
    steps: list[_Step] = []
    for spec_field in dataclasses.fields(cls):
        spec = spec_field.metadata.get(_METADATA_KEY, JsonField())
        if not spec.skip:
            key = spec.name or spec_field.name
            steps.append((key, attrgetter(spec_field.name), spec.skip_none, spec.convert, spec.inline))
    first = 0
    for computed in getattr(cls, "json_computed", ()):
        keys = [step[0] for step in steps]
        if computed.after is None:
            at, first = first, first + 1
        elif computed.after in keys:
            at = keys.index(computed.after) + 1
        else:
            raise TypeError(f"{cls.__name__}: {computed.key!r} is after {computed.after!r}, which is no key")
        read = _computed_reader(computed.attribute or computed.key)
        steps.insert(at, (computed.key, read, False, computed.convert, computed.inline))
    keys = [key for key, _, _, _, inline in steps if not inline]
    if len(set(keys)) != len(keys):
        raise TypeError(f"{cls.__name__}: two values for one JSON key in {keys}")
    _STEPS[cls] = (tuple(steps), len(keys) < len(steps))
    return _STEPS[cls]


def _computed_reader(attribute: str) -> Callable[[Any], Any]:
    def read(result: Any) -> Any:
        value = getattr(result, attribute)
        return value() if callable(value) else value

    return read
