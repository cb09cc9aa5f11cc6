"""The one error type the CLI turns into a one-line message and a non-zero exit."""

from __future__ import annotations

from pathlib import Path


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

    def __reduce__(self) -> tuple[type, tuple[str, str | None, int | None]]:
        # Pickled from a worker process (studyprep.parallel) with its file and line, not only the message.
        return type(self), (self.message, self.path, self.line)

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
