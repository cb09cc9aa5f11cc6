"""Expected-value projection of keeping the deadline plan until the interview, with the FSRS model.

Instead of Monte Carlo samples, each card carries a few weighted memory states ("branches"): a review splits
every branch into its outcomes (failed, then passed as Hard, Good or Easy, as the bench's `simulation.Answers` rates),
each weighted by the model's probability of recall at that moment and computed with fsrs's own
`review_card`, followed by the same-day (re)learning steps. The expected recall on the day is the weighted
mean of the branches' retrievability. Each day the deadline policy (`deadline.plan_today`) picks the cards,
seeing each card's most likely state, within the daily budget counted in expected answers.

Bounded work, whatever the deck size:
- `MemoScheduler` memoizes `review_card` on exactly what fsrs's result depends on (state, step, stability,
  difficulty, whole days since the last review, rating; and a review card's last interval, for Anki's order of
  passing intervals), computing a miss with fsrs's own arithmetic (`fsrs_step.anki_step`), and branches whose
  stability and difficulty agree to 5 significant digits merge, so a card's states stay few and repeat;
- a deck larger than `SAMPLE_CARDS` is projected through a stratified sample (unseen cards by document order,
  seen cards by recall on the day) with the daily budget scaled in proportion; every card takes the
  projection of the representative of its stratum position, weighted by how many cards it stands for.
"""

from __future__ import annotations

__all__ = ["DAY", "SAMPLE_CARDS", "MemoScheduler", "Projection", "project_plan"]

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, ClassVar

from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler, State

from studyprep.schedule.deadline import (
    FIRST_SIGHT_PASS,
    MAX_STEPS,
    PASS_SPLIT,
    Candidate,
    DeadlineGoal,
    PlanMemo,
    TodayPlan,
    Tuning,
    plan_today,
    recall_at,
)
from studyprep.schedule.fsrs_step import Step, StepModel, anki_step, step_model
from studyprep.schedule.studydays import StudyDayScheduler, scheduled_days, without_fuzz

DAY = timedelta(days=1)
# bench/projection.py: through 30 cards, or 20, the error against simulating the whole deck is the one 60 gave
# (about 0.004 mean, 0.01 at most), at half the cost; a sampled budget of one answer a day was the error that
# mattered (0.013), hence the floor of two.
SAMPLE_CARDS = 30
MIN_SAMPLE_BUDGET = 2
MAX_SAMPLE_CARDS = 240
MAX_BRANCHES = 4
_REVIEW, _GOOD = State.Review, Rating.Good  # bound once: an Enum class attribute costs more (Python 3.11)


def _rounded(value: float | None) -> float | None:
    return None if value is None else float(f"{value:.5g}")


