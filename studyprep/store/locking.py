"""Advisory file locks between studyprep processes, through `filelock`'s native descriptor locks.

`flock` on Linux and macOS, `LockFileEx` (one byte at the start) on Windows; where neither exists the lock is a
no-op. A lock file holds the pid of its holder after one blank byte, so a command that waits too long can say
who is in the way: Windows forbids reading a locked byte, and the holder locks only the first.
"""

from __future__ import annotations

__all__ = [
    "DECK_LOCK_NAME",
    "DECK_LOCK_WAIT_SECONDS",
    "NATIVE_LOCKS",
    "REVIEW_LOCK_NAME",
    "deck_write_lock",
    "exclusive_lock",
]

import contextlib
import errno
import os
import stat
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from studyprep.errors import StudyprepError
from studyprep.store.workspace import Workspace, refuse_links

POLL_SECONDS = 0.05
DECK_LOCK_NAME = ".lock"
REVIEW_LOCK_NAME = ".review.lock"  # beside the review database: held by a review session, and by `restore`
DECK_LOCK_WAIT_SECONDS = 30.0


def _has_flock() -> bool:
    # As `filelock` decides it (`has_fcntl`), without importing filelock: a fifth of a short command's start-up,
    # for the commands that take no lock.
    try:
        import fcntl
    except ImportError:
        return False
    return all(hasattr(fcntl, name) for name in ("flock", "LOCK_EX", "LOCK_NB", "LOCK_UN"))


# Whether this platform has a native lock primitive (`flock` or `LockFileEx`).
NATIVE_LOCKS = sys.platform == "win32" or _has_flock()
_PID_OFFSET = 1  # the pid goes after the one byte Windows locks, where a waiter can still read it


@contextlib.contextmanager
def exclusive_lock(
    path: Path, wait_seconds: float, busy: str, root: Path | None = None, reentrant: bool = False
) -> Iterator[None]:
    """Hold an exclusive lock on `path`, waiting up to `wait_seconds` for another holder to finish.

    If it is still held then, raise StudyprepError(`busy` with `{holder}` replaced by the holder's pid):
    never proceed unlocked. A lock path that is a link (or lies below a linked folder of the workspace `root`)
    is refused, never opened: truncating it would clear the file it points to.

    With `reentrant`, a thread that takes the same lock again (a plan written by default while the deck lock is
    held) joins it instead of waiting for itself.
    """
    key = str(path)
    if reentrant and _held.get(key) == threading.get_ident():
        yield
        return
    refuse_links(path, root)
    if not NATIVE_LOCKS:  # pragma: no cover - no flock nor LockFileEx: writes stay atomic, only serialization lost
        yield
        return
    import filelock  # only here: the commands that take no lock never import it

    with _open_lock_file(path) as handle:
        _wait_for(handle, path, wait_seconds, busy)
        _held[key] = threading.get_ident()
        try:
            _write_holder(handle)
            yield
        finally:
            del _held[key]
            with contextlib.suppress(OSError):  # a full disk must not turn the release into a traceback
                handle.truncate(0)
            filelock.unlock_descriptor(handle.fileno())


def _wait_for(handle: IO[str], path: Path, wait_seconds: float, busy: str) -> None:
    """Take the lock on `handle`, polling until `wait_seconds` have passed; then raise naming the holder."""
    import filelock

    deadline = time.monotonic() + wait_seconds
    while not filelock.lock_descriptor(handle.fileno(), blocking=False):
        if time.monotonic() >= deadline:
            raise StudyprepError(busy.format(holder=_read_holder(handle)), path) from None
        time.sleep(POLL_SECONDS)


_held: dict[str, int] = {}  # lock path -> the thread holding it (another thread waits on its own descriptor)
# Not following a link at the last step where the platform can say so; `refuse_links` checked before.
_LOCK_FLAGS = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def _open_lock_file(path: Path) -> IO[str]:
    """Open (creating) a lock file: a regular file with one name, never a link, a device or a hard link to a file
    elsewhere, all of which the pid written into it would overwrite."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, _LOCK_FLAGS, 0o666)  # less the umask, as any new file
    except OSError as error:  # a read-only workspace, the lock path is a folder, or a link (ELOOP)
        if error.errno == errno.ELOOP:
            raise StudyprepError(
                "is a link; studyprep does not take its lock through a link (remove it)", path
            ) from None
        raise StudyprepError(f"cannot take the lock: {error.strerror or error}", path) from None
    found = os.fstat(descriptor)
    if not stat.S_ISREG(found.st_mode) or found.st_nlink > 1:
        os.close(descriptor)
        raise StudyprepError("is not a plain file of its own (a device or a hard link); remove it", path)
    # newline="": the pid is written and read as is, with no line-ending translation on Windows.
    return open(descriptor, "r+", encoding="utf-8", newline="")  # noqa: PTH123 - a descriptor opened without following links


def _write_holder(handle: IO[str]) -> None:
    """Write our pid, so a command kept waiting can name who is in the way (only a courtesy: a full disk is no
    reason to stop)."""
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(" " * _PID_OFFSET + str(os.getpid()))
        handle.flush()
    except OSError:
        pass


def _read_holder(handle: IO[str]) -> str:
    """The pid the holder wrote, or "unknown" (not written yet, or not readable)."""
    try:
        handle.seek(_PID_OFFSET)
        return handle.read(32).strip() or "unknown"
    except (OSError, ValueError):  # ValueError: a partly written pid is not valid text
        return "unknown"


@contextlib.contextmanager
def deck_write_lock(workspace: Workspace) -> Iterator[None]:
    """Serialize read-modify-write of deck files (imports, notes saved during review) across processes.

    A second writer waits for the first (imports take seconds at most); if it is still busy after
    `DECK_LOCK_WAIT_SECONDS`, the second stops with a clear message instead of overwriting the first's work.
    """
    busy = "another studyprep command is changing the decks (pid {holder}); try again when it is done"
    with exclusive_lock(
        workspace.decks_dir / DECK_LOCK_NAME, DECK_LOCK_WAIT_SECONDS, busy, workspace.root, reentrant=True
    ):
        yield
