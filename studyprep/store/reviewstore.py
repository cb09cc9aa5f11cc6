"""The review store: one SQLite database, `schedules/reviews.db`, holding every card's FSRS state and history.

WAL mode, `synchronous=FULL`, `PRAGMA application_id` marks the file as ours, `PRAGMA user_version` counts
the applied entries of `MIGRATIONS`. A file that is not SQLite, belongs to another program, or comes from a
newer studyprep raises `StudyprepError` and is never touched. Failures are worded by `errors.storage_error`
(through `database_error`); the file is backed up daily and before a migration (`history_backups`). Times are
INTEGER microseconds since the Unix epoch (UTC), so FSRS datetimes round-trip exactly. Everything is keyed by
(deck slug, card id): card ids are unique within a deck only.

Tables
- `decks(deck, path, size, mtime_ns, sha256, title, present, company, role)`: which version of each deck
  file the mirror holds.
- `cards(deck, card_id, position, kind, category, prompt, context, back, notes, active, retired, present,
  seen)`: content mirror of the deck YAML, refreshed when a file's size, mtime or hash changes, so `due` and
  the queue never parse YAML. Rows are never deleted: a card gone from its file keeps `present = 0`.
  `seen` = the card has a `card_state` row (kept in step by every state write).
- `card_state(deck, card_id, state, step, stability, difficulty, due, last_review, last_log_id)`: the current
  `fsrs.Card` of every card reviewed at least once (no row = new card).
- `review_log(id, deck, card_id, rating, reviewed_at, duration_ms, state_before, state_after, was_new, source,
  external_id)`: append-only history (`source` 'studyprep' or e.g. 'anki'; `(source, external_id)` unique so
  imports dedupe). States are JSON (`state_json`). `was_new` marks a card's first review; the daily
  new-card counters are the count of today's `was_new` rows, so undo and imports keep them right.
- `buried(deck, card_id, until)`: cards hidden from the queue until a moment (the next study day).
- `plan_cache(deck, size, mtime_ns, settings)`: validated plan settings per plan-file version (for `due`).

Public functions (all on `ReviewStore`, opened with `open_store(workspace)`; close it or use `with`)
- `refresh_mirror(workspace)`, `refresh_decks(workspace)` (a broken deck file blocks only its own deck),
  `mirror_deck(deck, path)`, `deck_slugs()`, `deck_overview()`, `card(deck, id)`, `concepts(deck)`,
  `question_texts(deck)`
- `get_state(deck, id)`, `card_states(deck)` -> {card id: fsrs.Card or None} for active cards,
  `active_cards(deck, entry)` (the same with category and kind), `prompts(deck, ids)`, `recent_pace(deck, ...)`,
  `review_durations(deck)`, `review_logs(deck, id)`
- `record_answer(...)` (one transaction, refuses a card changed by another session), `undo_answer(log_id)`
- `append_review(deck, id, rating, reviewed_at, ..., source, external_id)` -> log id, or None for a
  duplicate; then call `studyprep.schedule.scheduling.rebuild_card_state(store, deck, id, scheduler)`
- `replace_state(deck, id, card, last_log_id)`, `bury(...)`, `unbury(...)`, `new_cards_since(deck, since)`
  `answers_since(deck, since)`, `buried_ids(deck, now)`
- queue queries: `due_learning`, `due_reviews`, `new_cards`, `deck_counts`; `session_lock()`.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from studyprep.errors import StudyprepError
from studyprep.store.workspace import Workspace, refuse_links, stat_file

if TYPE_CHECKING:
    import fsrs

    from studyprep.cards.models import Deck

DB_NAME = "reviews.db"
LOCK_NAME = ".review.lock"
APPLICATION_ID = 0x53505256  # "SPRV": marks the file as a studyprep review database
SQLITE_MAGIC = b"SQLite format 3\x00"
SOURCE_STUDYPREP = "studyprep"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_us(moment: datetime) -> int:
    """A UTC-aware datetime as integer microseconds since the epoch (exact)."""
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_us(micros: int) -> datetime:
    """The inverse of `to_us`: a UTC-aware datetime."""
    return _EPOCH + timedelta(0, 0, micros)  # positional: twice as fast as microseconds=, and this runs per card


def state_json(card: fsrs.Card | None) -> str | None:
    """An fsrs Card's scheduling state as compact JSON (None for a new card)."""
    if card is None:
        return None
    return json.dumps((*_state_tuple(card), to_us(card.due), _us_or_none(card.last_review)))


def card_from_json(text: str | None, fsrs_id: int) -> fsrs.Card | None:
    """Rebuild an fsrs Card from `state_json` output."""
    if text is None:
        return None
    state, step, stability, difficulty, due, last_review = json.loads(text)
    return _make_card(fsrs_id, state, step, stability, difficulty, due, last_review)


def fsrs_card_id(deck: str, card_id: str) -> int:
    """A stable integer id for fsrs (which wants ints) derived from (deck, card id)."""
    return int(hashlib.sha256(f"{deck}\x00{card_id}".encode()).hexdigest()[:13], 16)


def _us_or_none(moment: datetime | None) -> int | None:
    return None if moment is None else to_us(moment)


def _state_tuple(card: fsrs.Card) -> tuple[Any, ...]:
    return (int(card.state), card.step, card.stability, card.difficulty)


@functools.cache
def _fsrs_types() -> tuple[type[fsrs.Card], dict[int, fsrs.State]]:
    # Imported once, not per card: building 100,000 cards is on the path of `due` and `readiness`.
    from fsrs import Card, State

    return Card, {member.value: member for member in State}


def _make_card(fsrs_id: int, state: int, step: Any, stability: Any, difficulty: Any, due: int,
               last_review: int | None) -> fsrs.Card:  # fmt: skip
    card_type, states = _fsrs_types()
    card = object.__new__(card_type)
    # What fsrs.Card.__init__ assigns, without the call (tests compare the two): 100,000 cards are built per
    # command at scale, and this is a third of each card's cost.
    card.__dict__.update(
        card_id=fsrs_id,
        state=states[state],
        step=step,
        stability=stability,
        difficulty=difficulty,
        due=from_us(due),
        last_review=None if last_review is None else from_us(last_review),
    )
    return card


# ---------------------------------------------------------------------------------------------------------
# Schema and migrations: append to MIGRATIONS, never edit an applied entry.

