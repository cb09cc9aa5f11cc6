"""Reading an Anki collection someone handed us, within bounds: the file may be broken or built to harm.

`read_history(path, now)` opens a private copy of a `.colpkg`, an `.apkg` or a `collection.anki2` (the original
is never touched) and returns every note guid and every revlog row, each checked for type and range. What it
refuses, always as one `StudyprepError` naming the file:
- a path or `-wal` that is not a regular file (a folder, a pipe, a device such as `/dev/zero`), or a `-wal` that
  is a link; an empty file; a zip that is damaged, whose collection entry is encrypted, uses a compression other
  than stored/deflate, is a link, or decompresses to more than `EXPANSION_LIMIT` times the package's size (the
  count is kept while extracting; the size the zip's header states is never trusted);
- a collection whose `notes`, `cards` or `revlog` is missing, a view, a virtual table or has generated columns,
  or that holds any trigger; a value of the wrong type or out of range (ids, `ease` 0-4, `time`, review dates
  from 1990 to a day after `now`); a query that runs longer than `QUERY_SECONDS` (SQLite's progress handler).
Rows are read in batches. The private copy lives in a new folder of its own in the system temp folder and is
removed on return, on any error, and on SIGTERM/SIGHUP while it exists (`removed_on_termination`).
"""

from __future__ import annotations

__all__ = ["SQLITE_MAGIC", "AnkiHistory", "AnkiReview", "read_history", "removed_on_termination"]

import contextlib
import math
import os
import shutil
import signal
import sqlite3
import stat
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any, BinaryIO, NamedTuple, cast

from studyprep.clock import now as clock_now
from studyprep.errors import StudyprepError

# Inside a package, newest format first: zstd-compressed (Anki 2.1.50+), then the legacy sqlite files.
# A modern .apkg also holds a stub `collection.anki2` saying "please update Anki", hence the order.
COLLECTION_ENTRIES = ("collection.anki21b", "collection.anki21", "collection.anki2")
ZIP_MAGIC = b"PK\x03\x04"
SQLITE_MAGIC = b"SQLite format 3\x00"
# revlog.type: 0 learning, 1 review, 2 relearning; 3 = filtered-deck review without rescheduling,
# 4 = manual, 5 = rescheduled. Only the first three changed the card's memory state in Anki.
REVIEW_KINDS = (0, 1, 2)
# Real packages expand 2-10 times (zstd or deflate over SQLite pages); a zip bomb expands thousands of times.
# The floor keeps a tiny hand-made package readable.
EXPANSION_LIMIT = 100
EXPANSION_FLOOR = 1 << 20
QUERY_SECONDS = 60.0
BATCH_ROWS = 10_000
CHUNK = 1 << 20
EARLIEST_REVIEW = datetime(1990, 1, 1, tzinfo=UTC)
LONGEST_ANSWER_MS = 86_400_000  # Anki caps an answer's time at minutes; a day is already nonsense
MAX_GUID = 1_000
MAX_TAGS = 200  # per note, read from a collection
MAX_TAG = 200
# studyprep's note types: Prompt, Context, Back, Notes, Category, Source (`anki.model.FIELDS`, frozen).
FIELD_COUNT = 6
NOTES_FIELD = 3
INT64_MAX = (1 << 63) - 1
_TABLES = {"notes": ("id", "guid"), "cards": ("id", "nid"), "revlog": ("id", "cid", "ease", "time", "type")}
_ZIP_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate"}
_NOT_ANKI = "not an Anki file: expected a .colpkg, an .apkg or a collection.anki2"


class AnkiReview(NamedTuple):
    """One row of Anki's revlog, with the guid of its note (None when the card is gone). A named tuple: a million
    are made per pull, each built straight from its row (a frozen dataclass sets each field through
    `object.__setattr__`)."""

    revlog_id: int
    guid: str | None
    ease: int
    duration_ms: int
    kind: int

    @property
    def reviewed_at(self) -> datetime:
        """Anki's revlog id is the review time in epoch milliseconds."""
        return datetime.fromtimestamp(self.revlog_id / 1000, tz=UTC)

    @property
    def reviewed_us(self) -> int:
        """`reviewed_at` in epoch microseconds, as the review log keeps it (exact: a revlog id is whole ms)."""
        return self.revlog_id * 1000

    @property
    def is_answer(self) -> bool:
        """A real answer with a button (1 again .. 4 easy), not a manual reschedule."""
        return self.kind in REVIEW_KINDS and 1 <= self.ease <= 4

    def external_id(self) -> str:
        """Identifies this review across pulls and devices (revlog ids survive sync; card ids do not)."""
        return f"{self.guid}:{self.revlog_id}"


