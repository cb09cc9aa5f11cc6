"""Advisory file locks between studyprep processes (POSIX `flock`; a no-op where it is missing).

A lock file holds the pid of its holder, so a command that waits too long can say who is in the way.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

from studyprep.errors import StudyprepError
from studyprep.workspace import Workspace

POLL_SECONDS = 0.05
DECK_LOCK_NAME = ".lock"
DECK_LOCK_WAIT_SECONDS = 30.0


@contextlib.contextmanager
def exclusive_lock(path: Path, wait_seconds: float, busy: str) -> Iterator[None]:
    """Hold an exclusive lock on `path`, waiting up to `wait_seconds` for another holder to finish.

    If it is still held then, raise StudyprepError(`busy` with `{holder}` replaced by the holder's pid):
    never proceed unlocked.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: writes stay atomic, only the serialization is lost
        yield
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("a+", encoding="utf-8")
    except OSError as error:  # a read-only workspace, or the lock path is a folder
        raise StudyprepError(f"cannot take the lock: {error.strerror or error}", path) from None
    with handle:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "unknown"
                    raise StudyprepError(busy.format(holder=holder), path) from None
                time.sleep(POLL_SECONDS)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


@contextlib.contextmanager
def deck_write_lock(workspace: Workspace) -> Iterator[None]:
    """Serialize read-modify-write of deck files (imports, notes saved during review) across processes.

    A second writer waits for the first (imports take seconds at most); if it is still busy after
    `DECK_LOCK_WAIT_SECONDS`, the second stops with a clear message instead of overwriting the first's work.
    """
    busy = "another studyprep command is changing the decks (pid {holder}); try again when it is done"
    with exclusive_lock(workspace.decks_dir / DECK_LOCK_NAME, DECK_LOCK_WAIT_SECONDS, busy):
        yield
