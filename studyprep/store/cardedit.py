"""Changing cards in their deck files (notes, suspension, cards added by hand), each change one atomic write
under the deck lock, so an import or a review saving notes meanwhile never loses its work or ours."""

from __future__ import annotations

__all__ = ["changed", "rewrite_deck", "set_card_fields"]

from collections.abc import Callable, Collection
from datetime import datetime
from typing import TYPE_CHECKING

from studyprep.cards.models import Card, Deck
from studyprep.errors import StudyprepError
from studyprep.store.deckstore import DeckReader, backup_deck, deck_to_yaml, read_deck_file, save_deck
from studyprep.store.locking import deck_write_lock
from studyprep.store.workspace import Workspace

if TYPE_CHECKING:
    from studyprep.store.db import ReviewStore


def changed(card: Card, **fields: object) -> Card:
    """A copy of `card` with `fields` replaced: the one place a loaded card's field is changed."""
    return card.but(**fields)


def rewrite_deck(
    workspace: Workspace,
    slug: str,
    change: Callable[[Deck], list[Card] | None],
    store: ReviewStore | None = None,
    backup_at: datetime | None = None,
    read: DeckReader = read_deck_file,
) -> Deck:
    """Read the deck file under the deck lock, let `change` return its new cards (None: nothing to change; it
    may raise to change nothing), and write the deck back atomically; return the deck as stored.

    The file is read with `store`'s cache of parsed decks, else with `read`.
    With `store`, the review database's mirror follows at once; with `backup_at`, the file replaced is kept
    first in `decks/.backups/` (as an import does), for changes that touch many cards at once.
    """
    with deck_write_lock(workspace):
        path = workspace.deck_path(slug)
        deck, text = store.read_deck_file(path) if store is not None else read(path)
        cards = change(deck)
        if cards is None:
            return deck
        updated = deck.but(cards=cards)
        if deck_to_yaml(updated) == text:
            return updated
        if backup_at is not None:
            backup_deck(workspace, slug, text, backup_at)
        save_deck(workspace, updated)
        if store is not None:
            store.mirror_deck(updated, path)
    return updated


def set_card_fields(
    workspace: Workspace, slug: str, card_ids: Collection[str], store: ReviewStore | None = None, **fields: object
) -> Deck:
    """Give the named cards of a deck these field values (e.g. `notes=`, `suspended=`) in one write; a card no
    longer in the deck file stops everything with an error naming it."""
    wanted = set(card_ids)

    def change(deck: Deck) -> list[Card]:
        missing = wanted - {card.id for card in deck.cards}
        if missing:
            raise StudyprepError(f"card {min(missing)} is no longer in the deck file", workspace.deck_path(slug))
        return [changed(card, **fields) if card.id in wanted else card for card in deck.cards]

    return rewrite_deck(workspace, slug, change, store)
