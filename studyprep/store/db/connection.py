"""One open review database: the connection every read and write of `store/db` goes through.

`Database.execute`, `executemany`, `query`, `one` and `scalar` run their SQL under `guard()`, the one place where
an `sqlite3.Error` becomes a one-line `StudyprepError` naming the database (`database_error`, worded by
`errors.storage_error`; a damaged file is told to restore the newest good backup, which `remedy` names). Rows are
fetched inside the guard: a damaged page met half-way through a result is reported as any other failure.

`atomic()` groups writes, as sqlite-utils and Django do: at the outer level `BEGIN IMMEDIATE` ... `COMMIT` (one
writer at a time, all or nothing; a failure rolls everything back), inside an open transaction `SAVEPOINT` ...
`RELEASE` (a nested block that fails is undone alone, and its error goes on up to the caller, who may go on).

`connect` opens a file, refusing what is not SQLite and links that would make SQLite write outside the
workspace; `read_only` opens one for reading only; `in_memory` is the empty stand-in for a missing workspace.
"""

from __future__ import annotations

__all__ = ["SQLITE_MAGIC", "Database", "Row", "configure", "connect", "database_error", "in_memory", "read_only"]

import contextlib
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from studyprep.errors import StudyprepError, is_damaged, storage_error
from studyprep.store.workspace import refuse_links

SQLITE_MAGIC = b"SQLite format 3\x00"
# SQLite's companion files: each is opened (or created) beside the database, following a link if one is there.
_COMPANIONS = ("-wal", "-shm", "-journal")

# Names the newest good backup of a damaged database (`history_backups.damaged_remedy`), or None: there is none.
Remedy = Callable[[Path], str | None]
Row = tuple[Any, ...]
Parameters = Sequence[Any]


def database_error(path: Path, error: sqlite3.Error | OSError, remedy: Remedy | None = None) -> StudyprepError:
    """The one-line error for a failure of the review database at `path` (`errors.storage_error` words it). Only a
    damaged file (SQLITE_CORRUPT, SQLITE_NOTADB) is told to restore, naming the backup `remedy` finds."""
    found = remedy(path) if remedy is not None and is_damaged(error) else None
    return storage_error(error, path, "use the review database", damaged_remedy=found)


class Guard:
    """The store's one translation of SQLite failures: `with Guard(path):` raises `database_error` for any
    `sqlite3.Error` inside. (A class, not a generator: it wraps every statement, and costs a fifth as much.)"""

    __slots__ = ("path", "remedy")

    def __init__(self, path: Path, remedy: Remedy | None = None) -> None:
        self.path = path
        self.remedy = remedy

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: object) -> None:
        if isinstance(error, sqlite3.Error):
            raise database_error(self.path, error, self.remedy) from None


class Database:
    """An open SQLite connection to the review database at `path`, with guarded statements and nested
    transactions. `raw` is the sqlite3 connection itself (for migrations and backups, which take one)."""

    def __init__(self, path: Path, raw: sqlite3.Connection, remedy: Remedy | None = None) -> None:
        self.path = path
        self.raw = raw
        self.remedy = remedy
        self._guard = Guard(path, remedy)
        self.savepoints = 0  # how deep `atomic` blocks nest inside the open transaction

    def close(self) -> None:
        """Close the connection."""
        self.raw.close()

    def guard(self) -> Guard:
        """`Guard` for this database: SQLite failures inside become one line naming it."""
        return self._guard

    # -- statements -------------------------------------------------------------------------------------

    def execute(self, sql: str, parameters: Parameters = ()) -> sqlite3.Cursor:
        """Run one statement (a write, mostly: read rows with `query`, `one` or `scalar`, which fetch them inside
        the guard); the cursor gives `lastrowid` and `rowcount`."""
        with self._guard:
            return self.raw.execute(sql, parameters)

    def executemany(self, sql: str, rows: Iterable[Parameters]) -> None:
        """Run one statement for each row of parameters."""
        with self._guard:
            self.raw.executemany(sql, rows)

    def query(self, sql: str, parameters: Parameters = ()) -> list[Row]:
        """Every row of a query."""
        with self._guard:
            return self.raw.execute(sql, parameters).fetchall()

    def one(self, sql: str, parameters: Parameters = ()) -> Row | None:
        """The first row of a query, or None."""
        with self._guard:
            row: Row | None = self.raw.execute(sql, parameters).fetchone()
            return row

    def scalar(self, sql: str, parameters: Parameters = ()) -> Any:
        """The first column of a query's first row (None when there is no row)."""
        row = self.one(sql, parameters)
        return None if row is None else row[0]

    # -- transactions -----------------------------------------------------------------------------------

    @property
    def in_transaction(self) -> bool:
        """Whether a transaction is open on this connection."""
        return self.raw.in_transaction

    def atomic(self) -> Atomic:
        """All or nothing: `BEGIN IMMEDIATE` ... `COMMIT` at the outer level, `SAVEPOINT` ... `RELEASE` inside an
        open transaction (`Atomic`)."""
        return Atomic(self)