@dataclass(frozen=True)
class AnkiHistory:
    """What a collection holds that matters here: every note's guid and every review."""

    guids: frozenset[str]
    reviews: tuple[AnkiReview, ...]
    notes_fields: Mapping[str, str] = field(default_factory=dict)  # guid -> Notes field, of the notes asked for
    notes_tags: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # guid -> tags, of the notes asked for


class TerminatedError(StudyprepError):
    """SIGTERM or SIGHUP arrived while reading a collection; what was begun is undone."""

    exit_code = 128 + signal.SIGTERM


def read_history(
    path: Path,
    now: datetime | None = None,
    query_seconds: float = QUERY_SECONDS,
    notes_of: frozenset[str] = frozenset(),
) -> AnkiHistory:
    """Every note guid and revlog row of the Anki collection in `path`, checked (see the module doc), and the
    Notes field (`NOTES_FIELD` of studyprep's note types) and tags of the notes whose guid is in `notes_of`."""
    latest = (now or clock_now()) + timedelta(days=1)
    with open_collection_copy(path) as conn, _time_limit(conn, path, query_seconds):
        _check_schema(conn, path)
        guids = frozenset(_read_guids(conn, path))
        reviews = tuple(_read_reviews(conn, path, latest))
        fields = dict(_read_notes_fields(conn, path, notes_of & guids)) if notes_of else {}
        tags = dict(_read_notes_tags(conn, path, notes_of & guids)) if notes_of else {}
    return AnkiHistory(guids, reviews, fields, tags)


@contextlib.contextmanager
def open_collection_copy(path: Path) -> Iterator[sqlite3.Connection]:
    """An sqlite connection to a private copy of the collection in `path`; the original is never touched."""
    with _private_folder() as folder, _opened(path, follow=True, what="the file") as (source, size):
        copy = folder / "collection.sqlite"
        head = source.read(len(SQLITE_MAGIC))
        source.seek(0)
        if head.startswith(ZIP_MAGIC):
            _extract_collection(path, source, size, copy)
        elif head.startswith(SQLITE_MAGIC):
            _copy_sqlite(path, source, size, copy)
        elif not head:
            raise StudyprepError(f"the file is empty; {_NOT_ANKI}", path)
        else:
            raise StudyprepError(_NOT_ANKI, path)
        conn = _connect(copy, path)
        try:
            yield conn
        finally:
            conn.close()


