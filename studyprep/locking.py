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

POLL_SECONDS = 0.05


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
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+", encoding="utf-8") as handle:
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