_SCHEMA_1 = """
CREATE TABLE decks (
    deck TEXT PRIMARY KEY, path TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
    sha256 TEXT NOT NULL, title TEXT NOT NULL DEFAULT '', present INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE cards (
    deck TEXT NOT NULL, card_id TEXT NOT NULL, position INTEGER NOT NULL, kind TEXT NOT NULL,
    category TEXT NOT NULL DEFAULT '[]', prompt TEXT NOT NULL, context TEXT NOT NULL DEFAULT '',
    back TEXT NOT NULL DEFAULT '', notes TEXT NOT NULL DEFAULT '', active INTEGER NOT NULL,
    retired INTEGER NOT NULL DEFAULT 0, present INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (deck, card_id)
) WITHOUT ROWID;
CREATE INDEX cards_by_position ON cards (deck, active, position);
CREATE TABLE card_state (
    deck TEXT NOT NULL, card_id TEXT NOT NULL, state INTEGER NOT NULL, step INTEGER,
    stability REAL, difficulty REAL, due INTEGER NOT NULL, last_review INTEGER,
    last_log_id INTEGER NOT NULL,
    PRIMARY KEY (deck, card_id)
) WITHOUT ROWID;
CREATE INDEX card_state_by_due ON card_state (state, due);
CREATE TABLE review_log (
    id INTEGER PRIMARY KEY, deck TEXT NOT NULL, card_id TEXT NOT NULL, rating INTEGER NOT NULL
        CHECK (rating BETWEEN 1 AND 4),
    reviewed_at INTEGER NOT NULL, duration_ms INTEGER, state_before TEXT, state_after TEXT,
    was_new INTEGER NOT NULL DEFAULT 0, source TEXT NOT NULL DEFAULT 'studyprep', external_id TEXT
);
CREATE INDEX review_log_by_card ON review_log (deck, card_id, reviewed_at);
CREATE INDEX review_log_by_day ON review_log (deck, reviewed_at);
CREATE UNIQUE INDEX review_log_external ON review_log (source, external_id) WHERE external_id IS NOT NULL;
CREATE TABLE buried (
    deck TEXT NOT NULL, card_id TEXT NOT NULL, until INTEGER NOT NULL, PRIMARY KEY (deck, card_id)
) WITHOUT ROWID;
"""


def _migration_1(conn: sqlite3.Connection) -> None:
    for statement in _SCHEMA_1.split(";"):
        if statement.strip():
            conn.execute(statement)


_SCHEMA_2 = """
ALTER TABLE cards ADD COLUMN seen INTEGER NOT NULL DEFAULT 0;
UPDATE cards SET seen = 1
    WHERE EXISTS (SELECT 1 FROM card_state s WHERE s.deck = cards.deck AND s.card_id = cards.card_id);
CREATE INDEX cards_unseen ON cards (deck, active, seen, position);
CREATE INDEX card_state_by_deck_due ON card_state (deck, due);
CREATE TABLE plan_cache (
    deck TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, settings TEXT NOT NULL
);
"""


def _migration_2(conn: sqlite3.Connection) -> None:
    # `cards.seen` mirrors "has a card_state row" so new-card counts need no anti-join over every card;
    # `plan_cache` keeps `due` from validating every plan file on each run.
    for statement in _SCHEMA_2.split(";"):
        if statement.strip():
            conn.execute(statement)


def _migration_3(conn: sqlite3.Connection) -> None:
    # Company and role let `studyprep decks` list decks from the mirror alone; mirrored decks are
    # marked stale (size -1) so the next refresh fills them in.
    conn.execute("ALTER TABLE decks ADD COLUMN company TEXT NOT NULL DEFAULT ''")
    conn.execute("ALTER TABLE decks ADD COLUMN role TEXT NOT NULL DEFAULT ''")
    conn.execute("UPDATE decks SET size = -1, sha256 = ''")


def _version_triggers(table: str) -> list[str]:
    bump = (
        "INSERT INTO deck_versions (deck, version) VALUES ({row}.deck, 1)"
        " ON CONFLICT (deck) DO UPDATE SET version = version + 1"
    )
    return [
        f"CREATE TRIGGER {table}_{event.lower()}_bumps_deck AFTER {event} ON {table} BEGIN {bump.format(row=row)}; END"
        for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD"))
    ]


def _migration_4(conn: sqlite3.Connection) -> None:
    # A deadline deck's plan for the day costs thousands of FSRS evaluations; `day_plan` keeps it until the
    # deck's cards, states or log change, which the triggers count in `deck_versions` (an id or a sum of
    # ids could repeat after an undo, a counter cannot). A card's deck moving is an UPDATE of the new deck.
    conn.execute("CREATE TABLE deck_versions (deck TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID")
    conn.execute("CREATE TABLE day_plan (deck TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, plan TEXT NOT NULL)")
    for table in ("review_log", "card_state", "cards"):
        for statement in _version_triggers(table):
            conn.execute(statement)


def _migration_5(conn: sqlite3.Connection) -> None:
    # `readiness` reads every active card's kind and category with its state: in the position index, that read
    # never touches the table's rows (a third of its time at 100k cards).
    conn.execute("DROP INDEX cards_by_position")
    conn.execute("CREATE INDEX cards_by_position ON cards (deck, active, position, kind, category)")


def _migration_6(conn: sqlite3.Connection) -> None:
    # The user's pace (the latest 2,000 answers' durations, read by every day plan and readiness) and today's
    # answer and new-card counts read only these columns: in the day index, they never touch the log's rows
    # (the pace was 13 ms a deck at 1M logged reviews from a cold cache, 40,000 row lookups for 20 decks).
    conn.execute("DROP INDEX review_log_by_day")
    conn.execute("CREATE INDEX review_log_by_day ON review_log (deck, reviewed_at, duration_ms, was_new)")


def _migration_7(conn: sqlite3.Connection) -> None:
    # Flags mark cards to come back to (a review key, a `cards --state` filter); `forgotten` records when a card
    # was sent back to new (`studyprep forget`): its log is kept, and a replay starts after that moment.
    conn.execute("CREATE TABLE flags (deck TEXT NOT NULL, card_id TEXT NOT NULL, flagged_at INTEGER NOT NULL,"
                 " PRIMARY KEY (deck, card_id)) WITHOUT ROWID")  # fmt: skip
    conn.execute("CREATE TABLE forgotten (deck TEXT NOT NULL, card_id TEXT NOT NULL, at INTEGER NOT NULL,"
                 " PRIMARY KEY (deck, card_id)) WITHOUT ROWID")  # fmt: skip


def _migration_8(conn: sqlite3.Connection) -> None:
    # A mock interview keeps each typed answer as an attempt at its card (shown by `card ID` and the next mock).
    conn.execute("CREATE TABLE attempts (id INTEGER PRIMARY KEY, deck TEXT NOT NULL, card_id TEXT NOT NULL,"
                 " at INTEGER NOT NULL, duration_ms INTEGER NOT NULL, answer TEXT NOT NULL)")  # fmt: skip
    conn.execute("CREATE INDEX attempts_by_card ON attempts (deck, card_id, at)")


def _migration_9(conn: sqlite3.Connection) -> None:
    # "study-days": fsrs is now told the days between reviews in study days, as Anki counts them (see
    # `studydays`), so every stored state computed with 24-hour days is replayed from its log. The replay needs
    # each deck's plan (its parameters, steps and day rollover), which lives in the plan files: the decks are
    # queued here and replayed by the next command that mirrors the deck files (`replay_pending`).
    conn.execute("CREATE TABLE pending_replay (deck TEXT NOT NULL PRIMARY KEY, reason TEXT NOT NULL) WITHOUT ROWID")
    conn.execute("INSERT INTO pending_replay SELECT DISTINCT deck, 'study-days' FROM review_log")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _migration_1,
    _migration_2,
    _migration_3,
    _migration_4,
    _migration_5,
    _migration_6,
    _migration_7,
    _migration_8,
    _migration_9,
]


# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MirrorCard:
    """A card's content as mirrored from its deck file."""

    deck: str
    card_id: str
    position: int
    kind: str
    category: list[str]
    prompt: str
    context: str
    back: str
    notes: str
    active: bool


@dataclass(frozen=True)
class DeckOverview:
    """A mirrored deck's identity and, per card kind, its (active, retired, suspended) counts."""

    slug: str
    title: str
    company: str
    role: str
    kinds: dict[str, tuple[int, int, int]]


Entry = TypeVar("Entry")


