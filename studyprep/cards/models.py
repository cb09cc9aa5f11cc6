"""The deck as the rest of studyprep sees it: cards, reference notes and decks, as frozen dataclasses.

A deck file enters through `studyprep.store.deckfile` (pydantic, strict, located errors) and leaves through
`deck_data`; everything in between works on these plain, immutable objects, so a command that never reads a
deck file (a first import, say) never pays for pydantic.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from studyprep.cards.ids import CARD_KINDS, CardKind

__all__ = [
    "CARD_KINDS",
    "DECK_FORMAT",
    "Card",
    "CardKind",
    "Deck",
    "ReferenceKind",
    "ReferenceNote",
    "card_data",
    "deck_data",
    "iso_datetime",
    "normalize_notes",
]

ReferenceKind = Literal["role", "fit", "resume", "company", "strategy", "other"]

DECK_FORMAT: Literal[1] = 1


def normalize_notes(text: str) -> str:
    """A card's notes as stored: no blank lines around them, no trailing spaces at the end."""
    return text.strip("\n").rstrip()


@dataclass(frozen=True, slots=True, kw_only=True)
class ReferenceNote:
    """A part of the document that is not a card (overview, fit, strategy...), kept verbatim."""

    section: str
    kind: ReferenceKind = "other"
    text: str = ""
    source: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class Card:
    """A card in a deck: document-derived fields plus the user's own `notes` and flags."""

    id: str
    kind: CardKind
    category: list[str] = field(default_factory=list)
    prompt: str
    context: str = ""
    back: str = ""
    notes: str = ""
    tags: list[str] = field(default_factory=list)
    source: int = 0
    added: datetime
    changed: datetime
    retired: datetime | None = None
    suspended: bool = False
    by_hand: bool = False  # written with `studyprep add`: no import retires it (stored only when true)

    @property
    def active(self) -> bool:
        """A card is active unless retired from its document or suspended by the user."""
        return self.retired is None and not self.suspended

    def but(self, **changes: object) -> Card:
        """A copy of this card with `changes` applied (the card itself never changes)."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    def json_shape(self) -> dict[str, object]:
        """The card's `--json` form (`studyprep.result.to_json`): its deck file form, `card_data`, which the deck
        writer shares (a key only when true, `by_hand`, is no plain field)."""
        return card_data(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class Deck:
    """A deck file: `decks/<slug>.yaml`."""

    format: Literal[1] = DECK_FORMAT
    slug: str
    title: str
    company: str = ""
    role: str = ""
    source: str = ""
    cards: list[Card] = field(default_factory=list)
    reference: list[ReferenceNote] = field(default_factory=list)

    def active_cards(self) -> list[Card]:
        """Cards that take part in review and export."""
        return [card for card in self.cards if card.active]

    def counts_by_kind(self) -> dict[str, int]:
        """Number of active cards of each kind (every kind present, zero if none)."""
        counts: dict[str, int] = dict.fromkeys(CARD_KINDS, 0)
        for card in self.active_cards():
            counts[card.kind] += 1
        return counts

    def but(self, **changes: object) -> Deck:
        """A copy of this deck with `changes` applied (the deck itself never changes)."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


def iso_datetime(moment: datetime) -> str:
    """A datetime as deck files store it: ISO 8601, `Z` for UTC, offsets to the minute."""
    text = moment.replace(tzinfo=None).isoformat()
    offset = moment.utcoffset()
    if offset is None:
        return text
    if not offset:
        return text + "Z"
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(offset) // timedelta(minutes=1)
    return f"{text}{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def card_data(card: Card, stamps: dict[tuple[datetime, timedelta | None], str] | None = None) -> dict[str, object]:
    """A card as plain data, in the deck file's key order (JSON- and YAML-ready); `stamps` memoizes the
    text of datetimes shared by many cards (a deck's cards mostly share a few import times)."""
    stamps = {} if stamps is None else stamps
    return {
        "id": card.id,
        "kind": card.kind,
        "category": list(card.category),
        "prompt": card.prompt,
        "context": card.context,
        "back": card.back,
        "notes": card.notes,
        "tags": list(card.tags),
        "source": card.source,
        "added": _stamp(card.added, stamps),
        "changed": _stamp(card.changed, stamps),
        "retired": None if card.retired is None else _stamp(card.retired, stamps),
        "suspended": card.suspended,
        # Only cards written with `studyprep add` say so: the document's cards keep the file as it always was.
        **({"by_hand": True} if card.by_hand else {}),
    }


def _stamp(moment: datetime, stamps: dict[tuple[datetime, timedelta | None], str]) -> str:
    key = (moment, moment.utcoffset())  # one instant written with two offsets is two texts
    text = stamps.get(key)
    if text is None:
        text = stamps[key] = iso_datetime(moment)
    return text


def deck_data(deck: Deck) -> dict[str, object]:
    """A deck as plain data, in the deck file's key order (JSON- and YAML-ready)."""
    stamps: dict[tuple[datetime, timedelta | None], str] = {}
    return {
        "format": deck.format,
        "slug": deck.slug,
        "title": deck.title,
        "company": deck.company,
        "role": deck.role,
        "source": deck.source,
        "cards": [card_data(card, stamps) for card in deck.cards],
        "reference": [
            {"section": note.section, "kind": note.kind, "text": note.text, "source": note.source}
            for note in deck.reference
        ],
    }
