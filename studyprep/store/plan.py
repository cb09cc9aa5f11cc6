"""A deck's study plan: `schedules/<slug>.yaml`, the settings a user may read and change.

The plan holds the FSRS scheduler settings (desired retention, learning and relearning steps, maximum
interval, fuzz, the 21 FSRS parameters), the daily new-card limit and when a study day starts. Defaults are
written on first use. A later issue fills in the optional interview fields (`interview_at`, `time_zone`,
`daily_budget_minutes`, `target_recall`); they are accepted now and default to nothing.

Public: `StudyPlan`, `SchedulerSettings`, `load_plan(workspace, slug)`, `plan_path(workspace, slug)`,
`save_plan(workspace, plan)`, `parse_step(text)`.
"""

from __future__ import annotations

__all__ = [
    "HEADER",
    "SchedulerSettings",
    "StudyPlan",
    "load_plan",
    "plan_path",
    "plan_to_yaml",
    "read_plan_file",
    "save_plan",
]

import re
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

from studyprep.errors import StudyprepError
from studyprep.store.atomic import write_atomic
from studyprep.store.locking import deck_write_lock
from studyprep.store.plan_limits import check_interview_horizon
from studyprep.store.workspace import Workspace
from studyprep.store.yamlio import dump_yaml, line_of, load_model_file

PLAN_FORMAT: Literal[1] = 1
_STEP = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# A step or interval past these would overflow the calendar (year 9999) when added to a date.
MAX_STEP = timedelta(days=365)
MAX_INTERVAL_DAYS = 36500
# A hand-edited interview outside these years cannot be shown on a local clock.
INTERVIEW_YEARS = (1970, 9000)

HEADER = (
    "# studyprep study plan. Safe to edit by hand. Steps are durations like 1m, 10m, 1h, 1d.\n"
    "# scheduler: FSRS settings (see https://github.com/open-spaced-repetition/py-fsrs).\n"
    "# new_cards_per_day counts across the day's sessions; a study day starts at day_starts_at_hour\n"
    "# (local time, or `time_zone` when set).\n"
)


def parse_step(text: str) -> timedelta:
    """Turn a step such as `90s`, `10m`, `1h` or `1d` into a timedelta."""
    match = _STEP.match(str(text))
    if not match:
        raise ValueError(f"{text!r} is not a duration like 1m, 10m, 1h or 1d")
    seconds = float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    if seconds <= 0:
        raise ValueError(f"{text!r} must be longer than zero")
    if seconds > MAX_STEP.total_seconds():
        raise ValueError(f"{text!r} is longer than the {MAX_STEP.days}d a step may last")
    return timedelta(seconds=seconds)


def _fsrs_defaults() -> list[float]:
    from fsrs.scheduler import DEFAULT_PARAMETERS

    return list(DEFAULT_PARAMETERS)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SchedulerSettings(_Strict):
    """Settings handed to `fsrs.Scheduler`."""

    desired_retention: float = Field(default=0.9, gt=0.0, lt=1.0)
    learning_steps: list[str] = Field(default_factory=lambda: ["1m", "10m"])
    relearning_steps: list[str] = Field(default_factory=lambda: ["10m"])
    maximum_interval_days: int = Field(default=MAX_INTERVAL_DAYS, ge=1, le=MAX_INTERVAL_DAYS)
    fuzz: bool = True
    parameters: list[float] = Field(default_factory=_fsrs_defaults)

    @field_validator("learning_steps", "relearning_steps")
    @classmethod
    def _steps_are_durations(cls, steps: list[str]) -> list[str]:
        for step in steps:
            parse_step(step)
        return steps

    @field_validator("parameters")
    @classmethod
    def _twenty_one_parameters(cls, parameters: list[float]) -> list[float]:
        expected = len(_fsrs_defaults())
        if len(parameters) != expected:
            raise ValueError(f"FSRS-6 needs {expected} parameters, got {len(parameters)}")
        return parameters

    def learning_deltas(self) -> tuple[timedelta, ...]:
        """Learning steps as timedeltas."""
        return tuple(parse_step(step) for step in self.learning_steps)

    def relearning_deltas(self) -> tuple[timedelta, ...]:
        """Relearning steps as timedeltas."""
        return tuple(parse_step(step) for step in self.relearning_steps)