class MemoScheduler(StudyDayScheduler):
    """fsrs's Scheduler (fuzz off, elapsed time in the source's study days) whose `review_card` is memoized; the
    review log is not built (None).

    Make one with `MemoScheduler.of(scheduler)`.
    """

    _memo: dict[tuple[Any, ...], Any]
    _days: dict[tuple[datetime, datetime], int]
    _step_model: StepModel  # fsrs_step's figures of these parameters

    _memos: ClassVar[dict[str, dict[tuple[Any, ...], Any]]] = {}

    @classmethod
    def of(cls, scheduler: Scheduler) -> MemoScheduler:
        """A memoizing copy of `scheduler`, with interval fuzz off so results depend on the state only.

        Copies with the same settings share one memo (a workspace's decks mostly use the same parameters).
        """
        model = without_fuzz(scheduler, cls)
        exact_steps = [step / timedelta(microseconds=1) for step in (*model.learning_steps, *model.relearning_steps)]
        key = json.dumps([model.to_dict(), exact_steps, model.day_starts_at_hour, model.time_zone], sort_keys=True)
        model._memo = cls._memos.setdefault(key, {})
        model._days = {}
        model._step_model = step_model(model)
        return model

    def review_card(  # type: ignore[override]
        self,
        card: FsrsCard,
        rating: Rating,
        review_datetime: datetime | None = None,
        review_duration: int | None = None,
    ) -> tuple[FsrsCard, None]:
        """fsrs's `review_card` (passing intervals in Anki's order), computed once per (state, step, ~stability,
        ~difficulty, whole days, last interval of a review card, rating)."""
        assert review_datetime is not None  # noqa: S101 - the clock is injected; never "now" here
        state, step, stability, difficulty, offset = self._step(
            card.state, card.step, card.stability, card.difficulty, card.last_review, _previous(card, rating),
            rating, review_datetime,
        )  # fmt: skip
        return _card(card.card_id, state, step, stability, difficulty, review_datetime + offset, review_datetime), None

    def review_outcome_states(self, card: FsrsCard, when: datetime) -> tuple[FsrsCard, FsrsCard, int]:
        """The states after reviewing `card` at `when` rated Good, and rated Again, each then through its same-day
        (re)learning steps answered Good, and the answers the failed one's steps took: `review_card` and
        `deadline.finish_steps` exactly, on plain values (a plan weighs thousands of such reviews; the cards
        between the steps were most of their cost)."""
        passed, _ = self.review_through_steps(card, Rating.Good, when)
        failed, answers = self.review_through_steps(card, Rating.Again, when)
        return passed, failed, answers

    def review_through_steps(self, card: FsrsCard, rating: Rating, when: datetime) -> tuple[FsrsCard, int]:
        """`review_card(card, rating, when)`, then `finish_steps` (Good at each step's due moment)."""
        state, step, stability, difficulty, offset = self._step(
            card.state, card.step, card.stability, card.difficulty, card.last_review, _previous(card, rating),
            rating, when,
        )  # fmt: skip
        last, due, answers = when, when + offset, 0
        while state != _REVIEW and answers < MAX_STEPS:  # (re)learning steps: no last interval to order against
            state, step, stability, difficulty, offset = self._step(
                state, step, stability, difficulty, last, None, _GOOD, due
            )
            last, due, answers = due, due + offset, answers + 1
        return _card(card.card_id, state, step, stability, difficulty, due, last), answers

    def _step(
        self,
        state: State,
        step: int | None,
        stability: float | None,
        difficulty: float | None,
        last: datetime | None,
        previous: int | None,
        rating: Rating,
        when: datetime,
    ) -> Step:
        """One review at `when` of a card last reviewed at `last` (`previous`: its last interval in days, when a
        review card's passing answer orders its intervals against it), as plain values, computed once per key."""
        if last is None:
            days = None
        else:  # the few moments of a projection pair up again and again: each pair's count is looked up once
            days = self._days.get((last, when))
            if days is None:
                days = self._days[(last, when)] = self.elapsed_days(last, when)
        key = (state, step, stability, difficulty, days, previous, rating)
        hit = self._memo.get(key)
        if hit is None:  # fsrs's own arithmetic, without its card copy and datetimes (`fsrs_step`)
            hit = self._memo[key] = anki_step(self, *key, None, self._step_model)
        return hit


def _previous(card: FsrsCard, rating: Rating) -> int | None:
    """The last interval that matters to this answer: a review card's, for a passing answer (Anki's order)."""
    return scheduled_days(card) if rating != Rating.Again else None


def _card(
    card_id: int,
    state: State,
    step: int | None,
    stability: float,
    difficulty: float,
    due: datetime,
    last_review: datetime,
) -> FsrsCard:
    """What fsrs.Card.__init__ assigns (a Learning state always has its step here), without the call: a
    projection builds a card per review, and the call was a tenth of them."""
    card = object.__new__(FsrsCard)
    card.__dict__.update(
        card_id=card_id,
        state=state,
        step=step,
        stability=stability,
        difficulty=difficulty,
        due=due,
        last_review=last_review,
    )
    return card


@dataclass
class Branch:
    """One possible memory state of a card and its probability (None = never seen)."""

    weight: float
    state: FsrsCard | None


@dataclass
class Tracked:
    """A projected card: its branches, and how many of the deck's cards it stands for."""

    key: str
    order: int
    branches: list[Branch]
    count: int = 1

    def likely(self) -> FsrsCard | None:
        """The most probable state, which the policy sees."""
        return max(self.branches, key=lambda branch: branch.weight).state


@dataclass
class ProjectedDay:
    """One projected session: expected new cards, reviews (cards seen before, learning ones not counted) and
    answers (every step), for the whole deck, and readiness after it."""

    when: datetime
    new: float
    answers: float
    readiness: float
    reviews: float = 0.0


@dataclass
class Projection:
    """Expected recall at the interview per card key, and the day-by-day figures."""

    by_key: dict[str, float] = field(default_factory=dict)
    days: list[ProjectedDay] = field(default_factory=list)


