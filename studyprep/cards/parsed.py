"""What the importer reads from a prep document, before it meets the deck: plain data, no validation.

The parser builds these (`studyprep.parse`); `merge` turns them into the deck's validated models. Pydantic is
for what comes from outside (deck files, plans); a document's cards are the parser's own making.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from studyprep.cards.ids import CardKind, card_id

__all__ = ["ParsedCard", "ParsedDocument", "ParsedNote"]


@dataclass
class ParsedCard:
    """One card as the parser found it in a document (its back may still grow while the outline is read)."""

    kind: CardKind
    prompt: str
    category: list[str] = field(default_factory=list)
    context: str = ""
    back: str = ""
    tags: list[str] = field(default_factory=list)
    source: int = 0

    @cached_property
    def id(self) -> str:
        """Content-addressed id (kind + normalized prompt)."""
        return card_id(self.kind, self.prompt)


@dataclass(frozen=True)
class ParsedNote:
    """A part of the document that is not a card (overview, fit, strategy...), kept verbatim."""

    section: str
    kind: str = "other"
    text: str = ""
    source: int = 0


@dataclass(frozen=True)
class ParsedDocument:
    """Everything the parser extracts from one prep document."""

    title: str
    company: str = ""
    role: str = ""
    cards: list[ParsedCard] = field(default_factory=list)
    reference: list[ParsedNote] = field(default_factory=list)
    sections_found: list[str] = field(default_factory=list)
