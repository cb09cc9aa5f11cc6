"""Deadline scheduling in simulation: recall on the interview day and reviews spent, three policies.

Simulated learners whose true memory follows FSRS with parameters different from the defaults (one per
seed) study a deck the size of the DoiT sample with the same daily budget of answers, 7, 14 and 30 days
before the interview. The model (the scheduler studyprep uses) keeps the default parameters, as it would for
a new user. Policies:

- fsrs:   plain FSRS (desired retention 0.9): due (re)learning, due reviews most overdue first, then up to
          20 new cards a day (Anki's default limit);
- capped: the same with every interval capped at the days left (cards come due by the last study day);
- ours:   studyprep.schedule.deadline.plan_today (its `Tuning` defaults were tuned on seeds 1-6; `--from 7` holds
          them out);
- piled:  (with `--compare`) the same with `Tuning(spread_finals=False)`, the earlier policy that spreads final
          reviews only by capacity, so they pile onto the interview day when it can take them.

`--hour H` puts the interview H hours after the daily session time (default 0: the interview at the session
time, so the last session is the day before); e.g. 1 leaves one hour of the interview day.

Also calibration: the readiness predicted on day 0 (projection) and on the eve, against the true recall.

Usage: .venv/bin/python -m bench.run deadline
   or: .venv/bin/python -m bench.deadline [--seeds N] [--from FIRST_SEED] [--budget ANSWERS] [--hour H] [--compare]
"""

from __future__ import annotations

import math
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fsrs import Scheduler, State
from fsrs.scheduler import DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

from bench.simulation import Answers, Learner, SimCard, SimResult, Simulation
from studyprep.schedule.deadline import Candidate, DeadlineGoal, Tuning, plan_today

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "doit-senior-backend-golang.md"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HORIZONS = (7, 14, 30)
DAILY_ANSWERS = 60
BUDGETS = (60, 90)
PLAIN_NEW_PER_DAY = 20
SEEDS = 8
TUNING: Tuning | None = None  # None: the policy's defaults (a sweep may set it)
INTERVIEW_HOUR = 0.0  # hours after the session time of day
POLICIES = ("fsrs", "capped", "ours")


def deck_size() -> int:
    """Active cards of the DoiT sample, parsed with studyprep's own importer (106 at the time of writing)."""
    import tempfile

    from studyprep.commands.importing import import_document
    from studyprep.store.deckstore import iter_decks
    from studyprep.store.workspace import Workspace

    with tempfile.TemporaryDirectory() as folder:
        import_document(Workspace(Path(folder)), SAMPLE, START)
        return sum(len(deck.active_cards()) for deck in iter_decks(Workspace(Path(folder))))


def learner_parameters(seed: int) -> tuple[float, ...]:
    """FSRS parameters of a simulated learner: the defaults, perturbed (seeded) within fsrs's bounds."""
    rng = random.Random(seed)
    params = list(DEFAULT_PARAMETERS)
    for index in range(4):
        params[index] *= math.exp(rng.gauss(0, 0.5))
    params[8] += rng.gauss(0, 0.3)
    for index, spread in ((9, 0.2), (10, 0.25), (11, 0.3), (14, 0.2)):
        params[index] *= math.exp(rng.gauss(0, spread))
    params[20] = rng.uniform(0.1, 0.5)
    return tuple(
        min(max(value, low), high)
        for value, low, high in zip(params, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True)
    )


def plain_fsrs(cap_at: datetime | None = None, new_per_day: int = PLAIN_NEW_PER_DAY):
    """The plain queue: due learning, due reviews (most overdue relative to interval), then new cards.

    With `cap_at`, a card's due moment is capped there: intervals capped at the days left.
    """

    def policy(candidates: Sequence[Candidate], now: datetime) -> list[str]:
        def due(candidate: Candidate) -> datetime:
            moment = candidate.state.due  # type: ignore[union-attr]  # only seen cards get here
            return min(moment, cap_at) if cap_at else moment

        seen = [c for c in candidates if c.state is not None and due(c) <= now]
        learning = [c for c in seen if c.state.state != State.Review]  # type: ignore[union-attr]
        reviews = [c for c in seen if c.state.state == State.Review]  # type: ignore[union-attr]

        def overdue(candidate: Candidate) -> float:
            last_review = candidate.state.last_review or now  # type: ignore[union-attr]
            interval = max((due(candidate) - last_review).total_seconds(), 1.0)
            return -(now - due(candidate)).total_seconds() / interval

        reviews.sort(key=lambda c: (overdue(c), c.key))
        new = sorted((c for c in candidates if c.state is None), key=lambda c: c.order)[:new_per_day]
        return [c.key for c in learning + reviews + new]

    return policy


def ours(goal: DeadlineGoal, model: Scheduler, tuning: Tuning | None = None):
    """studyprep's deadline policy."""

    def policy(candidates: Sequence[Candidate], now: datetime) -> list[str]:
        plan = plan_today(candidates, now, goal, model, tuning=tuning)
        return plan.served() if plan else []

    return policy


@dataclass
class Outcome:
    """Mean figures of one policy over the seeds."""

    true: float
    answers: float
    predicted_start: float
    predicted_eve: float
    final_days: tuple[float, ...] = ()  # mean answers on each of the last three days


