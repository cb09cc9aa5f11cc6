"""The review database's schema, as named steps applied in order (as simonw/llm keeps its migrations).

`MIGRATIONS` is append-only: a new schema change is a new step at the end; a step already released is never
edited, renamed or moved. A database records how many steps it has had in `PRAGMA user_version` (the numbering
every studyprep release has used): at version N, exactly the first N steps of this list are applied, and opening
it applies the rest, in one transaction, each followed by its number. `PRAGMA application_id` marks the file as
ours. A file of another program, or of a newer studyprep (a version past this list), is refused untouched.

A step is a function of a raw `sqlite3.Connection` (its statements run inside the caller's transaction).

Tables (after every step)
- `decks(deck, path, size, mtime_ns, sha256, title, present, company, role)`: which version of each deck
  file the mirror holds.
- `cards(deck, card_id, position, kind, category, prompt, context, back, notes, active, retired, present,
  seen)`: content mirror of the deck files (`mirror`). Rows are never deleted: a card gone from its file keeps
  `present = 0`. `seen` = the card has a `card_state` row (kept in step by every state write).
- `card_state(deck, card_id, state, step, stability, difficulty, due, last_review, last_log_id)`: the current
  `fsrs.Card` of every card reviewed at least once (no row = new card; `states`).
- `review_log(id, deck, card_id, rating, reviewed_at, duration_ms, state_before, state_after, was_new, source,
  external_id)`: append-only history (`log`).
- `buried(deck, card_id, until)`, `flags(deck, card_id, flagged_at)`, `forgotten(deck, card_id, at)`: marks on
  cards (`marks`); `attempts(id, deck, card_id, at, duration_ms, answer)`: typed mock answers (`attempts`).
- `plan_cache(deck, size, mtime_ns, settings)`, `day_plan(deck, fingerprint, plan)` and `deck_versions(deck,
  version)` (kept by triggers): caches (`caches`).
- `pending_replay(deck, reason)`: decks whose states a step asked to be computed again from their logs
  (`replays`).
- `deck_cache(deck, size, mtime_ns, sha256, data, data_sha256)`: each deck file's parsed deck as JSON, under
  the file's size, mtime and SHA-256 (`deckcache`).
"""

from __future__ import annotations

__all__ = ["APPLICATION_ID", "MIGRATIONS", "Migration", "migrate", "migration", "prepare"]

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from studyprep.errors import StudyprepError
from studyprep.store.db.connection import Database, configure

APPLICATION_ID = 0x53505256  # "SPRV": marks the file as a studyprep review database


@dataclass(frozen=True)
class Migration:
    """One schema step: its name (what it is called in the code and its messages) and what it does."""

    name: str
    apply: Callable[[sqlite3.Connection], None]

    def __call__(self, conn: sqlite3.Connection) -> None:
        self.apply(conn)


MIGRATIONS: list[Migration] = []


def migration(name: str) -> Callable[[Callable[[sqlite3.Connection], None]], Callable[[sqlite3.Connection], None]]:
    """Add the decorated function to the end of `MIGRATIONS` as the step `name`."""

    def add(apply: Callable[[sqlite3.Connection], None]) -> Callable[[sqlite3.Connection], None]:
        if any(step.name == name for step in MIGRATIONS):
            raise ValueError(f"two migrations named {name!r}")
        MIGRATIONS.append(Migration(name, apply))
        return apply

    return add


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    # One statement at a time (`executescript` would commit the caller's transaction first).
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


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


@migration("initial-schema")
def _initial_schema(conn: sqlite3.Connection) -> None:
    _run_script(conn, _SCHEMA_1)


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


@migration("seen-cards-and-plan-cache")
def _seen_cards_and_plan_cache(conn: sqlite3.Connection) -> None:
    # `cards.seen` mirrors "has a card_state row" so new-card counts need no anti-join over every card;
    # `plan_cache` keeps `due` from validating every plan file on each run.
    _run_script(conn, _SCHEMA_2)


@migration("deck-company-and-role")
def _deck_company_and_role(conn: sqlite3.Connection) -> None:
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


@migration("day-plan-cache")
def _day_plan_cache(conn: sqlite3.Connection) -> None:
    # A deadline deck's plan for the day costs thousands of FSRS evaluations; `day_plan` keeps it until the
    # deck's cards, states or log change, which the triggers count in `deck_versions` (an id or a sum of
    # ids could repeat after an undo, a counter cannot). A card's deck moving is an UPDATE of the new deck.
    conn.execute("CREATE TABLE deck_versions (deck TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID")
    conn.execute("CREATE TABLE day_plan (deck TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, plan TEXT NOT NULL)")
    for table in ("review_log", "card_state", "cards"):
        for statement in _version_triggers(table):
            conn.execute(statement)


@migration("covering-position-index")
def _covering_position_index(conn: sqlite3.Connection) -> None:
    # `readiness` reads every active card's kind and category with its state: in the position index, that read
    # never touches the table's rows (a third of its time at 100k cards).
    conn.execute("DROP INDEX cards_by_position")
    conn.execute("CREATE INDEX cards_by_position ON cards (deck, active, position, kind, category)")


