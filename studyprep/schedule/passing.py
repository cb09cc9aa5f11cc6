"""Anki's order of passing intervals, applied on top of the intervals fsrs gives (FSRS itself stays in `fsrs`).

fsrs schedules each rating on its own: a review card's Hard, Good and Easy can round to the same number of days,
and a card can be given fewer days than it was last given. Anki (rslib/src/scheduler/states/review.rs,
`passing_fsrs_review_intervals`, and fuzz.rs, `minimum_review_fuzz_interval`) keeps them in order, in whole days:

- a card in Review: Hard at least 1 day, Good at least Hard + 1, Easy at least Good + 1; and each at least the
  last interval + 1 when its own rounds above the last interval, or at least the last interval when that still
  lies within the own interval's fuzz range (a Hard that shrank a little keeps the last interval);
- a card leaving (re)learning with Easy (learning.rs and relearning.rs, `answer_easy`): at least Good + 1;
- everything at most the maximum interval.

Only the days change; the memory state (stability, difficulty) is fsrs's. Fuzz, when on, is applied to each
rating's interval before the order (Anki fuzzes within the bounds; both draw one fuzz factor for all ratings).
"""

from __future__ import annotations

__all__ = ["fuzz_upper_bound", "minimum_past_last", "ordered_days"]

import math
from collections.abc import Sequence

# Anki's FUZZ_RANGES (fuzz.rs): (start, end, factor); fsrs's own table has the same figures.
_FUZZ_RANGES = ((2.5, 7.0, 0.15), (7.0, 20.0, 0.1), (20.0, math.inf, 0.05))


def _rust_round(value: float) -> int:
    # Rust's f32::round: halves away from zero (Python's round takes halves to even). Intervals are positive.
    return math.floor(value + 0.5)


def fuzz_upper_bound(interval: float, maximum: int) -> int:
    """The top of the fuzz range of `interval` days, within 1..`maximum` (Anki's `constrained_fuzz_bounds`)."""
    interval = min(max(interval, 1.0), float(maximum))
    delta = 0.0
    if interval >= 2.5:
        delta = 1.0 + sum(factor * max(0.0, min(interval, end) - start) for start, end, factor in _FUZZ_RANGES)
    lower = min(max(_rust_round(interval - delta), 1), maximum)
    upper = min(max(_rust_round(interval + delta), 1), maximum)
    if upper == lower and 2 < upper < maximum:
        upper = lower + 1
    return upper


def minimum_past_last(interval: float, previous: int, maximum: int) -> int:
    """The fewest days a review card's passing rating may get given its last interval (`previous` days) and its
    own interval from fsrs (`interval`, unrounded): Anki's `minimum_review_fuzz_interval`."""
    if _rust_round(interval) > previous:
        return previous + 1
    if previous <= fuzz_upper_bound(interval, maximum):
        return previous  # the interval hardly grew: it does not shrink either
    return 0  # it shrank for real (new parameters or desired retention)


def ordered_days(days: Sequence[int], intervals: Sequence[float], previous: int | None, maximum: int) -> int:
    """The days Anki schedules for the last rating of `days`, in order from Hard (a card in Review, `previous` its
    last interval in days) or from Good (a card leaving (re)learning with Easy, `previous` None).

    `days` are fsrs's whole days for each rating (fuzzed when fuzz is on) and `intervals` fsrs's unrounded
    intervals for the same ratings; each rating's days are raised to the order's minimum, then capped at `maximum`.
    """
    if previous is None:  # (re)learning, Easy: after Good's days only
        return min(max(days[-1], days[0] + 1, 1), maximum)
    ordered = 0
    for own, interval in zip(days, intervals, strict=True):
        if own > ordered and own > previous:  # past both minimums (each at most these + 1): as it is
            ordered = own
        else:
            minimum = max(minimum_past_last(interval, previous, maximum), ordered + 1)
            ordered = min(max(own, min(minimum, maximum)), maximum)
    return ordered
