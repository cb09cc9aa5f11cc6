"""Keys from the person at the terminal, on Linux, macOS and Windows; one key per line from a pipe or file.

Where `termios` and `tty` exist (Linux, macOS), the terminal is put in cbreak mode for the whole session and
keys are read straight from the descriptor, with `select` for the screen's ticks. Elsewhere (Windows), keys
come from click's `getchar`, called on a helper thread so the screen can still tick while it waits.
"""

from __future__ import annotations

__all__ = ["KeyReader", "posix_terminal_available"]

import contextlib
import os
import queue
import sys
import threading
from collections.abc import Callable, Iterator
from typing import IO

import click

ESCAPE_STARTS = ("\x1b", "\x00", "\xe0")  # an arrow or function key: ESC on POSIX, NUL or 0xE0 from Windows' getwch


def posix_terminal_available() -> bool:
    """Whether `termios` and `tty` import here (not on Windows): the fast path that keeps typed-ahead keys."""
    try:
        import termios  # noqa: F401
        import tty  # noqa: F401
    except ImportError:
        return False
    return True


class KeyReader:
    """Single keypresses from a terminal, or one key per line from a pipe or file.

    In a terminal, use `with reader.keys_mode():` for the whole session: on POSIX the terminal stays in cbreak
    mode throughout, so keys typed while a card is being drawn are kept, not flushed.
    """

    def __init__(self, stream: IO[str] | None = None, posix: bool | None = None) -> None:
        self.stream = stream or sys.stdin
        self.is_tty = self.stream.isatty()
        self.posix = posix_terminal_available() if posix is None else posix
        self._saved: list | None = None
        self._getchar = GetcharThread()

    @contextlib.contextmanager
    def keys_mode(self) -> Iterator[None]:
        """Put the terminal in cbreak mode (no echo, no Enter needed, Ctrl-C still works) until exit."""
        if not (self.is_tty and self.posix):
            yield  # a pipe, or click's getchar, which takes the console's keys one at a time itself
            return
        import termios
        import tty

        fd = self.stream.fileno()
        self._saved = termios.tcgetattr(fd)
        tty.setcbreak(fd, termios.TCSANOW)
        try:
            yield
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, self._saved)
            self._saved = None

    @contextlib.contextmanager
    def normal_mode(self) -> Iterator[None]:
        """Give the terminal back as it was (for an editor), then return to cbreak mode."""
        if self._saved is None:
            yield
            return
        import termios
        import tty

        fd = self.stream.fileno()
        termios.tcsetattr(fd, termios.TCSADRAIN, self._saved)
        try:
            yield
        finally:
            tty.setcbreak(fd, termios.TCSANOW)

    def read(self, on_tick: Callable[[], None] | None = None, tick: float = 1.0) -> str:
        """The next key ('q' at end of input). In a terminal, `on_tick()` runs every `tick` seconds meanwhile."""
        if not self.is_tty:
            line = self.stream.readline()
            if not line:
                return "q"
            key = line.strip()
            return key[:1].lower() if key else "\n"
        while True:
            data = self._next_key(tick)
            if data is not None:
                return command_key(data)
            if on_tick:
                on_tick()

    def typed(self, timeout: float) -> str | None:
        """In a terminal: what was typed next (one key or more), or None when `timeout` seconds pass first."""
        if not self.posix:
            return self._getchar.get(timeout)
        fd = self._ready(timeout)
        return None if fd is None else os.read(fd, 64).decode("utf-8", errors="ignore")

    def _next_key(self, timeout: float) -> str | None:
        """One key as typed (an escape burst drained on POSIX), or None when `timeout` seconds pass first."""
        if not self.posix:
            return self._getchar.get(timeout)
        fd = self._ready(timeout)
        if fd is None:
            return None
        data = os.read(fd, 1)
        if data == b"\x1b":
            # An arrow or function key sends a burst starting with ESC: drain and ignore it.
            while self._ready(0.01) is not None:
                os.read(fd, 64)
        return data.decode("latin-1")

    def _ready(self, timeout: float) -> int | None:
        """POSIX: the terminal's descriptor once something can be read from it, or None after `timeout` seconds."""
        import select

        fd = self.stream.fileno()
        return fd if select.select([fd], [], [], timeout)[0] else None


def command_key(data: str) -> str:
    """The command a key stands for: lower case; "" for an arrow, function or non-ASCII key; "q" at the end."""
    if not data:
        return "q"
    if data.startswith(ESCAPE_STARTS) or ord(data[0]) >= 0x80:
        return ""
    return data[0].lower()


class GetcharThread:
    """click's `getchar` on a helper thread, one key per request, so a caller can wait with a timeout.

    A key is asked for only while a caller wants one: none is in flight while an editor has the console.
    Ctrl-C is raised in the caller's thread as KeyboardInterrupt, as the terminal does on POSIX.
    """

    def __init__(self) -> None:
        self._keys: queue.Queue[str | BaseException] = queue.Queue()
        self._pending = False

    def get(self, timeout: float) -> str | None:
        """The next key, or None when `timeout` seconds pass first (the request stays open for the next call)."""
        if not self._pending:
            self._pending = True
            threading.Thread(target=self._read_one, daemon=True).start()
        try:
            item = self._keys.get(timeout=timeout)
        except queue.Empty:
            return None
        self._pending = False
        if isinstance(item, BaseException):
            raise item
        return item

    def _read_one(self) -> None:
        try:
            self._keys.put(click.getchar())
        except EOFError:  # Ctrl-D (Ctrl-Z on Windows): the key that ends input
            self._keys.put("\x04")
        except KeyboardInterrupt as interrupt:
            self._keys.put(interrupt)
