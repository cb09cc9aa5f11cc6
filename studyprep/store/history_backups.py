"""Backups of the review history, as Anki keeps them: `schedules/backups/reviews-<UTC time>-<reason>.db`.

The review database is copied with SQLite's backup API (a consistent snapshot even while another command
writes) once a study day, on the first command that opens it that day (`daily`), and before every change that
rewrites history: a schema migration (`before-migration`), `anki-pull` (`before-anki-pull`) and `check
--drop-orphans` (`before-drop-orphans`). `restore` keeps the file it replaces here too (`replaced`), so a
restore can itself be undone. Each copy is written to a temp name, synced, then linked into place (never over
another backup); only then are old ones pruned: every backup of the current study day (the newest
`KEEP_TODAY`), the newest of each of the `DAILY_DAYS` study days before, the newest of each week up to
`WEEKLY_DAYS` back. Study days are counted as everywhere else (`clock.study_day`, from 4 a.m. local time).

A backup is a self-contained SQLite file (rollback journal, no `-wal`): `restore_backup` checks it with
`PRAGMA integrity_check` and swaps it in atomically; the file it replaces is linked aside first, so
`schedules/reviews.db` is never missing.
"""

from __future__ import annotations

__all__ = [
    "KEEP_TODAY",
    "STALE_TEMP_SECONDS",
    "Backup",
    "RestoreResult",
    "back_up",
    "backup_count_reviews",
    "backups_dir",
    "daily_backup",
    "damaged_remedy",
    "find_backup",
    "list_backups",
    "prune_backups",
    "restore_backup",
]

import contextlib
import os
import re
import sqlite3
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

from studyprep.clock import study_day
from studyprep.errors import SQLITE_BUSY, SQLITE_LOCKED, StudyprepError, sqlite_code, storage_error
from studyprep.result import Computed, json_field
from studyprep.store.atomic import _fsync_directory as fsync_directory
from studyprep.store.atomic import keep_mode
from studyprep.store.locking import REVIEW_LOCK_NAME, exclusive_lock

BACKUP_DIR_NAME = "backups"
KEEP_TODAY = 10
DAILY_DAYS = 7
WEEKLY_DAYS = 31
STALE_TEMP_SECONDS = 60
_STAMP = "%Y%m%dT%H%M%SZ"
_NAME = re.compile(r"^reviews-(\d{8}T\d{6}Z)-([a-z-]+)(?:\.(\d+))?\.db$")
_TEMP_PREFIX = ".reviews-"


@dataclass(frozen=True)
class Backup:
    """One backup file of the review database."""

    path: Path
    taken_at: datetime
    reason: str
    size: int

    json_computed: ClassVar[tuple[Computed, ...]] = (Computed("name"),)

    @property
    def name(self) -> str:
        """The file name, which `studyprep restore NAME` takes."""
        return self.path.name


@dataclass(frozen=True)
class RestoreResult:
    """What `restore` did: the backup put in place, and where the file it replaced was kept."""

    backup: Backup = field(metadata=json_field(name="restored"))
    database: Path
    replaced: Path | None = field(metadata=json_field(name="replaced_kept_as"))
    reviews: int


def backups_dir(database: Path) -> Path:
    """The folder holding the backups of `database` (`schedules/backups`)."""
    return database.parent / BACKUP_DIR_NAME


def list_backups(database: Path) -> list[Backup]:
    """The backups of `database`, newest first (files not named as backups are left out)."""
    folder = backups_dir(database)
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return []
    except OSError as error:
        raise storage_error(error, folder, "list the backups of the review database") from None
    found = []
    for entry in entries:
        match = _NAME.match(entry.name)
        if not match or not entry.is_file(follow_symlinks=False):
            continue
        taken_at = datetime.strptime(match[1], _STAMP).replace(tzinfo=UTC)
        stat = entry.stat(follow_symlinks=False)
        found.append((taken_at, stat.st_mtime_ns, Backup(Path(entry.path), taken_at, match[2], stat.st_size)))
    return [backup for *_, backup in sorted(found, key=lambda item: item[:2], reverse=True)]


def daily_backup(conn: sqlite3.Connection, database: Path, now: datetime) -> Backup | None:
    """Back up the open database unless a backup was taken in the current study day; return the new backup."""
    start, end = study_day(now)
    if any(start <= backup.taken_at < end for backup in list_backups(database)):
        return None
    return back_up(conn, database, "daily", now)


def back_up(conn: sqlite3.Connection, database: Path, reason: str, now: datetime) -> Backup:
    """Copy the database behind `conn` (outside any transaction of it) into a new backup, then prune old ones.

    Nothing is pruned when the copy fails: the error says why, naming the backup folder.
    """
    folder = backups_dir(database)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temp_name = _new_temp(folder, database)
    except OSError as error:
        raise storage_error(error, folder, "back up the review database") from None
    temp = Path(temp_name)
    try:
        _copy_database(conn, temp)
        final = _link_new_name(temp, folder, f"reviews-{now.astimezone(UTC):{_STAMP}}-{reason}")
    except (OSError, sqlite3.Error) as error:
        raise storage_error(error, folder, "back up the review database") from None
    finally:
        _remove(temp, Path(f"{temp}-journal"))
    fsync_directory(folder)
    prune_backups(database, now)
    return next(backup for backup in list_backups(database) if backup.path == final)