@migration("covering-day-index")
def _covering_day_index(conn: sqlite3.Connection) -> None:
    # The user's pace (the latest 2,000 answers' durations, read by every day plan and readiness) and today's
    # answer and new-card counts read only these columns: in the day index, they never touch the log's rows
    # (the pace was 13 ms a deck at 1M logged reviews from a cold cache, 40,000 row lookups for 20 decks).
    conn.execute("DROP INDEX review_log_by_day")
    conn.execute("CREATE INDEX review_log_by_day ON review_log (deck, reviewed_at, duration_ms, was_new)")


@migration("flags-and-forgotten")
def _flags_and_forgotten(conn: sqlite3.Connection) -> None:
    # Flags mark cards to come back to (a review key, a `cards --state` filter); `forgotten` records when a card
    # was sent back to new (`studyprep forget`): its log is kept, and a replay starts after that moment.
    conn.execute("CREATE TABLE flags (deck TEXT NOT NULL, card_id TEXT NOT NULL, flagged_at INTEGER NOT NULL,"
                 " PRIMARY KEY (deck, card_id)) WITHOUT ROWID")  # fmt: skip
    conn.execute("CREATE TABLE forgotten (deck TEXT NOT NULL, card_id TEXT NOT NULL, at INTEGER NOT NULL,"
                 " PRIMARY KEY (deck, card_id)) WITHOUT ROWID")  # fmt: skip


@migration("mock-attempts")
def _mock_attempts(conn: sqlite3.Connection) -> None:
    # A mock interview keeps each typed answer as an attempt at its card (shown by `card ID` and the next mock).
    conn.execute("CREATE TABLE attempts (id INTEGER PRIMARY KEY, deck TEXT NOT NULL, card_id TEXT NOT NULL,"
                 " at INTEGER NOT NULL, duration_ms INTEGER NOT NULL, answer TEXT NOT NULL)")  # fmt: skip
    conn.execute("CREATE INDEX attempts_by_card ON attempts (deck, card_id, at)")


@migration("study-days")
def _study_days(conn: sqlite3.Connection) -> None:
    # fsrs is now told the days between reviews in study days, as Anki counts them (see `schedule.studydays`), so
    # every stored state computed with 24-hour days is replayed from its log. The replay needs each deck's plan
    # (its parameters, steps and day rollover), which lives in the plan files and is the schedule's to read: the
    # decks are queued here (`replays`) and replayed by the next command that mirrors the deck files.
    conn.execute("CREATE TABLE pending_replay (deck TEXT NOT NULL PRIMARY KEY, reason TEXT NOT NULL) WITHOUT ROWID")
    conn.execute("INSERT INTO pending_replay SELECT DISTINCT deck, 'study-days' FROM review_log")


@migration("deck-cache")
def _deck_cache(conn: sqlite3.Connection) -> None:
    # Parsed deck files as JSON (`deckcache`): export, re-import and every command that loads deck models read
    # YAML only when a file's bytes changed (parsing and validating YAML costs 20-50 times a JSON load).
    conn.execute("CREATE TABLE deck_cache (deck TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,"
                 " sha256 TEXT NOT NULL, data TEXT NOT NULL, data_sha256 TEXT NOT NULL)")  # fmt: skip


@migration("anki-order")
def _anki_order(conn: sqlite3.Connection) -> None:
    # Passing intervals now keep Anki's order (`schedule.passing`): a review card's Hard, Good and Easy a day apart
    # and not below its last interval. Stored due moments computed without it are replayed from their logs, as
    # `study-days` queued them (a deck already queued stays queued once).
    conn.execute("INSERT OR IGNORE INTO pending_replay SELECT DISTINCT deck, 'anki-order' FROM review_log")


# ---------------------------------------------------------------------------------------------------------


def schema_version(db: Database) -> int:
    """The number of steps the database has had, after checking that it is ours (or empty) and not newer than
    this studyprep: anything else is refused, untouched."""
    application_id = db.scalar("PRAGMA application_id")
    version = int(db.scalar("PRAGMA user_version"))
    tables = db.scalar("SELECT count(*) FROM sqlite_master")
    if application_id != APPLICATION_ID and (application_id != 0 or version != 0 or tables != 0):
        raise StudyprepError(
            "this SQLite file belongs to another program, not studyprep; it was left untouched: move it aside",
            db.path,
        )
    if version > len(MIGRATIONS):
        raise StudyprepError(
            f"the review database has schema version {version}, newer than this studyprep knows"
            f" ({len(MIGRATIONS)}); upgrade studyprep",
            db.path,
        )
    return version


def migrate(db: Database) -> list[str]:
    """Apply the steps the database has not had, in order, in one transaction; return their names. The version
    is read again inside the write lock: another process may have migrated meanwhile."""
    with db.atomic():
        version = int(db.scalar("PRAGMA user_version"))
        applied = []
        for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
            step(db.raw)
            db.execute(f"PRAGMA user_version = {int(number)}")
            applied.append(step.name)
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    return applied


def prepare(db: Database, back_up: Callable[[], object]) -> None:
    """Check that the database is ours, configure the connection, and bring its schema up to date, calling
    `back_up` first when a database with a history is about to be migrated (the history as it was, should a step
    go wrong)."""

    version = schema_version(db)
    configure(db)
    if version < len(MIGRATIONS):
        if version > 0:
            back_up()
        migrate(db)
