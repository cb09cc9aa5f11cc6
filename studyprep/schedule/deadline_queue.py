"""Today's cards of a deck with an interview date ahead, read from the review store: what `review` serves
and `due` counts for it.

Such a deck is served by `deadline.plan_today` instead of the plain FSRS order: its candidates are the deck's
active cards with their stored FSRS states, the scheduler is the deck plan's (fuzz off: the plan reads
stabilities, never fuzzed due dates), and the daily budget is the plan's (cards, or minutes at the user's own
mean answer time). Earlier sessions of the same study day share that budget: today's answers and new cards
are counted from the log (`DayPlanner`). Once the interview has passed a deck has no plan and plain FSRS resumes.
"""

from __future__ import annotations

__all__ = ["DayPlan", "DayPlanner"]

import contextlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING

from studyprep.progress import ProgressCallback, counted, no_progress
from studyprep.result import json_field, to_json
from studyprep.schedule.jsonfields import (
    MalformedEntryError,
    as_bool,
    as_int,
    as_list,
    as_number,
    as_object,
    as_str,
)
from studyprep.store.bulk import without_cyclic_gc

# The shape of a kept day plan: a plan kept by an earlier version (another shape) is decided again.
DAY_PLAN_FORMAT = 2

if TYPE_CHECKING:
    from studyprep.schedule.deck_day import DeckDay
    from studyprep.store.db import ReviewStore


@dataclass(frozen=True, kw_only=True)
class DayPlan:
    """A deadline deck's plan for the rest of today, after its due learning cards: the cards in the order to study
    them and what the day's budget leaves for them. Decided once a study day (`_decide`), kept in the review store
    as JSON, and served cut to the room left (`DayPlanner.served`)."""

    # Fields in the kept form's key order; the deck and its interview come from the deck's plan, not the form.
    deck: str = field(metadata=json_field(skip=True))
    cards: tuple[tuple[str, bool], ...]  # (card id, never seen before)
    learning: int = 0  # the due learning cards the plan put before these when it was decided
    room: float = 0  # answers left in today's budget for these cards, once learning steps owed are paid
    budget: int
    answered_today: int = field(metadata=json_field(name="answered"))
    final_days: bool
    interview: datetime = field(metadata=json_field(skip=True))
    readiness_today: float  # mean predicted recall at the interview if nothing more is studied
    answers_per_new: float = 1.0  # what a new card is expected to cost, its learning steps included

    def expected(self) -> tuple[int, int]:
        """(reviews, new cards) a session is expected to get to within the budget (`deadline.expected_counts`)."""
        from studyprep.schedule.deadline import expected_counts

        return expected_counts(self.cards, self.room, self.answers_per_new)

    @classmethod
    def from_json(cls, data: object, deck: str, interview: datetime) -> DayPlan:
        """The inverse of `result.to_json` (the kept form); `jsonfields.MalformedEntryError` for a kept plan of another
        shape."""
        found = as_object(data, _DAY_PLAN_KEYS)
        return cls(
            deck=deck,
            cards=tuple(_card(card) for card in as_list(found["cards"])),
            budget=as_int(found["budget"]),
            answered_today=as_int(found["answered"]),
            final_days=as_bool(found["final_days"]),
            interview=interview,
            readiness_today=as_number(found["readiness_today"]),
            room=as_number(found["room"]),
            answers_per_new=as_number(found["answers_per_new"]),
            learning=as_int(found["learning"]),
        )


_DAY_PLAN_KEYS = {"cards", "learning", "room", "budget", "answered", "final_days", "readiness_today",
                  "answers_per_new"}  # fmt: skip


def _card(value: object) -> tuple[str, bool]:
    """A kept plan's card: [card id, never seen before]."""
    pair = as_list(value)
    if len(pair) != 2:
        raise MalformedEntryError(f"expected [card id, new], got {value!r}")
    return as_str(pair[0]), as_bool(pair[1])


