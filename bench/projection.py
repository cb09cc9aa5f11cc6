"""Readiness projection: its accuracy and cost against the sample size it projects a deck through.

`readiness` projects each dated deck's plan day by day to the interview (`projection.project_plan`), through a
stratified sample of at most about `SAMPLE_CARDS` cards. For decks of several sizes, budgets and horizons
this compares the projected readiness on the eve with the mean of simulating the real policy on the whole
deck (the model as the learner, as the projection assumes), for several sample sizes: the error (projected
minus simulated, in recall points) and the projection's time. Run: .venv/bin/python -m bench.run projection
   or: .venv/bin/python -m bench.projection [--samples 60,40,30]
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

from fsrs import Card, Scheduler, State

from bench.simulation import Answers, Learner, SimCard, Simulation
from studyprep.schedule import projection
from studyprep.schedule.deadline import Candidate, DeadlineGoal, plan_today

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MODEL = Scheduler(enable_fuzzing=False)
# (cards, daily answers, days to the interview, share never seen)
CASES = (
    (50, 150, 21, 0.2),
    (50, 40, 10, 0.5),
    (120, 60, 14, 0.2),
    (400, 150, 21, 0.0),
    (1200, 36, 14, 0.2),
    (5000, 150, 21, 0.0),
    (3000, 60, 30, 0.3),
)
SIMULATIONS = 3


def _deck(size: int, seed: int, unseen_share: float) -> list[Candidate]:
    """A deck studied but for its last `unseen_share`, memories of every strength (seeded)."""
    rng = random.Random(seed)
    cards = []
    for index in range(size):
        state = None
        if index < size * (1 - unseen_share):
            last = NOW - timedelta(days=rng.uniform(1, 60))
            stability = rng.uniform(1, 90)
            state = Card(card_id=index, state=State.Review, stability=stability, difficulty=rng.uniform(1, 10),
                         due=last + timedelta(days=stability), last_review=last)  # fmt: skip
        cards.append(Candidate(f"c{index:04d}", state, index))
    return cards


def _simulated(cards: list[Candidate], goal: DeadlineGoal) -> float:
    """Mean predicted recall on the day after simulating the policy on every card."""
    results = []
    for seed in range(SIMULATIONS):
        sim_cards = [SimCard(c.key, c.order, c.state, c.state) for c in cards]
        learner = Learner(MODEL, Answers(), random.Random(seed))
        sim = Simulation(MODEL, learner, goal.daily_answers, goal.interview, sim_cards)
        results.append(sim.run(lambda cs, when: plan_today(cs, when, goal, MODEL).keys, NOW).predicted)
    return statistics.mean(results)


def table(samples: list[int]) -> tuple[list[str], list[tuple[str, str]]]:
    """Per case and sample size: projected minus simulated readiness on the eve, and milliseconds."""
    default = projection.SAMPLE_CARDS
    lines = [f"{'cards':>5} {'budget':>6} {'days':>4} {'unseen':>6} {'simulated':>9}  "
             + "  ".join(f"{'n=' + str(n):>16}" for n in samples)]  # fmt: skip
    errors: dict[int, list[float]] = {n: [] for n in samples}
    times: dict[int, list[float]] = {n: [] for n in samples}
    for size, budget, days, unseen in CASES:
        cards = _deck(size, seed=size + days, unseen_share=unseen)
        goal = DeadlineGoal(NOW + timedelta(days=days), budget)
        expected = _simulated(cards, goal)
        cells = []
        for n in samples:
            projection.SAMPLE_CARDS = n
            projection.MemoScheduler._memos.clear()  # each size pays for its own fsrs work
            started = time.perf_counter()
            projected = projection.project_plan(cards, goal, NOW, MODEL).days[-1].readiness
            elapsed = (time.perf_counter() - started) * 1000
            errors[n].append(projected - expected)
            times[n].append(elapsed)
            cells.append(f"{projected - expected:+.4f} {elapsed:5.0f} ms")
        projection.SAMPLE_CARDS = default
        lines.append(f"{size:>5} {budget:>6} {days:>4} {unseen:>6.0%} {expected:>9.4f}  " + "  ".join(cells))
    figures = [
        (f"projection through {n} cards", f"largest error {max(map(abs, errors[n])):.4f}, mean |error| "
         f"{statistics.mean(map(abs, errors[n])):.4f}, {sum(times[n]):.0f} ms for the {len(CASES)} decks")
        for n in samples
    ]  # fmt: skip
    return lines, figures


def run() -> list[tuple[str, str]]:
    """Entry point for bench/run.py."""
    lines, figures = table(_samples())
    print("\n".join(lines), flush=True)
    return figures


def _samples() -> list[int]:
    if "--samples" in sys.argv:
        return [int(n) for n in sys.argv[sys.argv.index("--samples") + 1].split(",")]
    return [projection.SAMPLE_CARDS, 60, 20]


if __name__ == "__main__":
    for figure_name, figure in run():
        print(f"{figure_name}: {figure}")
