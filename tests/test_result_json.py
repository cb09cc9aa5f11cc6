"""The one serializer of results (`studyprep.result`): each value type's JSON form, and each per-field option."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from enum import Enum, StrEnum
from pathlib import Path
from typing import Any, ClassVar

import pytest

from studyprep.result import Computed, as_objects, dataclass_json, json_field, rounded, to_json
from studyprep.safetext import json_dumps


class Colour(StrEnum):
    RED = "red"


class Level(Enum):
    HIGH = 3


@dataclass(frozen=True)
class Inner:
    card_id: str = field(metadata=json_field(name="id"))
    recall: float = field(metadata=json_field(convert=rounded(2)))


@dataclass(frozen=True)
class Everything:
    when: datetime
    day: date
    path: Path
    colour: Colour
    level: Level
    inner: Inner
    items: tuple[Inner, ...]
    counts: dict[str, int]
    missing: None = None


def test_each_value_type_has_its_json_form() -> None:
    eastern = timezone(timedelta(hours=-5))
    data = to_json(
        Everything(
            when=datetime(2026, 3, 2, 4, 0, 0, 987654, tzinfo=eastern),
            day=date(2026, 3, 2),
            path=Path("/tmp/deck.yaml"),
            colour=Colour.RED,
            level=Level.HIGH,
            inner=Inner("abc", 0.12345),
            items=(Inner("x", 1.0), Inner("y", 0.5)),
            counts={"new": 2, "review": 0},
        )
    )
    assert data == {
        "when": "2026-03-02T09:00:00Z",  # UTC, whole seconds, as clock.isoformat writes every moment
        "day": "2026-03-02",
        "path": "/tmp/deck.yaml",
        "colour": "red",
        "level": 3,
        "inner": {"id": "abc", "recall": 0.12},
        "items": [{"id": "x", "recall": 1.0}, {"id": "y", "recall": 0.5}],
        "counts": {"new": 2, "review": 0},
        "missing": None,
    }
    # The data is plain: it round-trips through JSON text unchanged, keys in field order.
    assert list(data) == ["when", "day", "path", "colour", "level", "inner", "items", "counts", "missing"]
    assert json.loads(json_dumps(data)) == data


def test_lists_and_plain_values_pass_through() -> None:
    plain = [None, 3, "s", True, 1.5]
    assert to_json([Inner("a", 0.333), *plain]) == [{"id": "a", "recall": 0.33}, *plain]
    assert to_json({"a": (1, 2)}) == {"a": [1, 2]}
    assert to_json({Colour.RED: 1}) == {"red": 1}


def test_a_value_without_one_json_form_is_refused() -> None:
    @dataclass
    class Timed:
        used: timedelta

    with pytest.raises(TypeError, match="timedelta"):
        to_json(Timed(timedelta(seconds=3)))
    with pytest.raises(TypeError, match="keys are strings"):
        to_json({1: "one"})
    with pytest.raises(TypeError, match="set"):
        to_json({"a": {1, 2}})


@dataclass
class Report:
    deck: str
    deck_path: Path = field(metadata=json_field(name="deck_file"))
    position: int = field(metadata=json_field(skip=True))
    outline: list[str] | None = field(default=None, metadata=json_field(skip_none=True))
    used: timedelta = field(default=timedelta(seconds=90), metadata=json_field(
        name="minutes", convert=lambda used: round(used / timedelta(minutes=1), 1)))  # fmt: skip
    skipped: dict[str, str] = field(default_factory=dict, metadata=json_field(
        convert=lambda skipped: [{"deck": slug, "error": error} for slug, error in skipped.items()]))  # fmt: skip
    inner: Inner = field(default=Inner("i", 0.5), metadata=json_field(inline=True))
    problems: list[str] = field(default_factory=list)

    json_computed: ClassVar[tuple[Computed, ...]] = (
        Computed("ok"),
        Computed("total", after="deck", attribute="totals"),
        Computed("summary", after="total", inline=True),
    )

    @property
    def ok(self) -> bool:
        return not self.problems

    def totals(self) -> int:
        return len(self.problems) + 40

    def summary(self) -> dict[str, int]:
        return {"problem_count": len(self.problems), "skipped_decks": len(self.skipped)}


def test_field_metadata_renames_skips_converts_and_inlines() -> None:
    report = Report("acme", Path("/w/acme.yaml"), 7, skipped={"other": "other.yaml:3: bad"})
    assert dataclass_json(report) == {
        "ok": True,
        "deck": "acme",
        "total": 40,
        "problem_count": 0,
        "skipped_decks": 1,
        "deck_file": "/w/acme.yaml",
        "minutes": 1.5,
        "skipped": [{"deck": "other", "error": "other.yaml:3: bad"}],
        "id": "i",
        "recall": 0.5,
        "problems": [],
    }
    assert list(to_json(report)) == ["ok", "deck", "total", "problem_count", "skipped_decks", "deck_file", "minutes",
                                     "skipped", "id", "recall", "problems"]  # fmt: skip
    # `skip_none` leaves a key out only while its value is None.
    shown = to_json(Report("acme", Path("a"), 0, outline=["# A"], problems=["p"]))
    assert shown["outline"] == ["# A"] and shown["ok"] is False and shown["total"] == 41
    assert "position" not in shown and "deck_path" not in shown


def test_a_json_shape_hook_replaces_the_field_form() -> None:
    @dataclass
    class Summary:
        deck: str
        cards: int
        error: str | None = None

        def json_shape(self) -> dict[str, Any]:
            if self.error is not None:
                return {"deck": self.deck, "error": self.error}
            return dataclass_json(self) | {"error": "never"}

    assert to_json([Summary("a", 3, "a.yaml:1: bad"), Summary("b", 4)]) == [
        {"deck": "a", "error": "a.yaml:1: bad"},
        {"deck": "b", "cards": 4, "error": "never"},
    ]


def test_a_computed_key_must_follow_a_key_that_exists() -> None:
    @dataclass
    class Misplaced:
        deck: str
        json_computed: ClassVar[tuple[Computed, ...]] = (Computed("ok", after="nothing"),)
        ok = True

    with pytest.raises(TypeError, match="'nothing'"):
        to_json(Misplaced("a"))


def test_two_values_for_one_key_are_refused() -> None:
    @dataclass
    class Clash:
        deck: str
        inner: Inner = field(default=Inner("i", 0.5), metadata=json_field(inline=True))
        card_id: str = field(default="c", metadata=json_field(name="id"))

    with pytest.raises(TypeError, match="two values for the JSON key 'id'"):
        to_json(Clash("a"))


def test_an_inline_value_must_be_an_object() -> None:
    @dataclass
    class Flat:
        cards: list[int] = field(default_factory=list, metadata=json_field(inline=True))

    with pytest.raises(TypeError, match="inline"):
        to_json(Flat([1]))


def test_moments_in_other_zones_are_written_in_utc() -> None:
    assert to_json(datetime(2026, 1, 1, 23, 30, tzinfo=timezone(timedelta(hours=-2)))) == "2026-01-02T01:30:00Z"
    assert to_json(datetime(2026, 1, 1, tzinfo=UTC)) == "2026-01-01T00:00:00Z"


def test_rows_become_objects() -> None:
    @dataclass
    class Listing:
        facts: list[tuple[str, str]] = field(metadata=json_field(convert=as_objects("prompt", "back")))
        skipped: dict[str, str] = field(metadata=json_field(convert=as_objects("deck", "error")))

    data = to_json(Listing([("Founded", "2009")], {"b": "b.yaml:2: bad", "a": "a.yaml:1: bad"}))
    assert data == {
        "facts": [{"prompt": "Founded", "back": "2009"}],
        "skipped": [{"deck": "b", "error": "b.yaml:2: bad"}, {"deck": "a", "error": "a.yaml:1: bad"}],
    }
    with pytest.raises(ValueError):  # a row of another length is a mistake, not a shorter object
        to_json(Listing([("Founded",)], {}))  # type: ignore[list-item]


def test_computed_keys_without_an_anchor_come_first_in_declared_order() -> None:
    @dataclass
    class Listing:
        deck: str
        json_computed: ClassVar[tuple[Computed, ...]] = (
            Computed("first", attribute="one"),
            Computed("second", attribute="two"),
        )
        one = 1

        def two(self) -> int:
            return 2

    assert list(to_json(Listing("a")).items()) == [("first", 1), ("second", 2), ("deck", "a")]


def test_a_computed_key_that_repeats_a_field_is_refused() -> None:
    @dataclass
    class Twice:
        ok: bool
        json_computed: ClassVar[tuple[Computed, ...]] = (Computed("ok", after="ok", attribute="fine"),)
        fine = True

    with pytest.raises(TypeError, match="two values for one JSON key"):
        to_json(Twice(True))
