"""Pydantic models for what enters from outside: parsed documents and deck files.

Decks are validated strictly (`extra="forbid"`) because users edit them by hand.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from studyprep.ids import CARD_KINDS, SLUG_PATTERN, CardKind

ReferenceKind = Literal["role", "fit", "resume", "company", "strategy", "other"]

DECK_FORMAT = 1


class _Strict(BaseModel):
    # Python's own regex engine: the Rust one compiles the Unicode slug pattern in ~25 ms on every start.
    model_config = ConfigDict(extra="forbid", validate_assignment=False, regex_engine="python-re")


class ReferenceNote(_Strict):
    """A part of the document that is not a card (overview, fit, strategy...), kept verbatim."""

    section: str
    kind: ReferenceKind = "other"
    text: str = ""
    source: int = 0


class Card(_Strict):
    """A card in a deck: document-derived fields plus the user's own `notes` and flags."""

    id: str = Field(pattern=r"^[0-9a-z][0-9a-z-]{2,63}$")
    kind: CardKind
    category: list[str] = Field(default_factory=list)
    prompt: str = Field(min_length=1)
    context: str = ""
    back: str = ""
    notes: str = ""
    tags: list[str] = Field(default_factory=list)
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

    @field_validator("category", "tags", mode="before")
    @classmethod
    def _none_is_empty(cls, value: object) -> object:
        return [] if value is None else value

    @field_validator("context", "back", "notes", mode="before")
    @classmethod
    def _none_is_blank(cls, value: object) -> object:
        return "" if value is None else value


class Deck(_Strict):
    """A deck file: `decks/<slug>.yaml`."""

    format: Literal[1] = DECK_FORMAT
    slug: str = Field(pattern=SLUG_PATTERN)
    title: str
    company: str = ""
    role: str = ""
    source: str = ""
    cards: list[Card] = Field(default_factory=list)
    reference: list[ReferenceNote] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ids_are_unique(self) -> Deck:
        seen: set[str] = set()
        for index, card in enumerate(self.cards):
            if card.id in seen:
                raise DuplicateCardIdError(index, card.id)
            seen.add(card.id)
        return self

    def active_cards(self) -> list[Card]:
        """Cards that take part in review and export."""
        return [card for card in self.cards if card.active]

    def counts_by_kind(self) -> dict[str, int]:
        """Number of active cards of each kind (every kind present, zero if none)."""
        counts = dict.fromkeys(CARD_KINDS, 0)
        for card in self.active_cards():
            counts[card.kind] += 1
        return counts


class DuplicateCardIdError(ValueError):
    """Two cards in one deck file share an id."""

    def __init__(self, index: int, card_id: str) -> None:
        self.index = index
        self.card_id = card_id
        super().__init__(f"duplicate card id {card_id!r}")
