"""What the deadline lane reads of a deck's study plan, as plain data: no pydantic on the path of `due`.

A deck with an interview ahead is counted and served from its day plan (`deadline_queue`). Deciding that plan,
or reading it back, needs the interview moment, the daily budget, the target recall and the FSRS scheduler
settings, not the validated plan model, whose import (pydantic) was a third of `studyprep decks` at scale.
`schedule.today` keeps a `DeadlinePlan` in the review store's plan cache, keyed by the plan file's size and mtime,
and validates the file again only when it changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar
from zoneinfo import ZoneInfo

from studyprep.clock import study_day
from studyprep.result import Computed, json_field, to_json
from studyprep.schedule.fsrs_settings import SchedulerSettings
from studyprep.schedule.jsonfields import (
    MalformedEntryError,
    as_float,
    as_int,
    as_object,
    as_optional_int,
    as_str,
    as_zone,
)
from studyprep.schedule.scheduling import scheduler_from, scheduler_settings
from studyprep.store.plan_limits import check_interview_horizon

if TYPE_CHECKING:
    import fsrs

    from studyprep.store.db import ReviewStore
    from studyprep.store.plan import StudyPlan
    from studyprep.store.workspace import Workspace

__all__ = ["SETTINGS_FORMAT", "DeadlinePlan", "PlanSettings", "deadline_plan", "plan_settings"]

# The shape of `plan_settings`' cache entries: an entry of another shape (an earlier studyprep's) is a miss.
SETTINGS_FORMAT = 3

_DEADLINE_KEYS = {"deck", "interview_at", "time_zone", "daily_budget_cards", "daily_budget_minutes",
                  "target_recall", "scheduler", "fingerprint"}  # fmt: skip
_SETTINGS_KEYS = {"format", "new", "hour", "zone", "deadline"}


@dataclass(frozen=True)
class DeadlinePlan:
    """A deck plan with an interview date, as the deadline lane reads it.

    `scheduler` holds `fsrs.Scheduler`'s settings (`scheduling.scheduler_settings`). `fingerprint` is the whole
    plan as canonical JSON: a kept day plan stays valid while it is the same.
    """

    deck: str
    # Kept with its offset and microseconds (the --json moments are UTC to the second).
    interview_at: datetime = field(metadata=json_field(convert=datetime.isoformat))
    time_zone: str | None
    daily_budget_cards: int | None
    daily_budget_minutes: int | None
    target_recall: float | None
    scheduler: SchedulerSettings
    fingerprint: str

    @classmethod
    def of(cls, plan: StudyPlan) -> DeadlinePlan | None:
        """The deadline view of a validated plan (None without an interview date)."""
        if plan.interview_at is None:
            return None

        scheduler = scheduler_settings(plan)
        return cls(plan.deck, plan.interview_at, plan.time_zone, plan.daily_budget_cards, plan.daily_budget_minutes,
                   plan.target_recall, scheduler, json.dumps(plan.model_dump(mode="json"), sort_keys=True))  # fmt: skip

    @classmethod
    def from_json(cls, data: object) -> DeadlinePlan:
        """The inverse of `result.to_json` (the plan cache's form); `jsonfields.MalformedEntryError` for an entry of
        another shape."""
        found = as_object(data, _DEADLINE_KEYS)
        try:
            interview_at = datetime.fromisoformat(as_str(found["interview_at"]))
        except ValueError as error:
            raise MalformedEntryError(str(error)) from error
        if interview_at.tzinfo is None:
            raise MalformedEntryError("the interview moment has no time zone")
        target = found["target_recall"]
        return cls(
            deck=as_str(found["deck"]),
            interview_at=interview_at,
            time_zone=as_zone(found["time_zone"]),
            daily_budget_cards=as_optional_int(found["daily_budget_cards"]),
            daily_budget_minutes=as_optional_int(found["daily_budget_minutes"]),
            target_recall=None if target is None else as_float(target),
            scheduler=SchedulerSettings.from_json(found["scheduler"]),
            fingerprint=as_str(found["fingerprint"]),
        )

    def fsrs_scheduler(self, *, fuzz: bool | None = None) -> fsrs.Scheduler:
        """The fsrs Scheduler the plan configures (with `fuzz` overriding the plan's interval fuzz)."""
        return scheduler_from(self.scheduler, fuzz=fuzz)

    def zone(self) -> tzinfo | None:
        """The plan's time zone (validated with the plan), or None for the computer's local time."""
        return ZoneInfo(self.time_zone) if self.time_zone else None

    def interview_local(self) -> datetime:
        """The interview moment on the plan's clock (`StudyPlan.interview_local`)."""
        return self.interview_at.astimezone(self.zone())

    def check_horizon(self, now: datetime, path: Path) -> None:
        """`check_interview_horizon` for this plan."""
        check_interview_horizon(self.deck, self.interview_at, now, path)


@dataclass(frozen=True)
class PlanSettings:
    """What the commands that count and serve a deck read of its plan: new cards a day, when a study day starts
    (hour and time zone), and the deadline view (None without an interview date)."""

    new_cards_per_day: int = field(metadata=json_field(name="new"))
    day_starts_at_hour: int = field(metadata=json_field(name="hour"))
    time_zone: str | None = field(metadata=json_field(name="zone"))
    deadline: DeadlinePlan | None

    # The cached form starts with its format: a cache written by another version is read again from the plan.
    json_computed: ClassVar[tuple[Computed, ...]] = (Computed("format", attribute="cache_format"),)
    cache_format: ClassVar[int] = SETTINGS_FORMAT

    @classmethod
    def of(cls, plan: StudyPlan) -> PlanSettings:
        """The settings of a validated plan."""
        return cls(plan.new_cards_per_day, plan.day_starts_at_hour, plan.time_zone, DeadlinePlan.of(plan))

    @classmethod
    def from_json(cls, data: object, slug: str) -> PlanSettings:
        """The inverse of `result.to_json` for the deck `slug`; `jsonfields.MalformedEntryError` for an entry of
        another shape (an earlier version's, or one edited by hand in the database)."""
        found = as_object(data, _SETTINGS_KEYS)
        if found["format"] != SETTINGS_FORMAT:
            raise MalformedEntryError(f"plan cache format {found['format']!r}")
        deadline = None if found["deadline"] is None else DeadlinePlan.from_json(found["deadline"])
        if deadline is not None and deadline.deck != slug:
            raise MalformedEntryError(f"cached for deck {deadline.deck!r}")
        return cls(as_int(found["new"]), as_int(found["hour"], 0, 23), as_zone(found["zone"]), deadline)

    def study_day(self, now: datetime) -> tuple[datetime, datetime]:
        """The bounds (UTC) of the study day containing `now` (`clock.study_day`)."""
        return study_day(now, self.day_starts_at_hour, self.time_zone)


def plan_settings(workspace: Workspace, store: ReviewStore, slug: str) -> PlanSettings:
    """The deck's `PlanSettings`.

    Read from the review store's plan cache while the plan file keeps its size and mtime; else the file is
    validated (written with the defaults on first use) and the cache filled in. Only then is the plan model
    (pydantic) imported.
    """
    path = workspace.schedules_dir / f"{slug}.yaml"  # plan.plan_path, without importing the plan module
    try:
        stat = path.stat()
        cached = store.cached_plan(slug, stat.st_size, stat.st_mtime_ns)
    except FileNotFoundError:
        stat, cached = None, None
    if cached is not None:
        try:
            return PlanSettings.from_json(cached, slug)
        except MalformedEntryError:
            pass  # cached by another version, or edited by hand in the database: validated again below
    from studyprep.store.plan import load_plan

    plan = load_plan(workspace, slug)
    # Cached under the version stat'ed before reading: a file rewritten meanwhile (`studyprep plan`) is then a
    # miss next time; stat'ed after, the new version would be taken for the one read.
    stat = stat or path.stat()
    settings = PlanSettings.of(plan)
    store.cache_plan(slug, stat.st_size, stat.st_mtime_ns, to_json(settings))
    return settings


def deadline_plan(workspace: Workspace, store: ReviewStore, slug: str) -> DeadlinePlan | None:
    """The deck's `DeadlinePlan` (None when its plan has no interview date), by `plan_settings`."""
    return plan_settings(workspace, store, slug).deadline
