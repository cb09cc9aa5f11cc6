"""Readiness for the interview: predicted recall on the day, as it stands and as it will be if the plan is kept.

Pure functions with an injected `now`; nothing here reads files or prints. Readiness is the mean FSRS
retrievability of a deck's active cards at the interview moment (`deadline.recall_at`: FSRS's forgetting
curve with fractional days elapsed), a card never seen counting 0. The projection simulates the coming days with
the FSRS model itself (seeded Monte Carlo through the scheduler's own `review_card`), following the deadline
policy within the daily budget.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from fsrs import Card as FsrsCard
from fsrs import Scheduler

from studyprep.clock import isoformat
from studyprep.deadline import DeadlineGoal, plan_today, recall_at, sessions_left
from studyprep.simulation import Answers, Learner, SimCard, SimResult, Simulation, without_fuzz

DEFAULT_SECONDS_PER_ANSWER = 20.0
DEFAULT_BUDGET_MINUTES = 20
PROJECTION_RUNS = 8
AT_RISK = 10


@dataclass(frozen=True)
class TrackedCard:
    """An active card with its category label and FSRS state (None = never seen)."""

    key: str
    prompt: str
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


@dataclass
class CategoryReadiness:
    """Readiness of one category's cards."""

    category: str
    cards: int
    seen: int
    today: float
    projected: float


@dataclass
class CardRisk:
    """A card and its predicted recall on the day, now and if the plan is kept."""

    key: str
    prompt: str
    category: str
    today: float
    projected: float


@dataclass
class PlanDay:
    """One day of the projected plan."""

    date: str
    new: float
    reviews: float
    minutes: float
    readiness: float