class StudyPlan(_Strict):
    """`schedules/<slug>.yaml`."""

    format: Literal[1] = PLAN_FORMAT
    deck: str
    new_cards_per_day: int = Field(default=20, ge=0, le=10_000)
    day_starts_at_hour: int = Field(default=4, ge=0, le=23)
    scheduler: SchedulerSettings = Field(default_factory=SchedulerSettings)
    # Filled in by the readiness issue; accepted (and ignored by review) until then.
    interview_at: datetime | None = None
    time_zone: str | None = None
    daily_budget_minutes: int | None = Field(default=None, ge=1)
    daily_budget_cards: int | None = Field(default=None, ge=1)
    target_recall: float | None = Field(default=None, gt=0.0, lt=1.0)

    @field_validator("interview_at")
    @classmethod
    def _interview_with_offset(cls, moment: datetime | None) -> datetime | None:
        if moment is None:
            return None
        if moment.utcoffset() is None:
            raise ValueError(
                f"{moment.isoformat()} needs a time and UTC offset, like YYYY-MM-DDT09:00:00+01:00"
                " (or set it with `studyprep plan DECK --interview YYYY-MM-DD`)"
            )
        if not INTERVIEW_YEARS[0] <= moment.year <= INTERVIEW_YEARS[1]:
            raise ValueError(f"{moment.isoformat()} is not a year from {INTERVIEW_YEARS[0]} to {INTERVIEW_YEARS[1]}")
        return moment

    @field_validator("time_zone")
    @classmethod
    def _known_time_zone(cls, name: str | None) -> str | None:
        if name is not None:
            _zone(name)
        return name

    def zone(self) -> tzinfo | None:
        """The plan's time zone, or None for the computer's local time."""
        return _zone(self.time_zone) if self.time_zone else None

    def check_interview_horizon(self, now: datetime, path: Path) -> None:
        """Refuse an interview more than `MAX_INTERVIEW_AHEAD` after `now`, naming the plan file `path`."""
        check_interview_horizon(self.deck, self.interview_at, now, path)

    def interview_local(self) -> datetime | None:
        """The interview moment on the plan's clock (its time zone, else the computer's local time).

        The stored moment keeps the offset it was given with (`2026-03-16T14:00+01:00`), which is another
        clock than the plan's zone when the two differ or the zone is changed later.
        """
        return self.interview_at.astimezone(self.zone()) if self.interview_at else None


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r} (use an IANA name such as Europe/Berlin)") from None


def plan_path(workspace: Workspace, slug: str) -> Path:
    """Where a deck's study plan lives."""
    return workspace.schedules_dir / f"{slug}.yaml"


def plan_to_yaml(plan: StudyPlan) -> str:
    """The commented YAML written to disk."""
    return HEADER + dump_yaml(plan.model_dump(mode="json"))


def save_plan(workspace: Workspace, plan: StudyPlan) -> Path:
    """Write a plan atomically and return its path."""
    path = plan_path(workspace, plan.deck)
    write_atomic(path, plan_to_yaml(plan), workspace.root)
    return path


def read_plan_file(path: Path) -> StudyPlan:
    """Load and validate one plan file; errors name the file and line."""
    plan, text = load_model_file(path, StudyPlan, "study plan", "`deck` and `scheduler`")
    if plan.deck != path.stem:
        raise StudyprepError(f"deck {plan.deck!r} does not match the file name {path.name!r}", path)
    _check_fsrs_bounds(plan, text, path)
    return plan


def load_plan(workspace: Workspace, slug: str) -> StudyPlan:
    """The deck's plan, written with defaults on first use."""
    path = plan_path(workspace, slug)
    if _present(path):
        return read_plan_file(path)
    # Written only if still absent under the writers' lock: `studyprep plan` may have set an interview meanwhile.
    with deck_write_lock(workspace):
        if _present(path):
            return read_plan_file(path)
        plan = StudyPlan(deck=slug)
        save_plan(workspace, plan)
    return plan


def _present(path: Path) -> bool:
    return path.exists() or path.is_symlink()  # a link to nothing is named, not replaced by a default plan


def _check_fsrs_bounds(plan: StudyPlan, text: str, path: Path) -> None:
    # fsrs knows the valid range of each parameter; ask it rather than copying the bounds here.
    from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

    bounds = zip(LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True)
    for index, (value, (low, high)) in enumerate(zip(plan.scheduler.parameters, bounds, strict=True)):
        if not low <= value <= high:
            line = line_of(text, ["scheduler", "parameters", index])
            raise StudyprepError(
                f"scheduler.parameters.{index}: {value} is outside FSRS's range [{low}, {high}]", path, line
            )
