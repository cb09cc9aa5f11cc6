"""What the deadline lane reads of a deck's study plan, as plain data: no pydantic on the path of `due`.

A deck with an interview ahead is counted and served from its day plan (`deadline_queue`). Deciding that plan,
or reading it back, needs the interview moment, the daily budget, the target recall and the FSRS scheduler
settings, not the validated plan model, whose import (pydantic) was a third of `studyprep decks` at scale.
`commands.due` keeps a `DeadlinePlan` in the review store's plan cache, keyed by the plan file's size and mtime,
and validates the file again only when it changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studyprep.errors import StudyprepError

if TYPE_CHECKING:
    import fsrs

    from studyprep.plan import StudyPlan

# Readiness plays out every day until the interview, so a date decades ahead would take minutes.
MAX_INTERVIEW_AHEAD = timedelta(days=2 * 365)


@dataclass(frozen=True)
class DeadlinePlan:
    """A deck plan with an interview date, as the deadline lane reads it.

    `scheduler` holds `fsrs.Scheduler`'s keyword arguments as JSON-able values (`scheduling.scheduler_settings`).
    `fingerprint` is the whole plan as canonical JSON: a kept
    day plan stays valid while it is the same.
    """

    deck: str
    interview_at: datetime
    daily_budget_cards: int | None
    daily_budget_minutes: int | None
    target_recall: float | None
    scheduler: dict[str, Any]
    fingerprint: str

    @classmethod
    def of(cls, plan: StudyPlan) -> DeadlinePlan | None:
        """The deadline view of a validated plan (None without an interview date)."""
        if plan.interview_at is None:
            return None
        from studyprep.scheduling import scheduler_settings

        scheduler = scheduler_settings(plan)
        return cls(plan.deck, plan.interview_at, plan.daily_budget_cards, plan.daily_budget_minutes,
                   plan.target_recall, scheduler, json.dumps(plan.model_dump(mode="json"), sort_keys=True))  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        """JSON-able form, for the plan cache (`from_json` reads it back)."""
        return {
            "deck": self.deck,
            "interview_at": self.interview_at.isoformat(),
            "daily_budget_cards": self.daily_budget_cards,
            "daily_budget_minutes": self.daily_budget_minutes,
            "target_recall": self.target_recall,
            "scheduler": self.scheduler,
            "fingerprint": self.fingerprint,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DeadlinePlan:
        """The inverse of `to_json`."""
        return cls(**{**data, "interview_at": datetime.fromisoformat(data["interview_at"])})

    def fsrs_scheduler(self, *, fuzz: bool | None = None) -> fsrs.Scheduler:
        """The fsrs Scheduler the plan configures (with `fuzz` overriding the plan's interval fuzz)."""
        from studyprep.scheduling import scheduler_from

        return scheduler_from(self.scheduler, fuzz=fuzz)

    def check_horizon(self, now: datetime, path: Path) -> None:
        """`check_interview_horizon` for this plan."""
        check_interview_horizon(self.deck, self.interview_at, now, path)


def check_interview_horizon(deck: str, interview_at: datetime | None, now: datetime, path: Path) -> None:
    """Refuse an interview more than `MAX_INTERVIEW_AHEAD` after `now` (a hand edit, say), naming the plan file
    `path`: planning and readiness play out every day until it, which would take minutes."""
    if interview_at is not None and interview_at - now > MAX_INTERVIEW_AHEAD:
        raise StudyprepError(
            f"interview_at {interview_at.isoformat()} is more than {MAX_INTERVIEW_AHEAD.days // 365} years"
            f" ahead; set a nearer date with `studyprep plan {deck} --interview …`",
            path,
        )