@contextlib.contextmanager
def removed_on_termination() -> Iterator[None]:
    """While inside, SIGTERM and SIGHUP raise `TerminatedError`, so every `finally` (temp copies, a transaction's
    rollback) runs before the process ends; the previous handlers come back on leaving."""
    if not _in_main_thread():
        yield  # only the main thread may set handlers; a worker thread's caller owns the signals
        return

    def terminate(signum: int, _frame: object) -> None:
        raise TerminatedError(f"stopped by {signal.Signals(signum).name}; nothing was written")

    watched = [signal.SIGTERM] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])
    previous = {signum: signal.signal(signum, terminate) for signum in watched}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def _private_folder() -> Iterator[Path]:
    """A new folder, only ours (mode 0700), named with our pid so `check` can tell litter of a dead process."""
    try:
        folder = Path(tempfile.mkdtemp(prefix=f"studyprep-anki-{os.getpid()}-"))
    except OSError as error:
        message = f"cannot make a private temp folder: {error.strerror or error}"
        raise StudyprepError(message, tempfile.gettempdir()) from None
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def _opened(path: Path, *, follow: bool, what: str) -> Iterator[tuple[BinaryIO, int]]:
    """`path` opened for reading with its size, refused unless a regular file (and, without `follow`, no link).

    Opened without blocking, then checked on the open descriptor: a pipe or device is never read from."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | (0 if follow else getattr(os, "O_NOFOLLOW", 0))
    try:
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        raise StudyprepError("no such file" if not path.is_symlink() else "a link to nothing", path) from None
    except IsADirectoryError:
        raise StudyprepError("this is a folder; give the collection file (e.g. collection.anki2)", path) from None
    except OSError as error:
        if not follow and path.is_symlink():
            raise StudyprepError(f"{what} is a link; refused (copy the real file here instead)", path) from None
        raise StudyprepError(f"cannot read {what}: {error.strerror or error}", path) from None
    info = os.fstat(descriptor)
    if not stat.S_ISREG(info.st_mode):
        os.close(descriptor)
        if stat.S_ISDIR(info.st_mode):
            raise StudyprepError("this is a folder; give the collection file (e.g. collection.anki2)", path)
        raise StudyprepError(f"{what} is not a regular file (a pipe, socket or device); refused", path)
    with os.fdopen(descriptor, "rb") as handle:
        yield handle, info.st_size


def _extract_collection(package: Path, source: BinaryIO, size: int, target: Path) -> None:
    limit = max(EXPANSION_LIMIT * size, EXPANSION_FLOOR)
    try:
        with zipfile.ZipFile(source) as archive:
            entry = _collection_entry(archive, package)
            with archive.open(entry) as stream, target.open("wb") as sink:
                if entry.filename.endswith("b"):
                    _decompress_zstd(stream, sink, limit, package)
                else:
                    _copy_bounded(stream, sink, limit, package)
    except StudyprepError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, OSError) as error:
        raise StudyprepError(f"cannot read the Anki package ({_one_line(error)})", package) from None


def _collection_entry(archive: zipfile.ZipFile, package: Path) -> zipfile.ZipInfo:
    """The package's collection entry, refused if encrypted, compressed in a way we do not read, or a link."""
    entries = {info.filename: info for info in archive.infolist()}
    info = next((entries[name] for name in COLLECTION_ENTRIES if name in entries), None)
    if info is None:
        raise StudyprepError("this zip file holds no Anki collection", package)
    if info.flag_bits & 0x1:
        raise StudyprepError(f"the package's {info.filename} is encrypted; Anki never encrypts: refused", package)
    if info.compress_type not in _ZIP_METHODS:
        raise StudyprepError(
            f"the package's {info.filename} uses compression method {info.compress_type}, which Anki does not"
            " write (only stored or deflate): refused",
            package,
        )
    kind = stat.S_IFMT(info.external_attr >> 16)  # 0 when the zip tool stored no file type
    if info.is_dir() or kind not in (0, stat.S_IFREG):
        message = f"the package's {info.filename} is not a regular file (a link or folder): refused"
        raise StudyprepError(message, package)
    return info


def _too_big(package: Path, limit: int) -> StudyprepError:
    return StudyprepError(
        f"the collection inside expands to more than {EXPANSION_LIMIT} times the package's size ({limit / 1e6:.0f}"
        " MB): refused as a possible zip bomb; if it is a real collection, run Tools > Check Database in Anki"
        " and export it again",
        package,
    )


def _copy_bounded(source: IO[bytes], sink: BinaryIO, limit: int, origin: Path) -> None:
    """Copy in chunks, counting: never more than `limit` bytes, whatever the source claims."""
    written = 0
    while chunk := source.read(min(CHUNK, limit + 1 - written)):
        written += len(chunk)
        if written > limit:
            raise _too_big(origin, limit)
        sink.write(chunk)


def _decompress_zstd(source: IO[bytes], sink: BinaryIO, limit: int, package: Path) -> None:
    import zstandard

    counted = _CountingReader(source, limit, package)  # compressed bytes count too: skippable frames emit none
    try:
        with zstandard.ZstdDecompressor().stream_reader(cast("IO[bytes]", counted), read_across_frames=True) as reader:
            _copy_bounded(reader, sink, limit, package)
    except zstandard.ZstdError as error:
        message = f"cannot read the Anki package (damaged compressed collection: {_one_line(error)})"
        raise StudyprepError(message, package) from None