@dataclass(frozen=True)
class StoredState:
    """A card's current FSRS state and the log entry that produced it."""

    card: fsrs.Card
    last_log_id: int


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


@dataclass(frozen=True)
class DeckCounts:
    """Today's work in one deck, read from the database only."""

    deck: str
    learning: int
    review: int
    new_available: int
    new_today: int
    next_due: datetime | None


@dataclass(frozen=True)
class Attempt:
    """An answer typed in a mock interview: when, how long it took, and the text."""

    at: datetime
    duration_ms: int
    answer: str


class ConflictError(StudyprepError):
    """The card changed under us (another session answered it); nothing was written."""


class ReviewStore:
    """An open review database. Use `open_store(workspace)`; close it (or use `with`) when done."""

    def __init__(self, path: Path, conn: sqlite3.Connection, ephemeral: bool = False) -> None:
        self.path = path
        self.conn = conn
        self.ephemeral = ephemeral  # an empty in-memory stand-in for a workspace that does not exist

    # -- lifecycle --------------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def __enter__(self) -> ReviewStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """`BEGIN IMMEDIATE` ... `COMMIT` (or rollback on error): one writer at a time, all or nothing.

        Re-entrant: inside an open transaction it simply joins it, so callers can group several writes.
        """
        if self.conn.in_transaction:
            yield self.conn
            return
        with self.guard():
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    @contextlib.contextmanager
    def guard(self) -> Iterator[None]:
        """Turn SQLite failures into a StudyprepError that names the database."""
        try:
            yield
        except sqlite3.Error as error:
            raise database_error(self.path, error) from None

    @contextlib.contextmanager
    def _reading_states(self, deck: str) -> Iterator[None]:
        """Turn a stored row no studyprep wrote (a state out of range, a due that is not a number) into one line
        naming the database, not a traceback from deep in a plan or a worker process. One row is not a damaged
        file: `studyprep check` names the card (moving the file aside would lose the whole history)."""
        try:
            yield
        except (KeyError, TypeError, ValueError, OverflowError):
            message = f"a card of deck {deck} has a scheduling state that cannot be read; `studyprep check` lists it"
            raise StudyprepError(message, self.path) from None

    @contextlib.contextmanager
    def session_lock(self) -> Iterator[None]:
        """Hold the workspace's review lock: a second session gets a clear error instead of a race."""
        from studyprep.store.locking import exclusive_lock

        if self.ephemeral:
            yield  # nothing on disk to protect, and no folder to put a lock file in
            return
        busy = "another review session is running on this workspace (pid {holder}); finish it first"
        with exclusive_lock(self.path.parent / LOCK_NAME, 0, busy, self.path.parent.parent):
            yield

    # -- content mirror ---------------------------------------------------------------------------------

    def refresh_mirror(
        self, workspace: Workspace, errors: list[StudyprepError] | None = None, verify: bool = False
    ) -> list[str]:
        """Bring the mirror up to date with the deck files; return the slugs whose content was re-read.

        Unchanged files cost one `stat`; a changed size or mtime costs a hash; only a changed hash parses YAML.
        With `verify`, every file is hashed (a read at disk speed): one rewritten with the same size and mtime
        is then caught too, for a review that must not serve a stale copy.
        A broken file raises its error; given `errors`, it is added there instead, the file's deck keeps its last
        mirrored version and the other files are mirrored still.
        """
        with self.guard():
            known = {row[0]: row[1:] for row in self.conn.execute("SELECT deck, size, mtime_ns, sha256 FROM decks")}
        paths = _deck_files(workspace)
        refreshed = []
        for path in paths:
            try:
                if self._refresh_file(path, known.get(path.stem), verify):
                    refreshed.append(path.stem)
            except StudyprepError as error:
                if errors is None or error.path != str(path):
                    raise  # not the file's own fault (the database, say): nothing to set aside
                errors.append(error)
        self._mark_missing(set(known) - {path.stem for path in paths})
        self.replay_pending(workspace)
        return refreshed

    def replay_pending(self, workspace: Workspace) -> list[str]:
        """Replay the logs of the decks a migration queued (`_migration_9`, "study-days") with their plans'
        schedulers, each deck in one transaction; return their slugs. One indexed read when none is queued."""
        with self.guard():
            pending = [row[0] for row in self.conn.execute("SELECT deck FROM pending_replay ORDER BY deck")]
        if not pending:
            return []
        from studyprep.schedule.scheduling import replay_deck

        done = []
        for deck in pending:
            try:
                with self.transaction() as conn:
                    replay_deck(workspace, self, deck)
                    conn.execute("DELETE FROM pending_replay WHERE deck = ?", (deck,))
            except StudyprepError:
                continue  # its plan file is broken: the deck stays queued until it can be read
            done.append(deck)
        return done

    def logged_cards(self, deck: str) -> list[str]:
        """Every card of the deck with a review in the log (active, retired or gone from the deck file)."""
        with self.guard():
            return [row[0] for row in self.conn.execute(
                "SELECT DISTINCT card_id FROM review_log WHERE deck = ? ORDER BY card_id", (deck,))]  # fmt: skip

    def refresh_decks(self, workspace: Workspace, verify: bool = False) -> dict[str, StudyprepError]:
        """`refresh_mirror`, where a deck file that cannot be read blocks only its own deck: returned by slug, with
        its error (file and line). The caller leaves such a deck out (its last mirrored version is not its file),
        and refuses it by its error when it is named. `verify`: as for `refresh_mirror`."""
        errors: list[StudyprepError] = []
        self.refresh_mirror(workspace, errors, verify)
        return {Path(str(error.path)).stem: error for error in errors}

    def _refresh_file(self, path: Path, seen: tuple[Any, ...] | None, verify: bool = False) -> bool:
        """Mirror one deck file again if it changed since `seen` (its size, mtime and hash; with `verify`, its hash
        only); return whether its content was re-read."""
        before = stat_file(path, "deck file")
        if not verify and seen and (seen[0], seen[1]) == (before.st_size, before.st_mtime_ns):
            return False
        from studyprep.store.yamlio import read_bytes_file  # here, not above: it costs pydantic and yaml to import

        digest = hashlib.sha256(read_bytes_file(path, "deck file")).hexdigest()
        if seen and seen[2] == digest:
            if (seen[0], seen[1]) == (before.st_size, before.st_mtime_ns):
                return False  # verified: the same content, nothing to write
            with self.transaction() as conn:
                conn.execute(
                    "UPDATE decks SET size = ?, mtime_ns = ?, present = 1 WHERE deck = ?",
                    (before.st_size, before.st_mtime_ns, path.stem),
                )
            return False
        from studyprep.store.deckstore import load_deck_file

        self._store_deck(load_deck_file(path), path, before, digest)
        return True

    def mirror_deck(self, deck: Deck, path: Path) -> None:
        """Mirror a deck just written by this process (e.g. after editing notes), skipping a re-parse."""
        self._store_deck(deck, path, path.stat(), hashlib.sha256(path.read_bytes()).hexdigest())

    def _store_deck(self, deck: Deck, path: Path, stat: os.stat_result, digest: str) -> None:
        if path.stat().st_mtime_ns != stat.st_mtime_ns or path.stat().st_size != stat.st_size:
            digest = ""  # the file moved on while we read it: re-check next time
        rows = [
            (deck.slug, card.id, position, card.kind, json.dumps(card.category, ensure_ascii=False), card.prompt,
             card.context, card.back, card.notes, int(card.active), int(card.retired is not None))
            for position, card in enumerate(deck.cards)
        ]  # fmt: skip
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO decks (deck, path, size, mtime_ns, sha256, title, company, role, present)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)"
                " ON CONFLICT (deck) DO UPDATE SET path = excluded.path, size = excluded.size,"
                " mtime_ns = excluded.mtime_ns, sha256 = excluded.sha256, title = excluded.title,"
                " company = excluded.company, role = excluded.role, present = 1",
                (deck.slug, str(path), stat.st_size, stat.st_mtime_ns, digest, deck.title, deck.company, deck.role),
            )
            conn.execute("UPDATE cards SET present = 0, active = 0 WHERE deck = ?", (deck.slug,))
            conn.executemany(
                "INSERT INTO cards (deck, card_id, position, kind, category, prompt, context, back, notes, active,"
                " retired, present, seen) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 1,"
                " EXISTS (SELECT 1 FROM card_state s WHERE s.deck = ?1 AND s.card_id = ?2))"
                " ON CONFLICT (deck, card_id) DO UPDATE SET position = excluded.position, kind = excluded.kind,"
                " category = excluded.category, prompt = excluded.prompt, context = excluded.context,"
                " back = excluded.back, notes = excluded.notes, active = excluded.active,"
                " retired = excluded.retired, present = 1",
                rows,
            )

    def _mark_missing(self, slugs: Iterable[str]) -> None:
        slugs = sorted(slugs)
        if not slugs:
            return
        with self.transaction() as conn:
            for slug in slugs:
                conn.execute("UPDATE decks SET present = 0, size = -1 WHERE deck = ?", (slug,))
                conn.execute("UPDATE cards SET present = 0, active = 0 WHERE deck = ?", (slug,))

    def deck_slugs(self) -> list[str]:
        """Decks whose file is present, by slug."""
        with self.guard():
            return [row[0] for row in self.conn.execute("SELECT deck FROM decks WHERE present = 1 ORDER BY deck")]

    def deck_overview(self) -> list[DeckOverview]:
        """Present decks with title, company, role and card counts, from the mirror (no YAML parsing)."""
        with self.guard():
            decks = self.conn.execute(
                "SELECT deck, title, company, role FROM decks WHERE present = 1 ORDER BY deck"
            ).fetchall()
            counts = self.conn.execute(
                "SELECT deck, kind, SUM(active), SUM(retired), SUM(1 - active - retired) FROM cards"
                " WHERE present = 1 GROUP BY deck, kind"
            ).fetchall()
        by_deck: dict[str, dict[str, tuple[int, int, int]]] = {}
        for deck, kind, active, retired, suspended in counts:
            by_deck.setdefault(deck, {})[kind] = (active, retired, suspended)
        return [DeckOverview(slug, title, company, role, by_deck.get(slug, {})) for slug, title, company, role in decks]

    def card(self, deck: str, card_id: str) -> MirrorCard | None:
        """One card's mirrored content."""
        with self.guard():
            row = self.conn.execute(f"SELECT {_CARD_COLUMNS} FROM cards WHERE deck = ? AND card_id = ?",  # noqa: S608 - constant SQL fragments, values bound
                                    (deck, card_id)).fetchone()  # fmt: skip
        return _mirror_card(row) if row else None

    def concepts(self, deck: str) -> list[MirrorCard]:
        """The deck's active concept cards in document order (for 'related concepts' on the back)."""
        return self.cards_of_kind(deck, "concept")

    def cards_of_kind(self, deck: str, kind: str) -> list[MirrorCard]:
        """The deck's active cards of one kind in document order."""
        with self.guard():
            rows = self.conn.execute(
                f"SELECT {_CARD_COLUMNS} FROM cards WHERE deck = ? AND active = 1 AND kind = ?"  # noqa: S608 - constant SQL fragments, values bound
                " ORDER BY position",
                (deck, kind),
            ).fetchall()
        return [_mirror_card(row) for row in rows]

    def question_texts(self, deck: str) -> list[str]:
        """The prompt and context of each of the deck's active question cards (how often a concept's name comes up
        among them tells whether it is distinctive enough to show as related)."""
        with self.guard():
            rows = self.conn.execute(
                "SELECT prompt, context FROM cards WHERE deck = ? AND active = 1 AND kind = 'question'", (deck,)
            ).fetchall()
        return [f"{prompt}\n{context}" for prompt, context in rows]

    # -- state and history ------------------------------------------------------------------------------

    def get_state(self, deck: str, card_id: str) -> StoredState | None:
        """A card's current FSRS state (None when it was never reviewed)."""
        with self.guard():
            row = self.conn.execute(
                "SELECT state, step, stability, difficulty, due, last_review, last_log_id FROM card_state"
                " WHERE deck = ? AND card_id = ?",
                (deck, card_id),
            ).fetchone()
        if row is None:
            return None
        with self._reading_states(deck):
            return StoredState(_make_card(fsrs_card_id(deck, card_id), *row[:6]), row[6])

    def card_states(self, deck: str) -> dict[str, fsrs.Card | None]:
        """Every active card of a deck, in document order, with its fsrs Card (None if never reviewed).

        For planning and display: these Cards' fsrs ids are 0 (fsrs only copies the id into its own review log,
        which studyprep never keeps; hashing 100,000 ids was a tenth of `readiness`). A review reads its card
        with `get_state`.
        """
        rows = self._active_rows(deck, "")
        # Unpacked by name, not `*rest`: a list per row and a starred call cost a fifth of this at 100k cards.
        with self._reading_states(deck):
            return {
                card_id: None if state is None else _make_card(0, state, step, stability, difficulty, due, last)
                for card_id, state, step, stability, difficulty, due, last in rows
            }

    def active_cards(
        self, deck: str, entry: Callable[[str, tuple[str, ...], str, fsrs.Card | None], Entry]
    ) -> list[Entry]:
        """Every active card of a deck in document order, as `entry(card id, category, kind, fsrs state)` (fsrs id 0,
        as in `card_states`), built as each row is read; the category is one tuple for all cards of a category.
        No prompt: the index covers the rest, and a report shows a few prompts (`prompts`)."""
        rows = self._active_rows(deck, "c.category, c.kind, ")
        categories: dict[str, tuple[str, ...]] = {}  # many cards share a category: decode each JSON list once
        cards = []
        with self._reading_states(deck):
            for card_id, category, kind, state, step, stability, difficulty, due, last in rows:
                if category not in categories:
                    categories[category] = tuple(json.loads(category))
                fsrs_card = None if state is None else _make_card(0, state, step, stability, difficulty, due, last)
                cards.append(entry(card_id, categories[category], kind, fsrs_card))
        return cards

    def prompts(self, deck: str, card_ids: Sequence[str]) -> dict[str, str]:
        """The mirrored prompts of these cards of a deck (those it knows)."""
        with self.guard():
            return dict(
                self.conn.execute(
                    "SELECT card_id, prompt FROM cards WHERE deck = ? AND card_id IN (SELECT value FROM json_each(?))",
                    (deck, json.dumps(list(card_ids))),
                ).fetchall()
            )

    def _active_rows(self, deck: str, mirrored: str) -> list[tuple[Any, ...]]:
        """(card id, [mirrored columns,] state columns) of a deck's active cards in document order.

        One joined query: per-card lookups took over a second at 100k cards. `mirrored` is a constant list of
        `cards` columns (each ending in a comma): a plan needs none of the text, which is a third of the rows.
        """
        with self.guard():
            return self.conn.execute(
                f"SELECT c.card_id, {mirrored}s.state, s.step, s.stability, s.difficulty, s.due, s.last_review"  # noqa: S608 - constant column lists, values bound
                " FROM cards c LEFT JOIN card_state s ON s.deck = c.deck AND s.card_id = c.card_id"
                " WHERE c.deck = ? AND c.active = 1 ORDER BY c.position",
                (deck,),
            ).fetchall()

    def recent_pace(self, deck: str, answers: int, shortest_ms: int, longest_ms: int) -> tuple[int, float]:
        """(count, total ms) of the plausible durations among the deck's latest `answers` logged reviews."""
        with self.guard():
            count, total = self.conn.execute(
                "SELECT count(*), total(duration_ms) FROM (SELECT duration_ms FROM review_log WHERE deck = ?"
                " ORDER BY reviewed_at DESC LIMIT ?) WHERE duration_ms BETWEEN ? AND ?",
                (deck, answers, shortest_ms, longest_ms),
            ).fetchone()
        return count, total

    def review_durations(self, deck: str) -> list[int]:
        """Durations (ms) of the deck's logged reviews that have one, oldest first."""
        with self.guard():
            rows = self.conn.execute(
                "SELECT duration_ms FROM review_log WHERE deck = ? AND duration_ms IS NOT NULL ORDER BY reviewed_at",
                (deck,),
            )
            return [row[0] for row in rows]

    def review_logs(self, deck: str, card_id: str) -> list[LogEntry]:
        """A card's review log, oldest first."""
        with self.guard():
            rows = self.conn.execute(
                f"SELECT {_LOG_COLUMNS} FROM review_log WHERE deck = ? AND card_id = ? ORDER BY reviewed_at, id",  # noqa: S608 - constant SQL fragments, values bound
                (deck, card_id),
            ).fetchall()
        return [_log_entry(row) for row in rows]

    def log_entry(self, log_id: int) -> LogEntry | None:
        """One log row by id."""
        with self.guard():
            row = self.conn.execute(f"SELECT {_LOG_COLUMNS} FROM review_log WHERE id = ?", (log_id,)).fetchone()  # noqa: S608 - constant SQL fragments, values bound
        return _log_entry(row) if row else None

    def record_answer(
        self,
        deck: str,
        card_id: str,
        rating: int,
        reviewed_at: datetime,
        duration_ms: int | None,
        before: StoredState | None,
        after: fsrs.Card,
    ) -> int:
        """Log an answer and store the card's new state in one committed transaction; return the log id.

        `before` is the state the answer was computed from; if the card moved on since (another session
        answered it), raise ConflictError and write nothing, so an answer is never applied twice.
        """
        with self.transaction() as conn:
            current = conn.execute(
                "SELECT last_log_id FROM card_state WHERE deck = ? AND card_id = ?", (deck, card_id)
            ).fetchone()
            expected = None if before is None else before.last_log_id
            if (current[0] if current else None) != expected:
                raise ConflictError(f"card {card_id} in {deck} was answered elsewhere meanwhile; not applied")
            log_id = self._insert_log(
                deck, card_id, rating, reviewed_at, duration_ms,
                state_json(None if before is None else before.card), state_json(after), before is None,
                SOURCE_STUDYPREP, None,
            )  # fmt: skip
            self._write_state(deck, card_id, after, log_id)
        return log_id

    def undo_answer(self, log_id: int) -> None:
        """Remove an answer from the log and restore the state before it (only if it is the card's latest)."""
        with self.transaction() as conn:
            row = conn.execute("SELECT deck, card_id, state_before FROM review_log WHERE id = ?", (log_id,)).fetchone()
            if row is None:
                raise ConflictError("that answer is no longer in the log; nothing undone")
            deck, card_id, before_json = row
            current = conn.execute(
                "SELECT last_log_id FROM card_state WHERE deck = ? AND card_id = ?", (deck, card_id)
            ).fetchone()
            if current is None or current[0] != log_id:
                raise ConflictError(f"card {card_id} was answered again since; nothing undone")
            conn.execute("DELETE FROM review_log WHERE id = ?", (log_id,))
            if before_json is None:
                self._delete_state(deck, card_id)
                return
            previous = conn.execute(
                "SELECT max(id) FROM review_log WHERE deck = ? AND card_id = ?", (deck, card_id)
            ).fetchone()[0]
            restored = card_from_json(before_json, fsrs_card_id(deck, card_id))
            self._write_state(deck, card_id, restored, previous or 0)

    def append_review(
        self,
        deck: str,
        card_id: str,
        rating: int,
        reviewed_at: datetime,
        duration_ms: int | None = None,
        source: str = "anki",
        external_id: str | None = None,
    ) -> int | None:
        """Append a review from elsewhere (e.g. Anki) to the log; return its id, or None if already logged.

        `(source, external_id)` identifies a review across imports, so importing the same history twice adds
        nothing. The card's state is not touched: call `scheduling.rebuild_card_state(store, deck, card_id,
        scheduler)` afterwards (once per card) to replay its full log in time order.
        """
        if not 1 <= int(rating) <= 4:
            raise StudyprepError(f"rating must be 1-4 (again, hard, good, easy), got {rating}")
        with self.transaction() as conn:
            if external_id is not None:
                found = conn.execute(
                    "SELECT 1 FROM review_log WHERE source = ? AND external_id = ?", (source, external_id)
                ).fetchone()
                if found:
                    return None
            earlier = conn.execute(
                "SELECT 1 FROM review_log WHERE deck = ? AND card_id = ? AND reviewed_at <= ? LIMIT 1",
                (deck, card_id, to_us(reviewed_at)),
            ).fetchone()
            return self._insert_log(
                deck, card_id, int(rating), reviewed_at, duration_ms, None, None, earlier is None, source, external_id
            )

    def append_reviews(
        self, rows: Iterable[tuple[str, str, int, datetime, int | None, bool, str]], source: str
    ) -> None:
        """Append many reviews from elsewhere at once: `(deck, card_id, rating, reviewed_at, duration_ms, was_new,
        external_id)`, none of them logged yet (the caller checked; a duplicate fails the whole transaction).

        The bulk form of `append_review` for `anki-pull`; the caller stores the replayed states afterwards."""
        decks: set[str] = set()
        values = (
            (deck, card_id, rating, to_us(at), taken, int(was_new), source, external)
            for deck, card_id, rating, at, taken, was_new, external in rows
            if not decks.add(deck)
        )
        with self.transaction() as conn:
            # The insert trigger bumps a deck's version per row: a million upserts of one row took two thirds of
            # the time. Inside this transaction it is set aside and put back, and each deck bumped once; no other
            # connection ever sees the schema without it.
            trigger = "review_log_insert_bumps_deck"
            found = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (trigger,))
            sql = (found.fetchone() or [None])[0]
            if sql:
                conn.execute(f"DROP TRIGGER {trigger}")
            conn.executemany(
                "INSERT INTO review_log (deck, card_id, rating, reviewed_at, duration_ms, was_new, source, external_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                values,
            )
            if sql:
                conn.execute(sql)
                conn.executemany(
                    "INSERT INTO deck_versions (deck, version) VALUES (?, 1)"
                    " ON CONFLICT (deck) DO UPDATE SET version = version + 1",
                    [(deck,) for deck in sorted(decks)],
                )

    def external_ids(self, deck: str, card_id: str, source: str) -> set[str]:
        """The external ids of a card's reviews from `source` (what an import already brought in)."""
        with self.guard():
            # By the card's index: asked for `source` and non-null ids, SQLite picked the partial index of every
            # imported review and scanned a million rows per card.
            rows = self.conn.execute(
                "SELECT external_id FROM review_log WHERE deck = ? AND card_id = ? AND +source = ?",
                (deck, card_id, source),
            )
            return {row[0] for row in rows if row[0] is not None}

    def last_log_id(self, deck: str, card_id: str) -> int:
        """The id of the card's newest log row (0: none)."""
        with self.guard():
            row = self.conn.execute(
                "SELECT max(id) FROM review_log WHERE deck = ? AND card_id = ?", (deck, card_id)
            ).fetchone()
        return int(row[0] or 0)

    def replace_state(self, deck: str, card_id: str, card: fsrs.Card | None, last_log_id: int) -> None:
        """Store a rebuilt state (None: the card has no history and is new again)."""
        with self.transaction():
            if card is None:
                self._delete_state(deck, card_id)
            else:
                self._write_state(deck, card_id, card, last_log_id)

    def _insert_log(self, deck: str, card_id: str, rating: int, reviewed_at: datetime, duration_ms: int | None,
                    before: str | None, after: str | None, was_new: bool, source: str,
                    external_id: str | None) -> int:  # fmt: skip
        cursor = self.conn.execute(
            "INSERT INTO review_log (deck, card_id, rating, reviewed_at, duration_ms, state_before, state_after,"
            " was_new, source, external_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (deck, card_id, int(rating), to_us(reviewed_at), duration_ms, before, after, int(was_new), source,
             external_id),
        )  # fmt: skip
        return int(cursor.lastrowid or 0)

    def _write_state(self, deck: str, card_id: str, card: fsrs.Card, log_id: int) -> None:
        self.conn.execute("UPDATE cards SET seen = 1 WHERE deck = ? AND card_id = ?", (deck, card_id))
        self.conn.execute(
            "INSERT OR REPLACE INTO card_state (deck, card_id, state, step, stability, difficulty, due, last_review,"
            " last_log_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (deck, card_id, *_state_tuple(card), to_us(card.due), _us_or_none(card.last_review), log_id),
        )

    def _delete_state(self, deck: str, card_id: str) -> None:
        self.conn.execute("DELETE FROM card_state WHERE deck = ? AND card_id = ?", (deck, card_id))
        self.conn.execute("UPDATE cards SET seen = 0 WHERE deck = ? AND card_id = ?", (deck, card_id))

    # -- burying and daily counts -----------------------------------------------------------------------

    def bury(self, deck: str, card_id: str, until: datetime) -> None:
        """Hide a card from the queue until `until`."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO buried (deck, card_id, until) VALUES (?, ?, ?)", (deck, card_id, to_us(until))
            )

    def unbury(self, deck: str, card_id: str) -> None:
        """Put a buried card back."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM buried WHERE deck = ? AND card_id = ?", (deck, card_id))

    def new_cards_since(self, deck: str, since: datetime) -> int:
        """How many cards of the deck got their first review at or after `since` (the day's new cards)."""
        with self.guard():
            row = self.conn.execute(
                "SELECT count(*) FROM review_log WHERE deck = ? AND reviewed_at >= ? AND was_new = 1",
                (deck, to_us(since)),
            ).fetchone()
        return int(row[0])

    def answers_since(self, deck: str, since: datetime) -> int:
        """How many answers (learning steps included) the deck's log holds at or after `since`."""
        with self.guard():
            row = self.conn.execute(
                "SELECT count(*) FROM review_log WHERE deck = ? AND reviewed_at >= ?", (deck, to_us(since))
            ).fetchone()
        return int(row[0])

    def buried_ids(self, deck: str, now: datetime) -> set[str]:
        """Ids of the deck's cards buried past `now`."""
        with self.guard():
            rows = self.conn.execute("SELECT card_id FROM buried WHERE deck = ? AND until > ?", (deck, to_us(now)))
            return {row[0] for row in rows}

    # -- plan cache -------------------------------------------------------------------------------------

    def cached_plan(self, deck: str, size: int, mtime_ns: int) -> dict[str, Any] | None:
        """Settings cached for a plan file of this size and mtime, or None."""
        with self.guard():
            row = self.conn.execute(
                "SELECT settings FROM plan_cache WHERE deck = ? AND size = ? AND mtime_ns = ?", (deck, size, mtime_ns)
            ).fetchone()
        if not row:
            return None
        try:
            return json.loads(row[0])
        except (TypeError, ValueError, RecursionError):  # broken by hand: a miss, and `cache_plan` writes it again
            return None

    def cache_plan(self, deck: str, size: int, mtime_ns: int, settings: dict[str, Any]) -> None:
        """Remember a validated plan's settings for this version of its file."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO plan_cache (deck, size, mtime_ns, settings) VALUES (?, ?, ?, ?)",
                (deck, size, mtime_ns, json.dumps(settings)),
            )

    def forget_plan(self, deck: str) -> None:
        """Drop the deck's cached plan settings: its plan file was rewritten, perhaps to the same size within
        the file system's mtime granularity (one or two seconds on FAT and some network shares)."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM plan_cache WHERE deck = ?", (deck,))

    # -- day plan cache ---------------------------------------------------------------------------------

    def deck_version(self, deck: str) -> int:
        """A counter that grows with every change to the deck's mirrored cards, states or review log."""
        with self.guard():
            row = self.conn.execute("SELECT version FROM deck_versions WHERE deck = ?", (deck,)).fetchone()
        return int(row[0]) if row else 0

    def cached_day_plan(self, deck: str, fingerprint: str) -> dict[str, Any] | None:
        """The day plan stored for the deck under exactly this fingerprint, or None."""
        with self.guard():
            row = self.conn.execute(
                "SELECT plan FROM day_plan WHERE deck = ? AND fingerprint = ?", (deck, fingerprint)
            ).fetchone()
        return json.loads(row[0]) if row else None

    def cache_day_plan(self, deck: str, fingerprint: str, plan: dict[str, Any]) -> None:
        """Keep the deck's day plan (JSON-able) under its fingerprint, replacing an older one."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO day_plan (deck, fingerprint, plan) VALUES (?, ?, ?)",
                (deck, fingerprint, json.dumps(plan)),
            )

    # -- queue queries ----------------------------------------------------------------------------------

    def due_learning(self, deck: str, before: datetime, now: datetime) -> list[tuple[str, datetime, int, int]]:
        """Active, unburied learning/relearning cards due before `before`, earliest first: (card id, due, fsrs
        state, learning step), so a budget can count the steps each still owes."""
        with self.guard():
            rows = self.conn.execute(
                "SELECT s.card_id, s.due, s.state, coalesce(s.step, 0) FROM card_state s"  # noqa: S608 - constant SQL fragments, values bound
                " JOIN cards c ON c.deck = s.deck AND c.card_id = s.card_id"
                " WHERE s.deck = ? AND s.state IN (1, 3) AND s.due < ? AND c.active = 1" + _not_buried("s") +
                " ORDER BY s.due",
                (deck, to_us(before), to_us(now)),
            ).fetchall()  # fmt: skip
        return [(row[0], from_us(row[1]), row[2], row[3]) for row in rows]

    def due_reviews(self, deck: str, before: datetime, now: datetime) -> list[tuple[str, float]]:
        """Active, unburied review cards due before `before`, most overdue relative to their interval first.

        Returns (card id, overdue ratio) pairs; the ratio is days overdue over the scheduled interval.
        """
        now_us = to_us(now)
        with self.guard():
            rows = self.conn.execute(
                "SELECT s.card_id, (? - s.due) * 1.0 / max(s.due - coalesce(s.last_review, s.due), 1000000) AS r"  # noqa: S608 - constant SQL fragments, values bound
                " FROM card_state s JOIN cards c ON c.deck = s.deck AND c.card_id = s.card_id"
                " WHERE s.deck = ? AND s.state = 2 AND s.due < ? AND c.active = 1" + _not_buried("s") +
                " ORDER BY r DESC, c.position",
                (now_us, deck, to_us(before), now_us),
            ).fetchall()  # fmt: skip
        return [(row[0], row[1]) for row in rows]

    def new_cards(self, deck: str, now: datetime, limit: int) -> list[str]:
        """Up to `limit` active, unburied, never-reviewed cards of a deck in document order."""
        if limit <= 0:
            return []
        with self.guard():
            rows = self.conn.execute(
                "SELECT c.card_id FROM cards c WHERE c.deck = ? AND c.active = 1 AND c.seen = 0"  # noqa: S608 - constant SQL fragments, values bound
                + _not_buried("c") + " ORDER BY c.position LIMIT ?",
                (deck, to_us(now), limit),
            ).fetchall()  # fmt: skip
        return [row[0] for row in rows]

    def deck_counts(self, deck: str, now: datetime, day_start: datetime, day_end: datetime,
                    new_per_day: int, *, planned: bool = False) -> DeckCounts:  # fmt: skip
        """Today's counts for a deck: learning and review cards due before the day ends, new cards left.

        A `planned` deck's review and new cards are what its day plan serves: they are not counted here (0), which
        spares a walk over every due review (at scale, most of `due` for a deck with an interview date).
        """
        now_us, end_us = to_us(now), to_us(day_end)
        with self.guard():
            # Each count by the index that keeps it short (SQLite's own choice walks every deck's due reviews):
            # learning cards are few, where a deck's due reviews may be thousands.
            learning = self.conn.execute(
                "SELECT count(*) FROM card_state s INDEXED BY card_state_by_due"  # noqa: S608 - constant SQL fragments, values bound
                " JOIN cards c ON c.deck = s.deck AND c.card_id = s.card_id"
                " WHERE s.state IN (1, 3) AND s.due < ? AND s.deck = ? AND c.active = 1" + _not_buried("s"),
                (end_us, deck, now_us),
            ).fetchone()[0]  # fmt: skip
            review = unseen = 0
            if not planned:
                review = self.conn.execute(
                    "SELECT count(*) FROM card_state s INDEXED BY card_state_by_deck_due"  # noqa: S608 - constant SQL fragments, values bound
                    " JOIN cards c ON c.deck = s.deck AND c.card_id = s.card_id"
                    " WHERE s.deck = ? AND s.due < ? AND s.state = 2 AND c.active = 1" + _not_buried("s"),
                    (deck, end_us, now_us),
                ).fetchone()[0]  # fmt: skip
                unseen = self.conn.execute(
                    "SELECT count(*) FROM cards c WHERE c.deck = ? AND c.active = 1 AND c.seen = 0"  # noqa: S608 - constant SQL fragments, values bound
                    + _not_buried("c"),
                    (deck, now_us),
                ).fetchone()[0]  # fmt: skip
            next_due = self.conn.execute(
                "SELECT min(s.due) FROM card_state s JOIN cards c ON c.deck = s.deck AND c.card_id = s.card_id"
                " WHERE s.deck = ? AND s.due > ? AND c.active = 1",
                (deck, now_us),
            ).fetchone()[0]
        new_today = self.new_cards_since(deck, day_start)
        return DeckCounts(
            deck=deck,
            learning=int(learning),
            review=int(review),
            new_available=min(int(unseen), max(new_per_day - new_today, 0)),
            new_today=new_today,
            next_due=None if next_due is None else from_us(next_due),
        )

    # -- flags, forgetting and browsing ------------------------------------------------------------------

    def set_flag(self, deck: str, card_id: str, flagged: bool, now: datetime) -> None:
        """Flag a card (to come back to it) or take the flag off."""
        with self.transaction() as conn:
            if flagged:
                conn.execute("INSERT OR REPLACE INTO flags (deck, card_id, flagged_at) VALUES (?, ?, ?)",
                             (deck, card_id, to_us(now)))  # fmt: skip
            else:
                conn.execute("DELETE FROM flags WHERE deck = ? AND card_id = ?", (deck, card_id))

    def flagged(self) -> set[tuple[str, str]]:
        """(deck, card id) of every flagged card."""
        with self.guard():
            return {(row[0], row[1]) for row in self.conn.execute("SELECT deck, card_id FROM flags")}

    def forget(self, deck: str, card_id: str, now: datetime) -> bool:
        """Send a card back to new (as Anki's Forget): its state goes, its log stays; a replay of the log (after
        `anki-pull`) starts after `now`. Returns whether the card had a state to forget."""
        with self.transaction() as conn:
            had = conn.execute("SELECT 1 FROM card_state WHERE deck = ? AND card_id = ?", (deck, card_id)).fetchone()
            self._delete_state(deck, card_id)
            conn.execute("DELETE FROM buried WHERE deck = ? AND card_id = ?", (deck, card_id))
            latest = conn.execute(
                "SELECT max(reviewed_at) FROM review_log WHERE deck = ? AND card_id = ?", (deck, card_id)
            ).fetchone()[0]
            # After every review logged so far, even one stamped later than `now` (a clock set back, STUDYPREP_NOW).
            at = max(to_us(now), (latest or 0) + 1)
            conn.execute("INSERT OR REPLACE INTO forgotten (deck, card_id, at) VALUES (?, ?, ?)", (deck, card_id, at))
        return had is not None

    def add_attempt(self, deck: str, card_id: str, at: datetime, duration_ms: int, answer: str) -> None:
        """Keep an answer typed in a mock interview."""
        with self.transaction() as conn:
            conn.execute("INSERT INTO attempts (deck, card_id, at, duration_ms, answer) VALUES (?, ?, ?, ?, ?)",
                         (deck, card_id, to_us(at), duration_ms, answer))  # fmt: skip

    def attempts(self, deck: str, card_id: str) -> list[Attempt]:
        """A card's typed mock-interview answers, oldest first."""
        with self.guard():
            rows = self.conn.execute(
                "SELECT at, duration_ms, answer FROM attempts WHERE deck = ? AND card_id = ? ORDER BY at, id",
                (deck, card_id),
            ).fetchall()
        return [Attempt(from_us(at), duration, answer) for at, duration, answer in rows]

    def forgotten_at(self, deck: str, card_id: str) -> datetime | None:
        """When the card was last sent back to new, if ever."""
        with self.guard():
            row = self.conn.execute(
                "SELECT at FROM forgotten WHERE deck = ? AND card_id = ?", (deck, card_id)
            ).fetchone()
        return None if row is None else from_us(row[0])

    def card_ids(self, prefix: str) -> list[tuple[str, str, str]]:
        """(deck, card id, prompt) of the present cards whose id starts with `prefix`, by deck and id."""
        pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        with self.guard():
            return self.conn.execute(
                "SELECT deck, card_id, prompt FROM cards WHERE present = 1 AND card_id LIKE ? ESCAPE '\\'"
                " ORDER BY deck, card_id",
                (pattern,),
            ).fetchall()

    def deck_states(self, deck: str) -> dict[str, fsrs.Card]:
        """The FSRS state of every card of the deck that has one (active or not; fsrs ids 0, as `card_states`)."""
        with self.guard():
            rows = self.conn.execute(
                "SELECT card_id, state, step, stability, difficulty, due, last_review FROM card_state WHERE deck = ?",
                (deck,),
            ).fetchall()
        with self._reading_states(deck):
            return {row[0]: _make_card(0, *row[1:]) for row in rows}

    def lapses(self, deck: str) -> dict[str, int]:
        """Per card of the deck, how often it was rated `again` after its first answer."""
        with self.guard():
            rows = self.conn.execute(
                "SELECT card_id, count(*) FROM review_log WHERE deck = ? AND rating = 1 AND was_new = 0"
                " GROUP BY card_id",
                (deck,),
            )
            return dict(rows.fetchall())

    def questions_answered(self, deck: str) -> list[tuple[str, str, bool]]:
        """(card id, prompt, has notes) of the deck's active question cards, in document order."""
        with self.guard():
            rows = self.conn.execute(
                "SELECT card_id, prompt, trim(notes) != '' FROM cards WHERE deck = ? AND active = 1"
                " AND kind = 'question' ORDER BY position",
                (deck,),
            )
            return [(card_id, prompt, bool(has)) for card_id, prompt, has in rows]

    def unmark_new_after(self, deck: str, card_id: str, after: datetime) -> None:
        """Clear the first-review mark of the card's answers logged after `after`: an answer from elsewhere
        (Anki) turned out to be the card's first, so a later one is not (the new-card counts would take it twice)."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE review_log SET was_new = 0 WHERE deck = ? AND card_id = ? AND reviewed_at > ? AND was_new = 1",
                (deck, card_id, to_us(after)),
            )


def _not_buried(alias: str) -> str:
    """SQL condition (one `?`: now) excluding cards buried past now; `alias` names the card's table."""
    return (
        f" AND NOT EXISTS (SELECT 1 FROM buried b WHERE b.deck = {alias}.deck AND b.card_id = {alias}.card_id"  # noqa: S608
        " AND b.until > ?)"
    )


