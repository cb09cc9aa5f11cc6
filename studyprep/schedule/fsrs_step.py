"""One fsrs review as plain numbers, for the projection's thousands of them: `fsrs.Scheduler.review_card`
(fuzz off) without its card copy, datetimes and review log.

`fsrs` stays the reference. This is its arithmetic for a card that has a memory (fsrs 6.3's `_short_term_stability`,
`_next_difficulty`, `_next_stability` and `_next_interval`), spelled with the same operations in the same order,
so the same floats, and with what depends only on the parameters (powers of e per rating, the interval factor)
computed once per scheduler instead of in every call; a first review uses the scheduler's own methods. The state
machine is `review_card`'s. tests/test_fsrs_step.py checks every result against `review_card` on random states,
ratings, elapsed days and parameters.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import NamedTuple

from fsrs import Rating, Scheduler, State

from studyprep.schedule.passing import fuzz_upper_bound, ordered_days

__all__ = ["Step", "StepModel", "anki_step", "ordered_interval", "review_step", "step_model"]

# (state, step, stability, difficulty, the interval to the next due moment)
Step = tuple[State, int | None, float, float, timedelta]
_PASS = (Rating.Hard, Rating.Good, Rating.Easy)
STABILITY_MIN = 0.001  # fsrs.scheduler's bounds
MIN_DIFFICULTY, MAX_DIFFICULTY = 1.0, 10.0
# The members this runs with, bound once: on Python 3.11 an Enum class attribute costs five global lookups, and
# the clamps below are written as conditionals for the same reason (a builtin max call costs more than the
# formula around it). Each picks exactly what max and min pick (the first of equals).
_LEARNING, _REVIEW, _RELEARNING = State.Learning, State.Review, State.Relearning
_AGAIN, _HARD, _GOOD, _EASY = Rating.Again, Rating.Hard, Rating.Good, Rating.Easy


class _Model(NamedTuple):
    """What fsrs's formulas take from the parameters alone, as fsrs computes each part (index: the rating)."""

    w: tuple[float, ...]
    short_term_growth: tuple[float, ...]  # math.e ** (w17 * (rating - 3 + w18))
    difficulty_delta: tuple[float, ...]  # -(w6 * (rating - 3))
    easy_difficulty: float  # _initial_difficulty(Easy, clamp=False)
    forget_short_term: float  # math.e ** (w17 * w18)
    recall_factor: float  # math.e ** w8
    interval_factor: float  # desired_retention ** (1 / DECAY) - 1
    factor: float
    decay: float
    maximum_interval: int
    passing_factors: tuple[tuple[float, float], ...]  # (hard penalty, easy bonus) by rating, 1 where fsrs has 1


StepModel = _Model  # what `step_model` gives, for callers that keep one


@functools.lru_cache(maxsize=32)
def _model(parameters: tuple[float, ...], desired_retention: float, maximum_interval: int) -> _Model:
    w = parameters
    decay = -w[20]
    return _Model(
        w=w,
        short_term_growth=tuple(math.e ** (w[17] * (rating - 3 + w[18])) for rating in range(5)),
        difficulty_delta=tuple(-(w[6] * (rating - 3)) for rating in range(5)),
        easy_difficulty=w[4] - (math.e ** (w[5] * (Rating.Easy - 1))) + 1,
        forget_short_term=math.e ** (w[17] * w[18]),
        recall_factor=math.e ** (w[8]),
        interval_factor=(desired_retention ** (1 / decay)) - 1,
        factor=0.9 ** (1 / decay) - 1,
        decay=decay,
        maximum_interval=maximum_interval,
        passing_factors=((1, 1), (1, 1), (w[15], 1), (1, 1), (1, w[16])),
    )


