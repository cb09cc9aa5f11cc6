"""Readiness for the interview: predicted recall on the day, as it stands and as it will be if the plan is kept.

Pure functions with an injected `now`; nothing here reads files or prints. Readiness is the mean FSRS
retrievability of a deck's active cards at the interview moment (`deadline.recall_at`: FSRS's forgetting
curve with fractional days elapsed), a card never seen counting 0. The projection follows the deadline policy
day by day within the daily budget with the FSRS model itself: an expected-value projection (each review weighted
by the model's probability of recall, outcomes from fsrs's own `review_card`; see `studyprep.schedule.projection`).
"""

from __future__ import annotations

__all__ = [
    "MAX_ANSWER_MS",
    "Budget",
    "Readiness",
    "TrackedCard",
    "assess",
    "category_recall",
    "seconds_per_answer",
    "user_pace",
]

import heapq
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from fsrs import Card as FsrsCard
from fsrs import Scheduler

from studyprep.result import Computed, json_field, rounded
from studyprep.schedule.deadline import Candidate, DeadlineGoal, recalls_at, sessions_left
from studyprep.schedule.projection import Projection, project_plan

if TYPE_CHECKING:
    from studyprep.store.db import ReviewStore

DEFAULT_SECONDS_PER_ANSWER = 20.0
DEFAULT_BUDGET_MINUTES = 20
AT_RISK = 10
MIN_ANSWER_MS = 1_000
MAX_ANSWER_MS = 300_000
PACE_ANSWERS = 2_000  # the pace is measured over the latest logged answers


class TrackedCard(NamedTuple):
    """An active card with its category label and FSRS state (None = never seen).

    A named tuple: `readiness` builds one per active card of every deck (a frozen dataclass costs 3x more).
    """

    key: str
    category: str
    state: FsrsCard | None


@dataclass(frozen=True)
class Budget:
    """The daily budget as the plan gives it: answers, or minutes (converted with the user's pace)."""

    cards: int | None = None
    minutes: float | None = None

    def answers(self, seconds_per_answer: float) -> int:
        """Answers per day this budget allows."""
        if self.cards is not None:
            return max(1, self.cards)
        minutes = self.minutes if self.minutes is not None else DEFAULT_BUDGET_MINUTES
        return max(1, int(minutes * 60 / seconds_per_answer))


# A predicted recall or a plan figure, in JSON to 4 decimals.
_FIGURE = json_field(convert=rounded(4))


@dataclass
class CategoryReadiness:
    """Readiness of one category's cards."""

    category: str
    cards: int
    seen: int
    today: float = field(metadata=_FIGURE)
    projected: float = field(metadata=_FIGURE)


@dataclass
class CardRisk:
    """A card and its predicted recall on the day, now and if the plan is kept."""

    key: str
    prompt: str
    category: str
    today: float = field(metadata=_FIGURE)
    projected: float = field(metadata=_FIGURE)


@dataclass
class PlanDay:
    """One day of the projected plan: new cards, reviews (cards seen before), minutes (every answer)."""

    date: str
    new: float = field(metadata=_FIGURE)
    reviews: float = field(metadata=_FIGURE)
    minutes: float = field(metadata=_FIGURE)
    readiness: float = field(metadata=_FIGURE)