_CARD_COLUMNS = "deck, card_id, position, kind, category, prompt, context, back, notes, active"
_LOG_COLUMNS = (
    "id, deck, card_id, rating, reviewed_at, duration_ms, state_before, state_after, was_new, source, external_id"
)


def _deck_files(workspace: Workspace) -> list[Path]:
    # Same listing as deckstore.deck_paths, without importing the pydantic models on the hot path.
    if not workspace.decks_dir.is_dir():
        return []
    return sorted(p for p in workspace.decks_dir.glob("*.yaml") if not p.name.startswith("."))


def _mirror_card(row: tuple[Any, ...]) -> MirrorCard:
    deck, card_id, position, kind, category, prompt, context, back, notes, active = row
    return MirrorCard(deck, card_id, position, kind, json.loads(category), prompt, context, back, notes, bool(active))


def _log_entry(row: tuple[Any, ...]) -> LogEntry:
    values = list(row)
    values[4] = from_us(values[4])
    values[8] = bool(values[8])
    return LogEntry(*values)


def database_error(path: Path, error: sqlite3.Error | OSError) -> StudyprepError:
    """The one-line error for a failure of the review database at `path` (`errors.storage_error` words it). Only a
    damaged file (SQLITE_CORRUPT, SQLITE_NOTADB) is told to restore, naming the newest good backup."""
    from studyprep.errors import is_damaged, storage_error

    remedy = None
    if is_damaged(error):
        from studyprep.store.history_backups import damaged_remedy

        remedy = damaged_remedy(path)
    return storage_error(error, path, "use the review database", damaged_remedy=remedy)