def _new_temp(folder: Path, database: Path) -> str:
    """An empty temp file in `folder` named for pruning (`.reviews-*.tmp`), with the database's permission bits
    (`mkstemp` makes it 0600, which a restore would hand on to the database)."""
    handle, temp_name = tempfile.mkstemp(prefix=_TEMP_PREFIX, suffix=".tmp", dir=folder)
    try:
        keep_mode(database, handle)
    finally:
        os.close(handle)
    return temp_name


def _copy_database(conn: sqlite3.Connection, target: Path) -> None:
    """SQLite's backup API into `target`, made a self-contained rollback-journal file, synced to disk."""
    copy = sqlite3.connect(target, isolation_level=None)
    try:
        conn.backup(copy)
        copy.execute("PRAGMA journal_mode = DELETE")  # the copy carries the source's WAL flag otherwise
    finally:
        copy.close()
    with target.open("rb") as handle:
        os.fsync(handle.fileno())


def _link_new_name(temp: Path, folder: Path, stem: str) -> Path:
    """Give `temp` the name `stem.db`, else `stem.N.db` with N past every one taken (so names keep their order
    when older ones are pruned); a hard link never replaces an existing backup, even one another process links
    at the same moment."""
    taken = re.compile(rf"^{re.escape(stem)}(?:\.(\d+))?\.db$")
    numbers = [int(match[1] or 1) for path in folder.iterdir() if (match := taken.match(path.name))]
    start = max(numbers, default=0) + 1
    for number in range(start, start + 1000):
        final = folder / (f"{stem}.db" if number == 1 else f"{stem}.{number}.db")
        try:
            os.link(temp, final)
        except FileExistsError:
            continue
        except OSError:  # no hard links on this file system (FAT, some network shares): a rename, checked first
            if final.exists():
                continue
            temp.replace(final)
        return final
    raise OSError(f"too many backups named {stem}")


def prune_backups(database: Path, now: datetime) -> list[Path]:
    """Delete the backups the keeping rule lets go, and backup temp files left by an interrupted copy; return
    what was deleted."""
    doomed = [backup.path for backup in _beyond_keeping(list_backups(database), now)]
    cutoff = time.time() - STALE_TEMP_SECONDS
    with contextlib.suppress(OSError):
        doomed += [
            Path(entry.path)
            for entry in os.scandir(backups_dir(database))
            if entry.name.startswith(_TEMP_PREFIX) and entry.stat(follow_symlinks=False).st_mtime < cutoff
        ]
    removed = []
    for path in doomed:
        with contextlib.suppress(OSError):
            path.unlink()
            removed.append(path)
    return removed


def _beyond_keeping(backups: list[Backup], now: datetime) -> list[Backup]:
    """Backups (newest first) outside the rule: today's newest `KEEP_TODAY`, then one a study day for
    `DAILY_DAYS`, then one a week up to `WEEKLY_DAYS` back."""
    today, _ = study_day(now)
    kept_today = 0
    periods: set[Any] = set()
    doomed = []
    for backup in backups:
        if backup.taken_at >= today:  # today's, or from a clock that was ahead: kept (bounded)
            kept_today += 1
            if kept_today > KEEP_TODAY:
                doomed.append(backup)
            continue
        day, _ = study_day(backup.taken_at)
        age = today - day
        if age <= timedelta(days=DAILY_DAYS):
            period: Any = ("day", day)
        elif age <= timedelta(days=WEEKLY_DAYS):
            period = ("week", day.isocalendar()[:2])
        else:
            doomed.append(backup)
            continue
        if period in periods:
            doomed.append(backup)
        periods.add(period)
    return doomed


def verify_backup(path: Path, full: bool = True) -> str | None:
    """None when `path` is a whole studyprep review database (`PRAGMA integrity_check` says ok; `quick_check`,
    which skips matching indexes to rows, unless `full`), else what is wrong with it, in words."""
    from studyprep.store.db.migrations import APPLICATION_ID, MIGRATIONS

    try:
        conn = sqlite3.connect(_read_only_uri(path), uri=True)
        try:
            rows = [row[0] for row in conn.execute("PRAGMA integrity_check" if full else "PRAGMA quick_check")]
            application_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error as error:
        return storage_error(error, None, "read it").message
    if rows != ["ok"]:
        return f"it is damaged (integrity check: {rows[0]})"
    if application_id != APPLICATION_ID:
        return "it is not a studyprep review database"
    if version > len(MIGRATIONS):
        return f"it has schema version {version}, newer than this studyprep knows; upgrade studyprep"
    return None


def newest_good_backup(database: Path) -> Backup | None:
    """The newest backup of `database` that passes `verify_backup`'s quick check (a few times faster on a large
    history; `restore` runs the full one), or None."""
    with contextlib.suppress(StudyprepError):
        for backup in list_backups(database):
            if verify_backup(backup.path, full=False) is None:
                return backup
    return None


