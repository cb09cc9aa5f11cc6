"""What the deadline lane reads of a deck's study plan, as plain data: no pydantic on the path of `due`.

A deck with an interview ahead is counted and served from its day plan (`deadline_queue`). Deciding that plan,
or reading it back, needs the interview moment, the daily budget, the target recall and the FSRS scheduler
settings, not the validated plan model, whose import (pydantic) was a third of `studyprep decks` at scale.
`schedule.today` keeps a `DeadlinePlan` in the review store's plan cache, keyed by the plan file's size and mtime,
and validates the file again only when it changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studyprep.store.plan_limits import check_interview_horizon

if TYPE_CHECKING:
    import fsrs

    from studyprep.store.db import ReviewStore
    from studyprep.store.plan import StudyPlan
    from studyprep.store.workspace import Workspace

# Readiness plays out every day until the interview, so a date decades ahead would take minutes.
# The shape of `plan_settings`' cache entries: an entry of another shape (an earlier studyprep's) is a miss.
SETTINGS_FORMAT = 3


@dataclass(frozen=True)
class DeadlinePlan:
    """A deck plan with an interview date, as the deadline lane reads it.

    `scheduler` holds `fsrs.Scheduler`'s keyword arguments as JSON-able values (`scheduling.scheduler_settings`).
    `fingerprint` is the whole plan as canonical JSON: a kept
    day plan stays valid while it is the same.
    """

    deck: str
    interview_at: datetime
    time_zone: str | None
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
        from studyprep.schedule.scheduling import scheduler_settings

        scheduler = scheduler_settings(plan)
        return cls(plan.deck, plan.interview_at, plan.time_zone, plan.daily_budget_cards, plan.daily_budget_minutes,
                   plan.target_recall, scheduler, json.dumps(plan.model_dump(mode="json"), sort_keys=True))  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        """JSON-able form, for the plan cache (`from_json` reads it back)."""
        return {
            "deck": self.deck,
            "interview_at": self.interview_at.isoformat(),
            "time_zone": self.time_zone,
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
        from studyprep.schedule.scheduling import scheduler_from

        return scheduler_from(self.scheduler, fuzz=fuzz)

    def zone(self) -> tzinfo | None:
        """The plan's time zone (validated with the plan), or None for the computer's local time."""
        from zoneinfo import ZoneInfo

        return ZoneInfo(self.time_zone) if self.time_zone else None

    def interview_local(self) -> datetime:
        """The interview moment on the plan's clock (`StudyPlan.interview_local`)."""
        return self.interview_at.astimezone(self.zone())

    def check_horizon(self, now: datetime, path: Path) -> None:
        """`check_interview_horizon` for this plan."""
        check_interview_horizon(self.deck, self.interview_at, now, path)


def plan_settings(workspace: Workspace, store: ReviewStore, slug: str) -> dict[str, Any]:
    """What the commands that count and serve a deck read of its plan: new cards a day (`new`), when a study day
    starts (`hour`, `zone`) and `deadline` (`DeadlinePlan.to_json()`, or None without an interview date).

    Read from the review store's plan cache while the plan file keeps its size and mtime; else the file is
    validated (written with the defaults on first use) and the cache filled in. Only then is the plan model
    (pydantic) imported.
    """
    path = workspace.schedules_dir / f"{slug}.yaml"  # plan.plan_path, without importing the plan module
    try:
        stat = path.stat()
        settings = store.cached_plan(slug, stat.st_size, stat.st_mtime_ns)
    except FileNotFoundError:
        stat, settings = None, None
    if _well_formed(settings, slug):  # else cached by another version, or edited by hand in the database
        return settings  # type: ignore[return-value]
    from studyprep.store.plan import load_plan

    plan = load_plan(workspace, slug)
    # Cached under the version stat'ed before reading: a file rewritten meanwhile (`studyprep plan`) is then a
    # miss next time; stat'ed after, the new version would be taken for the one read.
    stat = stat or path.stat()
    deadline = DeadlinePlan.of(plan)
    settings = {"format": SETTINGS_FORMAT, "new": plan.new_cards_per_day, "hour": plan.day_starts_at_hour,
                "zone": plan.time_zone, "deadline": deadline and deadline.to_json()}  # fmt: skip
    store.cache_plan(slug, stat.st_size, stat.st_mtime_ns, settings)
    return settings


_SCHEDULER_KEYS = {"parameters", "desired_retention", "learning_steps", "relearning_steps", "maximum_interval",
                   "enable_fuzzing", "day_starts_at_hour", "time_zone"}  # fmt: skip


def _is(value: object, *types: type) -> bool:
    return isinstance(value, types) and not (isinstance(value, bool) and bool not in types)


def _well_formed(settings: object, slug: str) -> bool:
    """Whether a plan cache entry has the shape `plan_settings` writes, with values of the types it writes: an
    entry of an earlier version or broken by hand is a miss (the plan file is validated again), not a traceback."""
    if not isinstance(settings, dict) or settings.get("format") != SETTINGS_FORMAT:
        return False
    if set(settings) != {"format", "new", "hour", "zone", "deadline"} or not _is(settings["new"], int):
        return False
    if not (_is(settings["hour"], int) and 0 <= settings["hour"] <= 23 and _zone_name(settings["zone"])):
        return False
    found = settings["deadline"]
    if found is None:
        return True
    try:
        plan = DeadlinePlan.from_json(found)
    except (TypeError, ValueError, KeyError):
        return False
    scheduler = plan.scheduler
    return (
        plan.deck == slug
        and plan.interview_at.tzinfo is not None
        and _zone_name(plan.time_zone)
        and all(value is None or _is(value, int) for value in (plan.daily_budget_cards, plan.daily_budget_minutes))
        and (plan.target_recall is None or _is(plan.target_recall, float))
        and isinstance(plan.fingerprint, str)
        and isinstance(scheduler, dict)
        and set(scheduler) == _SCHEDULER_KEYS
        and all(isinstance(scheduler[key], list) for key in ("parameters", "learning_steps", "relearning_steps"))
        and all(_is(value, int, float) for value in scheduler["parameters"])
        and all(_is(step, int) for step in scheduler["learning_steps"] + scheduler["relearning_steps"])
        and _is(scheduler["desired_retention"], float)
        and _is(scheduler["maximum_interval"], int)
        and isinstance(scheduler["enable_fuzzing"], bool)
        and _is(scheduler["day_starts_at_hour"], int)
        and 0 <= scheduler["day_starts_at_hour"] <= 23
        and _zone_name(scheduler["time_zone"])
    )


def _zone_name(name: object) -> bool:
    """None (local time) or a time zone this computer knows."""
    if name is None:
        return True
    if not isinstance(name, str):
        return False
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(name)
    except (KeyError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError
        return False
    return True


def deadline_plan(workspace: Workspace, store: ReviewStore, slug: str) -> DeadlinePlan | None:
    """The deck's `DeadlinePlan` (None when its plan has no interview date), by `plan_settings`."""
    found = plan_settings(workspace, store, slug)["deadline"]
    return DeadlinePlan.from_json(found) if found else None