def review_step(
    scheduler: Scheduler,
    state: State,
    step: int | None,
    stability: float | None,
    difficulty: float | None,
    days: int | None,
    rating: Rating,
    model: _Model | None = None,
) -> Step:
    """What `scheduler.review_card` (fuzz off) makes of a card in `state` at `step` with this stability and
    difficulty, reviewed `days` whole days after its last review (None: never reviewed) and rated `rating`.

    `model` is the scheduler's `step_model`, which a caller reviewing many cards with one scheduler keeps."""
    if model is None:
        model = step_model(scheduler)
    if state == _LEARNING and (stability is None or difficulty is None):
        stability = scheduler._initial_stability(rating=rating)
        difficulty = scheduler._initial_difficulty(rating=rating, clamp=True)
    else:
        assert stability is not None and difficulty is not None  # noqa: S101 - as fsrs asserts
        if days is not None and days < 1:  # a review the same day
            stability = _short_term_stability(model, stability, rating)
        else:
            stability = _next_stability(model, stability, difficulty, days, rating)
        difficulty = _next_difficulty(model, difficulty, rating)
    if state == _REVIEW:
        if rating == _AGAIN and scheduler.relearning_steps:
            return _RELEARNING, 0, stability, difficulty, scheduler.relearning_steps[0]
        return _REVIEW, step, stability, difficulty, _interval(model, stability)
    steps = scheduler.learning_steps if state == _LEARNING else scheduler.relearning_steps
    assert step is not None  # noqa: S101 - as fsrs asserts
    return _through_steps(model, steps, state, step, stability, difficulty, rating)


def step_model(scheduler: Scheduler) -> _Model:
    """What `review_step` takes from the scheduler's parameters (looking it up hashes them all)."""
    if scheduler.enable_fuzzing:
        raise ValueError("review_step needs a scheduler with fuzzing off (fuzz draws from the random module)")
    return _model(scheduler.parameters, scheduler.desired_retention, scheduler.maximum_interval)


def _short_term_stability(model: _Model, stability: float, rating: Rating) -> float:
    increase = model.short_term_growth[rating] * (stability ** -model.w[19])
    if rating != _AGAIN:
        increase = 1.0 if increase < 1.0 else increase
    following = stability * increase
    return STABILITY_MIN if following < STABILITY_MIN else following


def _next_difficulty(model: _Model, difficulty: float, rating: Rating) -> float:
    damped = difficulty + (10.0 - difficulty) * model.difficulty_delta[rating] / 9.0
    reverted = model.w[7] * model.easy_difficulty + (1 - model.w[7]) * damped
    reverted = MIN_DIFFICULTY if reverted < MIN_DIFFICULTY else reverted
    return MAX_DIFFICULTY if reverted > MAX_DIFFICULTY else reverted


def _next_stability(model: _Model, stability: float, difficulty: float, days: int | None, rating: Rating) -> float:
    w = model.w
    # fsrs's `get_card_retrievability` on the card it reviews: 0 without a last review, else whole days elapsed.
    recall = 0 if days is None else (1 + model.factor * (days if days > 0 else 0) / stability) ** model.decay
    if rating == _AGAIN:
        long_term = (
            w[11] * (difficulty ** -w[12]) * (((stability + 1) ** (w[13])) - 1) * (math.e ** ((1 - recall) * w[14]))
        )
        short_term = stability / model.forget_short_term
        following = short_term if short_term < long_term else long_term
    else:
        hard_penalty = w[15] if rating == _HARD else 1
        easy_bonus = w[16] if rating == _EASY else 1
        following = stability * (
            1
            + model.recall_factor
            * (11 - difficulty)
            * (stability ** -w[9])
            * ((math.e ** ((1 - recall) * w[10])) - 1)
            * hard_penalty
            * easy_bonus
        )
    return STABILITY_MIN if following < STABILITY_MIN else following


def _interval(model: _Model, stability: float) -> timedelta:
    days = round((stability / model.factor) * model.interval_factor)  # whole days, at least 1, at most the maximum
    days = 1 if days < 1 else days
    days = model.maximum_interval if model.maximum_interval < days else days
    interval = _DAYS.get(days)
    if interval is None:  # a few hundred distinct intervals: each timedelta made once
        interval = _DAYS[days] = timedelta(days=days)
    return interval


