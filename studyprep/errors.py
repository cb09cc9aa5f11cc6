"""The one error type the CLI turns into a one-line message and a non-zero exit."""

from __future__ import annotations

__all__ = [
    "NO_BACKUP_REMEDY",
    "DeckNotFoundError",
    "StudyprepError",
    "is_damaged",
    "is_storage_failure",
    "sqlite_code",
    "storage_error",
    "too_large_message",
]

import errno
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TypeGuard

if TYPE_CHECKING:
    import sqlite3


class StudyprepError(Exception):
    """A problem the user can act on: bad input, a broken file, a conflicting command.

    `path` and `line` (1-based) locate the problem when known; `str()` gives the full one-line message.
    """

    exit_code = 1

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        super().__init__(self.render())

    def render(self) -> str:
        """Return `file:line: message`, leaving out what is unknown."""
        where = self.path or ""
        if where and self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}" if where else self.message


class DeckNotFoundError(StudyprepError):
    """The named deck does not exist in the workspace."""

    exit_code = 2


def too_large_message(what: str, size: int, limit: int) -> str:
    """The error for an input over a size limit (sizes in bytes or characters)."""
    return f"{what} is too large ({size / 1e6:.1f} MB; the limit is {limit / 1e6:.0f} MB): split it into smaller files"


# ---------------------------------------------------------------------------------------------------------
# What went wrong with a file or the database, in words, and what to do: the one place that decides it.

_FULL = ("the disk is full or over its quota", "free some space and run the command again")
_TOO_LARGE = ("the file is over the size limit for this process or file system", "free space or raise the limit")
_READ_ONLY = ("the file system is read-only", "make it writable, or give --home a writable folder")
_PERMISSION = ("permission denied", "check the permissions of the file and its folder")
_IO = (
    "an I/O error (the disk or its connection is failing)",
    "copy the workspace somewhere safe and check the disk; run the command again once it is sound",
)
_BUSY = ("it is busy (another studyprep command is writing)", "try again when it is done")
_MEMORY = ("out of memory", "close other programs and run the command again")
NO_BACKUP_REMEDY = "no good backup exists: keep a copy of the file; `sqlite3 FILE .recover` can save what is readable"
_NOT_FOUND = ("not found (or a folder on its path is missing)", "check the path")

_ERRNO_FAULTS = {
    errno.ENOSPC: _FULL,
    errno.EDQUOT: _FULL,
    errno.EFBIG: _TOO_LARGE,
    errno.EROFS: _READ_ONLY,
    errno.EACCES: _PERMISSION,
    errno.EPERM: _PERMISSION,
    errno.EIO: _IO,
    errno.ENOMEM: _MEMORY,
    errno.ENOENT: _NOT_FOUND,
    errno.EISDIR: ("a folder is in the way of a file", "move the folder away"),
    errno.ENOTDIR: ("a file is in the way of a folder on its path", "move the file away"),
    errno.ELOOP: ("a symbolic link on its path loops", "fix or remove the link"),
    errno.ENAMETOOLONG: ("the path is too long", "use a shorter path"),
}
# SQLite's primary result codes (the low byte of an extended code).
SQLITE_PERM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_NOMEM, SQLITE_READONLY = 3, 5, 6, 7, 8
SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_AUTH, SQLITE_NOTADB = 10, 11, 13, 14, 23, 26
DAMAGED_CODES = (SQLITE_CORRUPT, SQLITE_NOTADB)
_SQLITE_FAULTS = {
    SQLITE_FULL: _FULL,
    SQLITE_IOERR: _IO,
    SQLITE_READONLY: ("it cannot be written (the file, its folder or the file system is read-only)", _PERMISSION[1]),
    SQLITE_PERM: _PERMISSION,
    SQLITE_AUTH: _PERMISSION,
    SQLITE_CANTOPEN: ("it cannot be opened (no permission, or its folder is missing)", _PERMISSION[1]),
    SQLITE_BUSY: _BUSY,
    SQLITE_LOCKED: _BUSY,
    SQLITE_NOMEM: _MEMORY,
}
# Older SQLite builds and a few paths give no code: the message text says the same.
_SQLITE_TEXTS = (
    ("malformed", SQLITE_CORRUPT),
    ("not a database", SQLITE_NOTADB),
    ("disk is full", SQLITE_FULL),
    ("i/o error", SQLITE_IOERR),
    ("readonly", SQLITE_READONLY),
    ("unable to open", SQLITE_CANTOPEN),
    ("locked", SQLITE_BUSY),
    ("busy", SQLITE_BUSY),
)


