"""The review log: the append-only history of answers (`review_log`), and the writes that move a card's state
with it (an answer and its undo, in one transaction each).

`source` is 'studyprep' or where an imported review came from (e.g. 'anki'); `(source, external_id)` is unique,
so imports dedupe. States before and after an answer are JSON (`codec.state_json`). `was_new` marks a card's
first review: the daily new-card counters are the count of the day's `was_new` rows, so undo and imports keep
them right.
"""

from __future__ import annotations

__all__ = [
    "SOURCE_STUDYPREP",
    "ConflictError",
    "LogEntry",
    "LoggedAnswer",
    "answer_history",
    "answers_since",
    "append_review",
    "append_reviews",
    "append_reviews_us",
    "external_ids",
    "lapses",
    "last_log_id",
    "last_log_ids",
    "latest_review",
    "logged_cards",
    "new_cards_since",
    "newest_log_id",
    "newest_log_ids",
    "recent_pace",
    "record_answer",
    "review_durations",
    "review_logs",
    "undo_answer",
    "unmark_new_after",
]

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple, cast

from studyprep.errors import StudyprepError
from studyprep.store.db.codec import card_from_json, from_us, fsrs_card_id, state_json, to_us
from studyprep.store.db.connection import Database, Row
from studyprep.store.db.states import StoredState, delete_state, state_log_id, write_state

if TYPE_CHECKING:
    import fsrs

SOURCE_STUDYPREP = "studyprep"
_COLUMNS = (
    "id, deck, card_id, rating, reviewed_at, duration_ms, state_before, state_after, was_new, source, external_id"
)


@dataclass(frozen=True)
class LogEntry:
    """One row of the review log."""

    id: int
    deck: str
    card_id: str
    rating: int
    reviewed_at: datetime
    duration_ms: int | None
    state_before: str | None
    state_after: str | None
    was_new: bool
    source: str
    external_id: str | None


class LoggedAnswer(NamedTuple):
    """One answer as `stats` reads the whole log: the card, its rating and time, and the FSRS state the card was in
    before (1 learning, 2 review, 3 relearning; None: new) and its due date after (None: none recorded)."""

    deck: str
    card_id: str
    rating: int
    reviewed_at: datetime
    duration_ms: int | None
    was_new: bool
    state_before: int | None
    due_after: datetime | None


class ConflictError(StudyprepError):
    """The card changed under us (another session answered it); nothing was written."""


def _entry(row: Row) -> LogEntry:
    values = list(row)
    values[4] = from_us(values[4])
    values[8] = bool(values[8])
    return LogEntry(*values)


def review_logs(db: Database, deck: str, card_id: str) -> list[LogEntry]:
    """A card's review log, oldest first."""
    rows = db.query(
        f"SELECT {_COLUMNS} FROM review_log WHERE deck = ? AND card_id = ? ORDER BY reviewed_at, id",  # noqa: S608 - constant SQL fragments, values bound
        (deck, card_id),
    )
    return [_entry(row) for row in rows]


def logged_cards(db: Database, deck: str) -> list[str]:
    """Every card of the deck with a review in the log (active, retired or gone from the deck file)."""
    return [row[0] for row in db.query(
        "SELECT DISTINCT card_id FROM review_log WHERE deck = ? ORDER BY card_id", (deck,))]  # fmt: skip


def last_log_id(db: Database, deck: str, card_id: str) -> int:
    """The id of the card's newest log row (0: none)."""
    return int(db.scalar("SELECT max(id) FROM review_log WHERE deck = ? AND card_id = ?", (deck, card_id)) or 0)