def database_path(workspace: Workspace) -> Path:
    """Where the workspace's review database lives."""
    return workspace.schedules_dir / DB_NAME


def open_store(workspace: Workspace, create: bool = True) -> ReviewStore:
    """Open (creating or migrating) the workspace's review database.

    With `create=False` (commands that only report), a workspace folder that does not exist is not made: an
    empty in-memory database stands in for it, so a mistyped `--home` leaves no folders behind.
    The first opening of an existing database in a study day backs it up (`history_backups.daily_backup`).
    """
    if not create and not workspace.root.is_dir():
        conn = sqlite3.connect(":memory:", isolation_level=None)
        _prepare(conn, database_path(workspace))
        return ReviewStore(database_path(workspace), conn, ephemeral=True)
    path = database_path(workspace)
    existed = path.is_file() and not path.is_symlink()
    store = open_database(path, workspace.root)
    if existed:
        try:
            _back_up_daily(store)
        except BaseException:
            store.close()
            raise
    return store


def _back_up_daily(store: ReviewStore) -> None:
    from studyprep.clock import now
    from studyprep.store.history_backups import daily_backup

    # The clock the command read (`STUDYPREP_NOW` when set): which study day it is does not depend on the
    # milliseconds between the two reads.
    with store.guard():
        daily_backup(store.conn, store.path, now())


