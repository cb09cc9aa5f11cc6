"""`studyprep plan DECK`: the interview date, time zone, daily budget and target recall of a deck's plan."""

from __future__ import annotations

__all__ = ["PlanChange", "PlanView", "update_plan"]

import contextlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import ClassVar

from studyprep.errors import StudyprepError
from studyprep.result import Computed, json_field
from studyprep.store.db import database_path, deck_file_reader, open_store
from studyprep.store.deckstore import load_deck
from studyprep.store.locking import deck_write_lock
from studyprep.store.plan import StudyPlan, _zone, load_plan, plan_path, save_plan
from studyprep.store.plan_limits import MAX_INTERVIEW_AHEAD
from studyprep.store.workspace import Workspace

# An interview given as a date only is taken to start at this local time.
DEFAULT_INTERVIEW_TIME = time(9, 0)


@dataclass(frozen=True)
class PlanChange:
    """What the user asked to set (None = leave as is)."""

    interview: str | None = None
    time_zone: str | None = None
    budget_minutes: int | None = None
    budget_cards: int | None = None
    target: float | None = None
    clear: bool = False


def _local_moment(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


@dataclass
class PlanView:
    """A deck's interview plan as shown by `studyprep plan`."""

    deck: str
    path: str
    interview: datetime | None  # on the plan's clock
    time_zone: str | None
    budget_minutes: int | None = field(metadata=json_field(name="daily_budget_minutes"))
    budget_cards: int | None = field(metadata=json_field(name="daily_budget_cards"))
    target: float | None = field(metadata=json_field(name="target_recall"))
    changed: bool

    # `interview` is written in UTC like every moment; `interview_local` keeps the plan's offset.
    json_computed: ClassVar[tuple[Computed, ...]] = (
        Computed("interview_local", after="interview", attribute="interview", convert=_local_moment),
    )


_DAYS_AHEAD = re.compile(r"^\+(\d{1,4})d?(?:T(\d{1,2}:\d{2}))?$")


def parse_interview(text: str, time_zone: str | None, now: datetime) -> datetime:
    """An interview moment from `2026-12-10` or `2026-12-10T14:00`, or days from today (`+14`, `+14d`,
    `+14dT14:00`, today in the interview's time zone), in `time_zone` (else local time)."""
    text = _absolute(text.strip(), now.astimezone(_zone(time_zone)) if time_zone else now.astimezone())
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise StudyprepError(
            f"--interview: {text!r} is not a date like YYYY-MM-DD, YYYY-MM-DDTHH:MM or +DAYS (e.g. +14)"
        ) from None
    if "T" not in text and " " not in text.strip():
        moment = datetime.combine(moment.date(), DEFAULT_INTERVIEW_TIME)
    if moment.tzinfo is None and time_zone:
        zone = _zone(time_zone)
        zoned = moment.replace(tzinfo=zone)
        if zoned.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != moment:
            raise StudyprepError(
                f"--interview: {moment:%Y-%m-%d %H:%M} does not exist in {time_zone}"
                " (the clocks skip it for daylight saving); give a time outside the gap"
            )
        moment = zoned
    elif moment.tzinfo is None:
        moment = moment.astimezone()
    return moment


def _absolute(text: str, today: datetime) -> str:
    """`+14` or `+14dT14:00` as the date (and time) that many days after `today`; any other text as it is."""
    ahead = _DAYS_AHEAD.match(text)
    if ahead is None:
        return text
    day = (today + timedelta(days=int(ahead.group(1)))).date().isoformat()
    return f"{day}T{ahead.group(2)}" if ahead.group(2) else day


def _checked_zone(name: str) -> str:
    try:
        _zone(name)
    except ValueError as error:
        raise StudyprepError(f"--tz: {error}") from None
    return name


def _apply(plan: StudyPlan, change: PlanChange, now: datetime) -> bool:
    """Apply a change to the plan; return whether anything was asked."""
    if change.clear:
        if change != PlanChange(clear=True):  # `--clear --interview X` would silently drop the X
            raise StudyprepError("--clear removes the interview date and budget: give it without other settings")
        plan.interview_at = plan.time_zone = plan.daily_budget_minutes = plan.daily_budget_cards = None
        plan.target_recall = None
        return True
    if change.budget_minutes is not None and change.budget_cards is not None:
        raise StudyprepError("give the daily budget in minutes or in cards, not both")
    if change.time_zone is not None:
        plan.time_zone = _checked_zone(change.time_zone)
    if change.interview is not None:
        interview = parse_interview(change.interview, plan.time_zone, now)
        if interview <= now:
            raise StudyprepError(f"--interview: {interview.isoformat()} has already passed")
        if interview - now > MAX_INTERVIEW_AHEAD:
            raise StudyprepError(
                f"--interview: {interview.isoformat()} is more than {MAX_INTERVIEW_AHEAD.days // 365} years ahead;"
                " set the date when it is nearer"
            )
        plan.interview_at = interview
    if change.budget_minutes is not None:
        plan.daily_budget_minutes, plan.daily_budget_cards = change.budget_minutes, None
    if change.budget_cards is not None:
        plan.daily_budget_cards, plan.daily_budget_minutes = change.budget_cards, None
    if change.target is not None:
        if not 0 < change.target < 1:
            raise StudyprepError(f"--target: {change.target} must be between 0 and 1 (e.g. 0.9)")
        plan.target_recall = change.target
    return change != PlanChange()


def _forget_cached_plan(workspace: Workspace, slug: str) -> None:
    """Make `due` and `readiness` validate the rewritten plan file again rather than trust its size and mtime."""
    if database_path(workspace).is_file():
        with open_store(workspace) as store:
            store.forget_plan(slug)


def update_plan(workspace: Workspace, deck: str, change: PlanChange, now: datetime) -> PlanView:
    """Show a deck's interview plan, after applying `change` (saved atomically) when it asks for anything."""
    with deck_file_reader(workspace) as read:
        slug = load_deck(workspace, deck, read).slug  # a clear error for an unknown deck, or a broken one
    # Read, changed and written under the writers' lock: two `plan` commands at once must not lose a setting.
    with deck_write_lock(workspace) if change != PlanChange() else contextlib.nullcontext():
        plan = load_plan(workspace, slug)
        changed = _apply(plan, change, now)
        if changed:
            plan = StudyPlan.model_validate(plan.model_dump())  # re-check bounds before writing
            save_plan(workspace, plan)
            _forget_cached_plan(workspace, slug)
    return PlanView(
        deck=slug,
        path=str(plan_path(workspace, slug)),
        interview=plan.interview_local(),
        time_zone=plan.time_zone,
        budget_minutes=plan.daily_budget_minutes,
        budget_cards=plan.daily_budget_cards,
        target=plan.target_recall,
        changed=changed,
    )
