"""`studyprep due`: today's counts per deck (learning, review, new) and when the next card is due.

Reads the review database only; deck files are checked by size and mtime (and re-read only when changed). A deck
file that cannot be read is listed with its error, and the other decks are counted as usual.
A deck with an interview date ahead is counted as the review queue serves it: its deadline plan's reviews and
new cards for the rest of today (`deadline_queue.DayPlanner`), with its readiness today.
"""

from __future__ import annotations

__all__ = ["DueReport", "due_report"]

from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from studyprep.progress import ProgressCallback, no_progress
from studyprep.result import Computed, json_field
from studyprep.schedule.replays import open_store
from studyprep.schedule.today import BrokenDeck, DeckDue, broken_decks, workspace_counts
from studyprep.store.workspace import Workspace


@dataclass(frozen=True)
class DueReport:
    """`studyprep due` for the whole workspace."""

    now: datetime
    decks: list[DeckDue] = field(metadata=json_field(skip=True))  # listed with the broken ones, by name
    broken: list[BrokenDeck] = field(default_factory=list, metadata=json_field(skip=True))

    json_computed: ClassVar[tuple[Computed, ...]] = (
        Computed("decks", after="now", attribute="by_name"),
        Computed("total", after="decks", attribute="totals"),
        Computed("next_due", after="total"),
    )

    @property
    def next_due(self) -> datetime | None:
        """The earliest moment after now when a scheduled card falls due, over all decks."""
        return min((deck.next_due for deck in self.decks if deck.next_due), default=None)

    def totals(self) -> dict[str, int]:
        """Counts summed over decks."""
        return {
            "learning": sum(deck.learning for deck in self.decks),
            "review": sum(deck.review for deck in self.decks),
            "new": sum(deck.new for deck in self.decks),
        }

    def by_name(self) -> list[DeckDue | BrokenDeck]:
        """Every deck, readable or broken, in name order (as `due` lists them)."""
        entries: list[DeckDue | BrokenDeck] = [*self.decks, *self.broken]
        return sorted(entries, key=lambda entry: entry.deck)

    def short_line(self) -> str:
        """`doit 12 · stripe 3`: the decks with cards to go through today, for a prompt or a status bar."""
        busy = [f"{deck.deck} {deck.total}" for deck in sorted(self.decks, key=lambda d: d.deck) if deck.total]
        return " · ".join(busy) or "nothing due"


def due_report(workspace: Workspace, now: datetime, progress: ProgressCallback = no_progress) -> DueReport:
    """Today's counts for every deck in the workspace (`progress` hears the day's plans decided)."""
    with open_store(workspace, create=False) as store:
        broken = store.refresh_decks(workspace)
        return DueReport(now, workspace_counts(workspace, store, now, broken, progress), broken_decks(broken))
