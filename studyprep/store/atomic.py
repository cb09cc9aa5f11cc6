"""Durable atomic file replacement: temp file in the same folder, fsync, `os.replace`, fsync the folder.

The new file keeps the mode of the file it replaces (a deck made group-readable stays so); a file written for the
first time gets the user's default mode (0666 less the umask), as any program's new file does.
"""

from __future__ import annotations

__all__ = ["STALE_TEMP_SECONDS", "create_temp_beside", "keep_mode", "remove_stale_temps", "write_atomic"]

import contextlib
import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path

from studyprep.errors import storage_error
from studyprep.store.workspace import refuse_links

_NEW_FILE_MODE = 0o666  # less the umask, applied by the system when the temp file is created
_ATTEMPTS = 100


def write_atomic(path: Path, text: str | Iterable[str], root: Path | None = None) -> None:
    """Replace `path` with `text` (or the pieces of text it gives) so that readers see the old file or the new one,
    never a mix.

    A link at `path` or at a folder between `root` (the workspace) and it is refused before anything is made.
    """
    refuse_links(path, root)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp_name = create_temp_beside(path)
    except OSError as error:  # e.g. a read-only folder or a full disk: nothing was touched yet
        raise storage_error(error, path, "write the file", after="the old file is unchanged") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as temp:
            keep_mode(path, temp.fileno())
            if isinstance(text, str):
                temp.write(text)
            else:
                temp.writelines(text)
            temp.flush()
            os.fsync(temp.fileno())
        Path(temp_name).replace(path)
    except OSError as error:
        with contextlib.suppress(OSError):
            Path(temp_name).unlink()
        raise storage_error(error, path, "write the file", after="the old file is unchanged") from None
    _fsync_directory(path.parent)


def create_temp_beside(path: Path) -> tuple[int, str]:
    """A new, empty temp file beside `path` (`.NAME.RANDOM.tmp`), created with the default mode: unlike
    `tempfile.mkstemp`'s 0600, which `os.replace` would hand on to the deck or plan file."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(_ATTEMPTS):
        # os.urandom, as secrets.token_hex uses it: importing secrets (random, hmac) would cost start-up ~4 ms
        name = str(path.parent / f".{path.name}.{os.urandom(4).hex()}.tmp")
        try:
            return os.open(name, flags, _NEW_FILE_MODE), name
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temp file name beside {path.name}")


def keep_mode(path: Path, descriptor: int) -> None:
    """Give the temp file the permission bits of the file it replaces, if there is one."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return  # a new file: the default mode it was created with
    os.fchmod(descriptor, mode)


# A temp file this old is no write in progress (an export writes its package within seconds).
STALE_TEMP_SECONDS = 60
# `.<file name>.<random>.tmp`, beside the file it will replace: the only names `remove_stale_temps` deletes.
_TEMP_NAME = re.compile(r"^\.(?P<name>.+\.(?:yaml|apkg))\.[A-Za-z0-9_]+\.tmp$")


def remove_stale_temps(folder: Path, older_than: float, recursive: bool = False, of: str | None = None) -> list[Path]:
    """Delete studyprep's own temp files in `folder` (and below, if `recursive`) last changed before `older_than`
    (a `time.time()`), only those replacing a file named `of` if given: what a killed write left. Links are
    neither followed nor deleted; files of other names are never touched."""
    if recursive:  # os.walk does not descend into linked folders
        found = [Path(top, name) for top, _, names in os.walk(folder) for name in names if name.endswith(".tmp")]
    else:
        found = list(folder.glob(".*.tmp"))
    removed = []
    for temp in sorted(found):
        try:
            facts = temp.lstat()
            match = _TEMP_NAME.match(temp.name)
            if match and of in (None, match["name"]) and stat.S_ISREG(facts.st_mode) and facts.st_mtime < older_than:
                temp.unlink()
                removed.append(temp)
        except OSError:
            continue
    return removed


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
