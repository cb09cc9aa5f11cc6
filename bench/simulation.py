"""Day-by-day simulation of study sessions with the FSRS model, for the benchmarks and the tests that hold the
deadline policy and the readiness projection to it.

A simulated learner answers cards: recall is drawn from the learner's *true* memory (an FSRS scheduler whose
parameters may differ from the model's), and the model's belief about each card is updated with the same
ratings through the model's scheduler, exactly as the review session would. Randomness comes from one seeded
`random.Random`, and fuzz is off, so a run is reproducible.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler, State

from studyprep.schedule.deadline import MAX_STEPS, Candidate, recall_at

DAY = timedelta(days=1)

# A policy picks and orders the keys to study in today's session: (candidates, now) -> keys.
Policy = Callable[[Sequence[Candidate], datetime], list[str]]


@dataclass(frozen=True)
class Answers:
    """How a learner rates: the chance of failing a card at first sight, and the split of passing grades."""

    first_sight_again: float = 0.3
    hard: float = 0.1
    easy: float = 0.1

    def rate(self, rng: random.Random, recalled: bool) -> Rating:
        """A rating for an answer that was (or was not) recalled."""
        if not recalled:
            return Rating.Again
        draw = rng.random()
        if draw < self.hard:
            return Rating.Hard
        if draw < self.hard + self.easy:
            return Rating.Easy
        return Rating.Good


@dataclass
class Learner:
    """A simulated person: true memory follows `truth` (an FSRS scheduler), answers follow `answers`."""

    truth: Scheduler
    answers: Answers
    rng: random.Random

    def rate(self, memory: FsrsCard | None, when: datetime) -> Rating:
        """Draw the rating for showing a card now, given the learner's true memory of it."""
        if memory is None:
            recalled = self.rng.random() >= self.answers.first_sight_again
        else:
            recalled = self.rng.random() < recall_at(self.truth, memory, when)
        return self.answers.rate(self.rng, recalled)


@dataclass
class SimCard:
    """A card in a simulation: what the model believes and what the learner really remembers."""

    key: str
    order: int
    model: FsrsCard | None = None
    memory: FsrsCard | None = None


@dataclass
class SimDay:
    """One simulated day: answers given, cards introduced, and recall-on-the-day figures after the session."""

    when: datetime
    answers: int
    new: int
    predicted: float
    true: float


@dataclass
class SimResult:
    """A whole simulated run."""

    days: list[SimDay] = field(default_factory=list)
    predicted_by_card: dict[str, float] = field(default_factory=dict)
    true_by_card: dict[str, float] = field(default_factory=dict)

    @property
    def answers(self) -> int:
        """All answers given, (re)learning steps included."""
        return sum(day.answers for day in self.days)

    @property
    def predicted(self) -> float:
        """The model's mean recall at the interview after the last session."""
        return _mean(self.predicted_by_card.values())

    @property
    def true(self) -> float:
        """The learner's true mean recall at the interview."""
        return _mean(self.true_by_card.values())


def _mean(values: object) -> float:
    items = list(values)  # type: ignore[call-overload]
    return sum(items) / len(items) if items else 0.0


@dataclass
class Simulation:
    """Runs daily sessions of `policy` for a learner until the interview."""

    model: Scheduler
    learner: Learner
    daily_answers: int
    interview: datetime
    cards: list[SimCard]
    # Every answer given, as (card key, moment, rating), when a list is handed in (a review log to fit on).
    log: list[tuple[str, datetime, Rating]] | None = None

    def study(self, card: SimCard, when: datetime) -> int:
        """Show one card and run its same-day (re)learning steps; return the answers given."""
        answers = 0
        while answers < MAX_STEPS:
            rating = self.learner.rate(card.memory, when)
            if self.log is not None:
                self.log.append((card.key, when, rating))
            model = card.model or FsrsCard(card_id=card.order, due=when)
            memory = card.memory or FsrsCard(card_id=card.order, due=when)
            card.model, _ = self.model.review_card(model, rating, when)
            card.memory, _ = self.learner.truth.review_card(memory, rating, when)
            answers += 1
            if card.model.state == State.Review:
                break
            when = card.model.due
        return answers

    def session(self, policy: Policy, when: datetime) -> SimDay:
        """One day's session: study the policy's cards in order until the budget is spent."""
        by_key = {card.key: card for card in self.cards}
        candidates = [Candidate(card.key, card.model, card.order) for card in self.cards]
        answers = new = 0
        for key in policy(candidates, when):
            if answers >= self.daily_answers:
                break
            card = by_key[key]
            new += card.model is None
            answers += self.study(card, when)
        return SimDay(when, answers, new, self.predicted(), self.true())

    def predicted(self) -> float:
        """The model's mean recall at the interview as things stand."""
        return _mean(recall_at(self.model, card.model, self.interview) for card in self.cards)

    def true(self) -> float:
        """The learner's true mean recall at the interview as things stand."""
        return _mean(recall_at(self.learner.truth, card.memory, self.interview) for card in self.cards)

    def run(self, policy: Policy, start: datetime) -> SimResult:
        """Daily sessions from `start` (same time each day) while before the interview."""
        result = SimResult()
        when = start
        while when < self.interview:
            result.days.append(self.session(policy, when))
            when += DAY
        result.predicted_by_card = {c.key: recall_at(self.model, c.model, self.interview) for c in self.cards}
        result.true_by_card = {c.key: recall_at(self.learner.truth, c.memory, self.interview) for c in self.cards}
        return result
