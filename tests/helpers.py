"""Small shared helpers for tests (no fixtures with hidden behaviour)."""

from __future__ import annotations

import contextlib
import signal
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
def no_hang(seconds: int = HANG_GUARD_SECONDS) -> Iterator[None]:
    """Fail (instead of hanging the suite) if the block runs for more than `seconds`."""

    def expired(*_: object) -> None:
        raise AssertionError(f"still running after {seconds} s: the input hangs studyprep")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
