"""Interview-date scheduling within a daily budget (issue 15): true recall on the day at equal answers.

Simulated learners whose true memory follows FSRS with every parameter 0.8-1.2x the default (one learner per
seed; the decay w20 too), who fail a new card at first sight 15-45% of the time, study a deck of `--cards`
cards (106: the size of the bundled DoiT sample) with the same daily budget of answers for every policy (a
session stops once the budget is spent; a card started finishes its same-day steps), 7, 14 and 30 days before
the interview. The model keeps the default parameters, as for a new user. Policies:

- fsrs:   plain FSRS (desired retention 0.9): due (re)learning, due reviews most overdue first, then up to
          20 new cards a day;
- ahead:  the same, then studying ahead (the seen cards with the lowest predicted recall now first), each day held
          to the plan's answers of that day: plain FSRS at the plan's answers (a card started finishes its steps);
- capped: plain FSRS with every interval capped at the last study day;
- plan:   studyprep's deadline plan (`deadline.plan_today`, the cards a session serves: `TodayPlan.served`);
- greedy: knows the learner's true memory, parameters and first-sight failure rate, and each day serves the
          cards whose study adds the most expected true recall at the interview per answer (`bench.oracle.oracle`);
- informed: the deadline plan planned on the true memory with the true parameters (`bench.oracle.informed_plan`);
- oracle: for each learner, the better of greedy and informed (each given the plan's answers of each day): the
          reference the plan's share is taken against. Neither is a proven bound (no tractable policy is: the best
          schedule is a stochastic program over every card's outcomes), but the oracle is at least as good as the
          plan would be with perfect knowledge of the learner. (The better of two outcomes drawn per learner leans a
          little high: a reference to beat, not an average policy.)

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
from bench.oracle import informed_plan, oracle
from bench.simulation import Answers, Learner, Policy, SimCard, SimResult, Simulation
from studyprep.schedule.deadline import Candidate, DeadlineGoal, plan_today, recall_at
from studyprep.schedule.projection import project_plan

POLICIES = ("fsrs", "ahead", "capped", "plan", "greedy", "informed", "oracle")


def learner_parameters(seed: int) -> tuple[float, ...]:
    """Every default FSRS parameter times a factor drawn in 0.8-1.2 (seeded), kept within fsrs's bounds."""
    rng = random.Random(seed)
    return tuple(
        min(max(value * rng.uniform(0.8, 1.2), low), high)
        for value, low, high in zip(DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True)
    )


def plain_then_ahead(model: Scheduler) -> Policy:
    """Plain FSRS, then the other seen cards, lowest predicted recall now first (a session stops at the budget)."""
    plain = plain_fsrs()

    def policy(candidates: Sequence[Candidate], now: datetime) -> list[str]:
        keys = plain(candidates, now)
        listed = set(keys)
        ahead = [c for c in candidates if c.state is not None and c.key not in listed]
        ahead.sort(key=lambda c: (recall_at(model, c.state, now), c.key))  # type: ignore[arg-type]
        return keys + [c.key for c in ahead]

    return policy


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
    """One learner (seed), one policy, a deck of `size` unseen cards, `days` before the interview. The policies
    compared with the plan at equal answers (ahead, greedy, informed) spend each day's `allowance` of answers (the
    plan's answers that day), else the budget."""
    interview = START + timedelta(days=days)
    model = Scheduler(enable_fuzzing=False)
    truth = Scheduler(parameters=learner_parameters(seed), enable_fuzzing=False)
    answers = Answers(first_sight_again=random.Random(seed).uniform(0.15, 0.45))
    learner = Learner(truth, answers, random.Random(seed * 7919 + days))
    cards = [SimCard(f"c{index:03d}", index) for index in range(size)]
    sim = Simulation(model, learner, budget, interview, cards)
    goal = DeadlineGoal(interview, budget)
    daily = list(allowance) or [budget] * days
    if policy == "fsrs":
        chosen = plain_fsrs()
    elif policy in ("ahead", "informed"):  # held to the plan's answers of each day
        inner = plain_then_ahead(model) if policy == "ahead" else informed_plan(truth, cards, goal)

        def chosen(candidates: Sequence[Candidate], now: datetime) -> list[str]:
            # The session reads its budget after asking the policy: today's is the plan's answers of the day.
            sim.daily_answers = min(budget, daily[(now - START).days])
            return inner(candidates, now)

    elif policy == "capped":
        chosen = plain_fsrs(cap_at=START + timedelta(days=days - 1))
    elif policy == "plan":

        def chosen(candidates: Sequence[Candidate], now: datetime) -> list[str]:
            return _served(goal, model, candidates, now)

    else:  # "greedy": the largest true gain at the interview per answer, from the true memory
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
    runs = {name: [simulate(name, days, budget, seed, size) for seed in range(1, seeds + 1)]
            for name in ("fsrs", "capped", "plan")}  # fmt: skip
    # The oracles and plain FSRS studying ahead get the plan's answers, day by day: at equal answers.
    for name in ("ahead", "greedy", "informed"):
        runs[name] = [simulate(name, days, budget, seed, size, plan.per_day)
                      for seed, plan in enumerate(runs["plan"], start=1)]  # fmt: skip
    pairs = zip(runs["greedy"], runs["informed"], strict=True)
    runs["oracle"] = [max(pair, key=lambda run: run.true) for pair in pairs]
    true = {name: [run.true for run in found] for name, found in runs.items()}
    lines = [
        f"{days:>4} {budget:>6} {name:<8} {_spread(true[name]):>14} "
        f"{statistics.mean(run.answers for run in runs[name]):>8.0f}"
        for name in POLICIES
    ]
    gain = [plan - plain for plan, plain in zip(true["plan"], true["fsrs"], strict=True)]
    over_ahead = [plan - plain for plan, plain in zip(true["plan"], true["ahead"], strict=True)]
    oracle_gain = statistics.mean(true["oracle"]) - statistics.mean(true["fsrs"])
    captured = statistics.mean(gain) / oracle_gain if oracle_gain > 0 else float("nan")
    shares = [
        (plan - plain) / (best - plain)
        for plan, plain, best in zip(true["plan"], true["fsrs"], true["oracle"], strict=True)
        if best > plain
    ]
    shares = shares or [float("nan")]  # fmt: skip
    prediction = projected(days, budget, size)
    error = [prediction - value for value in true["plan"]]
    figures = [
        (
            f"{days} days, {budget} answers: plan - fsrs (points)",
            f"{100 * statistics.mean(gain):+.1f} (min {100 * min(gain):+.1f}, max {100 * max(gain):+.1f}); "
            f"plan - ahead {100 * statistics.mean(over_ahead):+.1f} (min {100 * min(over_ahead):+.1f}); "
            f"oracle - fsrs {100 * oracle_gain:+.1f}; plan captures {captured:.0%} of it (per seed"
            f" {min(shares):.0%}..{max(shares):.0%}); answers plan "
            f"{statistics.mean(r.answers for r in runs['plan']):.0f} vs fsrs "
            f"{statistics.mean(r.answers for r in runs['fsrs']):.0f} / ahead "
            f"{statistics.mean(r.answers for r in runs['ahead']):.0f}, oracle "
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
    print(f"{'days':>4} {'budget':>6} {'policy':<8} {'recall ±sd':>14} {'answers':>8}", flush=True)
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
