"""A card's studyprep schedule written the way Anki stores it, so "Import any learning progress" continues it.

genanki writes every card new. For a card studyprep has reviewed, `ScheduledCard` writes Anki's documented
`cards` columns instead (type and queue: learning, review or relearning; `due`: a day number counted from the
package's collection creation day for a review card, epoch seconds for a learning one; `ivl`, `reps`,
`lapses`), its FSRS memory state in the card's `data` (`s` stability, `d` difficulty, `dr` desired
retention, `lrt` last review), and its review history as `revlog` rows. Anki shifts a review card's day
number by the difference between the package's "today" and the collection's, so the card comes due on the
same calendar day. Each studyprep review's revlog id is its time in milliseconds (Anki's convention), which is
how `anki-pull` knows it again (within `SAME_ANSWER_MS`: answers given in one millisecond move up to keep ids
unique); reviews pulled from Anki keep their own revlog id.

The package says its scheduler is v2 (`schedVer` in the collection's settings; genanki writes none, which
means v1): Anki reads a v1 package's learning and relearning answers as the v1 scheduler's three buttons and
moves them up one (good becomes easy, hard becomes good; seen with the anki library), so the history would
arrive changed and `anki-pull` would take studyprep's own answers back as new ones.
"""

from __future__ import annotations

import bisect
import json
import math
import operator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import genanki

if TYPE_CHECKING:
    import fsrs

    from studyprep.store.db import LogEntry

__all__ = [
    "PACKAGE_CREATED",
    "SAME_ANSWER_MS",
    "CardProgress",
    "RevlogRow",
    "ScheduledCard",
    "ScheduledPackage",
    "card_progress",
    "is_exported_answer",
    "revlog_id",
]

# genanki's collection row says the package's collection was created at this time (its `crt`).
PACKAGE_CREATED = 1_411_124_400
DAY = 86_400
SAME_ANSWER_MS = 1_000
# Anki's revlog.type: 0 learning, 1 review, 2 relearning.
_REVLOG_TYPE = {"new": 0, "learning": 0, "review": 1, "relearning": 2}
_LONGEST_ANSWER_MS = 60_000  # Anki caps an answer's recorded time at a minute by default


@dataclass(frozen=True)
class RevlogRow:
    """One answer as an Anki revlog row (the card id is the note's, filled in when written)."""

    revlog_id: int
    ease: int
    interval: int
    taken_ms: int
    kind: int


@dataclass(frozen=True)
class CardProgress:
    """A reviewed card's Anki scheduling columns, memory state and history."""

    card_type: int
    queue: int
    due: int
    interval: int
    reps: int
    lapses: int
    data: str
    revlog: tuple[RevlogRow, ...]


def revlog_id(log: LogEntry) -> int:
    """The revlog id an answer has in Anki: its own from Anki, else its time in epoch milliseconds."""
    if log.source == "anki" and log.external_id and ":" in log.external_id:
        tail = log.external_id.rsplit(":", 1)[1]
        if tail.isdigit():
            return int(tail)
    return int(log.reviewed_at.timestamp() * 1000)


def is_exported_answer(revlog: int, ease: int, ours: dict[int, list[int]]) -> bool:
    """True when an Anki revlog id and button are one of studyprep's answers (`ours`: button -> sorted revlog ids,
    from `revlog_id`) written by an export with progress."""
    times = ours.get(ease, [])
    index = bisect.bisect_right(times, revlog)
    return index > 0 and revlog - times[index - 1] < SAME_ANSWER_MS


def card_progress(card: fsrs.Card, logs: list[LogEntry], desired_retention: float) -> CardProgress:
    """What Anki needs to schedule `card` where studyprep left it, with its review `logs` (oldest first)."""
    state = card.state.name.lower()
    last = card.last_review or (logs[-1].reviewed_at if logs else card.due)
    interval = max(1, round((card.due - last).total_seconds() / DAY)) if state == "review" else 0
    if state == "review":
        card_type, queue, due = 2, 2, _day_number(card.due)
    else:  # learning (1) or relearning (3), due at a time of day
        card_type, queue, due = (1 if state == "learning" else 3), 1, int(card.due.timestamp())
    memory: dict[str, Any] = {"dr": round(desired_retention, 4), "lrt": int(last.timestamp())}
    if card.stability is not None and card.difficulty is not None:
        memory |= {"s": round(card.stability, 4), "d": round(card.difficulty, 4)}
    lapses = sum(1 for log in logs if log.rating == 1 and _lapsed(log))
    return CardProgress(
        card_type, queue, due, interval, len(logs), lapses, json.dumps(memory, sort_keys=True), _revlog(logs)
    )


