"""One fsrs review as plain numbers, for the projection's thousands of them: `fsrs.Scheduler.review_card`
(fuzz off) without its card copy, datetimes and review log.

`fsrs` stays the scheduler: the stability, difficulty and interval come from the scheduler's own methods
(`_initial_stability`, `_short_term_stability`, `_next_stability`, `_next_difficulty`, `_next_interval`); only
the choice between them (the state machine of `review_card` in fsrs 6.3) is spelled again here, so that a
review costs those calls and nothing else. tests/test_fsrs_step.py checks it against `review_card` on random
states, ratings, elapsed days and settings.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from fsrs import Rating, Scheduler, State

__all__ = ["Step", "review_step"]

# (state, step, stability, difficulty, the interval to the next due moment)
Step = tuple[State, int | None, float, float, timedelta]
_PASS = (Rating.Hard, Rating.Good, Rating.Easy)


def review_step(
    scheduler: Scheduler,
    state: State,
    step: int | None,
    stability: float | None,
    difficulty: float | None,
    days: int | None,
    rating: Rating,
) -> Step:
    """What `scheduler.review_card` (fuzz off) makes of a card in `state` at `step` with this stability and
    difficulty, reviewed `days` whole days after its last review (None: never reviewed) and rated `rating`."""
    if scheduler.enable_fuzzing:
        raise ValueError("review_step needs a scheduler with fuzzing off (fuzz draws from the random module)")
    if state == State.Learning and (stability is None or difficulty is None):
        stability = scheduler._initial_stability(rating=rating)
        difficulty = scheduler._initial_difficulty(rating=rating, clamp=True)
    else:
        assert stability is not None and difficulty is not None  # noqa: S101 - as fsrs asserts
        if days is not None and days < 1:  # a review the same day
            stability = scheduler._short_term_stability(stability=stability, rating=rating)
        else:
            stability = _next_stability(scheduler, stability, difficulty, days, rating)
        difficulty = scheduler._next_difficulty(difficulty=difficulty, rating=rating)
    if state == State.Review:
        if rating == Rating.Again and scheduler.relearning_steps:
            return State.Relearning, 0, stability, difficulty, scheduler.relearning_steps[0]
        return State.Review, step, stability, difficulty, _interval(scheduler, stability)
    steps = scheduler.learning_steps if state == State.Learning else scheduler.relearning_steps
    assert step is not None  # noqa: S101 - as fsrs asserts
    return _through_steps(scheduler, steps, state, step, stability, difficulty, rating)


def _next_stability(
    scheduler: Scheduler, stability: float, difficulty: float, days: int | None, rating: Rating
) -> float:
    # fsrs's `get_card_retrievability` on the card it reviews: 0 without a last review, else whole days elapsed.
    retrievability = 0 if days is None else (1 + scheduler._FACTOR * max(0, days) / stability) ** scheduler._DECAY
    return scheduler._next_stability(
        difficulty=difficulty, stability=stability, retrievability=retrievability, rating=rating
    )


def _interval(scheduler: Scheduler, stability: float) -> timedelta:
    return timedelta(days=scheduler._next_interval(stability=stability))


def _through_steps(
    scheduler: Scheduler,
    steps: Sequence[timedelta],
    state: State,
    step: int,
    stability: float,
    difficulty: float,
    rating: Rating,
) -> Step:
    """A (re)learning card's next step, or its graduation to Review, as `review_card` moves it."""
    if not steps or (step >= len(steps) and rating in _PASS):
        return State.Review, None, stability, difficulty, _interval(scheduler, stability)
    if rating == Rating.Again:
        step, interval = 0, steps[0]
    elif rating == Rating.Hard and step == 0:  # between the first two steps, as fsrs has it
        interval = steps[0] * 1.5 if len(steps) == 1 else (steps[0] + steps[1]) / 2.0
    elif rating == Rating.Hard:
        interval = steps[step]
    elif rating == Rating.Good and step + 1 != len(steps):
        step, interval = step + 1, steps[step + 1]
    else:  # Good at the last step, or Easy
        return State.Review, None, stability, difficulty, _interval(scheduler, stability)
    return state, step, stability, difficulty, interval
