"""The readiness projection against simulations of the real policy, with the fsrs model itself (no mocks)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Card, Scheduler, State
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.simulation import Answers, Learner, SimCard, Simulation
from studyprep.schedule.deadline import Candidate, DeadlineGoal, plan_today
from studyprep.schedule.projection import SAMPLE_CARDS, _sample_tuning, project_plan

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MODEL = Scheduler(enable_fuzzing=False)


def _deck(size: int, seed: int, unseen_share: float = 0.2) -> list[Candidate]:
    """A deck studied but for its last `unseen_share`, with memories of every strength."""
    rng = random.Random(seed)
    cards = []
    for index in range(size):
        state = None
        if index < size * (1 - unseen_share):
            last = NOW - timedelta(days=rng.uniform(1, 40))
            stability = rng.uniform(1, 60)
            state = Card(card_id=index, state=State.Review, stability=stability, difficulty=rng.uniform(1, 10),
                         due=last + timedelta(days=stability), last_review=last)  # fmt: skip
        cards.append(Candidate(f"c{index:04d}", state, index))
    return cards


def test_a_sampled_projection_agrees_with_simulating_the_policy_on_the_whole_deck() -> None:
    cards = _deck(1200, seed=3)
    goal = DeadlineGoal(NOW + timedelta(days=14), 36)
    projected = project_plan(cards, goal, NOW, MODEL)
    simulated = []
    for seed in range(2):
        sim_cards = [SimCard(c.key, c.order, c.state, c.state) for c in cards]
        sim = Simulation(MODEL, Learner(MODEL, Answers(), random.Random(seed)), 36, goal.interview, sim_cards)
        simulated.append(sim.run(lambda cs, when: plan_today(cs, when, goal, MODEL).served(), NOW).predicted)
    expected = sum(simulated) / len(simulated)
    assert abs(projected.days[-1].readiness - expected) < 0.01
    assert abs(sum(projected.by_key.values()) / len(cards) - expected) < 0.01


def test_a_sample_assesses_its_share_of_the_cards_a_whole_deck_would() -> None:
    assert _sample_tuning(500, 500).min_evaluated == 32  # not sampled: the policy's own floor
    assert _sample_tuning(SAMPLE_CARDS, 6000).min_evaluated == 1
    assert _sample_tuning(120, 1000).min_evaluated == 4


@settings(max_examples=25, deadline=None)
@given(
    size=st.sampled_from([12, 40, 300]),
    unseen_share=st.floats(0.0, 1.0),
    budget=st.integers(1, 60),
    days=st.integers(1, 12),
    seed=st.integers(0, 1000),
)
def test_reviews_skipped_when_new_cards_fill_the_day_change_no_plan_and_no_projection(
    size: int, unseen_share: float, budget: int, days: int, seed: int
) -> None:
    from studyprep.schedule import deadline

    cards = _deck(size, seed, unseen_share)
    goal = DeadlineGoal(NOW + timedelta(days=days, hours=2), budget)

    def served_and_projected() -> tuple[list[str], object]:
        plan = plan_today(cards, NOW, goal, MODEL)
        assert plan is not None
        room = budget - plan.learning
        return plan.keys[: plan.learning + room], project_plan(cards, goal, NOW, MODEL)

    skipping = served_and_projected()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(deadline, "_reviews_reachable", lambda quota, room: True)
        assessing = served_and_projected()
    assert skipping == assessing
