"""The budget bench's oracles: policies that know each learner's true memory and true FSRS parameters.

`oracle` (the greedy) also knows the learner's chance of failing a new card at first sight, and each day serves the
cards whose study now adds the most expected true recall at the interview per answer it costs, until the day's
budget of answers is spent. `informed_plan` is the deadline plan itself (`deadline.plan_today`, with its
lookahead: a final review in the last session, reviews deferred a few days) planned on the true memory with the true
parameters instead of the model's belief. The bench takes, for each learner, the better of the two: neither alone is
a bound (the greedy looks one answer ahead, and the informed plan picks as the plan does), the best of them is the
reference the plan's share is measured against.

The gain of studying a card now is its expected true recall at the interview after the answer (recalled with the
learner's true chance now: rated Good; else Again, then its relearning steps Good) less its true recall there as it
stands; its cost is the expected answers (the steps a failed or new card still owes that day included). A greedy,
one-step choice: a bound on what picking by the model's belief (the deadline plan) can reach within the same budget,
not a proof of the best schedule.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler

from bench.simulation import Policy, SimCard
from studyprep.schedule.deadline import FIT_SLACK, Candidate, DeadlineGoal, finish_steps, plan_today, recall_at

__all__ = ["informed_plan", "oracle", "true_gain"]


def _studied(truth: Scheduler, state: FsrsCard, rating: Rating, now: datetime) -> tuple[FsrsCard, int]:
    """The true memory after answering `rating` now and then the day's remaining steps Good, and the answers."""
    state, _ = truth.review_card(state, rating, now)
    state, steps = finish_steps(truth, state)
    return state, 1 + steps


def true_gain(
    truth: Scheduler, memory: FsrsCard | None, now: datetime, interview: datetime, first_sight_again: float
) -> tuple[float, float]:
    """(expected gain in true recall at the interview, expected answers) of studying a card now."""
    if memory is None:
        recall_now, before, start = 1 - first_sight_again, 0.0, FsrsCard(card_id=0, due=now)
    else:
        recall_now, before, start = recall_at(truth, memory, now), recall_at(truth, memory, interview), memory
    passed, passed_answers = _studied(truth, start, Rating.Good, now)
    failed, failed_answers = _studied(truth, start, Rating.Again, now)
    after = recall_now * recall_at(truth, passed, interview) + (1 - recall_now) * recall_at(truth, failed, interview)
    return after - before, recall_now * passed_answers + (1 - recall_now) * failed_answers


def oracle(
    truth: Scheduler,
    first_sight_again: float,
    cards: Sequence[SimCard],
    interview: datetime,
    allowance: Callable[[datetime], int],
) -> Policy:
    """The oracle's policy over the simulation's `cards` (it reads their true memory, not the candidates' states),
    serving the cards whose expected answers fit in the day's `allowance(now)` (at least half of each card's)."""

    def policy(_candidates: Sequence[Candidate], now: datetime) -> list[str]:
        scored = []
        for card in cards:
            gain, cost = true_gain(truth, card.memory, now, interview, first_sight_again)
            if gain > 0:
                scored.append((gain / cost, card.key, cost))
        scored.sort(key=lambda item: (-item[0], item[1]))
        chosen, spent, budget = [], 0.0, allowance(now)
        # A card is served when at least half of its expected answers fit: the day's answers then match the
        # allowance on average (serving only whole fits would leave it short on most days, each a card's worth).
        for _, key, cost in scored:
            if spent + cost / 2 <= budget + FIT_SLACK:
                chosen.append(key)
                spent += cost
        return chosen

    return policy


def informed_plan(truth: Scheduler, cards: Sequence[SimCard], goal: DeadlineGoal) -> Policy:
    """The deadline plan given the truth: planned for `goal` on the cards' true memory with the learner's own
    parameters (the simulation holds each day's session to its answers)."""

    def policy(_candidates: Sequence[Candidate], now: datetime) -> list[str]:
        truths = [Candidate(card.key, card.memory, card.order) for card in cards]
        plan = plan_today(truths, now, goal, truth)
        return plan.served() if plan else []

    return policy