def _lapsed(log: LogEntry) -> bool:
    """An `again` on a card in review is a lapse; an answer pulled from Anki has no state: any but its first."""
    state = _state_name(log.state_before)
    return state == "review" or (log.state_before is None and not log.was_new and log.source == "anki")


def _day_number(moment: datetime) -> int:
    """Days from the package's collection creation to `moment` (Anki's review-card `due`)."""
    return math.floor((moment.timestamp() - PACKAGE_CREATED) / DAY)


def _revlog(logs: list[LogEntry]) -> tuple[RevlogRow, ...]:
    rows: list[RevlogRow] = []
    used: set[int] = set()
    for log in logs:
        identity = revlog_id(log)
        if identity in used:  # two answers in one millisecond: Anki's ids are unique
            continue
        used.add(identity)
        kind = _REVLOG_TYPE.get(_state_name(log.state_before), 0 if log.was_new else 1)
        taken = min(max(log.duration_ms or 0, 0), _LONGEST_ANSWER_MS)
        rows.append(RevlogRow(identity, log.rating, 0, taken, kind))
    return tuple(rows)


def _state_name(state_json: str | None) -> str:
    # The stored state is `[state, step, stability, difficulty, due, last_review]`; 0/None: never reviewed.
    if not state_json:
        return "new"
    try:
        value = json.loads(state_json)[0]
    except (ValueError, TypeError, IndexError, KeyError):
        return "new"
    return {1: "learning", 2: "review", 3: "relearning"}.get(value, "new")


# The v2 scheduler's revlog buttons are the v3 scheduler's (1 again .. 4 easy) in every kind of answer.
SCHEDULER_VERSION = 2


class ScheduledPackage(genanki.Package):
    """A genanki package whose collection says which scheduler wrote its history (see the module doc)."""

    def write_to_db(self, cursor: Any, timestamp: float, id_gen: Any) -> None:
        """genanki's collection, with `schedVer` set in its settings.

        The collection is a temporary file, zipped once written: no journal on disk and no waiting for the disk
        to confirm each step (the same rows, written in a fraction of the time on a busy disk).
        """
        cursor.execute("PRAGMA journal_mode = MEMORY")
        cursor.execute("PRAGMA synchronous = OFF")
        cursor.executescript(genanki.package.APKG_SCHEMA)
        cursor.executescript(genanki.package.APKG_COL)
        _write_decks(cursor, self.decks, timestamp, id_gen)
        (conf,) = cursor.execute("SELECT conf FROM col").fetchone()
        settings = json.loads(conf)
        settings["schedVer"] = SCHEDULER_VERSION
        cursor.execute("UPDATE col SET conf = ?", (json.dumps(settings, sort_keys=True),))