class DayPlanner:
    """Today's deadline plans of some decks at `now`: read back where kept, else decided (and kept).

    A deck is in `deadline_days` when it has an interview ahead; of those, `missing` have no plan kept for this
    study day and state yet. `decide` works them out and keeps them. The first command of a study day decides
    every deadline deck's plan; each is kept until the deck's cards, states, log or plan change
    (`ReviewStore.deck_version`), so later commands of the day read it back instead of re-deciding it.

    `served` is a plan cut to what is left of the daily budget. Buried cards are left out (they still count in
    the deck's pacing). The budget counts answers, learning steps included, so the room left today is the budget
    minus today's answers and the learning cards due now.
    """

    def __init__(self, store: ReviewStore, days: Sequence[DeckDay], now: datetime) -> None:
        self.store = store
        self.now = now
        fingerprints = {day.slug: _fingerprint(store, day, now) for day in days}
        self._fingerprints = {slug: found for slug, found in fingerprints.items() if found is not None}
        self.deadline_days = [day for day in days if day.slug in self._fingerprints]
        # A deck is missing from `_decided` until its plan is decided; None: decided, no plan (interview passed).
        self._decided: dict[str, DayPlan | None] = {}
        for day in self.deadline_days:
            self._read_kept(day)

    def has_plan(self, day: DeckDay) -> bool:
        """Whether the deck is served by a deadline plan today (it has an interview ahead)."""
        return day.slug in self._fingerprints

    def _read_kept(self, day: DeckDay) -> None:
        """Take the deck's kept plan for today, if one of the shape this version keeps is there (else: missing)."""
        try:
            kept = self.store.cached_day_plan(day.slug, self._fingerprints[day.slug])
        except ValueError:  # not JSON (edited by hand): missing, decided again
            return
        if kept == {}:
            self._decided[day.slug] = None
        elif kept is not None and day.plan is not None:
            # A plan kept by another version or edited by hand stays missing: it is decided again.
            with contextlib.suppress(MalformedEntryError):
                self._decided[day.slug] = DayPlan.from_json(kept, day.slug, day.plan.interview_at)

    @property
    def missing(self) -> list[DeckDay]:
        """Deadline decks whose plan is still to decide."""
        return [day for day in self.deadline_days if day.slug not in self._decided]

    def decide(self, days: Sequence[DeckDay], progress: ProgressCallback = no_progress) -> None:
        """Decide (and keep) these decks' plans now, one after the other (`progress` hears each deck done).

        Without the cyclic collector: a plan weighs thousands of reviews, each a few short-lived objects, beside a
        deck's long-lived states, and the collector walked them all again and again."""
        with without_cyclic_gc():
            plans = [_decide(self.store, day, self.now) for day in counted(days, "planning today", len(days), progress)]
        self.keep(days, plans)

    def keep(self, days: Sequence[DeckDay], plans: Sequence[DayPlan | None]) -> None:
        """Store decided plans for the rest of the study day (until the deck's state changes)."""
        for day, plan in zip(days, plans, strict=True):
            self.store.cache_day_plan(day.slug, self._fingerprints[day.slug], to_json(plan) if plan else {})
            self._decided[day.slug] = plan

    def served(self, day: DeckDay) -> DayPlan | None:
        """What is left of the deck's decided plan for the rest of today; None for a deck without one."""
        return _served(self.store, day, self.now, self._decided.get(day.slug))


def _served(store: ReviewStore, day: DeckDay, now: datetime, decided: DayPlan | None) -> DayPlan | None:
    """What is left of a decided plan (None for no plan) for the rest of today: buried cards left out, and only
    the cards that fit in the room."""
    if decided is None:
        return None
    from studyprep.schedule.deadline import cards_within

    buried = store.buried_ids(day.slug, now)
    cards = [(key, new) for key, new in decided.cards if key not in buried]
    started = cards_within([new for _, new in cards], decided.room, decided.answers_per_new)
    return replace(decided, cards=tuple(card for card, fits in zip(cards, started, strict=True) if fits))


def _fingerprint(store: ReviewStore, day: DeckDay, now: datetime) -> str | None:
    """What today's plan of the deck depends on (None when it has no interview ahead: no deadline plan)."""
    plan = day.plan
    if plan is None or plan.interview_at <= now:
        return None
    plan.check_horizon(now, store.path.parent / f"{day.slug}.yaml")
    return json.dumps([DAY_PLAN_FORMAT, day.day_start.isoformat(), store.deck_version(day.slug), plan.fingerprint])


def _decide(store: ReviewStore, day: DeckDay, now: datetime) -> DayPlan | None:
    """Run the deadline policy on the deck's stored states: the day's plan (None for none)."""
    from studyprep.schedule.deadline import Candidate, DeadlineGoal, plan_today
    from studyprep.schedule.projection import MemoScheduler
    from studyprep.schedule.readiness import Budget, user_pace

    plan = day.plan
    assert plan is not None  # noqa: S101 (checked by the caller)
    states = store.card_states(day.slug)
    candidates = [Candidate(card_id, state, order) for order, (card_id, state) in enumerate(states.items())]
    pace, _ = user_pace(store, day.slug)
    budget = Budget(cards=plan.daily_budget_cards, minutes=plan.daily_budget_minutes).answers(pace)
    answered = store.answers_since(day.slug, day.day_start)
    # The projection's memoizing scheduler: fsrs's results exactly (tests/test_fsrs_step.py), without copying a
    # card and its datetimes for each of the thousands of reviews a plan weighs.
    scheduler = MemoScheduler.of(plan.fsrs_scheduler(fuzz=False))
    today = plan_today(
        candidates,
        now,
        DeadlineGoal(plan.interview_at, budget, plan.target_recall or 0.9),
        scheduler,
        answered_today=answered,
        introduced_today=store.new_cards_since(day.slug, day.day_start),
    )
    if today is None:
        return None
    return DayPlan(
        deck=day.slug,
        cards=tuple(today.planned()),
        budget=budget,
        answered_today=answered,
        final_days=today.final_days,
        interview=plan.interview_at,
        readiness_today=today.readiness_today,
        room=today.room,
        answers_per_new=today.answers_per_new,
        learning=today.learning,
    )
