"""Limits a study plan's values must keep, checked without the plan model (pydantic): counting a deck whose
plan is cached reads them too."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from studyprep.errors import StudyprepError

__all__ = ["MAX_INTERVIEW_AHEAD", "check_interview_horizon"]

# Planning and readiness play out every day until the interview: further than this is a typo, not a plan.
MAX_INTERVIEW_AHEAD = timedelta(days=2 * 365)


def check_interview_horizon(deck: str, interview_at: datetime | None, now: datetime, path: Path) -> None:
    """Refuse an interview more than `MAX_INTERVIEW_AHEAD` after `now` (a hand edit, say), naming the plan file
    `path`: planning and readiness play out every day until it, which would take minutes."""
    if interview_at is not None and interview_at - now > MAX_INTERVIEW_AHEAD:
        raise StudyprepError(
            f"interview_at {interview_at.isoformat()} is more than {MAX_INTERVIEW_AHEAD.days // 365} years"
            f" ahead; set a nearer date with `studyprep plan {deck} --interview …`",
            path,
        )