def _outcomes(model: MemoScheduler, branch: Branch, when: datetime) -> tuple[list[Branch], float]:
    """The branches after reviewing `branch` at `when`, and the expected answers that review costs."""
    start = branch.state or FsrsCard(card_id=0, due=when)
    recall = FIRST_SIGHT_PASS if branch.state is None else recall_at(model, branch.state, when)
    shares = [(Rating.Again, 1 - recall)] + [(rating, recall * share) for rating, share in PASS_SPLIT]
    branches, answers = [], 0.0
    for rating, share in shares:
        if share <= 0:
            continue
        after, steps = model.review_through_steps(start, rating, when)
        branches.append(Branch(branch.weight * share, after))
        answers += share * (1 + steps)
    return branches, branch.weight * answers


def _merge(branches: list[Branch]) -> list[Branch]:
    """Fold branches down to MAX_BRANCHES: equal states join; the lightest join their nearest in stability."""
    joined: dict[tuple[Any, ...] | None, Branch] = {}
    for branch in branches:
        state = branch.state
        key = (
            None
            if state is None
            else (state.state, state.step, _rounded(state.stability), _rounded(state.difficulty), state.last_review)
        )
        if key in joined:
            joined[key].weight += branch.weight
        else:
            joined[key] = Branch(branch.weight, state)
    kept = sorted(joined.values(), key=lambda branch: -branch.weight)
    seen = [branch for branch in kept[:MAX_BRANCHES] if branch.state is not None]
    for light in kept[MAX_BRANCHES:]:
        if light.state is None or not seen:
            kept[0].weight += light.weight
            continue
        log_s = math.log(_stability(light.state))
        nearest = min(seen, key=lambda branch: abs(math.log(_stability(branch.state)) - log_s))
        nearest.weight += light.weight
    return kept[:MAX_BRANCHES]


def _stability(card: FsrsCard | None) -> float:
    # Only branches with a reviewed card reach the fold by stability: their stability is set.
    if card is None or card.stability is None:
        raise ValueError("a branch without a memory state has no stability")
    return card.stability


def _study(model: MemoScheduler, card: Tracked, when: datetime, room: float) -> tuple[float, float, float]:
    """Review every branch of `card` at `when`; return the expected answers, the new cards introduced (a share
    of one) and the share of the card studied.

    When the review costs more than the `room` left in a sampled session, it happens with probability
    room / cost (a sample's session is a few answers: stopping at whole cards would overshoot the budget).
    """
    branches, answers = [], 0.0
    for branch in card.branches:
        after, cost = _outcomes(model, branch, when)
        branches += after
        answers += cost
    share = min(1.0, room / answers) if answers > 0 else 1.0
    if share < 1.0:
        branches = [Branch(b.weight * share, b.state) for b in branches] + [
            Branch(b.weight * (1 - share), b.state) for b in card.branches
        ]
    new = share * sum(branch.weight for branch in card.branches if branch.state is None)
    card.branches = _merge(branches)
    return answers * share, new, share


def _expected_recall(model: Scheduler, card: Tracked, moment: datetime) -> float:
    return sum(branch.weight * recall_at(model, branch.state, moment) for branch in card.branches)


