"""Interview-date scheduling within a daily budget (issue 15): true recall on the day at equal answers.

Simulated learners whose true memory follows FSRS with every parameter 0.8-1.2x the default (one learner per
seed; the decay w20 too), who fail a new card at first sight 15-45% of the time, study a deck of `--cards`
cards (106: the size of the bundled DoiT sample) with the same daily budget of answers for every policy (a
session stops once the budget is spent; a card started finishes its same-day steps), 7, 14 and 30 days before
the interview. The model keeps the default parameters, as for a new user. Policies:

- fsrs:   plain FSRS (desired retention 0.9): due (re)learning, due reviews most overdue first, then up to
          20 new cards a day;
- capped: the same with every interval capped at the last study day;
- plan:   studyprep's deadline plan (`deadline.plan_today`, the cards a session serves: `TodayPlan.served`);
- oracle: knows the learner's true memory, parameters and first-sight failure rate, and each day serves the
          cards whose study adds the most expected true recall at the interview per answer (`bench.oracle`):
          a bound for a plan that only has the model. (It was the deadline plan given the true memory, which
          picks as the plan does and so came out level with it, or below: no bound.)

Also the projection's calibration: `readiness_projected` on day 0 (the model's expected-value projection
of keeping the plan) against the true recall on the day of each learner who kept it.

Figures are the mean over seeds with the spread (standard deviation over seeds, and the min..max of the
paired difference plan - fsrs).

Usage: .venv/bin/python -m bench.budget [--seeds N] [--cards N] [--budgets 20,40,80] [--days 7,14,30]
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from fsrs import Scheduler
from fsrs.scheduler import DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

from bench.deadline import START, plain_fsrs
from bench.oracle import oracle
from bench.simulation import Answers, Learner, SimCard, SimResult, Simulation
from studyprep.schedule.deadline import Candidate, DeadlineGoal, plan_today
from studyprep.schedule.projection import project_plan

POLICIES = ("fsrs", "capped", "plan", "oracle")


def learner_parameters(seed: int) -> tuple[float, ...]:
    """Every default FSRS parameter times a factor drawn in 0.8-1.2 (seeded), kept within fsrs's bounds."""
    rng = random.Random(seed)
    return tuple(
        min(max(value * rng.uniform(0.8, 1.2), low), high)
        for value, low, high in zip(DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True)
    )


def _served(goal: DeadlineGoal, scheduler: Scheduler, candidates: Sequence[Candidate], now: datetime) -> list[str]:
    plan = plan_today(candidates, now, goal, scheduler)
    return plan.served() if plan else []


@dataclass(frozen=True)
class Run:
    """One simulated learner under one policy."""

    true: float
    answers: int
    per_day: tuple[int, ...] = ()


def simulate(policy: str, days: int, budget: int, seed: int, size: int, allowance: Sequence[int] = ()) -> Run:
    """One learner (seed), one policy, a deck of `size` unseen cards, `days` before the interview. The oracle spends
    each day's `allowance` of answers (the plan's answers that day, for a comparison at equal answers), else the
    budget."""
    interview = START + timedelta(days=days)
    model = Scheduler(enable_fuzzing=False)
    truth = Scheduler(parameters=learner_parameters(seed), enable_fuzzing=False)
    answers = Answers(first_sight_again=random.Random(seed).uniform(0.15, 0.45))
    learner = Learner(truth, answers, random.Random(seed * 7919 + days))
    cards = [SimCard(f"c{index:03d}", index) for index in range(size)]
    sim = Simulation(model, learner, budget, interview, cards)
    goal = DeadlineGoal(interview, budget)
    if policy == "fsrs":
        chosen = plain_fsrs()
    elif policy == "capped":
        chosen = plain_fsrs(cap_at=START + timedelta(days=days - 1))
    elif policy == "plan":

        def chosen(candidates: Sequence[Candidate], now: datetime) -> list[str]:
            return _served(goal, model, candidates, now)

    else:  # the oracle: the largest true gain at the interview per answer, from the true memory (`bench.oracle`)
        daily = list(allowance) or [budget] * days
        chosen = oracle(truth, answers.first_sight_again, cards, interview, lambda now: daily[(now - START).days])

    result: SimResult = sim.run(chosen, START)
    return Run(result.true, result.answers, tuple(day.answers for day in result.days))


