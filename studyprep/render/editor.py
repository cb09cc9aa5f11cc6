"""Running the user's editor ($VISUAL, else $EDITOR, else vi) on a file and waiting for it."""

from __future__ import annotations

__all__ = ["edit_file"]

import contextlib
import os
import shlex
import subprocess
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from studyprep.errors import StudyprepError


def editor_command() -> str:
    """The editor command line the user chose."""
    return os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"


def edit_file(path: Path, around: Callable[[], AbstractContextManager[None]] = contextlib.nullcontext) -> None:
    """Open `path` in the editor and wait; `around` gives the terminal back meanwhile (a review screen's keys
    mode). An editor that cannot start or exits with an error raises (nothing is to be saved then)."""
    editor = editor_command()
    try:
        command = [*shlex.split(editor), str(path)]
    except ValueError as error:
        raise StudyprepError(f"cannot read the editor command {editor!r}: {error}; fix $VISUAL or $EDITOR") from None
    try:
        with around():
            finished = subprocess.run(command, check=False)  # noqa: S603 - the user's own editor
    except OSError as error:
        raise StudyprepError(f"cannot start editor {editor!r}: {error.strerror or error}; set $EDITOR") from None
    if finished.returncode != 0:
        raise StudyprepError(f"the editor exited with status {finished.returncode}")
