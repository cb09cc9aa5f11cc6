"""`studyprep decks` and `studyprep show`: what the workspace holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from studyprep.deckstore import iter_decks, load_deck
from studyprep.models import Card, Deck
from studyprep.workspace import Workspace


@dataclass
class DeckSummary:
    """One line of `studyprep decks`."""

    slug: str
    title: str
    company: str
    role: str
    counts: dict[str, int]
    retired: int
    suspended: int
    due: dict[str, int] | None = None  # today's learning / review / new counts, from the review database
    readiness: dict[str, Any] | None = None  # interview, days and hours left, readiness today (when dated)

    def to_json(self) -> dict[str, Any]:
        """Machine-readable form."""
        return {
            "deck": self.slug,
            "title": self.title,
            "company": self.company,
            "role": self.role,
            "cards": self.counts,
            "total": sum(self.counts.values()),
            "retired": self.retired,
            "suspended": self.suspended,
            "due": self.due,
            "readiness": self.readiness,
        }


def summarize(deck: Deck) -> DeckSummary:
    """Counts of one deck's cards by kind (active only), plus retired and suspended."""
    return DeckSummary(
        slug=deck.slug,
        title=deck.title,
        company=deck.company,
        role=deck.role,
        counts=deck.counts_by_kind(),
        retired=sum(1 for card in deck.cards if card.retired is not None),
        suspended=sum(1 for card in deck.cards if card.suspended and card.retired is None),
    )


def list_decks(workspace: Workspace, now: datetime | None = None) -> list[DeckSummary]:
    """Summaries of every deck in the workspace, by slug; with today's due counts when `now` is given.

    Decks with an interview date ahead also get days left and readiness today (predicted recall at the
    interview from the stored FSRS states, no projection), computed with the due counts.
    """
    summaries = [summarize(deck) for deck in iter_decks(workspace)]
    if now is not None and summaries:
        from studyprep.commands.due import due_report

        counts = {deck.deck: deck for deck in due_report(workspace, now).decks}
        for summary in summaries:
            found = counts.get(summary.slug)
            if found:
                summary.due = {"learning": found.learning, "review": found.review, "new": found.new}
                summary.readiness = found.readiness
    return summaries


def show_deck(workspace: Workspace, name: str, include_retired: bool = False) -> tuple[Deck, list[Card]]:
    """A deck and its cards in document order (retired ones only when asked)."""
    deck = load_deck(workspace, name)
    cards = deck.cards if include_retired else [card for card in deck.cards if card.retired is None]
    return deck, cards


def card_json(card: Card) -> dict[str, Any]:
    """A card as JSON-ready data."""
    return card.model_dump(mode="json")