def projected(days: int, budget: int, size: int) -> float:
    """`readiness_projected` on day 0 for a fresh deck (the same for every learner: the model's projection)."""
    interview = START + timedelta(days=days)
    cards = [Candidate(f"c{index:03d}", None, index) for index in range(size)]
    projection = project_plan(cards, DeadlineGoal(interview, budget), START, Scheduler(enable_fuzzing=False))
    return sum(projection.by_key.values()) / size


def _spread(values: list[float]) -> str:
    return f"{statistics.mean(values):.3f} ±{statistics.stdev(values) if len(values) > 1 else 0.0:.3f}"


def cell(days: int, budget: int, seeds: int, size: int) -> tuple[list[str], list[tuple[str, str]]]:
    """One horizon and budget: a line per policy, and the headline figures."""
    runs = {name: [simulate(name, days, budget, seed, size) for seed in range(1, seeds + 1)] for name in POLICIES[:3]}
    # The oracle gets the plan's answers, day by day: the plan's share of its gain is taken at equal answers.
    runs["oracle"] = [simulate("oracle", days, budget, seed, size, plan.per_day)
                      for seed, plan in enumerate(runs["plan"], start=1)]  # fmt: skip
    true = {name: [run.true for run in found] for name, found in runs.items()}
    lines = [
        f"{days:>4} {budget:>6} {name:<7} {_spread(true[name]):>14} "
        f"{statistics.mean(run.answers for run in runs[name]):>8.0f}"
        for name in POLICIES
    ]
    gain = [plan - plain for plan, plain in zip(true["plan"], true["fsrs"], strict=True)]
    oracle_gain = statistics.mean(true["oracle"]) - statistics.mean(true["fsrs"])
    captured = statistics.mean(gain) / oracle_gain if oracle_gain > 0 else float("nan")
    shares = [(plan - plain) / (best - plain) if best > plain else float("nan")
              for plan, plain, best in zip(true["plan"], true["fsrs"], true["oracle"], strict=True)]  # fmt: skip
    prediction = projected(days, budget, size)
    error = [prediction - value for value in true["plan"]]
    figures = [
        (
            f"{days} days, {budget} answers: plan - fsrs (points)",
            f"{100 * statistics.mean(gain):+.1f} (min {100 * min(gain):+.1f}, max {100 * max(gain):+.1f}); "
            f"oracle - fsrs {100 * oracle_gain:+.1f}; plan captures {captured:.0%} of it (per seed"
            f" {min(shares):.0%}..{max(shares):.0%}); answers plan "
            f"{statistics.mean(r.answers for r in runs['plan']):.0f} vs fsrs "
            f"{statistics.mean(r.answers for r in runs['fsrs']):.0f}, oracle "
            f"{statistics.mean(r.answers for r in runs['oracle']):.0f}",
        ),
        (
            f"{days} days, {budget} answers: projected on day 0 - true (plan)",
            f"{100 * statistics.mean(error):+.1f} points (min {100 * min(error):+.1f}, max {100 * max(error):+.1f})",
        ),
    ]
    return lines, figures


def table(seeds: int, size: int, budgets: Sequence[int], horizons: Sequence[int]) -> list[tuple[str, str]]:
    """Print the table; return the headline figures."""
    print(f"deck {size} cards, {seeds} learners (parameters 0.8-1.2x the defaults), seeds 1-{seeds}", flush=True)
    print(f"{'days':>4} {'budget':>6} {'policy':<7} {'recall ±sd':>14} {'answers':>8}", flush=True)
    figures = []
    for budget in budgets:
        for days in horizons:
            lines, found = cell(days, budget, seeds, size)
            print("\n".join(lines), flush=True)
            figures += found
    return figures


def run() -> list[tuple[str, str]]:
    """Entry point for bench/run.py (a small run: 3 seeds, budget 40)."""
    started = time.perf_counter()
    figures = table(3, 106, (40,), (7, 14, 30))
    return [*figures, ("budget bench wall time", f"{time.perf_counter() - started:.1f} s")]


def _option(name: str, default: str) -> str:
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


if __name__ == "__main__":
    for figure_name, figure in table(
        int(_option("--seeds", "5")),
        int(_option("--cards", "106")),
        [int(value) for value in _option("--budgets", "20,40,80").split(",")],
        [int(value) for value in _option("--days", "7,14,30").split(",")],
    ):
        print(f"{figure_name}: {figure}")
