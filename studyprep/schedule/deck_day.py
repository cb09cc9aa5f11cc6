"""A deck's day: its new-card limit and the bounds of today's study day, from its plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studyprep.schedule.deadline_plan import DeadlinePlan

__all__ = ["DeckDay"]


@dataclass(frozen=True)
class DeckDay:
    """A deck with its daily new-card limit and today's study-day bounds (UTC), from its plan.

    `plan` is what the deadline lane reads of the deck's study plan when it has an interview date still ahead.
    """

    slug: str
    new_cards_per_day: int
    day_start: datetime
    day_end: datetime
    plan: DeadlinePlan | None = None
