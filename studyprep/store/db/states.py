"""FSRS states: the current `fsrs.Card` of every card reviewed at least once (`card_state`; no row = a new card).

Every write keeps `cards.seen` in step (the mirror's "has a state"), so counting new cards needs no anti-join. A
stored row no studyprep wrote (a state out of range, a due that is not a number) reads as one line naming the
database (`reading_states`), not a traceback from deep in a plan.
"""

from __future__ import annotations

__all__ = [
    "Entry",
    "StoredState",
    "active_cards",
    "card_states",
    "deck_states",
    "delete_state",
    "get_state",
    "has_state",
    "reading_states",
    "replace_state",
    "replace_states",
    "state_log_id",
    "write_state",
]

import contextlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from studyprep.errors import StudyprepError
from studyprep.store.db.codec import fsrs_card_id, make_card, state_columns, to_us, us_or_none
from studyprep.store.db.connection import Database, Row

if TYPE_CHECKING:
    import fsrs

Entry = TypeVar("Entry")


@dataclass(frozen=True)
class StoredState:
    """A card's current FSRS state and the log entry that produced it."""

    card: fsrs.Card
    last_log_id: int


@contextlib.contextmanager
def reading_states(db: Database, deck: str) -> Iterator[None]:
    """Turn a stored row no studyprep wrote (a state out of range, a due that is not a number) into one line
    naming the database, not a traceback from deep in a plan or a worker process. One row is not a damaged
    file: `studyprep check` names the card (moving the file aside would lose the whole history)."""
    try:
        yield
    except (KeyError, TypeError, ValueError, OverflowError):
        message = f"a card of deck {deck} has a scheduling state that cannot be read; `studyprep check` lists it"
        raise StudyprepError(message, db.path) from None


def get_state(db: Database, deck: str, card_id: str) -> StoredState | None:
    """A card's current FSRS state (None when it was never reviewed)."""
    row = db.one(
        "SELECT state, step, stability, difficulty, due, last_review, last_log_id FROM card_state"
        " WHERE deck = ? AND card_id = ?",
        (deck, card_id),
    )
    if row is None:
        return None
    with reading_states(db, deck):
        return StoredState(make_card(fsrs_card_id(deck, card_id), *row[:6]), row[6])


def card_states(db: Database, deck: str) -> dict[str, fsrs.Card | None]:
    """Every active card of a deck, in document order, with its fsrs Card (None if never reviewed).

    For planning and display: these Cards' fsrs ids are 0 (fsrs only copies the id into its own review log,
    which studyprep never keeps; hashing 100,000 ids was a tenth of `readiness`). A review reads its card
    with `get_state`.
    """
    rows = _active_rows(db, deck, "")
    # Unpacked by name, not `*rest`: a list per row and a starred call cost a fifth of this at 100k cards.
    with reading_states(db, deck):
        return {
            card_id: None if state is None else make_card(0, state, step, stability, difficulty, due, last)
            for card_id, state, step, stability, difficulty, due, last in rows
        }


def active_cards(
    db: Database, deck: str, entry: Callable[[str, tuple[str, ...], str, fsrs.Card | None], Entry]
) -> list[Entry]:
    """Every active card of a deck in document order, as `entry(card id, category, kind, fsrs state)` (fsrs id 0,
    as in `card_states`), built as each row is read; the category is one tuple for all cards of a category.
    No prompt: the index covers the rest, and a report shows a few prompts (`mirror.prompts`)."""
    rows = _active_rows(db, deck, "c.category, c.kind, ")
    categories: dict[str, tuple[str, ...]] = {}  # many cards share a category: decode each JSON list once
    cards = []
    with reading_states(db, deck):
        for card_id, category, kind, state, step, stability, difficulty, due, last in rows:
            if category not in categories:
                categories[category] = tuple(json.loads(category))
            fsrs_card = None if state is None else make_card(0, state, step, stability, difficulty, due, last)
            cards.append(entry(card_id, categories[category], kind, fsrs_card))
    return cards