def damaged_remedy(database: Path) -> str | None:
    """What to do about a damaged review database: restore the newest good backup, named (None: there is none)."""
    good = newest_good_backup(database)
    if good is None:
        return None
    when = f"{good.taken_at:%Y-%m-%d %H:%M} UTC"
    return f"`studyprep restore {good.name}` puts back the newest good backup ({when}) and keeps this file aside"


def backup_count_reviews(path: Path) -> int | None:
    """How many answers a backup's review log holds (None when it cannot be read)."""
    try:
        conn = sqlite3.connect(_read_only_uri(path), uri=True)
        try:
            return int(conn.execute("SELECT count(*) FROM review_log").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def find_backup(database: Path, name: str) -> Backup:
    """The backup named `name` (a file name in the backup folder, or a path to one)."""
    backups = list_backups(database)
    for backup in backups:
        if name in (backup.name, str(backup.path)):
            return backup
    listing = ", ".join(backup.name for backup in backups[:5]) or "none yet"
    raise StudyprepError(f"no backup named {name!r} (newest: {listing}; `studyprep restore --list`)",
                         backups_dir(database))  # fmt: skip


def restore_backup(database: Path, backup: Backup, now: datetime) -> RestoreResult:
    """Check `backup`'s integrity and swap it in as `database`, atomically, keeping the current file as a
    `replaced` backup. Holds the review lock (no review session runs meanwhile) and an exclusive SQLite lock
    on the current file (no other command writes to it meanwhile)."""
    problem = verify_backup(backup.path)
    if problem:
        raise StudyprepError(f"cannot restore this backup: {problem}; choose another (`studyprep restore --list`)",
                             backup.path)  # fmt: skip
    busy = "a review session is running on this workspace (pid {holder}); finish it, then restore"
    with exclusive_lock(database.parent / REVIEW_LOCK_NAME, 0, busy):
        staged = _stage_copy(backup.path, database)
        try:
            replaced = _swap_in(staged, database, now)
        finally:
            _remove(staged)
    fsync_directory(database.parent)
    return RestoreResult(backup, database, replaced, backup_count_reviews(database) or 0)


def _stage_copy(source: Path, database: Path) -> Path:
    """A fresh copy of `source` in the backup folder (on the database's file system) under a temp name, renamed
    over `database` next; left by a kill, it is pruned like a backup's temp file."""
    folder = backups_dir(database)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temp_name = _new_temp(folder, database)
        conn = sqlite3.connect(_read_only_uri(source), uri=True)
        try:
            _copy_database(conn, Path(temp_name))
        finally:
            conn.close()
    except (OSError, sqlite3.Error) as error:
        raise storage_error(error, folder, "restore the review database", after="nothing was changed") from None
    return Path(temp_name)


def _swap_in(staged: Path, database: Path, now: datetime) -> Path | None:
    """Replace `database` by `staged` in one rename; the old file (with its `-wal`, if it could not be folded
    in) is linked into the backup folder first. Returns where the old file was kept."""
    if not database.exists():
        _replace(staged, database)
        return None
    folder = backups_dir(database)
    conn = _quiesce(database)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        aside = _link_new_name(database, folder, f"reviews-{now.astimezone(UTC):{_STAMP}}-replaced")
        for suffix in ("-wal", "-shm"):  # left only when the old file could not be checkpointed (damaged)
            side = Path(f"{database}{suffix}")
            if side.exists():
                side.replace(f"{aside}{suffix}")
        _replace(staged, database)
    except OSError as error:
        raise storage_error(
            error, database, "restore the review database", after="the current file is unchanged"
        ) from None
    finally:
        if conn is not None:
            conn.close()
    return aside


def _quiesce(database: Path) -> sqlite3.Connection | None:
    """Fold the write-ahead log into the current file, switch it to a rollback journal and hold an exclusive
    lock on it, so no page of it lives outside the file while it is renamed. None when the file is too damaged
    for that (its `-wal` then moves aside with it)."""
    try:
        conn = sqlite3.connect(database, isolation_level=None, timeout=5.0)
    except sqlite3.Error:
        return None
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("BEGIN EXCLUSIVE")
    except sqlite3.Error as error:
        conn.close()
        if sqlite_code(error) in (SQLITE_BUSY, SQLITE_LOCKED):
            raise storage_error(error, database, "restore the review database", after="nothing was changed") from None
        return None
    return conn


def _replace(source: Path, target: Path) -> None:
    try:
        source.replace(target)
    except OSError as error:
        raise storage_error(
            error, target, "restore the review database", after="the current file is unchanged"
        ) from None


def _remove(*paths: Path) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()


def _read_only_uri(path: Path) -> str:
    # `immutable`: a backup never changes, and a read-only open needs no `-shm` beside it. Imported here: the
    # review database's package imports this module.
    from studyprep.store.db.connection import read_only_uri

    return read_only_uri(path, immutable=True)
