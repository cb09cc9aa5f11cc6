"""Small shared helpers for tests (no fixtures with hidden behaviour)."""

from __future__ import annotations

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