def question_recall_rows(db: Database, deck: str) -> list[Row]:
    """(card id, has notes, stability, last review) of the deck's active question cards in document order, the
    last review in microseconds (None, None for a card never reviewed): what predicted recall needs, without
    building fsrs Cards."""
    return db.query(
        "SELECT c.card_id, trim(c.notes) != '', s.stability, s.last_review FROM cards c"
        " LEFT JOIN card_state s ON s.deck = c.deck AND s.card_id = c.card_id"
        " WHERE c.deck = ? AND c.active = 1 AND c.kind = 'question' ORDER BY c.position",
        (deck,),
    )


def _active_rows(db: Database, deck: str, mirrored: str) -> list[Row]:
    """(card id, [mirrored columns,] state columns) of a deck's active cards in document order.

    One joined query: per-card lookups took over a second at 100k cards. `mirrored` is a constant list of
    `cards` columns (each ending in a comma): a plan needs none of the text, which is a third of the rows.
    """
    return db.query(
        f"SELECT c.card_id, {mirrored}s.state, s.step, s.stability, s.difficulty, s.due, s.last_review"  # noqa: S608 - constant column lists, values bound
        " FROM cards c LEFT JOIN card_state s ON s.deck = c.deck AND s.card_id = c.card_id"
        " WHERE c.deck = ? AND c.active = 1 ORDER BY c.position",
        (deck,),
    )


def deck_states(db: Database, deck: str) -> dict[str, fsrs.Card]:
    """The FSRS state of every card of the deck that has one (active or not; fsrs ids 0, as `card_states`)."""
    rows = db.query(
        "SELECT card_id, state, step, stability, difficulty, due, last_review FROM card_state WHERE deck = ?",
        (deck,),
    )
    with reading_states(db, deck):
        return {row[0]: make_card(0, *row[1:]) for row in rows}


def has_state(db: Database, deck: str, card_id: str) -> bool:
    """Whether the card has a stored state (was reviewed and not sent back to new)."""
    return db.one("SELECT 1 FROM card_state WHERE deck = ? AND card_id = ?", (deck, card_id)) is not None


def state_log_id(db: Database, deck: str, card_id: str) -> int | None:
    """The log entry the card's stored state comes from (None: no state)."""
    row = db.one("SELECT last_log_id FROM card_state WHERE deck = ? AND card_id = ?", (deck, card_id))
    return None if row is None else row[0]


def replace_state(db: Database, deck: str, card_id: str, card: fsrs.Card | None, last_log_id: int) -> None:
    """Store a rebuilt state (None: the card has no history and is new again)."""
    with db.atomic():
        if card is None:
            delete_state(db, deck, card_id)
        else:
            write_state(db, deck, card_id, card, last_log_id)


def replace_states(db: Database, states: list[tuple[str, str, fsrs.Card | None, int]]) -> None:
    """`replace_state` of many cards at once, `(deck, card id, state, last log id)` each: one statement run for
    every card (`anki-pull` stores thousands per transaction), the same rows and deck versions as card by card."""
    with db.atomic():
        for deck, card_id, card, _ in states:
            if card is None:
                delete_state(db, deck, card_id)
        kept = [(deck, card_id, card, log_id) for deck, card_id, card, log_id in states if card is not None]
        db.executemany("UPDATE cards SET seen = 1 WHERE deck = ? AND card_id = ?", [row[:2] for row in kept])
        db.executemany(
            _WRITE_STATE,
            [(deck, card_id, *state_columns(card), to_us(card.due), us_or_none(card.last_review), log_id)
             for deck, card_id, card, log_id in kept],
        )  # fmt: skip


_WRITE_STATE = (
    "INSERT OR REPLACE INTO card_state (deck, card_id, state, step, stability, difficulty, due, last_review,"
    " last_log_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def write_state(db: Database, deck: str, card_id: str, card: fsrs.Card, log_id: int) -> None:
    """Store the card's state (inside the caller's transaction) and mark it seen."""
    db.execute("UPDATE cards SET seen = 1 WHERE deck = ? AND card_id = ?", (deck, card_id))
    db.execute(
        _WRITE_STATE,
        (deck, card_id, *state_columns(card), to_us(card.due), us_or_none(card.last_review), log_id),
    )


def delete_state(db: Database, deck: str, card_id: str) -> None:
    """Make the card new again (inside the caller's transaction)."""
    db.execute("DELETE FROM card_state WHERE deck = ? AND card_id = ?", (deck, card_id))
    db.execute("UPDATE cards SET seen = 0 WHERE deck = ? AND card_id = ?", (deck, card_id))
