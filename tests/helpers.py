"""Small shared helpers for tests (no fixtures with hidden behaviour)."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO.parent / "shared" / "samples"
EXAMPLE = REPO / "examples" / "doit-senior-backend-golang.md"
FIXED_NOW = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


def sample_paths() -> list[Path]:
    """The shared sample documents when present, else the bundled example only."""
    found = sorted(SAMPLES.glob("*.md")) if SAMPLES.is_dir() else []
    return found or [EXAMPLE]


HANG_GUARD_SECONDS = 60


@contextlib.contextmanager
def no_hang(seconds: int = HANG_GUARD_SECONDS, *, waiting: bool = False) -> Iterator[None]:
    """Fail (instead of hanging the suite) if the block uses more than `seconds` of this process's CPU time, or,
    when it is `waiting` on another process, of wall time. CPU time, not wall time, for work done here: a busy
    machine (parallel workers, CI neighbours) stretches wall time but not the work, so a loaded run cannot fail
    where a quiet one passes, while a runaway loop still does."""
    timer, alarm = (signal.ITIMER_REAL, signal.SIGALRM) if waiting else (signal.ITIMER_PROF, signal.SIGPROF)
    kind = "wall" if waiting else "CPU"

    def expired(*_: object) -> None:
        raise AssertionError(f"still running after {seconds} s of {kind} time: the input hangs studyprep")

    previous = signal.signal(alarm, expired)
    signal.setitimer(timer, seconds)
    try:
        yield
    finally:
        signal.setitimer(timer, 0)
        signal.signal(alarm, previous)


def terminal_lines(columns: int, *args: str, env: dict[str, str]) -> list[str]:
    """The lines `studyprep ARGS` draws in a real terminal `columns` wide (a pty), without colour codes."""
    import pexpect

    environment = {**os.environ, "TERM": "xterm", **env}
    environment.pop("COLUMNS", None)
    child = pexpect.spawn(sys.executable, ["-m", "studyprep", *args], cwd=str(REPO), env=environment,
                          encoding="utf-8", dimensions=(40, columns), timeout=60)  # fmt: skip
    child.expect(pexpect.EOF)
    child.close()
    return [re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", line) for line in child.before.splitlines()]
