"""Durable atomic file replacement: temp file in the same folder, fsync, `os.replace`, fsync the folder."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from studyprep.errors import StudyprepError


def write_atomic(path: Path, text: str) -> None:
    """Replace `path` with `text` so that readers see the old file or the new one, never a mix."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:  # e.g. a read-only folder or a full disk: nothing was touched yet
        raise StudyprepError(f"cannot write file: {error.strerror or error}; the old file is unchanged", path) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as temp:
            temp.write(text)
            temp.flush()
            os.fsync(temp.fileno())
        Path(temp_name).replace(path)
    except OSError as error:
        with contextlib.suppress(OSError):
            Path(temp_name).unlink()
        raise StudyprepError(f"cannot write file: {error.strerror or error}; the old file is unchanged", path) from None
    _fsync_directory(path.parent)


def _fsync_directory(folder: Path) -> None:
    # Makes the rename itself durable; not possible on every platform, so best effort.
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
