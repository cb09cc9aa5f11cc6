"""Today's work per deck: learning, review and new counts and the next due moment, each deck's study day and
new-card limit from its plan, and for a deck with an interview date ahead the counts its deadline plan serves
(`deadline_queue.DayPlanner`), with its readiness today. `due`, `decks` and the review session share them.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from studyprep.progress import ProgressCallback, no_progress
from studyprep.result import json_field, to_json
from studyprep.schedule.deadline_plan import plan_settings
from studyprep.schedule.deck_day import DeckDay
from studyprep.store.db import DeckCounts, ReviewStore
from studyprep.store.workspace import Workspace

if TYPE_CHECKING:
    from studyprep.schedule.deadline_queue import DayPlan

__all__ = [
    "BrokenDeck",
    "DeckDue",
    "ReadinessGlance",
    "broken_decks",
    "counts_for",
    "deck_days",
    "workspace_counts",
]


@dataclass(frozen=True)
class ReadinessGlance:
    """A deck with an interview ahead, at a glance: when, the time left, and its readiness today (mean predicted
    recall at the interview if nothing more is studied)."""

    interview: datetime
    days_left: int
    hours_left: float
    seconds_left: int
    readiness_today: float

    @classmethod
    def at(cls, interview: datetime, readiness_today: float, now: datetime) -> ReadinessGlance:
        """The glance at `now` (time left never below zero; figures rounded as shown)."""
        left = max((interview - now).total_seconds(), 0.0)
        return cls(interview, int(left // 86400), round(left / 3600, 1), round(left), round(readiness_today, 4))


@dataclass(frozen=True)
class DeckDue:
    """One deck's work for today."""

    deck: str
    learning: int
    review: int
    new: int
    new_today: int
    next_due: datetime | None
    readiness: ReadinessGlance | None = field(default=None, metadata=json_field(skip_none=True))  # deadline decks only

    @property
    def total(self) -> int:
        """Cards to go through today."""
        return self.learning + self.review + self.new

    def counts_json(self) -> dict[str, Any]:
        """Today's counts and the next due moment, as `due --json` has them per deck: `decks --json` under `due`."""
        data: dict[str, Any] = to_json(self)
        data.pop("readiness", None)
        del data["deck"]
        return data


@dataclass(frozen=True)
class BrokenDeck:
    """A deck whose file cannot be read: listed with its error (file and line), counted as nothing."""

    deck: str
    error: str


def broken_decks(broken: dict[str, Any]) -> list[BrokenDeck]:
    """`ReviewStore.refresh_decks`' errors as listed by `due` and `decks`, by slug."""
    return [BrokenDeck(slug, broken[slug].render()) for slug in sorted(broken)]


def deck_days(workspace: Workspace, store: ReviewStore, slugs: list[str], now: datetime) -> list[DeckDay]:
    """Each deck's new-card limit and today's bounds, from its plan (cached per plan-file version)."""
    return [_deck_day(workspace, store, slug, now) for slug in slugs]


def _deck_day(workspace: Workspace, store: ReviewStore, slug: str, now: datetime) -> DeckDay:
    settings = plan_settings(workspace, store, slug)
    start, end = settings.study_day(now)
    deadline = settings.deadline
    if deadline is None or deadline.interview_at <= now:
        return DeckDay(slug, settings.new_cards_per_day, start, end)
    return DeckDay(slug, settings.new_cards_per_day, start, end, deadline)


def counts_for(
    store: ReviewStore, days: list[DeckDay], now: datetime, progress: ProgressCallback = no_progress
) -> list[DeckDue]:
    """Today's counts for each deck, from the database (a deadline deck's as its plan serves them); the deadline
    plans still to decide for the day are decided (and kept) first (`progress` hears each)."""
    from studyprep.schedule.deadline_queue import DayPlanner

    planner = DayPlanner(store, days, now)
    planner.decide(planner.missing, progress)
    counts = [store.deck_counts(day.slug, now, day.day_start, day.day_end, day.new_cards_per_day,
                                planned=planner.has_plan(day)) for day in days]  # fmt: skip
    return [_deck_due(count, planner.served(day), now) for day, count in zip(days, counts, strict=True)]


def _deck_due(counts: DeckCounts, planned: DayPlan | None, now: datetime) -> DeckDue:
    review, new = (counts.review, counts.new_available) if planned is None else planned.expected()
    glance = None if planned is None else ReadinessGlance.at(planned.interview, planned.readiness_today, now)
    return DeckDue(counts.deck, counts.learning, review, new, counts.new_today, counts.next_due, glance)


def workspace_counts(
    workspace: Workspace,
    store: ReviewStore,
    now: datetime,
    broken: Collection[str] = (),
    progress: ProgressCallback = no_progress,
) -> list[DeckDue]:
    """`counts_for` for every deck of a workspace whose mirror is fresh (less the decks whose file is `broken`)."""
    slugs = [slug for slug in store.deck_slugs() if slug not in broken]
    return counts_for(store, deck_days(workspace, store, slugs, now), now, progress)