@dataclass
class Readiness:
    """Every readiness figure of one deck."""

    now: datetime
    interview: datetime
    target: float
    daily_answers: int
    seconds_per_answer: float
    seconds_measured: bool
    cards: int
    seen: int
    today: float
    projected: float
    categories: list[CategoryReadiness] = field(default_factory=list)
    at_risk: list[CardRisk] = field(default_factory=list)
    days: list[PlanDay] = field(default_factory=list)

    @property
    def seconds_left(self) -> float:
        """Time to the interview (0 once it has passed)."""
        return max(0.0, (self.interview - self.now).total_seconds())

    @property
    def coverage(self) -> float:
        """Share of active cards seen at least once."""
        return self.seen / self.cards if self.cards else 0.0

    @property
    def on_track(self) -> bool:
        """Whether keeping the plan reaches the target recall."""
        return self.projected >= self.target

    def to_json(self) -> dict[str, Any]:
        """Machine-readable form with every figure."""
        left = self.seconds_left
        return {
            "now": isoformat(self.now),
            "interview": isoformat(self.interview),
            "days_left": int(left // 86400),
            "hours_left": round(left / 3600, 1),
            "cards": self.cards,
            "seen": self.seen,
            "coverage": round(self.coverage, 4),
            "readiness_today": round(self.today, 4),
            "readiness_projected": round(self.projected, 4),
            "target": self.target,
            "on_track": self.on_track,
            "daily_answers": self.daily_answers,
            "seconds_per_answer": round(self.seconds_per_answer, 1),
            "seconds_per_answer_measured": self.seconds_measured,
            "categories": [_rounded(asdict(c)) for c in self.categories],
            "at_risk": [_rounded(asdict(c)) for c in self.at_risk],
            "daily_plan": [_rounded(asdict(d)) for d in self.days],
        }


def _rounded(data: dict[str, Any]) -> dict[str, Any]:
    return {key: round(value, 4) if isinstance(value, float) else value for key, value in data.items()}


def seconds_per_answer(durations_ms: Sequence[int]) -> tuple[float, bool]:
    """The user's mean answer time, and whether it was measured.

    Walk-aways over 5 minutes are ignored, and so are answers under a second (scripted sessions, key repeats):
    counted, they would turn a minutes budget into thousands of answers a day.
    """
    usable = [ms / 1000 for ms in durations_ms if 1_000 <= ms <= 300_000]
    if not usable:
        return DEFAULT_SECONDS_PER_ANSWER, False
    return sum(usable) / len(usable), True


def readiness_today(cards: Sequence[TrackedCard], interview: datetime, scheduler: Scheduler) -> float:
    """Mean predicted recall at the interview if nothing more is studied (never seen = 0)."""
    if not cards:
        return 0.0
    return sum(recall_at(scheduler, card.state, interview) for card in cards) / len(cards)


def category_recall(cards: Sequence[TrackedCard], moment: datetime, scheduler: Scheduler) -> list[CategoryReadiness]:
    """Per-category mean predicted recall at `moment` (no projection), weakest first."""
    recall = {card.key: recall_at(scheduler, card.state, moment) for card in cards}
    return _categories(cards, recall, recall)


def project(
    cards: Sequence[TrackedCard], goal: DeadlineGoal, now: datetime, scheduler: Scheduler, runs: int, seed: int = 0
) -> list[SimResult]:
    """Seeded Monte Carlo runs of keeping the plan until the interview, with the FSRS model as the learner."""
    model = without_fuzz(scheduler)

    def policy(candidates, when):
        plan = plan_today(candidates, when, goal, model)
        return plan.keys if plan else []

    results = []
    for run in range(runs):
        sim_cards = [SimCard(card.key, index, card.state, card.state) for index, card in enumerate(cards)]
        learner = Learner(model, Answers(), random.Random(seed * 1_000_003 + run))  # noqa: S311 - a simulation
        simulation = Simulation(model, learner, goal.daily_answers, goal.interview, sim_cards)
        results.append(simulation.run(policy, now))
    return results


def assess(
    cards: Sequence[TrackedCard],
    interview: datetime,
    now: datetime,
    scheduler: Scheduler,
    *,
    budget: Budget,
    target: float = 0.9,
    durations_ms: Sequence[int] = (),
    runs: int = PROJECTION_RUNS,
    zone: tzinfo | None = None,
) -> Readiness:
    """Readiness of a deck's active `cards` for an interview at `interview`, seen from `now`."""
    pace, measured = seconds_per_answer(durations_ms)
    goal = DeadlineGoal(interview, budget.answers(pace), target)
    results = project(cards, goal, now, scheduler, runs) if sessions_left(now, interview) else []
    today = {card.key: recall_at(scheduler, card.state, interview) for card in cards}
    projected = _mean_by_card(results) if results else today
    report = Readiness(
        now=now,
        interview=interview,
        target=target,
        daily_answers=goal.daily_answers,
        seconds_per_answer=pace,
        seconds_measured=measured,
        cards=len(cards),
        seen=sum(card.state is not None for card in cards),
        today=_mean(today.values()),
        projected=_mean(projected.values()),
    )
    report.categories = _categories(cards, today, projected)
    report.at_risk = _at_risk(cards, today, projected)
    report.days = _plan_days(results, pace, zone)
    return report


def _mean(values: Any) -> float:
    items = list(values)
    return sum(items) / len(items) if items else 0.0


def _mean_by_card(results: list[SimResult]) -> dict[str, float]:
    totals: dict[str, float] = defaultdict(float)
    for result in results:
        for key, value in result.predicted_by_card.items():
            totals[key] += value
    return {key: total / len(results) for key, total in totals.items()}


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


def _at_risk(cards: Sequence[TrackedCard], today: dict[str, float], projected: dict[str, float]) -> list[CardRisk]:
    """The cards with the lowest predicted recall on the day if the plan is kept (then as things stand)."""
    risks = [CardRisk(c.key, c.prompt, c.category, today[c.key], projected[c.key]) for c in cards]
    risks.sort(key=lambda risk: (risk.projected, risk.today, risk.key))
    return risks[:AT_RISK]


def _plan_days(results: list[SimResult], pace: float, zone: tzinfo | None) -> list[PlanDay]:
    """Mean new cards, reviews, minutes and readiness per day over the projection runs."""
    if not results:
        return []
    days = []
    for index, first in enumerate(results[0].days):
        same_day = [result.days[index] for result in results]
        new = _mean(day.new for day in same_day)
        answers = _mean(day.answers for day in same_day)
        days.append(
            PlanDay(
                date=(first.when.astimezone(zone) if zone else first.when).date().isoformat(),
                new=new,
                reviews=answers - new,
                minutes=answers * pace / 60,
                readiness=_mean(day.predicted for day in same_day),
            )
        )
    return days
