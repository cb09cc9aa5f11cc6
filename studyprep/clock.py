"""The clock, read once per command. `STUDYPREP_NOW` (ISO-8601) overrides it for tests and demos."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from studyprep.errors import StudyprepError

NOW_VARIABLE = "STUDYPREP_NOW"
# Date arithmetic (day starts, intervals of years) must stay inside what datetime can hold.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


def parse_instant(text: str, what: str = NOW_VARIABLE) -> datetime:
    """Parse an ISO-8601 date or date-time into a UTC-aware datetime (naive input is taken as UTC)."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise StudyprepError(f"{what}: {text!r} is not an ISO-8601 date or time (e.g. 2026-12-10T14:00)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if not EARLIEST <= moment < LATEST:
        raise StudyprepError(f"{what}: {text!r} is outside the years {EARLIEST.year} to {LATEST.year - 1}")
    return moment.astimezone(UTC)


def now() -> datetime:
    """Return the current moment as a UTC-aware datetime, honouring `STUDYPREP_NOW`."""
    override = os.environ.get(NOW_VARIABLE)
    if override:
        return parse_instant(override)
    return datetime.now(UTC)


def isoformat(moment: datetime) -> str:
    """Format a datetime as compact ISO-8601 UTC with a `Z` suffix and second precision."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