def simulate(policy_name: str, days: int, seed: int, size: int, projection: bool = False) -> SimResult:
    """One run: a learner (seed) and a deck of `size` cards, `days` before the interview."""
    interview = START + timedelta(days=days, hours=INTERVIEW_HOUR)
    model = Scheduler(enable_fuzzing=False)
    if projection:  # the model's own projection: the learner is the model itself
        truth, answers = model, Answers()
    else:
        truth = Scheduler(parameters=learner_parameters(seed), enable_fuzzing=False)
        answers = Answers(first_sight_again=random.Random(seed).uniform(0.15, 0.45))
    learner = Learner(truth, answers, random.Random(seed * 7919 + days))
    cards = [SimCard(f"c{index:03d}", index) for index in range(size)]
    sim = Simulation(model, learner, DAILY_ANSWERS, interview, cards)
    last_session = START + timedelta(days=days - 1 + math.ceil(INTERVIEW_HOUR / 24))
    policies = {
        "fsrs": plain_fsrs(),
        "capped": plain_fsrs(cap_at=last_session),
        "ours": ours(DeadlineGoal(interview, DAILY_ANSWERS), model, TUNING),
        "piled": ours(DeadlineGoal(interview, DAILY_ANSWERS), model, Tuning(spread_finals=False)),
    }
    return sim.run(policies[policy_name], START)


def evaluate(policy_name: str, days: int, seeds: int, size: int, first_seed: int = 1) -> Outcome:
    """Mean true recall on the day, answers, and predicted readiness over the seeds."""
    chosen = range(first_seed, first_seed + seeds)
    runs = [simulate(policy_name, days, seed, size) for seed in chosen]
    projections = [simulate(policy_name, days, seed, size, projection=True) for seed in chosen]
    return Outcome(
        true=sum(r.true for r in runs) / seeds,
        answers=sum(r.answers for r in runs) / seeds,
        predicted_start=sum(p.predicted for p in projections) / seeds,
        predicted_eve=sum(r.predicted for r in runs) / seeds,
        final_days=tuple(sum(r.days[index].answers for r in runs) / seeds for index in (-3, -2, -1)),
    )


def table(seeds: int = SEEDS, first_seed: int = 1) -> tuple[list[str], list[tuple[str, str]]]:
    """The comparison table (lines) and the figures for bench/run.py."""
    size = deck_size()
    lines = [
        f"deck {size} cards, budget {DAILY_ANSWERS} answers/day, {seeds} simulated learners (perturbed FSRS, "
        f"seeds {first_seed}-{first_seed + seeds - 1})",
        f"{'days':>4} {'policy':<7} {'recall':>7} {'answers':>8} {'pred d0':>8} {'pred eve':>8}  last 3 days' answers",
    ]
    figures = []
    for days in HORIZONS:
        outcomes = {name: evaluate(name, days, seeds, size, first_seed) for name in POLICIES}
        for name, outcome in outcomes.items():
            lines.append(
                f"{days:>4} {name:<7} {outcome.true:>7.3f} {outcome.answers:>8.0f} "
                f"{outcome.predicted_start:>8.3f} {outcome.predicted_eve:>8.3f}  "
                + " / ".join(f"{answers:.0f}" for answers in outcome.final_days)
            )
        mine, plain, capped = outcomes["ours"], outcomes["fsrs"], outcomes["capped"]
        wins = mine.true > max(plain.true, capped.true) and mine.answers <= min(plain.answers, capped.answers)
        figures.append(
            (
                f"{days} days: recall on the day, ours vs fsrs / capped",
                f"{mine.true:.3f} vs {plain.true:.3f} / {capped.true:.3f} "
                f"(x{mine.true / plain.true:.3f} / x{mine.true / capped.true:.3f}); answers {mine.answers:.0f} vs "
                f"{plain.answers:.0f} / {capped.answers:.0f}; {'WIN' if wins else 'NOT A WIN'}",
            )
        )
        figures.append(
            (
                f"{days} days: calibration (ours)",
                f"predicted on day 0 {mine.predicted_start:.3f}, on the eve {mine.predicted_eve:.3f}, "
                f"true {mine.true:.3f} (eve error {mine.predicted_eve - mine.true:+.3f})",
            )
        )
    return lines, figures


def run() -> list[tuple[str, str]]:
    """Entry point for bench/run.py: prints the tables (one per budget), returns the headline figures."""
    global DAILY_ANSWERS  # noqa: PLW0603 - the budget is a module setting shared by the helpers above
    started = time.perf_counter()
    figures = []
    for budget in BUDGETS:
        DAILY_ANSWERS = budget
        lines, budget_figures = table()
        print("\n".join(lines), flush=True)
        figures += [(f"budget {budget}: {name}", figure) for name, figure in budget_figures]
    figures.append(("deadline bench wall time", f"{time.perf_counter() - started:.1f} s"))
    return figures


def _option(name: str, default: int) -> int:
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


if __name__ == "__main__":
    # Held-out learners: e.g. `--seeds 18 --from 7` (the policy's knobs were tuned on seeds 1-6).
    DAILY_ANSWERS = _option("--budget", DAILY_ANSWERS)
    INTERVIEW_HOUR = _option("--hour", 0)
    if "--compare" in sys.argv:
        POLICIES = (*POLICIES, "piled")
    table_lines, table_figures = table(_option("--seeds", SEEDS), _option("--from", 1))
    print("\n".join(table_lines))
    for figure_name, figure in table_figures:
        print(f"{figure_name}: {figure}")