class _CountingReader:
    """A read-only stream that refuses to deliver more than `limit` bytes in all."""

    def __init__(self, source: IO[bytes], limit: int, origin: Path) -> None:
        self.source, self.limit, self.origin, self.count = source, limit, origin, 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.source.read(CHUNK if size is None or size < 0 else min(size, CHUNK))
        self.count += len(chunk)
        if self.count > self.limit:
            raise _too_big(self.origin, self.limit)
        return chunk


def _copy_sqlite(path: Path, source: BinaryIO, size: int, target: Path) -> None:
    # Anki may have the file open: copy it with its write-ahead log so the copy is consistent and current.
    # A file that grows while we copy is read up to the size it had when opened (never without end).
    try:
        with target.open("wb") as sink:
            _copy_exactly(source, sink, size)
        wal = path.with_name(path.name + "-wal")
        if wal.exists() or wal.is_symlink():
            wal_copy = target.with_name(target.name + "-wal")
            with _opened(wal, follow=False, what="its -wal file") as (log, log_size), wal_copy.open("wb") as sink:
                _copy_exactly(log, sink, log_size)
    except OSError as error:
        raise StudyprepError(f"cannot copy the collection: {error.strerror or error}", path) from None


def _copy_exactly(source: BinaryIO, sink: BinaryIO, size: int) -> None:
    left = size
    while left > 0 and (chunk := source.read(min(CHUNK, left))):
        sink.write(chunk)
        left -= len(chunk)


def _connect(copy: Path, origin: Path) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(copy, isolation_level=None)
        # A hostile schema must not run code of its own on our reads, nor build strings or blobs of gigabytes.
        conn.execute("PRAGMA trusted_schema = OFF")
        conn.execute("PRAGMA cell_size_check = ON")
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, 16 << 20)
        conn.execute("PRAGMA query_only = ON")
    except sqlite3.Error as error:
        raise StudyprepError(f"not a readable Anki collection ({_one_line(error)})", origin) from None
    return conn


@contextlib.contextmanager
def _time_limit(conn: sqlite3.Connection, origin: Path, seconds: float) -> Iterator[None]:
    """Interrupt any query once `seconds` have passed; turn every SQLite error into one line naming the file."""
    deadline = time.monotonic() + seconds
    late: list[bool] = []

    def progress() -> int:
        if time.monotonic() > deadline:
            late.append(True)
            return 1  # non-zero interrupts the running statement
        return 0

    conn.set_progress_handler(progress, 10_000)
    try:
        yield
    except sqlite3.Error as error:
        if late:
            raise StudyprepError(
                f"reading the collection took longer than {seconds:g} s; refused (a damaged or hostile file?)", origin
            ) from None
        raise StudyprepError(f"not a readable Anki collection ({_one_line(error)})", origin) from None
    finally:
        conn.set_progress_handler(None, 0)


def _check_schema(conn: sqlite3.Connection, origin: Path) -> None:
    """Anki's three tables must be plain tables, and nothing may run code when they are read (no triggers)."""
    objects = conn.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
    triggers = [name for kind, name, _ in objects if kind == "trigger"]
    if triggers:
        raise StudyprepError(f"the collection holds triggers ({_names(triggers)}); Anki makes none: refused", origin)
    kinds = {str(name).lower(): (kind, str(sql or "")) for kind, name, sql in objects}
    for table, columns in _TABLES.items():
        kind, sql = kinds.get(table, ("", ""))
        if not kind:
            raise StudyprepError(f"not an Anki collection: it has no {table} table", origin)
        if kind != "table" or sql.lstrip().upper().startswith("CREATE VIRTUAL"):
            what = "virtual table" if kind == "table" else kind
            raise StudyprepError(f"the collection's {table} is a {what}, not a table: refused", origin)
        _check_columns(conn, origin, table, columns)