def _representatives(
    cards: Sequence[Candidate], goal: DeadlineGoal, on_day: dict[str, float]
) -> tuple[list[Tracked], dict[str, Tracked], int]:
    """The cards to project (a stratified sample of a large deck), each card's representative, and the budget."""
    if len(cards) <= SAMPLE_CARDS:
        tracked = [Tracked(card.key, card.order, [Branch(1.0, card.state)]) for card in cards]
        return tracked, {t.key: t for t in tracked}, goal.daily_answers
    total = len(cards)
    budget = max(MIN_SAMPLE_BUDGET, round(goal.daily_answers * SAMPLE_CARDS / total))
    size = min(MAX_SAMPLE_CARDS, total, max(2, round(total * budget / goal.daily_answers)))
    unseen = sorted((c for c in cards if c.state is None), key=lambda c: (c.order, c.key))
    seen = sorted((c for c in cards if c.state is not None), key=lambda c: (on_day[c.key], c.key))
    unseen_share = round(size * len(unseen) / total) if unseen else 0
    if unseen and seen:
        unseen_share = min(size - 1, max(1, unseen_share))
    sample: list[Tracked] = []
    of_card: dict[str, Tracked] = {}
    for stratum, picks in ((unseen, unseen_share), (seen, size - unseen_share)):
        if not stratum:
            continue
        chosen = [stratum[int((index + 0.5) * len(stratum) / picks)] for index in range(picks)]
        reps = [Tracked(card.key, card.order, [Branch(1.0, card.state)], 0) for card in chosen]
        for position, card in enumerate(stratum):
            rep = reps[min(picks - 1, position * picks // len(stratum))]
            rep.count += 1
            of_card[card.key] = rep
        sample += reps
    return sample, of_card, budget


def _sample_tuning(sample: int, cards: int) -> Tuning:
    """The policy's tuning for a sample of `sample` of `cards` cards: the floor of cards assessed a day scales
    with the sample as the budget does (the whole deck's floor would assess most of a small sample each day)."""
    tuning = Tuning()
    if sample >= cards:
        return tuning
    return replace(tuning, min_evaluated=max(1, math.ceil(tuning.min_evaluated * sample / cards)), partial_new=True)


def project_plan(
    cards: Sequence[Candidate],
    goal: DeadlineGoal,
    now: datetime,
    scheduler: Scheduler,
    recall_on_day: dict[str, float] | None = None,
    *,
    answered_today: int = 0,
    introduced_today: int = 0,
) -> Projection:
    """Expected outcome of keeping the deadline plan every day (same time of day) until the interview.

    `recall_on_day` (each card's recall at the interview as things stand) is computed when not given.
    `answered_today` and `introduced_today` are what today's sessions already did: today is played out only
    for what is left of its budget, as `due` and `review` serve it.
    """
    model = MemoScheduler.of(scheduler)
    if recall_on_day is None:
        recall_on_day = {card.key: recall_at(model, card.state, goal.interview) for card in cards}
    sample, of_card, budget = _representatives(cards, goal, recall_on_day)
    sample_goal = DeadlineGoal(goal.interview, budget, goal.target)
    sampled = len(sample) < len(cards)
    tuning = _sample_tuning(len(sample), len(cards))
    total = sum(card.count for card in sample) or 1
    on_day = {card.key: _expected_recall(model, card, goal.interview) for card in sample}
    readiness = sum(card.count * on_day[card.key] for card in sample)
    by_key = {card.key: card for card in sample}
    projection = Projection()
    when = now
    # What today's sessions did, at the sample's scale.
    done = (
        round(answered_today * budget / goal.daily_answers),
        round(introduced_today * len(sample) / (len(cards) or 1)),
    )
    first = _today_counts(cards, goal, now, model, answered_today, introduced_today) if sampled else None
    memo = PlanMemo()  # final reviews weighed and reviews' outcomes, kept across the days
    while when < goal.interview:
        candidates = [Candidate(c.key, c.likely(), c.order) for c in sample]
        plan = plan_today(candidates, when, sample_goal, model, tuning=tuning,
                          answered_today=done[0], introduced_today=done[1], memo=memo)  # fmt: skip
        done = (0, 0)
        day = ProjectedDay(when, 0.0, 0.0, 0.0)
        answers = 0.0
        for key, planned, room in _served(plan, sampled):
            if answers >= room:
                break
            card = by_key[key]
            spent, new, share = _study(model, card, when, room - answers)
            day.new += card.count * new
            if planned:  # not a learning card finishing its steps, which are owed outside the room
                day.reviews += card.count * (share - new)
                answers += spent
            day.answers += card.count * spent
            # The chart series is kept up to date incrementally: only studied cards change.
            before, on_day[key] = on_day[key], _expected_recall(model, card, goal.interview)
            readiness += card.count * (on_day[key] - before)
        day.readiness = readiness / total
        if first is not None:  # a sample's first day is counted as the whole deck's plan serves it
            day.reviews, day.new, first = first[0], first[1], None
        projection.days.append(day)
        when += DAY
    projection.by_key = {key: on_day[rep.key] for key, rep in of_card.items()}
    return projection


def _served(plan: TodayPlan | None, sampled: bool) -> list[tuple[str, bool, float]]:
    """The keys a session studies, each with whether it is planned and the room it is studied in: the due
    learning cards (their steps are owed, outside the room), then the planned cards that fit
    (`TodayPlan.served`, each whole); a sample's session is a few answers, so its planned cards are studied
    until the room is spent, the last in part (`_study`)."""
    if plan is None:
        return []
    learning = [(key, False, math.inf) for key in plan.keys[: plan.learning]]
    if sampled:
        return learning + [(key, True, plan.room) for key, _ in plan.planned()]
    return learning + [(key, True, math.inf) for key in plan.served()[plan.learning :]]


def _today_counts(
    cards: Sequence[Candidate], goal: DeadlineGoal, now: datetime, model: Scheduler, answered: int, introduced: int
) -> tuple[int, int] | None:
    """(reviews, new cards) the whole deck's plan serves today, as `due` counts them."""
    plan = plan_today(cards, now, goal, model, answered_today=answered, introduced_today=introduced)
    return plan.expected() if plan else None
