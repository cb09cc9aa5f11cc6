"""Marks a learner puts on cards: buried (hidden from the queue until a moment, the next study day), flagged (to
come back to: a review key, a `cards --state` filter) and forgotten (sent back to new by `studyprep forget`: the
state goes, the log stays, and a replay of the log starts after that moment)."""

from __future__ import annotations

__all__ = ["buried_ids", "bury", "flagged", "forget", "forgotten_at", "set_flag", "unbury"]

from datetime import datetime

from studyprep.store.db.codec import from_us, to_us
from studyprep.store.db.connection import Database
from studyprep.store.db.log import latest_review
from studyprep.store.db.states import delete_state, has_state


def bury(db: Database, deck: str, card_id: str, until: datetime) -> None:
    """Hide a card from the queue until `until`."""
    with db.atomic():
        db.execute(
            "INSERT OR REPLACE INTO buried (deck, card_id, until) VALUES (?, ?, ?)", (deck, card_id, to_us(until))
        )


def unbury(db: Database, deck: str, card_id: str) -> None:
    """Put a buried card back."""
    with db.atomic():
        db.execute("DELETE FROM buried WHERE deck = ? AND card_id = ?", (deck, card_id))


def buried_ids(db: Database, deck: str, now: datetime) -> set[str]:
    """Ids of the deck's cards buried past `now`."""
    return {row[0] for row in db.query("SELECT card_id FROM buried WHERE deck = ? AND until > ?", (deck, to_us(now)))}


def set_flag(db: Database, deck: str, card_id: str, flagged: bool, now: datetime) -> None:
    """Flag a card (to come back to it) or take the flag off."""
    with db.atomic():
        if flagged:
            db.execute("INSERT OR REPLACE INTO flags (deck, card_id, flagged_at) VALUES (?, ?, ?)",
                       (deck, card_id, to_us(now)))  # fmt: skip
        else:
            db.execute("DELETE FROM flags WHERE deck = ? AND card_id = ?", (deck, card_id))


def flagged(db: Database) -> set[tuple[str, str]]:
    """(deck, card id) of every flagged card."""
    return {(row[0], row[1]) for row in db.query("SELECT deck, card_id FROM flags")}


def forget(db: Database, deck: str, card_id: str, now: datetime) -> bool:
    """Send a card back to new (as Anki's Forget): its state goes, its log stays; a replay of the log (after
    `anki-pull`) starts after `now`. Returns whether the card had a state to forget."""
    with db.atomic():
        had = has_state(db, deck, card_id)
        delete_state(db, deck, card_id)
        db.execute("DELETE FROM buried WHERE deck = ? AND card_id = ?", (deck, card_id))
        latest = latest_review(db, deck, card_id)
        # After every review logged so far, even one stamped later than `now` (a clock set back, STUDYPREP_NOW).
        at = max(to_us(now), (latest or 0) + 1)
        db.execute("INSERT OR REPLACE INTO forgotten (deck, card_id, at) VALUES (?, ?, ?)", (deck, card_id, at))
    return had


def forgotten_at(db: Database, deck: str, card_id: str) -> datetime | None:
    """When the card was last sent back to new, if ever."""
    at = db.scalar("SELECT at FROM forgotten WHERE deck = ? AND card_id = ?", (deck, card_id))
    return None if at is None else from_us(at)
