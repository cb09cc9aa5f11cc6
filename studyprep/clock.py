"""The clock, read once per command. `STUDYPREP_NOW` (ISO-8601) overrides it for tests and demos."""

from __future__ import annotations

__all__ = ["isoformat", "now", "study_day"]

import os
from datetime import UTC, datetime, timedelta

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
        raise StudyprepError(f"{what}: {text!r} is not an ISO-8601 date or time (YYYY-MM-DDTHH:MM)") from None
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


def study_day(now: datetime, start_hour: int = 4, time_zone: str | None = None) -> tuple[datetime, datetime]:
    """Start and end (UTC) of the study day containing `now`: from `start_hour` local time to the next.

    Local time is `time_zone` (an IANA name, from the plan) when given, else the computer's.
    """
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(time_zone) if time_zone else None
    local = now.astimezone(zone) if zone else now.astimezone()
    start = local.replace(hour=start_hour, minute=0, second=0, microsecond=0)
    if local < start:
        start -= timedelta(days=1)
    end = start + timedelta(days=1)
    if zone is None:
        # A fixed local offset may change across the night (daylight saving): re-resolve the end.
        end = end.replace(tzinfo=None).astimezone()
    return start.astimezone(UTC), end.astimezone(UTC)