class Atomic:
    """`with db.atomic():` runs its block as a transaction, or as a savepoint inside one already open. On an
    error the block's writes are undone and the error goes on; SQLite failures anywhere in the block, its
    COMMIT included, become one line (`Guard`). A failed COMMIT or RELEASE is rolled back too: no transaction
    is left open for a later block to join unknowingly."""

    __slots__ = ("db", "savepoint")

    def __init__(self, db: Database) -> None:
        self.db = db
        self.savepoint: str | None = None

    def __enter__(self) -> Database:
        db = self.db
        with db.guard():
            if db.raw.in_transaction:
                db.savepoints += 1
                self.savepoint = f"atomic_{db.savepoints}"
                try:
                    db.raw.execute(f"SAVEPOINT {self.savepoint}")
                except BaseException:
                    db.savepoints -= 1
                    raise
            else:
                db.raw.execute("BEGIN IMMEDIATE")
        return db

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: object) -> None:
        db, name = self.db, self.savepoint
        if name is not None:
            db.savepoints -= 1
        with db.guard():
            if error is None:
                try:
                    db.raw.execute("COMMIT" if name is None else f"RELEASE {name}")
                except BaseException:
                    self._undo()
                    raise
                return
            self._undo()
            if isinstance(error, sqlite3.Error):
                raise error  # translated by the guard, as any failure of the block

    def _undo(self) -> None:
        """Roll back after a failure, keeping that failure as the error: when SQLite already ended the transaction
        (a full disk, an I/O error) there is nothing to roll back, and a rollback that fails too says less."""
        raw, name = self.db.raw, self.savepoint
        if not raw.in_transaction:
            return
        with contextlib.suppress(sqlite3.Error):
            if name is None:
                raw.execute("ROLLBACK")
            else:
                raw.execute(f"ROLLBACK TO {name}")
                raw.execute(f"RELEASE {name}")


# ---------------------------------------------------------------------------------------------------------
# Opening


def connect(path: Path, root: Path | None = None, remedy: Remedy | None = None) -> Database:
    """Open a database file for reading and writing, creating it (and its folder) when missing. Refused: a file
    that is not SQLite, and a database (or one of its companion files, or a folder of the workspace `root` above
    it) that is a link: SQLite would create, grow or truncate the file it points to, outside the workspace."""
    refuse_links(path, root)
    for suffix in _COMPANIONS:
        refuse_links(path.with_name(path.name + suffix), root)
    _check_header(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        raw = sqlite3.connect(path, isolation_level=None, timeout=5.0)
    except (OSError, sqlite3.Error) as error:
        raise database_error(path, error, remedy) from None
    return Database(path, raw, remedy)


def in_memory(path: Path) -> Database:
    """An empty in-memory database standing in for the one at `path` (a workspace that does not exist)."""
    return Database(path, sqlite3.connect(":memory:", isolation_level=None))


def read_only(path: Path, remedy: Remedy | None = None, *, immutable: bool = False) -> Database:
    """Open an existing database file for reading only (a missing file is an error, never created). `immutable`:
    no lock taken and no -shm or -wal file made beside it, for a reader that must leave no trace (a finished
    command leaves no write-ahead log, so the file alone holds the data)."""
    with Guard(path, remedy):
        return Database(path, sqlite3.connect(read_only_uri(path, immutable=immutable), uri=True), remedy)


def read_only_uri(path: Path, *, immutable: bool = False) -> str:
    """A read-only SQLite URI for `path`: percent-encoded, so a '#' or '?' in a folder name stays in the path
    (`file:{path}` would cut it there, and open, even create, another file)."""
    return f"{path.resolve().as_uri()}?mode=ro" + ("&immutable=1" if immutable else "")


def configure(db: Database) -> None:
    """The settings every connection runs with: wait for a busy writer, WAL, full syncs, foreign keys."""
    db.execute("PRAGMA busy_timeout = 5000")
    if db.scalar("PRAGMA journal_mode") != "wal":
        db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    db.execute("PRAGMA foreign_keys = ON")


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