_DAYS: dict[int, timedelta] = {}


def _through_steps(
    model: _Model,
    steps: Sequence[timedelta],
    state: State,
    step: int,
    stability: float,
    difficulty: float,
    rating: Rating,
) -> Step:
    """A (re)learning card's next step, or its graduation to Review, as `review_card` moves it."""
    if not steps or (step >= len(steps) and rating in _PASS):
        return _REVIEW, None, stability, difficulty, _interval(model, stability)
    if rating == _AGAIN:
        step, interval = 0, steps[0]
    elif rating == _HARD and step == 0:  # between the first two steps, as fsrs has it
        interval = steps[0] * 1.5 if len(steps) == 1 else (steps[0] + steps[1]) / 2.0
    elif rating == _HARD:
        interval = steps[step]
    elif rating == _GOOD and step + 1 != len(steps):
        step, interval = step + 1, steps[step + 1]
    else:  # Good at the last step, or Easy
        return _REVIEW, None, stability, difficulty, _interval(model, stability)
    return state, step, stability, difficulty, interval


def anki_step(
    scheduler: Scheduler,
    state: State,
    step: int | None,
    stability: float | None,
    difficulty: float | None,
    days: int | None,
    previous: int | None,
    rating: Rating,
    fuzz: Callable[[timedelta], timedelta] | None = None,
    model: _Model | None = None,
) -> Step:
    """`review_step` with Anki's order of passing intervals (`ordered_interval`; `previous`: the card's last
    interval in days when it is in Review) and, given `fuzz`, fsrs's fuzz on every interval into Review (`fuzz`
    must draw the same fuzz for each rating). A review card's passing answer computes the ratings below it with
    its own (`_passing_stabilities`): the same floats as a `review_step` per rating, for a few multiplications.
    `model`: the scheduler's `step_model`, which a caller stepping through many answers keeps."""
    if state != State.Review or rating == Rating.Again:
        after = review_step(scheduler, state, step, stability, difficulty, days, rating, model)
        if after[0] != State.Review:
            return after
        interval = fuzz(after[4]) if fuzz else after[4]
        if rating == Rating.Easy:  # leaving (re)learning: a day past Good
            interval = ordered_interval(scheduler, state, stability, difficulty, days, None, rating, interval, fuzz)
        return after[0], after[1], after[2], after[3], interval
    if model is None:
        model = step_model(scheduler)  # refuses a scheduler with fuzzing on (fuzz is `fuzz`'s)
    assert stability is not None and difficulty is not None  # noqa: S101 - as fsrs asserts
    stabilities = _passing_stabilities(scheduler, model, stability, difficulty, days, _ORDERED[True, rating])
    interval = _ordered(model, stabilities, previous or 0, fuzz, None)
    return State.Review, step, stabilities[-1], _next_difficulty(model, difficulty, rating), interval


def ordered_interval(
    scheduler: Scheduler,
    state: State,
    stability: float | None,
    difficulty: float | None,
    days: int | None,
    previous: int | None,
    rating: Rating,
    interval: timedelta,
    fuzz: Callable[[timedelta], timedelta] | None = None,
) -> timedelta:
    """The interval Anki schedules where fsrs gave `interval` (whole days, fuzzed by `fuzz` if on) to a card in
    `state` (stability, difficulty, `days` since its last review, as `review_step` takes them) answered `rating`
    into Review: `passing.ordered_days` over the ratings below it, each interval from fsrs's own arithmetic and
    fuzzed by `fuzz` (which must draw the same fuzz as `interval`'s). `previous`: the card's last interval in days.
    """
    ratings = _ORDERED.get((state == State.Review, rating))
    if ratings is None:  # Anki orders a review card's passing answers and a (re)learning card's Easy only
        return interval
    model = _model(scheduler.parameters, scheduler.desired_retention, scheduler.maximum_interval)
    stabilities = _passing_stabilities(scheduler, model, stability, difficulty, days, ratings)
    return _ordered(model, stabilities, (previous or 0) if state == State.Review else None, fuzz, interval.days)