def _check_columns(conn: sqlite3.Connection, origin: Path, table: str, columns: tuple[str, ...]) -> None:
    info = {str(row[1]).lower(): row[6] for row in conn.execute(f"PRAGMA table_xinfo({table})")}
    missing = [column for column in columns if column not in info]
    if missing:
        raise StudyprepError(f"not an Anki collection: its {table} table has no {_names(missing)} column", origin)
    computed = [name for name, hidden in info.items() if hidden in (2, 3)]
    if computed:
        raise StudyprepError(f"the collection's {table} has computed columns ({_names(computed)}): refused", origin)


_NOTES = "SELECT id, guid FROM notes"
_GOOD_NOTE = "typeof(id) = 'integer' AND id > 0 AND typeof(guid) = 'text' AND length(guid) BETWEEN 1 AND :longest"
_REVIEW_JOIN = " FROM revlog r LEFT JOIN cards c ON c.id = r.cid LEFT JOIN notes n ON n.id = c.nid"
_REVIEWS = "SELECT r.id, r.cid, n.guid, r.ease, r.time, r.type, c.id, c.nid" + _REVIEW_JOIN
# What an `AnkiReview` holds, in its order (a negative time is read as none), once every row passed _GOOD_REVIEW.
_CHECKED_REVIEWS = "SELECT r.id, n.guid, r.ease, max(r.time, 0), r.type" + _REVIEW_JOIN + " ORDER BY r.id"
_GOOD_REVIEW = (
    "typeof(r.id) = 'integer' AND r.id BETWEEN :first AND :last AND typeof(r.cid) = 'integer' AND r.cid > 0"
    " AND typeof(r.ease) = 'integer' AND r.ease BETWEEN 0 AND 4"
    " AND typeof(r.time) = 'integer' AND r.time BETWEEN -:longest AND :longest"
    " AND typeof(r.type) = 'integer' AND r.type BETWEEN 0 AND 255"
    " AND (c.id IS NULL OR (typeof(c.nid) = 'integer' AND c.nid > 0))"
)


def _read_guids(conn: sqlite3.Connection, origin: Path) -> Iterator[str]:
    # SQLite finds a bad row at C speed; Python then says what is wrong with it.
    bad = conn.execute(f"{_NOTES} WHERE NOT ({_GOOD_NOTE}) LIMIT 1", {"longest": MAX_GUID}).fetchone()
    if bad is not None:
        _check_note(bad, origin)
        raise StudyprepError(f"note {_describe(bad[0])} cannot be read: refused", origin)
    for _, guid in _batches(conn.execute(_NOTES)):
        yield guid


def _read_notes_tags(
    conn: sqlite3.Connection, origin: Path, wanted: frozenset[str]
) -> Iterator[tuple[str, tuple[str, ...]]]:
    """`(guid, tags)` of the wanted notes (at most `MAX_TAGS` tags of at most `MAX_TAG` characters each); tags
    that are not text are refused."""
    if "tags" not in {str(row[1]).lower() for row in conn.execute("PRAGMA table_xinfo(notes)")}:
        return
    for guid, tags in _batches(conn.execute("SELECT guid, tags FROM notes")):
        if guid not in wanted or tags is None:  # no tags (a hand-made collection may leave them NULL)
            continue
        if not isinstance(tags, str):
            raise StudyprepError(f"note {_describe(guid)} has tags that are {_describe(tags)}: refused", origin)
        yield str(guid), tuple(tag for tag in tags.split()[:MAX_TAGS] if len(tag) <= MAX_TAG)


def _read_notes_fields(conn: sqlite3.Connection, origin: Path, wanted: frozenset[str]) -> Iterator[tuple[str, str]]:
    """`(guid, Notes field)` of the wanted notes that have studyprep's fields; a field that is not text is refused."""
    if "flds" not in {str(row[1]).lower() for row in conn.execute("PRAGMA table_xinfo(notes)")}:
        return  # a stripped-down collection with reviews only: no answers to bring back
    for guid, fields in _batches(conn.execute("SELECT guid, flds FROM notes")):
        if guid not in wanted:
            continue
        if not isinstance(fields, str):
            raise StudyprepError(f"note {_describe(guid)} has fields that are {_describe(fields)}: refused", origin)
        values = fields.split("\x1f")
        if len(values) == FIELD_COUNT:  # a note whose type was changed in Anki is left alone
            yield str(guid), values[NOTES_FIELD]


