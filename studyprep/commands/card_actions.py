"""`studyprep add`, `suspend`, `unsuspend`, `flag`, `unflag` and `forget`: change cards by hand.

Cards are named by id, unique id prefix or DECK:ID (`studyprep.store.cardrefs`). Suspension lives in the deck file
(`suspended: true`, as a hand edit would write it); flags and forgetting live in the review database.
"""

from __future__ import annotations

__all__ = ["ActionResult", "AddResult", "add_card", "forget_cards", "set_flagged", "set_suspended"]

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from studyprep.errors import StudyprepError
from studyprep.result import json_field
from studyprep.store.cardrefs import CardRef, resolve_cards
from studyprep.store.workspace import Workspace

if TYPE_CHECKING:
    from studyprep.store.db import ReviewStore

Action = Literal["suspended", "unsuspended", "flagged", "unflagged", "forgotten"]


@dataclass(frozen=True)
class ActionResult:
    """The cards an action applied to (`changed`: how many were not already that way)."""

    action: Action
    changed: int
    cards: tuple[CardRef, ...]


@dataclass(frozen=True)
class AddResult:
    """A card added by hand."""

    deck: str
    card_id: str = field(metadata=json_field(name="id"))
    kind: str
    category: tuple[str, ...]
    prompt: str
    deck_path: str = field(metadata=json_field(name="deck_file"))


def add_card(workspace: Workspace, deck: str, prompt: str, kind: str, category: str, back: str,
             now: datetime) -> AddResult:  # fmt: skip
    """Add a card written by hand to the end of a deck (marked `by_hand`, so no import retires it)."""
    from studyprep.cards.ids import as_card_kind, card_id, normalize_prompt
    from studyprep.cards.merge import derived_tags
    from studyprep.cards.models import Card, Deck
    from studyprep.store.cardedit import rewrite_deck
    from studyprep.store.deckstore import load_deck

    text = " ".join(prompt.split())
    if not normalize_prompt(text):
        raise StudyprepError("the prompt is empty: write the question or topic in quotes")
    path = [part.strip() for part in category.split("/") if part.strip()]
    new_id = card_id(kind, text)
    slug = load_deck(workspace, deck).slug

    def change(current: Deck) -> list[Card]:
        same = next((card for card in current.cards if card.id == new_id), None)
        if same is not None:
            where = " (retired)" if same.retired else ""
            raise StudyprepError(f"the deck has this card already{where}: {same.id} {same.prompt!r}",
                                 workspace.deck_path(slug))  # fmt: skip
        card = Card(id=new_id, kind=as_card_kind(kind), category=path, prompt=text, back=back.strip(),
                    tags=derived_tags(kind, path), added=now, changed=now, by_hand=True)  # fmt: skip
        return [*current.cards, card]

    rewrite_deck(workspace, slug, change)
    return AddResult(slug, new_id, kind, tuple(path), text, str(workspace.deck_path(slug)))


def set_suspended(workspace: Workspace, names: Sequence[str], suspended: bool) -> ActionResult:
    """Suspend (or unsuspend) the named cards in their deck files: one write per deck."""
    from studyprep.schedule.replays import open_store
    from studyprep.store.cardedit import set_card_fields
    from studyprep.store.deckstore import load_deck

    with open_store(workspace) as store:
        refs = _resolve(store, workspace, names)
        changed = 0
        for deck in sorted({ref.deck for ref in refs}):
            ids = {ref.card_id for ref in refs if ref.deck == deck}
            cards = load_deck(workspace, deck, store.read_deck_file).cards
            changed += sum(card.suspended != suspended for card in cards if card.id in ids)
            set_card_fields(workspace, deck, ids, store, suspended=suspended)
    return ActionResult("suspended" if suspended else "unsuspended", changed, tuple(refs))


def set_flagged(workspace: Workspace, names: Sequence[str], flagged: bool, now: datetime) -> ActionResult:
    """Flag the named cards (to come back to them: `cards --state flagged`) or take their flags off."""
    from studyprep.schedule.replays import open_store

    with open_store(workspace) as store:
        refs = _resolve(store, workspace, names)
        before = store.flagged()
        for ref in refs:
            store.set_flag(ref.deck, ref.card_id, flagged, now)
    changed = sum(((ref.deck, ref.card_id) in before) != flagged for ref in refs)
    return ActionResult("flagged" if flagged else "unflagged", changed, tuple(refs))


def forget_cards(workspace: Workspace, names: Sequence[str], now: datetime) -> ActionResult:
    """Send the named cards back to new (as Anki's Forget); their review history stays in the log."""
    from studyprep.schedule.replays import open_store

    with open_store(workspace) as store:
        refs = _resolve(store, workspace, names)
        changed = sum(store.forget(ref.deck, ref.card_id, now) for ref in refs)
    return ActionResult("forgotten", changed, tuple(refs))


def _resolve(store: ReviewStore, workspace: Workspace, names: Sequence[str]) -> list[CardRef]:
    store.refresh_mirror(workspace)
    return resolve_cards(store, names)
