"""`studyprep decks` and `studyprep show`: what the workspace holds."""

from __future__ import annotations

__all__ = ["DeckSummary", "list_decks", "show_deck"]

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from studyprep.cards.ids import CARD_KINDS
from studyprep.progress import ProgressCallback, no_progress
from studyprep.result import Computed, dataclass_json, json_field
from studyprep.store.db import deck_file_reader
from studyprep.store.workspace import Workspace

if TYPE_CHECKING:
    from studyprep.cards.models import Card, Deck
    from studyprep.schedule.today import ReadinessGlance
    from studyprep.store.db import DeckOverview


@dataclass
class DeckSummary:
    """One line of `studyprep decks`."""

    slug: str = field(metadata=json_field(name="deck"))
    title: str
    company: str
    role: str
    counts: dict[str, int] = field(metadata=json_field(name="cards"))
    retired: int
    suspended: int
    due: dict[str, Any] | None = None  # today's counts and next due moment, as `studyprep due --json` has them
    readiness: ReadinessGlance | None = None  # interview, time left, readiness today (when dated)
    # The deck file cannot be read: its error (file and line), in place of the figures.
    error: str | None = field(default=None, metadata=json_field(skip=True))

    json_computed: ClassVar[tuple[Computed, ...]] = (Computed("total", after="cards"),)

    @property
    def total(self) -> int:
        """Cards of every kind."""
        return sum(self.counts.values())

    def json_shape(self) -> dict[str, Any]:
        """The JSON form: the fields, or for a deck whose file cannot be read only its slug and error (another
        shape, not fields left out: the figures are absent, not null)."""
        if self.error is not None:
            return {"deck": self.slug, "error": self.error}
        return dataclass_json(self)


def list_decks(workspace: Workspace, now: datetime, progress: ProgressCallback = no_progress) -> list[DeckSummary]:
    """Summaries of every deck in the workspace, by slug, with today's due counts.

    Read from the review database's mirror of the deck files (refreshed first: only changed files are
    parsed), so listing stays fast for large decks. Decks with an interview date ahead also get days
    left and readiness today (predicted recall at the interview from the stored FSRS states). A deck whose
    file cannot be read is listed with its error only. `progress` hears the day's plans decided.
    """
    from studyprep.schedule.replays import open_store
    from studyprep.schedule.today import broken_decks, workspace_counts

    with open_store(workspace, create=False) as store:
        broken = store.refresh_decks(workspace)
        counts = {deck.deck: deck for deck in workspace_counts(workspace, store, now, broken, progress)}
        summaries = [_summary(deck) for deck in store.deck_overview() if deck.slug not in broken]
        summaries += [DeckSummary(entry.deck, "", "", "", {}, 0, 0, error=entry.error)
                      for entry in broken_decks(broken)]  # fmt: skip
        summaries.sort(key=lambda summary: summary.slug)
    for summary in summaries:
        found = counts.get(summary.slug)
        if found:
            summary.due = found.counts_json()
            summary.readiness = found.readiness
    return summaries


def _summary(deck: DeckOverview) -> DeckSummary:
    return DeckSummary(
        slug=deck.slug,
        title=deck.title,
        company=deck.company,
        role=deck.role,
        counts={kind: deck.kinds.get(kind, (0, 0, 0))[0] for kind in CARD_KINDS},
        retired=sum(retired for _, retired, _ in deck.kinds.values()),
        suspended=sum(suspended for _, _, suspended in deck.kinds.values()),
    )


def show_deck(
    workspace: Workspace, name: str, include_retired: bool = False, progress: ProgressCallback = no_progress
) -> tuple[Deck, list[Card]]:
    """A deck and its cards in document order (retired ones only when asked); `progress` hears a reading."""
    from studyprep.store.deckstore import load_deck

    with deck_file_reader(workspace) as read:
        deck = load_deck(workspace, name, read, progress)
    cards = deck.cards if include_retired else [card for card in deck.cards if card.retired is None]
    return deck, cards