def _write_decks(cursor: Any, decks: list[genanki.Deck], timestamp: float, id_gen: Any) -> None:
    """What genanki's `Deck.write_to_db` writes for each deck in turn, with the collection's deck and note-type
    JSON read and written once instead of once a deck (each deck re-read and re-wrote both whole: a tenth of a
    second per hundred subdecks, growing with their number).

    The note types come out as genanki leaves them, key for key: each deck writes its types under integer ids
    beside the string ids it read back, so the JSON after the last deck holds the earlier decks' entries
    (their latest values, where first written) and the last deck's again at the end.
    """
    if not decks:
        return
    (decks_json,) = cursor.execute("SELECT decks FROM col").fetchone()
    collection_decks = json.loads(decks_json)
    (models_json,) = cursor.execute("SELECT models from col").fetchone()
    models: dict[Any, Any] = json.loads(models_json)
    written: dict[Any, Any] = models
    for deck in decks:
        if not isinstance(deck.deck_id, int):
            raise TypeError(f"Deck .deck_id must be an integer, not {deck.deck_id}.")
        if not isinstance(deck.name, str):
            raise TypeError(f"Deck .name must be a string, not {deck.name}.")
        collection_decks.update({str(deck.deck_id): deck.to_json()})
        models = {str(key): value for key, value in written.items()}  # as genanki reads back what it wrote
        for note in deck.notes:
            deck.add_model(note.model)
        written = {**models, **{model.model_id: model.to_json(timestamp, deck.deck_id)
                                for model in deck.models.values()}}  # fmt: skip
    cursor.execute("UPDATE col SET decks = ?", (json.dumps(collection_decks),))
    cursor.execute("UPDATE col SET models = ?", (json.dumps(written),))
    batched = _BatchedInserts(cursor)
    for deck in decks:
        for note in deck.notes:
            note.write_to_db(batched, timestamp, deck.deck_id, id_gen)
    batched.flush()


class _BatchedInserts:
    """The cursor genanki writes notes through, holding its row-by-row INSERTs of notes and cards and running them
    as one `executemany` per table (a statement per row was a third of writing the package); any other statement
    (the revlog's) runs at once, after the rows held. Rows keep their order in each table, and their explicit ids:
    `lastrowid` is the id of the row last taken, as SQLite would report it for a table keyed by that id."""

    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor
        self.held: dict[str, list[Any]] = {}
        self.lastrowid: int | None = None

    def execute(self, sql: str, parameters: Any = ()) -> Any:
        """Hold an INSERT of a note or card; run anything else (after the rows held)."""
        if sql in _BATCHED_INSERTS:
            self.held.setdefault(sql, []).append(parameters)
            self.lastrowid = parameters[0]
            return self
        self.flush()
        return self.cursor.execute(sql, parameters)

    def flush(self) -> None:
        """Run the INSERTs held, each table's in the order of their ids. Both tables are keyed by id, so a row is
        where its id puts it whatever the order of the INSERTs; but notes come deck by deck, and ids by when each
        card was added: inserted as they come, each row lands somewhere in the middle of the table, touching pages
        all over it (4 times the CPU for 100,000 notes), where in id order each is appended at its end."""
        for sql, rows in self.held.items():
            rows.sort(key=_row_id)
            self.cursor.executemany(sql, rows)
        self.held.clear()


_row_id = operator.itemgetter(0)
_BATCHED_INSERTS = frozenset(  # genanki's statements, as genanki.note and genanki.card spell them
    {
        "INSERT INTO notes VALUES(?,?,?,?,?,?,?,?,?,?,?);",
        "INSERT INTO cards VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?);",
    }
)


class ScheduledCard(genanki.Card):
    """A genanki card written with its studyprep schedule and history instead of as new."""

    def __init__(self, progress: CardProgress, suspend: bool = False) -> None:
        super().__init__(0, suspend)
        self.progress = progress

    def write_to_db(self, cursor: Any, timestamp: float, deck_id: int, note_id: int, id_gen: Any, due: int = 0) -> None:
        """Insert the card row with Anki's scheduling columns, then its revlog rows."""
        card_id = next(id_gen)
        step = self.progress
        cursor.execute(
            "INSERT INTO cards VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (card_id, note_id, deck_id, self.ord, int(timestamp), -1, step.card_type,
             -1 if self.suspend else step.queue, step.due, step.interval, 0, step.reps, step.lapses,
             1 if step.queue == 1 else 0, 0, 0, 0, step.data),
        )  # fmt: skip
        for row in step.revlog:
            identity = row.revlog_id
            while cursor.execute("SELECT 1 FROM revlog WHERE id = ?", (identity,)).fetchone():
                identity += 1  # answers given in one millisecond (another card's): revlog ids are unique
            cursor.execute(
                "INSERT INTO revlog VALUES(?,?,?,?,?,?,?,?,?)",
                (identity, card_id, -1, row.ease, row.interval, 0, 0, row.taken_ms, row.kind),
            )