def last_log_ids(db: Database, cards: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """`last_log_id` of many cards, `(deck, card id)` each, in one query per deck (a card with no log is left out)."""
    by_deck: dict[str, list[str]] = {}
    for deck, card_id in cards:
        by_deck.setdefault(deck, []).append(card_id)
    found = {}
    for deck, card_ids in by_deck.items():
        rows = db.query(
            "SELECT card_id, max(id) FROM review_log WHERE deck = ? AND card_id IN (SELECT value FROM json_each(?))"
            " GROUP BY card_id",
            (deck, json.dumps(card_ids)),
        )
        found.update({(deck, card_id): log_id for card_id, log_id in rows})
    return found


def newest_log_ids(db: Database, after: int) -> dict[tuple[str, str], int]:
    """`(deck, card id) -> id of its newest log row`, of the cards with log rows whose id is above `after` (rows
    appended since the log's newest was `after`: ids only grow)."""
    # In id order, the last row of a card wins; grouped in SQL, SQLite scanned the whole by-card index instead of
    # the few rows above `after`.
    rows = db.query("SELECT deck, card_id, id FROM review_log WHERE id > ? ORDER BY id", (after,))
    return {(deck, card_id): log_id for deck, card_id, log_id in rows}


def newest_log_id(db: Database) -> int:
    """The id of the log's newest row (0: an empty log)."""
    return int(db.scalar("SELECT max(id) FROM review_log") or 0)


def latest_review(db: Database, deck: str, card_id: str) -> int | None:
    """When the card's latest logged review was (microseconds), if it has one."""
    latest: int | None = db.scalar(
        "SELECT max(reviewed_at) FROM review_log WHERE deck = ? AND card_id = ?", (deck, card_id)
    )
    return latest


def external_ids(db: Database, deck: str, card_id: str, source: str) -> set[str]:
    """The external ids of a card's reviews from `source` (what an import already brought in)."""
    # By the card's index: asked for `source` and non-null ids, SQLite picked the partial index of every
    # imported review and scanned a million rows per card.
    rows = db.query(
        "SELECT external_id FROM review_log WHERE deck = ? AND card_id = ? AND +source = ?", (deck, card_id, source)
    )
    return {row[0] for row in rows if row[0] is not None}


# -- answers --------------------------------------------------------------------------------------------------


def record_answer(db: Database, deck: str, card_id: str, rating: int, reviewed_at: datetime,
                  duration_ms: int | None, before: StoredState | None, after: fsrs.Card) -> int:  # fmt: skip
    """Log an answer and store the card's new state in one committed transaction; return the log id.

    `before` is the state the answer was computed from; if the card moved on since (another session
    answered it), raise ConflictError and write nothing, so an answer is never applied twice.
    """
    with db.atomic():
        expected = None if before is None else before.last_log_id
        if state_log_id(db, deck, card_id) != expected:
            raise ConflictError(f"card {card_id} in {deck} was answered elsewhere meanwhile; not applied")
        log_id = _insert(
            db, deck, card_id, rating, reviewed_at, duration_ms,
            state_json(None if before is None else before.card), state_json(after), before is None,
            SOURCE_STUDYPREP, None,
        )  # fmt: skip
        write_state(db, deck, card_id, after, log_id)
    return log_id


def undo_answer(db: Database, log_id: int) -> None:
    """Remove an answer from the log and restore the state before it (only if it is the card's latest)."""
    with db.atomic():
        row = db.one("SELECT deck, card_id, state_before FROM review_log WHERE id = ?", (log_id,))
        if row is None:
            raise ConflictError("that answer is no longer in the log; nothing undone")
        deck, card_id, before_json = row
        if state_log_id(db, deck, card_id) != log_id:
            raise ConflictError(f"card {card_id} was answered again since; nothing undone")
        db.execute("DELETE FROM review_log WHERE id = ?", (log_id,))
        if before_json is None:
            delete_state(db, deck, card_id)
            return
        restored = cast("fsrs.Card", card_from_json(before_json, fsrs_card_id(deck, card_id)))  # not null: a state
        write_state(db, deck, card_id, restored, last_log_id(db, deck, card_id))


def append_review(db: Database, deck: str, card_id: str, rating: int, reviewed_at: datetime,
                  duration_ms: int | None = None, source: str = "anki",
                  external_id: str | None = None) -> int | None:  # fmt: skip
    """Append a review from elsewhere (e.g. Anki) to the log; return its id, or None if already logged.

    `(source, external_id)` identifies a review across imports, so importing the same history twice adds
    nothing. The card's state is not touched: call `scheduling.rebuild_card_state(store, deck, card_id,
    scheduler)` afterwards (once per card) to replay its full log in time order.
    """
    if not 1 <= int(rating) <= 4:
        raise StudyprepError(f"rating must be 1-4 (again, hard, good, easy), got {rating}")
    with db.atomic():
        if external_id is not None:
            found = db.one("SELECT 1 FROM review_log WHERE source = ? AND external_id = ?", (source, external_id))
            if found:
                return None
        earlier = db.one(
            "SELECT 1 FROM review_log WHERE deck = ? AND card_id = ? AND reviewed_at <= ? LIMIT 1",
            (deck, card_id, to_us(reviewed_at)),
        )
        return _insert(
            db, deck, card_id, int(rating), reviewed_at, duration_ms, None, None, earlier is None, source, external_id
        )


def append_reviews(db: Database, rows: Iterable[tuple[str, str, int, datetime, int | None, bool, str]],
                   source: str) -> None:  # fmt: skip
    """Append many reviews from elsewhere at once: `(deck, card_id, rating, reviewed_at, duration_ms, was_new,
    external_id)`, none of them logged yet (the caller checked; a duplicate fails the whole transaction).

    The bulk form of `append_review` for `anki-pull`; the caller stores the replayed states afterwards."""
    append_reviews_us(
        db,
        ((deck, card_id, rating, to_us(at), taken, was_new, external)
         for deck, card_id, rating, at, taken, was_new, external in rows),
        source,
    )  # fmt: skip


def append_reviews_us(db: Database, rows: Iterable[tuple[str, str, int, int, int | None, bool, str]],
                      source: str) -> None:  # fmt: skip
    """`append_reviews`, each review's time given as stored: epoch microseconds (`to_us`)."""
    decks: set[str] = set()
    values = (
        (deck, card_id, rating, at, taken, int(was_new), source, external)
        for deck, card_id, rating, at, taken, was_new, external in rows
        if not decks.add(deck)  # type: ignore[func-returns-value]
    )
    with db.atomic():
        # The insert trigger bumps a deck's version per row: a million upserts of one row took two thirds of
        # the time. Inside this transaction it is set aside and put back, and each deck bumped once; no other
        # connection ever sees the schema without it.
        trigger = "review_log_insert_bumps_deck"
        sql = db.scalar("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (trigger,))
        if sql:
            db.execute(f"DROP TRIGGER {trigger}")
        db.executemany(
            "INSERT INTO review_log (deck, card_id, rating, reviewed_at, duration_ms, was_new, source, external_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            values,
        )
        if sql:
            db.execute(sql)
            db.executemany(
                "INSERT INTO deck_versions (deck, version) VALUES (?, 1)"
                " ON CONFLICT (deck) DO UPDATE SET version = version + 1",
                [(deck,) for deck in sorted(decks)],
            )


def unmark_new_after(db: Database, deck: str, card_id: str, after: datetime) -> None:
    """Clear the first-review mark of the card's answers logged after `after`: an answer from elsewhere
    (Anki) turned out to be the card's first, so a later one is not (the new-card counts would take it twice)."""
    with db.atomic():
        db.execute(
            "UPDATE review_log SET was_new = 0 WHERE deck = ? AND card_id = ? AND reviewed_at > ? AND was_new = 1",
            (deck, card_id, to_us(after)),
        )


def _insert(db: Database, deck: str, card_id: str, rating: int, reviewed_at: datetime, duration_ms: int | None,
            before: str | None, after: str | None, was_new: bool, source: str,
            external_id: str | None) -> int:  # fmt: skip
    cursor = db.execute(
        "INSERT INTO review_log (deck, card_id, rating, reviewed_at, duration_ms, state_before, state_after,"
        " was_new, source, external_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (deck, card_id, int(rating), to_us(reviewed_at), duration_ms, before, after, int(was_new), source,
         external_id),
    )  # fmt: skip
    return int(cursor.lastrowid or 0)


# -- figures ----------------------------------------------------------------------------------------------------


def recent_pace(db: Database, deck: str, answers: int, shortest_ms: int, longest_ms: int) -> tuple[int, float]:
    """(count, total ms) of the plausible durations among the deck's latest `answers` logged reviews."""
    count, total = db.one(
        "SELECT count(*), total(duration_ms) FROM (SELECT duration_ms FROM review_log WHERE deck = ?"
        " ORDER BY reviewed_at DESC LIMIT ?) WHERE duration_ms BETWEEN ? AND ?",
        (deck, answers, shortest_ms, longest_ms),
    ) or (0, 0.0)  # an aggregate always has its row
    return count, total


def review_durations(db: Database, deck: str) -> list[int]:
    """Durations (ms) of the deck's logged reviews that have one, oldest first."""
    rows = db.query(
        "SELECT duration_ms FROM review_log WHERE deck = ? AND duration_ms IS NOT NULL ORDER BY reviewed_at", (deck,)
    )
    return [row[0] for row in rows]


def new_cards_since(db: Database, deck: str, since: datetime) -> int:
    """How many cards of the deck got their first review at or after `since` (the day's new cards)."""
    return int(db.scalar(
        "SELECT count(*) FROM review_log WHERE deck = ? AND reviewed_at >= ? AND was_new = 1", (deck, to_us(since))
    ))  # fmt: skip


def answers_since(db: Database, deck: str, since: datetime) -> int:
    """How many answers (learning steps included) the deck's log holds at or after `since`."""
    return int(db.scalar("SELECT count(*) FROM review_log WHERE deck = ? AND reviewed_at >= ?", (deck, to_us(since))))


def lapses(db: Database, deck: str) -> dict[str, int]:
    """Per card of the deck, how often it was rated `again` after its first answer."""
    rows = db.query(
        "SELECT card_id, count(*) FROM review_log WHERE deck = ? AND rating = 1 AND was_new = 0 GROUP BY card_id",
        (deck,),
    )
    return dict(rows)


def answer_history(db: Database) -> list[LoggedAnswer]:
    """Every logged answer of every deck, oldest first (`stats`)."""
    rows = db.query(
        "SELECT deck, card_id, rating, reviewed_at, duration_ms, was_new, json_extract(state_before, '$[0]'),"
        " json_extract(state_after, '$[4]') FROM review_log ORDER BY reviewed_at"
    )
    return [
        LoggedAnswer(deck, card_id, rating, from_us(at), duration, bool(was_new), before,
                     None if due is None else from_us(due))
        for deck, card_id, rating, at, duration, was_new, before, due in rows
    ]  # fmt: skip
