"""The review database, `schedules/reviews.db`: every card's FSRS state and history, one SQLite file.

One concern per module, each a set of functions of an open `connection.Database`:
- `connection`: the connection wrapper (guarded statements: the one place SQLite errors become one line naming
  the database; `atomic()` nested transactions), opening files;
- `migrations`: the schema as named steps, counted by `PRAGMA user_version`;
- `codec`: how moments and FSRS cards are stored;
- `mirror`: the deck files' content, mirrored so commands never parse YAML for it;
- `states`: each card's current FSRS state; `log`: the review log and the answers that move states;
- `marks`: buried, flagged and forgotten cards; `attempts`: typed mock-interview answers;
- `caches`: plan settings and day plans; `deckcache`: parsed deck files (JSON, under each file's hash);
- `queries`: what the queue asks (due cards, new cards, counts);
- `replays`: decks a migration queued for a replay; `integrity`: what `check` asks.

`ReviewStore`, here, is the facade the rest of studyprep uses: each of its methods is one of those modules'
functions on the store's `Database`. Open it with `open_store(workspace)`; close it, or use `with`.

The store knows nothing of scheduling: a deck whose states a migration queued for a replay (`replays`) is
replayed by `replay`, a function of (workspace, store, deck) given when the store is opened
(`schedule.replays.open_store` gives the schedule's), at the next refresh of the mirror. Without one, the decks
stay queued.

WAL mode, `synchronous=FULL`; a file that is not SQLite, belongs to another program, or comes from a newer
studyprep raises `StudyprepError` and is never touched; the file is backed up daily and before a migration
(`store.history_backups`). Everything is keyed by (deck slug, card id): card ids are unique within a deck only.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studyprep.clock import now as clock_now
from studyprep.errors import StudyprepError
from studyprep.progress import ProgressCallback, no_progress
from studyprep.store.db import attempts as mock_attempts
from studyprep.store.db import caches, deckcache, integrity, log, marks, mirror, queries, replays, states
from studyprep.store.db.attempts import Attempt
from studyprep.store.db.codec import card_from_json, from_us, fsrs_card_id, state_json, to_us
from studyprep.store.db.connection import Database, connect, database_error, in_memory, read_only
from studyprep.store.db.integrity import HistoryFinding, OrphanedCard, read_cached_plan_files, read_mirrored_files
from studyprep.store.db.log import SOURCE_STUDYPREP, ConflictError, LogEntry, LoggedAnswer
from studyprep.store.db.migrations import APPLICATION_ID, MIGRATIONS, Migration, prepare
from studyprep.store.db.mirror import DeckOverview, MirrorCard, MirroredFile
from studyprep.store.db.queries import DeckCounts
from studyprep.store.db.states import StoredState
from studyprep.store.history_backups import Backup, back_up, daily_backup, damaged_remedy
from studyprep.store.locking import REVIEW_LOCK_NAME, exclusive_lock
from studyprep.store.workspace import Workspace

if TYPE_CHECKING:
    import fsrs

    from studyprep.cards.models import Deck
    from studyprep.store.deckstore import DeckReader

__all__ = [
    "APPLICATION_ID",
    "DB_NAME",
    "MIGRATIONS",
    "SOURCE_STUDYPREP",
    "Attempt",
    "ConflictError",
    "Database",
    "DeckCounts",
    "DeckOverview",
    "HistoryFinding",
    "LogEntry",
    "LoggedAnswer",
    "Migration",
    "MirrorCard",
    "MirroredFile",
    "OrphanedCard",
    "Replay",
    "ReviewStore",
    "StoredState",
    "back_up_before",
    "card_from_json",
    "completing_card_ids",
    "database_error",
    "database_path",
    "deck_file_reader",
    "from_us",
    "fsrs_card_id",
    "open_database",
    "open_store",
    "read_cached_plan_files",
    "read_mirrored_files",
    "state_json",
    "to_us",
]

DB_NAME = "reviews.db"

# Replays one deck's states from its log (`schedule.scheduling.replay_deck`); what it returns is not used.
Replay = Callable[[Workspace, "ReviewStore", str], object]


class ReviewStore:
    """An open review database. Use `open_store(workspace)`; close it (or use `with`) when done."""

    def __init__(self, path: Path, conn: sqlite3.Connection, ephemeral: bool = False,
                 replay: Replay | None = None) -> None:  # fmt: skip
        self.path = path
        self.db = Database(path, conn, damaged_remedy)
        self.ephemeral = ephemeral  # an empty in-memory stand-in for a workspace that does not exist
        self.replay = replay

    @property
    def conn(self) -> sqlite3.Connection:
        """The sqlite3 connection itself, for tests and benchmarks: studyprep reads and writes through `db`."""
        return self.db.raw

    # -- lifecycle --------------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    def __enter__(self) -> ReviewStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def transaction(self) -> contextlib.AbstractContextManager[Database]:
        """All or nothing (`Database.atomic`): `BEGIN IMMEDIATE` ... `COMMIT`, one writer at a time; inside an open
        transaction, a savepoint, so callers can group several writes."""
        return self.db.atomic()

    def guard(self) -> contextlib.AbstractContextManager[None]:
        """Turn SQLite failures into a StudyprepError that names the database."""
        return self.db.guard()

    @contextlib.contextmanager
    def session_lock(self) -> Iterator[None]:
        """Hold the workspace's review lock: a second session gets a clear error instead of a race."""
        if self.ephemeral:
            yield  # nothing on disk to protect, and no folder to put a lock file in
            return
        busy = "another review session is running on this workspace (pid {holder}); finish it first"
        with exclusive_lock(self.path.parent / REVIEW_LOCK_NAME, 0, busy, self.path.parent.parent):
            yield

    def cache_megabytes(self, megabytes: int) -> None:
        """Let this connection keep up to `megabytes` of the database's pages in memory (SQLite's default is 2 MB),
        for a bulk write whose transactions touch the same index pages one after the other: each is then read
        once, not again in every transaction."""
        self.db.execute(f"PRAGMA cache_size = {-1024 * int(megabytes)}")

    def back_up(self, reason: str, now: datetime) -> Backup:
        """Copy the database into its backups before a change that rewrites history (`history_backups.back_up`)."""
        with self.guard():
            return back_up(self.db.raw, self.path, reason, now)

    # -- mirror of the deck files (`mirror`) and replays (`replays`) ------------------------------------

    def refresh_mirror(
        self, workspace: Workspace, errors: list[StudyprepError] | None = None, verify: bool = False
    ) -> list[str]:
        """`mirror.refresh` (the slugs whose content was re-read), then `replay_pending`."""
        refreshed = mirror.refresh(self.db, workspace, errors, verify)
        self.replay_pending(workspace)
        return refreshed

    def refresh_decks(self, workspace: Workspace, verify: bool = False) -> dict[str, StudyprepError]:
        """`refresh_mirror`, where a deck file that cannot be read blocks only its own deck: returned by slug, with
        its error (file and line). The caller leaves such a deck out (its last mirrored version is not its file),
        and refuses it by its error when it is named. `verify`: as for `mirror.refresh`."""
        errors: list[StudyprepError] = []
        self.refresh_mirror(workspace, errors, verify)
        return {Path(str(error.path)).stem: error for error in errors}

    def replay_pending(self, workspace: Workspace) -> list[str]:
        """Replay the decks queued for it (`replays`) with the store's `replay`, each deck in one transaction that
        also takes it off the queue; return their slugs. A deck whose replay fails (its plan file is broken) stays
        queued until it can be read; without a `replay`, every deck does."""
        pending = replays.pending_replays(self.db)
        if not pending or self.replay is None:
            return []
        done = []
        for deck in pending:
            try:
                with self.db.atomic():
                    self.replay(workspace, self, deck)
                    replays.replayed(self.db, deck)
            except StudyprepError:
                continue
            done.append(deck)
        return done

    def read_deck_file(self, path: Path, progress: ProgressCallback = no_progress) -> tuple[Deck, str]:
        """`deckcache.read_deck_file`: the deck in a deck file and the file's text, parsed only when the file's
        bytes are not those cached (`progress` hears a parse)."""
        return deckcache.read_deck_file(self.db, path, progress)

    def mirror_deck(self, deck: Deck, path: Path) -> None:
        return mirror.mirror_deck(self.db, deck, path)

    def mirrored_files(self) -> dict[str, mirror.MirroredFile]:
        return mirror.mirrored_files(self.db)

    def deck_slugs(self) -> list[str]:
        return mirror.deck_slugs(self.db)

    def deck_overview(self) -> list[mirror.DeckOverview]:
        return mirror.deck_overview(self.db)

    def card(self, deck: str, card_id: str) -> mirror.MirrorCard | None:
        return mirror.card(self.db, deck, card_id)

    def concepts(self, deck: str) -> list[mirror.MirrorCard]:
        """The deck's active concept cards in document order (for 'related concepts' on the back)."""
        return mirror.cards_of_kind(self.db, deck, "concept")

    def cards_of_kind(self, deck: str, kind: str) -> list[mirror.MirrorCard]:
        return mirror.cards_of_kind(self.db, deck, kind)

    def question_texts(self, deck: str) -> list[str]:
        return mirror.question_texts(self.db, deck)

    def questions_answered(self, deck: str) -> list[tuple[str, str, bool]]:
        return mirror.questions_answered(self.db, deck)

    def prompts(self, deck: str, card_ids: Sequence[str]) -> dict[str, str]:
        return mirror.prompts(self.db, deck, card_ids)

    def card_ids(self, prefix: str) -> list[tuple[str, str, str]]:
        return mirror.card_ids(self.db, prefix)

    def active_card_count(self) -> int:
        return mirror.active_card_count(self.db)

    def present_card_count(self, slugs: Iterable[str]) -> int:
        return mirror.present_card_count(self.db, slugs)

    # -- FSRS states (`states`) -------------------------------------------------------------------------

    def get_state(self, deck: str, card_id: str) -> states.StoredState | None:
        return states.get_state(self.db, deck, card_id)

    def card_states(self, deck: str) -> dict[str, fsrs.Card | None]:
        return states.card_states(self.db, deck)

    def question_recall_rows(self, deck: str) -> list[tuple[Any, ...]]:
        return states.question_recall_rows(self.db, deck)

    def active_cards(
        self, deck: str, entry: Callable[[str, tuple[str, ...], str, fsrs.Card | None], states.Entry]
    ) -> list[states.Entry]:
        return states.active_cards(self.db, deck, entry)

    def deck_states(self, deck: str) -> dict[str, fsrs.Card]:
        return states.deck_states(self.db, deck)

    def replace_state(self, deck: str, card_id: str, card: fsrs.Card | None, last_log_id: int) -> None:
        return states.replace_state(self.db, deck, card_id, card, last_log_id)

    def replace_states(self, rows: list[tuple[str, str, fsrs.Card | None, int]]) -> None:
        return states.replace_states(self.db, rows)

    # -- the review log (`log`) -------------------------------------------------------------------------

    def review_logs(self, deck: str, card_id: str) -> list[log.LogEntry]:
        return log.review_logs(self.db, deck, card_id)

    def logged_cards(self, deck: str) -> list[str]:
        return log.logged_cards(self.db, deck)

    def last_log_ids(self, cards: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
        return log.last_log_ids(self.db, cards)

    def newest_log_id(self) -> int:
        return log.newest_log_id(self.db)

    def newest_log_ids(self, after: int) -> dict[tuple[str, str], int]:
        return log.newest_log_ids(self.db, after)

    def last_log_id(self, deck: str, card_id: str) -> int:
        return log.last_log_id(self.db, deck, card_id)

    def external_ids(self, deck: str, card_id: str, source: str) -> set[str]:
        return log.external_ids(self.db, deck, card_id, source)

    def record_answer(self, deck: str, card_id: str, rating: int, reviewed_at: datetime, duration_ms: int | None,
                      before: states.StoredState | None, after: fsrs.Card) -> int:  # fmt: skip
        return log.record_answer(self.db, deck, card_id, rating, reviewed_at, duration_ms, before, after)

    def undo_answer(self, log_id: int) -> None:
        return log.undo_answer(self.db, log_id)

    def append_review(self, deck: str, card_id: str, rating: int, reviewed_at: datetime,
                      duration_ms: int | None = None, source: str = "anki",
                      external_id: str | None = None) -> int | None:  # fmt: skip
        return log.append_review(self.db, deck, card_id, rating, reviewed_at, duration_ms, source, external_id)

    def append_reviews(self, rows: Iterable[tuple[str, str, int, datetime, int | None, bool, str]],
                       source: str) -> None:  # fmt: skip
        return log.append_reviews(self.db, rows, source)

    def append_reviews_us(self, rows: Iterable[tuple[str, str, int, int, int | None, bool, str]],
                          source: str) -> None:  # fmt: skip
        return log.append_reviews_us(self.db, rows, source)

    def unmark_new_after(self, deck: str, card_id: str, after: datetime) -> None:
        return log.unmark_new_after(self.db, deck, card_id, after)

    def recent_pace(self, deck: str, answers: int, shortest_ms: int, longest_ms: int) -> tuple[int, float]:
        return log.recent_pace(self.db, deck, answers, shortest_ms, longest_ms)

    def review_durations(self, deck: str) -> list[int]:
        return log.review_durations(self.db, deck)

    def new_cards_since(self, deck: str, since: datetime) -> int:
        return log.new_cards_since(self.db, deck, since)

    def answers_since(self, deck: str, since: datetime) -> int:
        return log.answers_since(self.db, deck, since)

    def lapses(self, deck: str) -> dict[str, int]:
        return log.lapses(self.db, deck)

    def answer_history(self) -> list[log.LoggedAnswer]:
        return log.answer_history(self.db)

    # -- marks (`marks`) and mock attempts (`attempts`) -------------------------------------------------

    def bury(self, deck: str, card_id: str, until: datetime) -> None:
        return marks.bury(self.db, deck, card_id, until)

    def unbury(self, deck: str, card_id: str) -> None:
        return marks.unbury(self.db, deck, card_id)

    def buried_ids(self, deck: str, now: datetime) -> set[str]:
        return marks.buried_ids(self.db, deck, now)

    def set_flag(self, deck: str, card_id: str, flagged: bool, now: datetime) -> None:
        return marks.set_flag(self.db, deck, card_id, flagged, now)

    def flagged(self) -> set[tuple[str, str]]:
        return marks.flagged(self.db)

    def forget(self, deck: str, card_id: str, now: datetime) -> bool:
        return marks.forget(self.db, deck, card_id, now)

    def forgotten_at(self, deck: str, card_id: str) -> datetime | None:
        return marks.forgotten_at(self.db, deck, card_id)

    def add_attempt(self, deck: str, card_id: str, at: datetime, duration_ms: int, answer: str) -> None:
        return mock_attempts.add_attempt(self.db, deck, card_id, at, duration_ms, answer)

    def attempts(self, deck: str, card_id: str) -> list[mock_attempts.Attempt]:
        return mock_attempts.attempts(self.db, deck, card_id)

    # -- caches (`caches`) ------------------------------------------------------------------------------

    def cached_plan(self, deck: str, size: int, mtime_ns: int) -> dict[str, Any] | None:
        return caches.cached_plan(self.db, deck, size, mtime_ns)

    def cache_plan(self, deck: str, size: int, mtime_ns: int, settings: dict[str, Any]) -> None:
        return caches.cache_plan(self.db, deck, size, mtime_ns, settings)

    def forget_plan(self, deck: str) -> None:
        return caches.forget_plan(self.db, deck)

    def deck_version(self, deck: str) -> int:
        return caches.deck_version(self.db, deck)

    def cached_day_plan(self, deck: str, fingerprint: str) -> dict[str, Any] | None:
        return caches.cached_day_plan(self.db, deck, fingerprint)

    def cache_day_plan(self, deck: str, fingerprint: str, plan: dict[str, Any]) -> None:
        return caches.cache_day_plan(self.db, deck, fingerprint, plan)

    # -- the queue's queries (`queries`) ----------------------------------------------------------------

    def due_learning(self, deck: str, before: datetime, now: datetime) -> list[tuple[str, datetime, int, int]]:
        return queries.due_learning(self.db, deck, before, now)

    def due_reviews(self, deck: str, before: datetime, now: datetime) -> list[tuple[str, float]]:
        return queries.due_reviews(self.db, deck, before, now)

    def new_cards(self, deck: str, now: datetime, limit: int) -> list[str]:
        return queries.new_cards(self.db, deck, now, limit)

    def deck_counts(self, deck: str, now: datetime, day_start: datetime, day_end: datetime, new_per_day: int,
                    *, planned: bool = False) -> queries.DeckCounts:  # fmt: skip
        return queries.deck_counts(self.db, deck, now, day_start, day_end, new_per_day, planned=planned)

    # -- integrity (`integrity`, for `check`) -----------------------------------------------------------

    def integrity_in_background(self, full: bool) -> Callable[[], list[str]]:
        return integrity.integrity_in_background(self.db, full)

    def review_count(self) -> int:
        return integrity.review_count(self.db)

    def history_findings(self) -> list[integrity.HistoryFinding]:
        return integrity.history_findings(self.db)

    def orphaned_cards(self, held: Iterable[str]) -> list[integrity.OrphanedCard]:
        return integrity.orphaned_cards(self.db, list(held))

    def drop_history(self, cards: Iterable[tuple[str, str]]) -> int:
        return integrity.drop_history(self.db, cards)


# ---------------------------------------------------------------------------------------------------------
# Opening


def database_path(workspace: Workspace) -> Path:
    """Where the workspace's review database lives."""
    return workspace.schedules_dir / DB_NAME


def open_store(workspace: Workspace, create: bool = True, *, replay: Replay | None = None) -> ReviewStore:
    """Open (creating or migrating) the workspace's review database; `replay`: see the module's docstring.

    With `create=False` (commands that only report), a workspace folder that does not exist is not made: an
    empty in-memory database stands in for it, so a mistyped `--home` leaves no folders behind.
    The first opening of an existing database in a study day backs it up (`history_backups.daily_backup`).
    """
    path = database_path(workspace)
    if not create and not workspace.root.is_dir():
        db = in_memory(path)
        prepare(db, back_up=lambda: None)
        return ReviewStore(path, db.raw, ephemeral=True, replay=replay)
    existed = path.is_file() and not path.is_symlink()
    store = open_database(path, workspace.root, replay=replay)
    if existed:
        try:
            # The clock the command read (`STUDYPREP_NOW` when set): which study day it is does not depend on the
            # milliseconds between the two reads.
            with store.guard():
                daily_backup(store.db.raw, store.path, clock_now())
        except BaseException:
            store.close()
            raise
    return store


def completing_card_ids(workspace: Workspace, prefix: str) -> list[tuple[str, str, str]]:
    """(deck, card id, prompt) of the present cards whose id starts with `prefix`, for shell completion: read
    from the database as it is, opened read-only (no migration, no backup, nothing created); none when it cannot
    be read."""
    path = database_path(workspace)
    if not path.is_file():
        return []
    try:
        db = read_only(path, immutable=True)
    except StudyprepError:
        return []
    try:
        return mirror.card_ids(db, prefix)
    except StudyprepError:  # an older or damaged database: completion offers nothing rather than an error
        return []
    finally:
        db.close()


def open_database(path: Path, root: Path | None = None, *, replay: Replay | None = None) -> ReviewStore:
    """Open a review database file (`connection.connect`: links and files not SQLite are refused), refusing one of
    another program or of a newer studyprep, and migrate it (`migrations`), backed up first when it has a
    history."""
    db = connect(path, root, damaged_remedy)
    try:
        with db.guard():
            prepare(db, back_up=lambda: back_up(db.raw, path, "before-migration", clock_now()))
    except BaseException:
        db.close()
        raise
    return ReviewStore(path, db.raw, replay=replay)


@contextlib.contextmanager
def deck_file_reader(workspace: Workspace) -> Iterator[DeckReader]:
    """For a command that loads decks but reads no states: `ReviewStore.read_deck_file` of the workspace's review
    database (parsed decks cached), or, when that database cannot be opened (damaged, another program's, newer),
    `deckstore.read_deck_file` itself: the deck files, not the database, are what such a command needs."""
    try:
        store = open_store(workspace, create=False)
    except StudyprepError:
        from studyprep.store.deckstore import read_deck_file

        yield read_deck_file
        return
    with store:
        yield store.read_deck_file


def back_up_before(workspace: Workspace, change: str, now: datetime) -> Backup | None:
    """Back up the workspace's review database before `change` rewrites its history (None: no database yet)."""
    if not database_path(workspace).is_file():
        return None
    with open_database(database_path(workspace)) as store:
        return store.back_up(f"before-{change}", now)
