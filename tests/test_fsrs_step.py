"""`fsrs_step.review_step` and the projection's `MemoScheduler` against the `fsrs` package itself, on random
states, ratings, elapsed times and scheduler settings: equal within 1e-9 (fsrs stays the reference)."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Card, Rating, Scheduler, State
from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS
from hypothesis import given, settings
from hypothesis import strategies as st

from studyprep.schedule.deadline import finish_steps, review_outcomes
from studyprep.schedule.fsrs_step import review_step
from studyprep.schedule.projection import MemoScheduler
from studyprep.schedule.studydays import StudyDayScheduler

STEPS = st.lists(st.integers(1, 2880).map(lambda minutes: timedelta(minutes=minutes)), max_size=3)
PARAMETERS = st.tuples(
    *(st.floats(low, high) for low, high in zip(LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True))
)


@st.composite
def schedulers(draw: st.DrawFn) -> dict[str, object]:
    """Settings of a scheduler without fuzz: parameters within fsrs's bounds, any steps."""
    return {
        "parameters": draw(st.one_of(st.just(Scheduler().parameters), PARAMETERS)),
        "desired_retention": draw(st.floats(0.7, 0.99)),
        "learning_steps": draw(STEPS),
        "relearning_steps": draw(STEPS),
        "maximum_interval": draw(st.integers(1, 36500)),
        "enable_fuzzing": False,
    }


@st.composite
def cards(draw: st.DrawFn) -> tuple[State, int | None, float | None, float | None]:
    """A card's state, step, stability and difficulty as fsrs can hold them (a Learning card may have none yet)."""
    state = draw(st.sampled_from([State.Learning, State.Review, State.Relearning]))
    step = draw(st.none() if state == State.Review else st.integers(0, 4))
    if state == State.Learning and draw(st.booleans()):
        return state, step, None, None
    return state, step, draw(st.floats(0.001, 36500)), draw(st.floats(1.0, 10.0))


# A card reviewed some minutes into 2026, some time after its last review, by a scheduler counting study days.
STUDY_DAY_REVIEWS = {
    "config": schedulers(),
    "card": cards(),
    "elapsed": st.one_of(st.none(), st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400))),
    "minutes": st.integers(0, 1440 * 366),
    "day_start": st.one_of(st.none(), st.integers(0, 23)),
    "zone": st.sampled_from(["UTC", "America/New_York", "Asia/Kolkata"]),
}


def _close(ours: tuple, theirs: tuple) -> bool:
    (state, step, stability, difficulty, interval), (state2, step2, stability2, difficulty2, interval2) = ours, theirs
    return (
        (state, step, interval) == (state2, step2, interval2)
        and math.isclose(stability, stability2, rel_tol=1e-9, abs_tol=1e-9)
        and math.isclose(difficulty, difficulty2, rel_tol=1e-9, abs_tol=1e-9)
    )


@pytest.mark.slow
@settings(max_examples=2000, deadline=None)
@given(
    config=schedulers(),
    card=cards(),
    elapsed=st.one_of(st.none(), st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=4000))),
    rating=st.sampled_from(list(Rating)),
)
def test_review_step_is_fsrs_review_card(config: dict, card: tuple, elapsed: timedelta | None, rating: Rating) -> None:
    scheduler = Scheduler(**config)
    when = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    last = None if elapsed is None else when - elapsed
    after, _ = scheduler.review_card(Card(1, *card, due=when, last_review=last), rating, when)
    theirs = (after.state, after.step, after.stability, after.difficulty, after.due - when)
    days = None if elapsed is None else elapsed.days
    assert _close(review_step(scheduler, *card, days, rating), theirs)


@pytest.mark.slow
@settings(max_examples=1000, deadline=None)
@given(**STUDY_DAY_REVIEWS, rating=st.sampled_from(list(Rating)))
def test_memo_scheduler_is_the_study_day_scheduler(
    config: dict, card: tuple, elapsed: timedelta | None, minutes: int, rating: Rating, day_start: int | None, zone: str
) -> None:
    """The whole projection step (study days, memo, `review_step`) against fsrs fed study days, twice over (the
    second answer comes from the memo)."""
    reference = StudyDayScheduler(day_starts_at_hour=day_start, time_zone=zone, **config)
    memo = MemoScheduler.of(reference)
    when = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)
    last = None if elapsed is None else when - elapsed
    expected, _ = reference.review_card(Card(1, *card, due=when, last_review=last), rating, when)
    for _ in range(2):
        got, log = memo.review_card(Card(1, *card, due=when, last_review=last), rating, when)
        assert log is None and got.last_review == when and got.due == expected.due
        assert _close(
            (got.state, got.step, got.stability, got.difficulty, got.due - when),
            (expected.state, expected.step, expected.stability, expected.difficulty, expected.due - when),
        )


@pytest.mark.slow
@settings(max_examples=1000, deadline=None)
@given(**STUDY_DAY_REVIEWS)
def test_review_outcomes_on_values_are_fsrs_reviews_through_steps(
    config: dict, card: tuple, elapsed: timedelta | None, minutes: int, day_start: int | None, zone: str
) -> None:
    """The plan's two outcomes of a review (Good, Again, each then through its same-day steps answered Good), as
    the memoizing scheduler computes them on plain values, against fsrs's own `review_card` and `finish_steps`
    with the study-day scheduler; `review_outcomes` gives the same figures with either."""
    reference = StudyDayScheduler(day_starts_at_hour=day_start, time_zone=zone, **config)
    memo = MemoScheduler.of(reference)
    when = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)
    last = None if elapsed is None else when - elapsed
    start = Card(1, *card, due=when, last_review=last)
    expected = []
    for rating in (Rating.Good, Rating.Again):
        after, _ = reference.review_card(start, rating, when)
        expected.append(finish_steps(reference, after))
    passed, failed, answers = memo.review_outcome_states(start, when)
    assert answers == expected[1][1]
    for got, (want, _) in ((passed, expected[0]), (failed, expected[1])):
        assert (got.card_id, got.due, got.last_review) == (want.card_id, want.due, want.last_review)
        assert _close((got.state, got.step, got.stability, got.difficulty, got.due - when),
                      (want.state, want.step, want.stability, want.difficulty, want.due - when))  # fmt: skip
    if card[2] is not None and last is not None:  # a card with a memory, as the plan weighs them
        ours, theirs = review_outcomes(memo, start, when), review_outcomes(reference, start, when)
        assert ours.success == theirs.success
        assert math.isclose(ours.answers, theirs.answers, rel_tol=1e-9, abs_tol=1e-9)
