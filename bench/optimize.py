"""Your own FSRS parameters (`studyprep optimize`, issue 15): log loss and RMSE of fsrs's defaults and of the
parameters fsrs-rs fits, on the later 25% of each learner's counted reviews, which the fit never saw.

Simulated learners whose true memory is not fsrs's default study with plain FSRS scheduled by the defaults (as a
new user does), 30 answers a day at 09:00 UTC, and their answers are fitted (`schedule.optimize.optimize`):

- forgetful: initial stabilities 0.35x the defaults (the stability gain of a recalled review 0.6x), 200 cards,
             90 days;
- strong:    initial stabilities 3x (the gain 1.7x), 120 cards, 45 days;
- mild:      every parameter 0.8-1.2x the defaults (`bench.budget`'s learners), 200 cards, 90 days: a fit is
             not always better there, and `optimize` then writes nothing.

The other parameters are within 10% of the defaults (seeded). Figures: the mean over seeds with the standard
deviation, the fitted - default difference with its min..max, and in how many seeds the fit predicted better.

Usage: .venv/bin/python -m bench.optimize [--seeds N]
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

from fsrs import Scheduler
from fsrs.scheduler import DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

from bench.budget import learner_parameters as mild_parameters
from bench.deadline import plain_fsrs
from bench.simulation import Answers, Learner, SimCard, Simulation
from studyprep.schedule.optimize import CardHistory, Optimization, optimize

__all__ = ["LEARNERS", "learner_parameters", "run", "simulated_log"]

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
DAILY_ANSWERS = 30
# name -> (initial-stability factor, None for the mild learners; cards; days)
LEARNERS = {"forgetful": (0.35, 200, 90), "strong": (3.0, 120, 45), "mild": (None, 200, 90)}


def learner_parameters(seed: int, memory: float | None) -> tuple[float, ...]:
    """fsrs's defaults within 10% (seeded), initial stabilities times `memory` and the stability gain of a recalled
    review times its square root: a learner who forgets faster (memory < 1) or slower. None: a mild learner."""
    if memory is None:
        return mild_parameters(seed)
    rng = random.Random(seed)
    scaled = [value * rng.uniform(0.9, 1.1) for value in DEFAULT_PARAMETERS]
    for index in (0, 1, 2, 3):
        scaled[index] *= memory
    scaled[8] *= memory**0.5
    bounds = zip(scaled, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True)
    return tuple(min(max(value, low), high) for value, low, high in bounds)


def simulated_log(seed: int, memory: float | None, cards: int, days: int) -> list[tuple[int, datetime, int]]:
    """(card order, moment, rating) of every answer the learner gives over `days` of plain FSRS sessions."""
    log: list = []
    truth = Scheduler(parameters=learner_parameters(seed, memory), enable_fuzzing=False)
    learner = Learner(truth, Answers(), random.Random(seed))
    deck = [SimCard(f"c{index:03d}", index) for index in range(cards)]
    interview = START + timedelta(days=days)
    Simulation(Scheduler(enable_fuzzing=False), learner, DAILY_ANSWERS, interview, deck, log).run(plain_fsrs(), START)
    return [(int(key[1:]), when, int(rating)) for key, when, rating in log]


def card_histories(log: list[tuple[int, datetime, int]], deck: str = "sim") -> list[CardHistory]:
    """The log as `optimize` reads it: one history per card, study days turning at 04:00 UTC."""
    answers: dict[int, list[tuple[datetime, int]]] = {}
    for order, when, rating in log:
        answers.setdefault(order, []).append((when, rating))
    return [CardHistory(deck, str(order), tuple(given), 4, "UTC") for order, given in answers.items()]


def _spread(values: list[float]) -> str:
    return f"{statistics.mean(values):.4f} ±{statistics.stdev(values) if len(values) > 1 else 0.0:.4f}"


def learner_figures(name: str, seeds: int) -> list[tuple[str, str]]:
    """Default vs fitted log loss and RMSE for one kind of learner over `seeds` seeds."""
    memory, cards, days = LEARNERS[name]
    fits: list[Optimization] = [optimize(card_histories(simulated_log(seed, memory, cards, days)))
                                for seed in range(1, seeds + 1)]  # fmt: skip
    split = [statistics.mean(getattr(fit, part) for fit in fits) for part in ("reviews", "fitted_on", "judged_on")]
    figures = [(f"{name}: counted reviews (fitted on / judged on)", "{:.0f} ({:.0f} / {:.0f})".format(*split))]
    for metric in ("log_loss", "rmse"):
        default = [getattr(fit.default, metric) for fit in fits]
        fitted = [getattr(fit.fitted, metric) for fit in fits]
        gain = [after - before for before, after in zip(default, fitted, strict=True)]
        figures.append((
            f"{name}: {metric} fitted vs default",
            f"{_spread(fitted)} vs {_spread(default)}; fitted - default {statistics.mean(gain):+.4f}"
            f" (min {min(gain):+.4f}, max {max(gain):+.4f})",
        ))  # fmt: skip
    figures.append((f"{name}: seeds where the fit predicts better (written)", f"{sum(f.better for f in fits)}/{seeds}"))
    return figures


def run(seeds: int = 8) -> list[tuple[str, str]]:
    """Entry point for bench/run.py: every kind of learner, seeds 1-`seeds`."""
    started = time.perf_counter()
    figures = [figure for name in LEARNERS for figure in learner_figures(name, seeds)]
    return [*figures, ("optimize bench wall time", f"{time.perf_counter() - started:.1f} s")]


if __name__ == "__main__":
    count = int(sys.argv[sys.argv.index("--seeds") + 1]) if "--seeds" in sys.argv else 8
    for figure_name, figure in run(count):
        print(f"{figure_name}: {figure}")