def sqlite_code(error: sqlite3.Error) -> int | None:
    """SQLite's primary result code of `error` (SQLITE_FULL, SQLITE_CORRUPT, ...), or None when it has none."""
    code = getattr(error, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF
    text = str(error).lower()
    return next((number for fragment, number in _SQLITE_TEXTS if fragment in text), None)


def is_damaged(error: BaseException) -> bool:
    """Whether `error` says the database file itself is damaged (SQLITE_CORRUPT or SQLITE_NOTADB)."""
    return _is_sqlite(error) and sqlite_code(error) in DAMAGED_CODES


def _is_sqlite(error: BaseException) -> TypeGuard[sqlite3.Error]:
    # Not imported above: `studyprep --help` loads this module; an error from SQLite has loaded sqlite3 already.
    module = sys.modules.get("sqlite3")
    return module is not None and isinstance(error, module.Error)


def is_storage_failure(error: BaseException) -> bool:
    """Whether `error` is an `OSError` or a `sqlite3.Error` (what `storage_error` explains)."""
    return isinstance(error, OSError) or _is_sqlite(error)


def storage_error(
    error: OSError | sqlite3.Error,
    path: str | Path | None,
    action: str,
    *,
    damaged_remedy: str | None = None,
    after: str = "",
) -> StudyprepError:
    """The one-line error for a failed file or database operation: `PATH: cannot ACTION: what is wrong; what to
    do[; AFTER]`. Full, read-only, permission, I/O and busy are told apart from damage (SQLITE_CORRUPT,
    SQLITE_NOTADB), and only damage gets `damaged_remedy` (the caller names the newest good backup): advice to
    replace a file that is only on a full or failing disk could cost a user their history."""
    if isinstance(error, OSError) and path is None and error.filename is not None:
        path = os.fsdecode(error.filename)
    problem, remedy = _fault(error)
    if _on_read_only_file_system(path):
        problem, remedy = _READ_ONLY
    elif remedy in (_IO[1], _SQLITE_FAULTS[SQLITE_CANTOPEN][1]) and _on_full_file_system(path):
        problem, remedy = _FULL  # SQLite reports a full disk met while making its `-shm` file as an I/O error
    detail = str(getattr(error, "strerror", None) or error)
    if detail and detail not in problem:
        problem = f"{problem} ({detail})" if problem else detail
    if is_damaged(error):
        problem = f"the file is damaged ({error})"
        remedy = damaged_remedy or NO_BACKUP_REMEDY
    message = f"cannot {action}: {problem}; {remedy}"
    return StudyprepError(f"{message}; {after}" if after else message, path)


def _on_read_only_file_system(path: str | Path | None) -> bool:
    """Whether `path` (or the folder it would be in) lies on a file system mounted read-only: SQLite reports that
    only as "unable to open" or "readonly", with no errno."""
    found = _file_system(path)
    return found is not None and bool(found.f_flag & os.ST_RDONLY)


FULL_BELOW_BYTES = 1 << 20


def _on_full_file_system(path: str | Path | None) -> bool:
    """Whether the file system of `path` has (nearly) no space left for this user."""
    found = _file_system(path)
    return found is not None and found.f_bavail * found.f_frsize < FULL_BELOW_BYTES


def _file_system(path: str | Path | None) -> os.statvfs_result | None:
    for folder in (Path(path), Path(path).parent) if path is not None else ():
        try:
            return os.statvfs(folder)
        except (OSError, AttributeError):  # missing, or no statvfs (Windows)
            continue
    return None


def _fault(error: OSError | sqlite3.Error) -> tuple[str, str]:
    """(what is wrong, what to do) for an error that is not damage."""
    if _is_sqlite(error):
        known = _SQLITE_FAULTS.get(sqlite_code(error) or -1)
        return known or ("SQLite error", "run `studyprep check`")
    number = error.errno if isinstance(error, OSError) else None
    known = _ERRNO_FAULTS.get(number or -1)
    return known or ("", "check the path and the disk")
