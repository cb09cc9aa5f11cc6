"""What a deck file may hold: the strict pydantic schema a hand-edited `decks/<slug>.yaml` is checked against.

This is the one place deck data enters from outside. Validation is strict (`extra="forbid"`) because users
edit these files by hand; the result is converted to the plain `studyprep.cards.models` dataclasses at once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from studyprep.cards import models
from studyprep.cards.ids import SLUG_PATTERN, CardKind

__all__ = ["DeckFile", "DuplicateCardIdError"]


class _Strict(BaseModel):
    # Python's own regex engine: the Rust one compiles the Unicode slug pattern in ~25 ms on every start.
    model_config = ConfigDict(extra="forbid", validate_assignment=False, regex_engine="python-re")


class _ReferenceEntry(_Strict):
    section: str
    kind: models.ReferenceKind = "other"
    text: str = ""
    source: int = 0


class _CardEntry(_Strict):
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
    by_hand: bool = False

    @field_validator("category", "tags", mode="before")
    @classmethod
    def _none_is_empty(cls, value: object) -> object:
        return [] if value is None else value

    @field_validator("context", "back", "notes", mode="before")
    @classmethod
    def _none_is_blank(cls, value: object) -> object:
        return "" if value is None else value


class DeckFile(_Strict):
    """The top level of a deck file."""

    format: Literal[1] = models.DECK_FORMAT
    slug: str = Field(pattern=SLUG_PATTERN)
    title: str
    company: str = ""
    role: str = ""
    source: str = ""
    cards: list[_CardEntry] = Field(default_factory=list)
    reference: list[_ReferenceEntry] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ids_are_unique(self) -> DeckFile:
        seen: set[str] = set()
        for index, card in enumerate(self.cards):
            if card.id in seen:
                raise DuplicateCardIdError(index, card.id)
            seen.add(card.id)
        return self

    def to_deck(self) -> models.Deck:
        """The validated file as the plain deck the rest of studyprep works on."""
        fields = self.__dict__
        return models.Deck(
            **{name: fields[name] for name in ("format", "slug", "title", "company", "role", "source")},
            cards=[models.Card(**card.__dict__) for card in self.cards],
            reference=[models.ReferenceNote(**note.__dict__) for note in self.reference],
        )


class DuplicateCardIdError(ValueError):
    """Two cards in one deck file share an id."""

    def __init__(self, index: int, card_id: str) -> None:
        self.index = index
        self.card_id = card_id
        super().__init__(f"duplicate card id {card_id!r}")