# SQLite's companion files: each is opened (or created) beside the database, following a link if one is there.
_COMPANIONS = ("-wal", "-shm", "-journal")


def open_database(path: Path, root: Path | None = None) -> ReviewStore:
    """Open a review database file, refusing anything that is not one of ours, and a database (or one of its
    companion files, or a folder of the workspace `root` above it) that is a link: SQLite would create, grow
    or truncate the file it points to, outside the workspace."""
    refuse_links(path, root)
    for suffix in _COMPANIONS:
        refuse_links(path.with_name(path.name + suffix), root)
    _check_header(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, isolation_level=None, timeout=5.0)
    except (OSError, sqlite3.Error) as error:
        raise database_error(path, error) from None
    store = ReviewStore(path, conn)
    try:
        with store.guard():
            _prepare(conn, path)
    except BaseException:
        conn.close()
        raise
    return store


def _check_header(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        return
    except IsADirectoryError:
        raise StudyprepError("the review database path is a directory", path) from None
    except OSError as error:
        raise database_error(path, error) from None
    if head and head != SQLITE_MAGIC:
        raise StudyprepError(
            "this is not a studyprep review database (not SQLite); it was left untouched: move it aside", path
        )


def _prepare(conn: sqlite3.Connection, path: Path) -> None:
    application_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if application_id != APPLICATION_ID and (application_id != 0 or version != 0 or tables != 0):
        raise StudyprepError(
            "this SQLite file belongs to another program, not studyprep; it was left untouched: move it aside", path
        )
    if version > len(MIGRATIONS):
        raise StudyprepError(
            f"the review database has schema version {version}, newer than this studyprep knows"
            f" ({len(MIGRATIONS)}); upgrade studyprep",
            path,
        )
    conn.execute("PRAGMA busy_timeout = 5000")
    if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    if version < len(MIGRATIONS):
        if version > 0:  # a history to keep: copied as it was before the schema changes
            from studyprep.clock import now
            from studyprep.store.history_backups import back_up

            back_up(conn, path, "before-migration", now())
        _migrate(conn)


def _migrate(conn: sqlite3.Connection) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Re-read inside the write lock: another process may have migrated meanwhile.
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
            migration(conn)
            conn.execute(f"PRAGMA user_version = {int(number)}")
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