# The ratings whose intervals Anki's order takes, by (the card was in Review, the rating answered).
_ORDERED = {
    (True, Rating.Hard): (Rating.Hard,),
    (True, Rating.Good): (Rating.Hard, Rating.Good),
    (True, Rating.Easy): _PASS,
    (False, Rating.Easy): (Rating.Good, Rating.Easy),
}


def _ordered(
    model: _Model,
    stabilities: Sequence[float],
    previous: int | None,
    fuzz: Callable[[timedelta], timedelta] | None,
    own: int | None,
) -> timedelta:
    """`passing.ordered_days` of the last of `stabilities` (`own`: its days as fsrs gave them, else computed)."""
    factor, scale, maximum = model.factor, model.interval_factor, model.maximum_interval
    intervals = [(stability / factor) * scale for stability in stabilities]  # fsrs's `_next_interval`, unrounded
    days = [min(max(round(interval), 1), maximum) for interval in intervals]  # as `_interval` rounds
    if own is not None:
        days[-1] = own
    if fuzz is not None:
        lower = len(days) - 1
        if own is None:
            days[-1] = fuzz(timedelta(days=days[-1])).days
        if _beyond_lower(days, previous, maximum):
            return timedelta(days=days[-1])  # the ratings below cannot reach it: their fuzz changes nothing
        days[:lower] = [fuzz(timedelta(days=whole)).days for whole in days[:lower]]
    return timedelta(days=ordered_days(days, intervals, previous, maximum))


def _beyond_lower(days: Sequence[int], previous: int | None, maximum: int) -> bool:
    """True when the last rating's (fuzzed) days stand past anything `passing.ordered_days` could raise the
    ratings below it to, fuzzed or not, so that it keeps its own days: drawing the lower ratings' fuzz (a seeding
    and an fsrs call each) would change nothing. Each lower rating ends at most at its fuzz ceiling, the last
    interval + 1, or one past the rating below it."""
    floor = 0 if previous is None else previous + 1
    reach = 0
    for whole in days[:-1]:
        reach = max(_fuzz_ceiling(whole, maximum), floor, reach + 1)
    own = days[-1]
    return own > reach and (previous is None or own > previous)


@functools.lru_cache(maxsize=4096)
def _fuzz_ceiling(days: int, maximum: int) -> int:
    """A bound no fuzzed interval of `days` days exceeds: the top of the fuzz range (`passing.fuzz_upper_bound`,
    rounding halves up, so never under fsrs's own top), and one day more, as fsrs's draw may round past it."""
    return fuzz_upper_bound(days, maximum) + 1


def _passing_stabilities(
    scheduler: Scheduler,
    model: _Model,
    stability: float | None,
    difficulty: float | None,
    days: int | None,
    ratings: Sequence[Rating],
) -> list[float]:
    """fsrs's next stability for each passing rating of `ratings`, as `review_step` computes it, what they share
    computed once: the same float operations in the same order as fsrs's, so the same floats (a factor of 1 for
    the other ratings' penalty or bonus multiplies exactly)."""
    if stability is None or difficulty is None:  # a first answer
        return [scheduler._initial_stability(rating=rating) for rating in ratings]
    w = model.w
    if days is not None and days < 1:  # a review the same day
        power = stability ** -w[19]
        return [max(stability * max(model.short_term_growth[rating] * power, 1.0), STABILITY_MIN) for rating in ratings]
    recall = 0 if days is None else (1 + model.factor * max(0, days) / stability) ** model.decay
    shared = model.recall_factor * (11 - difficulty) * (stability ** -w[9]) * ((math.e ** ((1 - recall) * w[10])) - 1)
    factors = model.passing_factors
    return [max(stability * (1 + shared * factors[r][0] * factors[r][1]), STABILITY_MIN) for r in ratings]