@dataclass
class Readiness:
    """Every readiness figure of one deck."""

    now: datetime
    interview: datetime
    cards: int
    seen: int
    today: float = field(metadata=json_field(name="readiness_today", convert=rounded(4)))
    projected: float = field(metadata=json_field(name="readiness_projected", convert=rounded(4)))
    target: float
    daily_answers: int
    seconds_per_answer: float = field(metadata=json_field(convert=rounded(1)))
    seconds_measured: bool = field(metadata=json_field(name="seconds_per_answer_measured"))
    categories: list[CategoryReadiness] = field(default_factory=list)
    at_risk: list[CardRisk] = field(default_factory=list)
    days: list[PlanDay] = field(default_factory=list, metadata=json_field(name="daily_plan"))

    json_computed: ClassVar[tuple[Computed, ...]] = (
        Computed("interview_passed", after="interview", attribute="passed"),
        Computed("days_left", after="interview_passed", attribute="seconds_left", convert=lambda s: int(s // 86400)),
        Computed("hours_left", after="days_left", attribute="seconds_left", convert=lambda s: round(s / 3600, 1)),
        Computed("coverage", after="seen", convert=rounded(4)),
        Computed("on_track", after="target"),
    )

    @property
    def seconds_left(self) -> float:
        """Time to the interview (0 once it has passed)."""
        return max(0.0, (self.interview - self.now).total_seconds())

    @property
    def passed(self) -> bool:
        """Whether the interview moment is behind `now` (then there is nothing left to plan)."""
        return self.now >= self.interview

    @property
    def coverage(self) -> float:
        """Share of active cards seen at least once."""
        return self.seen / self.cards if self.cards else 0.0

    @property
    def on_track(self) -> bool:
        """Whether keeping the plan reaches the target recall."""
        return self.projected >= self.target


def seconds_per_answer(durations_ms: Sequence[int]) -> tuple[float, bool]:
    """The user's mean answer time, and whether it was measured.

    Walk-aways over 5 minutes are ignored, and so are answers under a second (scripted sessions, key repeats):
    counted, they would turn a minutes budget into thousands of answers a day.
    """
    usable = [ms for ms in durations_ms if MIN_ANSWER_MS <= ms <= MAX_ANSWER_MS]
    return mean_pace(len(usable), sum(usable))


def user_pace(store: ReviewStore, deck: str) -> tuple[float, bool]:
    """The user's mean answer time in a deck over its latest PACE_ANSWERS reviews (the recent pace will hold).

    Summed in SQL: fetching every logged duration took most of a second at 1M reviews.
    """
    return mean_pace(*store.recent_pace(deck, PACE_ANSWERS, MIN_ANSWER_MS, MAX_ANSWER_MS))


def mean_pace(count: int, total_ms: float) -> tuple[float, bool]:
    """Mean seconds per answer from the count and total of usable durations (the default when there are none)."""
    if not count:
        return DEFAULT_SECONDS_PER_ANSWER, False
    return total_ms / count / 1000, True


def category_recall(cards: Sequence[TrackedCard], moment: datetime, scheduler: Scheduler) -> list[CategoryReadiness]:
    """Per-category mean predicted recall at `moment` (no projection), weakest first."""
    recall = _recall_by_key(cards, scheduler, moment)
    return _categories(cards, recall, recall)


def _recall_by_key(cards: Sequence[TrackedCard], scheduler: Scheduler, moment: datetime) -> dict[str, float]:
    """Each card's predicted recall at `moment` (`deadline.recalls_at`), by key."""
    return dict(zip([card.key for card in cards], recalls_at(scheduler, [card.state for card in cards], moment),
                    strict=True))  # fmt: skip


def assess(
    cards: Sequence[TrackedCard],
    interview: datetime,
    now: datetime,
    scheduler: Scheduler,
    *,
    budget: Budget,
    target: float = 0.9,
    durations_ms: Sequence[int] = (),
    pace: tuple[float, bool] | None = None,
    zone: tzinfo | None = None,
    prompts: Callable[[Sequence[str]], Mapping[str, str]],
    today_done: tuple[int, int] = (0, 0),
) -> Readiness:
    """Readiness of a deck's active `cards` for an interview at `interview`, seen from `now`.

    The answer pace comes from `pace` (seconds, measured) when given, else from `durations_ms`. `prompts` looks up
    the prompts of the cards at risk (a deck's thousands of prompts are never needed, its ten weakest are).
    `today_done` is (answers, new cards) today's sessions already gave: the projection plays out only the rest
    of today's budget, so its first day agrees with `due` and `review`.
    """
    seconds, measured = pace or seconds_per_answer(durations_ms)
    goal = DeadlineGoal(interview, budget.answers(seconds), target)
    today = _recall_by_key(cards, scheduler, interview)
    projection = None
    if sessions_left(now, interview):
        candidates = [Candidate(card.key, card.state, order) for order, card in enumerate(cards)]
        projection = project_plan(
            candidates, goal, now, scheduler, today, answered_today=today_done[0], introduced_today=today_done[1]
        )
    projected = projection.by_key if projection else today
    report = Readiness(
        now=now,
        interview=interview,
        target=target,
        daily_answers=goal.daily_answers,
        seconds_per_answer=seconds,
        seconds_measured=measured,
        cards=len(cards),
        seen=sum(card.state is not None for card in cards),
        today=_mean(today.values()),
        projected=_mean(projected.values()),
    )
    report.categories = _categories(cards, today, projected)
    report.at_risk = _at_risk(cards, today, projected, prompts)
    report.days = _plan_days(projection, seconds, zone)
    return report


def _mean(values: Any) -> float:
    items = list(values)
    return sum(items) / len(items) if items else 0.0


def _categories(
    cards: Sequence[TrackedCard], today: dict[str, float], projected: dict[str, float]
) -> list[CategoryReadiness]:
    """Per-category readiness, weakest (lowest today, then projected) first."""
    groups: dict[str, list[TrackedCard]] = defaultdict(list)
    for card in cards:
        groups[card.category].append(card)
    rows = [
        CategoryReadiness(
            category=name,
            cards=len(members),
            seen=sum(card.state is not None for card in members),
            today=_mean(today[card.key] for card in members),
            projected=_mean(projected[card.key] for card in members),
        )
        for name, members in groups.items()
    ]
    return sorted(rows, key=lambda row: (row.today, row.projected, row.category))


def _at_risk(
    cards: Sequence[TrackedCard],
    today: dict[str, float],
    projected: dict[str, float],
    prompts: Callable[[Sequence[str]], Mapping[str, str]],
) -> list[CardRisk]:
    """The cards with the lowest predicted recall on the day if the plan is kept (then as things stand)."""
    weakest = heapq.nsmallest(AT_RISK, ((projected[c.key], today[c.key], c.key, c) for c in cards))
    prompt = prompts([c.key for *_, c in weakest])
    return [CardRisk(c.key, prompt.get(c.key, ""), c.category, today=now, projected=on_day)
            for on_day, now, _, c in weakest]  # fmt: skip


def _plan_days(projection: Projection | None, pace: float, zone: tzinfo | None) -> list[PlanDay]:
    """Expected new cards, reviews, minutes and readiness per day of the projection."""
    if projection is None:
        return []
    return [
        PlanDay(
            date=(day.when.astimezone(zone) if zone else day.when).date().isoformat(),
            new=day.new,
            reviews=day.reviews,
            minutes=day.answers * pace / 60,
            readiness=day.readiness,
        )
        for day in projection.days
    ]