def _check_note(row: tuple[object, ...], origin: Path) -> None:
    note_id, guid = row
    _check_id(note_id, "note id", origin)
    if not isinstance(guid, str) or not 0 < len(guid) <= MAX_GUID:
        raise StudyprepError(f"note {note_id} has a guid that is {_describe(guid)}: refused", origin)


def _read_reviews(conn: sqlite3.Connection, origin: Path, latest: datetime) -> Iterator[AnkiReview]:
    bounds = {"first": _ms(EARLIEST_REVIEW), "last": _ms(latest), "longest": LONGEST_ANSWER_MS}
    bad = conn.execute(f"{_REVIEWS} WHERE NOT ({_GOOD_REVIEW}) LIMIT 1", bounds).fetchone()
    if bad is not None:
        _check_review(bad, origin, latest)
        raise StudyprepError(f"review {_describe(bad[0])} cannot be read: refused", origin)
    guids: dict[str, str] = {None: None}  # type: ignore[dict-item] # one string per note, not one per review
    shared, make = guids.setdefault, tuple.__new__
    for revlog_id, guid, ease, taken, kind in _batches(conn.execute(_CHECKED_REVIEWS)):
        yield make(AnkiReview, (revlog_id, shared(guid, guid), ease, taken, kind))


def _check_review(row: tuple[object, ...], origin: Path, latest: datetime) -> None:
    """Raise the error that says what is wrong with a revlog row the SQL check refused."""
    revlog_id = _check_id(row[0], "review id", origin)
    _, card_id, _, ease, taken, kind, found_card, note_id = row
    if not _ms(EARLIEST_REVIEW) <= revlog_id <= _ms(latest):
        raise StudyprepError(
            f"review {revlog_id} is dated {_date_of(revlog_id)}, outside {EARLIEST_REVIEW.year} to"
            f" {latest:%Y-%m-%d}: refused",
            origin,
        )
    _check_id(card_id, f"review {revlog_id}'s card id", origin)
    if found_card is not None:
        _check_id(note_id, f"card {found_card}'s note id", origin)
    _check_small(ease, 0, 4, f"review {revlog_id}'s ease (the button, 1-4)", origin)
    _check_small(taken, -LONGEST_ANSWER_MS, LONGEST_ANSWER_MS, f"review {revlog_id}'s time (ms)", origin)
    _check_small(kind, 0, 255, f"review {revlog_id}'s type", origin)


def _batches(cursor: sqlite3.Cursor) -> Iterator[tuple[Any, ...]]:
    # Any, not object: every query read this way has first been checked in SQL (_GOOD_NOTE, _GOOD_REVIEW),
    # so each column already has the type its reader uses.
    while batch := cursor.fetchmany(BATCH_ROWS):
        yield from batch


def _check_id(value: object, what: str, origin: Path) -> int:
    if not isinstance(value, int) or not 0 < value <= INT64_MAX:
        raise StudyprepError(f"{what} is {_describe(value)}, not a positive 64-bit integer: refused", origin)
    return value


def _check_small(value: object, low: int, high: int, what: str, origin: Path) -> None:
    if not isinstance(value, int) or not low <= value <= high:
        raise StudyprepError(f"{what} is {_describe(value)}, not a whole number from {low} to {high}: refused", origin)


def _describe(value: object) -> str:
    """A value from a hostile file, shown short and printable."""
    if value is None:
        return "empty (NULL)"
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, bytes):
        return f"a blob of {len(value)} bytes"
    text = repr(value)
    text = text if len(text) <= 40 else text[:37] + "..."
    return "".join(char if char.isprintable() else "?" for char in text)


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _date_of(revlog_id: int) -> str:
    try:
        return f"{datetime.fromtimestamp(revlog_id / 1000, tz=UTC):%Y-%m-%d}"
    except (OverflowError, ValueError, OSError):
        return "beyond any calendar"


def _names(names: list[str]) -> str:
    shown = ", ".join(_describe(str(name)).strip("'") for name in names[:3])
    return shown + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())[:200] or type(error).__name__
