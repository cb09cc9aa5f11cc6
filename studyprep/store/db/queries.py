"""What the queue asks of the database: today's due learning and review cards, new cards in document order, and
the counts `due` shows, each by the index that keeps it short. Buried cards (`marks`) and inactive ones are left
out of all of them."""

from __future__ import annotations

__all__ = ["DeckCounts", "deck_counts", "due_learning", "due_reviews", "new_cards"]

from dataclasses import dataclass
from datetime import datetime

from studyprep.store.db.codec import from_us, to_us
from studyprep.store.db.connection import Database
from studyprep.store.db.log import new_cards_since


@dataclass(frozen=True)
class DeckCounts:
    """Today's work in one deck, read from the database only."""

    deck: str
    learning: int
    review: int
    new_available: int
    new_today: int
    next_due: datetime | None


def _not_buried(alias: str) -> str:
    """SQL condition (one `?`: now) excluding cards buried past now; `alias` names the card's table."""
    return (
        f" AND NOT EXISTS (SELECT 1 FROM buried b WHERE b.deck = {alias}.deck AND b.card_id = {alias}.card_id"  # noqa: S608
        " AND b.until > ?)"
    )


def due_learning(db: Database, deck: str, before: datetime, now: datetime) -> list[tuple[str, datetime, int, int]]:
    """Active, unburied learning/relearning cards due before `before`, earliest first: (card id, due, fsrs
    state, learning step), so a budget can count the steps each still owes."""
    rows = db.query(
        "SELECT s.card_id, s.due, s.state, coalesce(s.step, 0) FROM card_state s"  # noqa: S608 - constant SQL fragments, values bound
        " JOIN cards c ON c.deck = s.deck AND c.card_id = s.card_id"
        " WHERE s.deck = ? AND s.state IN (1, 3) AND s.due < ? AND c.active = 1" + _not_buried("s") +
        " ORDER BY s.due",
        (deck, to_us(before), to_us(now)),
    )  # fmt: skip
    return [(row[0], from_us(row[1]), row[2], row[3]) for row in rows]


def due_reviews(db: Database, deck: str, before: datetime, now: datetime) -> list[tuple[str, float]]:
    """Active, unburied review cards due before `before`, most overdue relative to their interval first.

    Returns (card id, overdue ratio) pairs; the ratio is days overdue over the scheduled interval.
    """
    now_us = to_us(now)
    rows = db.query(
        "SELECT s.card_id, (? - s.due) * 1.0 / max(s.due - coalesce(s.last_review, s.due), 1000000) AS r"  # noqa: S608 - constant SQL fragments, values bound
        " FROM card_state s JOIN cards c ON c.deck = s.deck AND c.card_id = s.card_id"
        " WHERE s.deck = ? AND s.state = 2 AND s.due < ? AND c.active = 1" + _not_buried("s") +
        " ORDER BY r DESC, c.position",
        (now_us, deck, to_us(before), now_us),
    )  # fmt: skip
    return [(row[0], row[1]) for row in rows]


def new_cards(db: Database, deck: str, now: datetime, limit: int) -> list[str]:
    """Up to `limit` active, unburied, never-reviewed cards of a deck in document order."""
    if limit <= 0:
        return []
    rows = db.query(
        "SELECT c.card_id FROM cards c WHERE c.deck = ? AND c.active = 1 AND c.seen = 0"  # noqa: S608 - constant SQL fragments, values bound
        + _not_buried("c") + " ORDER BY c.position LIMIT ?",
        (deck, to_us(now), limit),
    )  # fmt: skip
    return [row[0] for row in rows]


def deck_counts(db: Database, deck: str, now: datetime, day_start: datetime, day_end: datetime,
                new_per_day: int, *, planned: bool = False) -> DeckCounts:  # fmt: skip
    """Today's counts for a deck: learning and review cards due before the day ends, new cards left.

    A `planned` deck's review and new cards are what its day plan serves: they are not counted here (0), which
    spares a walk over every due review (at scale, most of `due` for a deck with an interview date).
    """
    now_us, end_us = to_us(now), to_us(day_end)
    # Each count by the index that keeps it short (SQLite's own choice walks every deck's due reviews):
    # learning cards are few, where a deck's due reviews may be thousands.
    learning = db.scalar(
        "SELECT count(*) FROM card_state s INDEXED BY card_state_by_due"  # noqa: S608 - constant SQL fragments, values bound
        " JOIN cards c ON c.deck = s.deck AND c.card_id = s.card_id"
        " WHERE s.state IN (1, 3) AND s.due < ? AND s.deck = ? AND c.active = 1" + _not_buried("s"),
        (end_us, deck, now_us),
    )  # fmt: skip
    review = unseen = 0
    if not planned:
        review = db.scalar(
            "SELECT count(*) FROM card_state s INDEXED BY card_state_by_deck_due"  # noqa: S608 - constant SQL fragments, values bound
            " JOIN cards c ON c.deck = s.deck AND c.card_id = s.card_id"
            " WHERE s.deck = ? AND s.due < ? AND s.state = 2 AND c.active = 1" + _not_buried("s"),
            (deck, end_us, now_us),
        )  # fmt: skip
        unseen = db.scalar(
            "SELECT count(*) FROM cards c WHERE c.deck = ? AND c.active = 1 AND c.seen = 0"  # noqa: S608 - constant SQL fragments, values bound
            + _not_buried("c"),
            (deck, now_us),
        )  # fmt: skip
    next_due = db.scalar(
        "SELECT min(s.due) FROM card_state s JOIN cards c ON c.deck = s.deck AND c.card_id = s.card_id"
        " WHERE s.deck = ? AND s.due > ? AND c.active = 1",
        (deck, now_us),
    )
    new_today = new_cards_since(db, deck, day_start)
    return DeckCounts(
        deck=deck,
        learning=int(learning),
        review=int(review),
        new_available=min(int(unseen), max(new_per_day - new_today, 0)),
        new_today=new_today,
        next_due=None if next_due is None else from_us(next_due),
    )
