"""The plain deck dataclasses and their serialization agree with the deck-file schema, byte for byte."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter

from studyprep.cards.models import Card, Deck, deck_data, iso_datetime
from studyprep.store.deckfile import DeckFile
from studyprep.store.deckstore import read_deck_file

GOLDEN = Path(__file__).resolve().parent.parent / "decks" / "doit-senior-backend-engineer-golang.yaml"
DATETIMES = TypeAdapter(datetime)

offsets = st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59).map(lambda m: timezone(timedelta(minutes=m)))
moments = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2200, 1, 1))


@given(moments, st.one_of(st.none(), st.just(UTC), offsets))
def test_datetimes_are_written_as_the_schema_writes_them(moment: datetime, zone: timezone | None) -> None:
    aware = moment.replace(tzinfo=zone)
    assert iso_datetime(aware) == DATETIMES.dump_python(aware, mode="json")


def test_a_deck_read_and_written_is_what_the_schema_would_write() -> None:
    deck, _ = read_deck_file(GOLDEN)
    schema_dump = DeckFile.model_validate(deck_data(deck)).model_dump(mode="json")
    for card in schema_dump["cards"]:
        if not card["by_hand"]:
            del card["by_hand"]  # written only when true: the document's cards keep the file as it was
    assert deck_data(deck) == schema_dump
    assert len(deck.cards) > 100


def test_one_instant_with_two_offsets_keeps_each_offset() -> None:
    utc = datetime(2026, 1, 1, 9, tzinfo=UTC)
    paris = utc.astimezone(timezone(timedelta(hours=1)))
    card = Card(id="abc", kind="fact", prompt="p", added=utc, changed=paris)
    written = deck_data(Deck(slug="s", title="t", cards=[card, card]))["cards"]
    assert isinstance(written, list)
    assert written[0]["added"] == "2026-01-01T09:00:00Z"
    assert written[0]["changed"] == "2026-01-01T10:00:00+01:00"


def test_cards_are_immutable() -> None:
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    card = Card(id="abc", kind="fact", prompt="p", added=moment, changed=moment)
    with pytest.raises(AttributeError):
        card.notes = "x"  # type: ignore[misc]
    assert card.but(notes="x").notes == "x" and card.notes == ""
