"""Decks whose FSRS states must be computed again from their logs (`pending_replay`): a migration that changes how
states are computed queues them (`study-days`). Replaying needs each deck's scheduler, which the schedule builds
from its plan: the store only lists the queued decks and takes each off the queue in the transaction that
replays it (`ReviewStore.replay_pending`, given the schedule's replay when the store was opened)."""

from __future__ import annotations

__all__ = ["pending_replays", "replayed"]

from studyprep.store.db.connection import Database


def pending_replays(db: Database) -> list[str]:
    """The decks queued for a replay, by slug (one indexed read when none is)."""
    return [row[0] for row in db.query("SELECT deck FROM pending_replay ORDER BY deck")]


def replayed(db: Database, deck: str) -> None:
    """Take a replayed deck off the queue (inside the transaction that replayed it)."""
    db.execute("DELETE FROM pending_replay WHERE deck = ?", (deck,))
