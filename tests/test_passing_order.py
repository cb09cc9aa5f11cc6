"""Anki's order of passing intervals (`passing`, applied by `fsrs_step.ordered_interval`): Anki's own cases for its
fuzz bounds and minimum, cases where fsrs gives Hard, Good and Easy the same days, the cheap computation of the
other ratings' stabilities against fsrs's arithmetic rating by rating, and the order kept wherever studyprep
schedules (a live answer, its preview on the keys)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Card, Rating, Scheduler, State
from hypothesis import given, settings
from hypothesis import strategies as st
from test_fsrs_step import cards, schedulers

from studyprep.schedule.fsrs_step import _beyond_lower, _fuzz_ceiling, ordered_interval, review_step
from studyprep.schedule.passing import fuzz_upper_bound, minimum_past_last, ordered_days
from studyprep.schedule.scheduling import preview, review
from studyprep.schedule.studydays import StudyDayScheduler

WHEN = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
PASSING = (Rating.Hard, Rating.Good, Rating.Easy)


@pytest.mark.parametrize(
    ("interval", "maximum", "upper"),
    # rslib/src/scheduler/states/fuzz.rs, `with_review_fuzz`: the top of each range (fuzz factor 0.99)
    [
        (1.0, 1000, 1),
        (2.49, 1000, 2),
        (2.5, 1000, 4),
        (7.0, 1000, 9),
        (17.0, 1000, 20),
        (37.0, 1000, 41),
        (6.9, 1000, 9),
        (19.9, 1000, 23),
        (20.1, 1000, 23),
        (100.0, 99, 99),
    ],
)
def test_fuzz_upper_bound_is_anki_s(interval: float, maximum: int, upper: int) -> None:
    assert fuzz_upper_bound(interval, maximum) == upper


def test_minimum_past_last_is_anki_s() -> None:
    # fuzz.rs, `minimum_review_fuzz_interval_preserves_previous_only_within_range`
    assert minimum_past_last(2.7269483, 4, 36500) == 4
    assert minimum_past_last(2.7269483, 5, 36500) == 0
    assert minimum_past_last(4.591988, 4, 36500) == 5


@pytest.mark.parametrize(
    ("days", "intervals", "previous", "maximum", "expected"),
    [
        ((3,), (3.1,), 2, 36500, 3),  # Hard past the last interval: as fsrs has it
        ((3, 3), (3.1, 3.3), 2, 36500, 4),  # Good rounds like Hard: a day more
        ((3, 3, 3), (3.1, 3.3, 3.4), 2, 36500, 5),  # all three alike: Easy two days past Hard
        ((4,), (3.6,), 5, 36500, 5),  # Hard shrank within its fuzz range: the last interval stays
        ((4, 5), (3.6, 5.2), 5, 36500, 6),  # ... and Good goes a day past it
        ((2,), (2.2,), 10, 36500, 2),  # shrank for real (new parameters): not held up
        ((1, 1, 1), (0.4, 0.6, 0.8), 1, 36500, 3),  # at least 1, 2, 3 days
        ((5, 9, 14), (5.2, 9.1, 14.3), 4, 36500, 14),  # already in order: unchanged
        ((100, 100, 100), (100.2, 100.3, 100.4), 50, 100, 100),  # never past the maximum interval
        ((1, 1), (0.7, 1.2), None, 36500, 2),  # leaving (re)learning with Easy: a day past Good
        ((3, 16), (3.2, 15.7), None, 36500, 16),
    ],
)
def test_ordered_days(days: tuple, intervals: tuple, previous: int | None, maximum: int, expected: int) -> None:
    assert ordered_days(days, intervals, previous, maximum) == expected


def test_a_review_card_answered_again_the_same_day_gets_hard_good_and_easy_in_order() -> None:
    """Reviewed again hours later, fsrs keeps a strong card's stability for Hard and Good (short-term growth is at
    least 1): both get the same days. Anki, and studyprep, give Good a day more; the memory state stays fsrs's."""
    last = WHEN - timedelta(hours=2)
    card = Card(1, State.Review, None, 10.0, 5.0, due=last + timedelta(days=10), last_review=last)
    plain = {rating: Scheduler(enable_fuzzing=False).review_card(card, rating, WHEN)[0] for rating in PASSING}
    assert (plain[Rating.Hard].due - WHEN).days == (plain[Rating.Good].due - WHEN).days  # fsrs's tie
    ordered = StudyDayScheduler(enable_fuzzing=False)
    days = {rating: interval.days for rating, interval in preview(ordered, "d", "c", card, WHEN).items()}
    assert days[2] < days[3] < days[4] and days[2] >= 10  # the last interval held, then a day apart
    for rating in PASSING:
        after, _ = ordered.review_card(card, rating, WHEN)
        assert (after.stability, after.difficulty) == (plain[rating].stability, plain[rating].difficulty)
        assert (after.due - WHEN).days == days[rating]


def _rounded_apart(scheduler: Scheduler, card: tuple, days: int | None, rating: Rating) -> int:
    """Anki's order from each rating's own `review_step` and fsrs's interval formula: the thrice-the-work way."""
    state, step, stability, difficulty = card
    ratings = PASSING[: PASSING.index(rating) + 1] if state == State.Review else (Rating.Good, Rating.Easy)
    steps = [review_step(scheduler, state, step, stability, difficulty, days, each) for each in ratings]
    retention = scheduler.desired_retention ** (1 / scheduler._DECAY) - 1
    intervals = [after[2] / scheduler._FACTOR * retention for after in steps]
    whole = [round(value) for value in intervals]
    whole = [min(max(value, 1), scheduler.maximum_interval) for value in whole]
    return ordered_days(whole, intervals, 7 if state == State.Review else None, scheduler.maximum_interval)


@settings(max_examples=1500, deadline=None)
@given(
    config=schedulers(), card=cards(), days=st.one_of(st.none(), st.integers(0, 4000)), rating=st.sampled_from(PASSING)
)
def test_ordered_interval_computes_the_other_ratings_as_fsrs_does(
    config: dict, card: tuple, days: int | None, rating: Rating
) -> None:
    """`ordered_interval` shares what the ratings' stabilities have in common; the days equal those from a
    `review_step` per rating (itself tested equal to fsrs's `review_card`)."""
    scheduler = Scheduler(**config)
    after = review_step(scheduler, *card, days, rating)
    if after[0] != State.Review:
        return
    state, _, stability, difficulty = card
    got = ordered_interval(scheduler, state, stability, difficulty, days, 7, rating, after[4])
    if state != State.Review and rating != Rating.Easy:
        assert got == after[4]
    else:
        assert got.days == _rounded_apart(scheduler, card, days, rating)


@settings(max_examples=300, deadline=None)
@given(
    stability=st.floats(0.01, 3000),
    difficulty=st.floats(1.0, 10.0),
    scheduled=st.integers(1, 3000),
    elapsed_hours=st.integers(0, 24 * 4000),
    fuzz=st.booleans(),
    day_start=st.one_of(st.none(), st.integers(0, 23)),
)
def test_a_review_card_s_passing_answers_are_a_day_apart_wherever_studyprep_schedules(
    stability: float, difficulty: float, scheduled: int, elapsed_hours: int, fuzz: bool, day_start: int | None
) -> None:
    """The keys' preview and the answer itself: Hard < Good < Easy in whole days (below the maximum interval),
    fuzz on or off, each answer due where its key said; without fuzz none shorter than fsrs's own."""
    scheduler = StudyDayScheduler(enable_fuzzing=fuzz, day_starts_at_hour=day_start)
    last = WHEN - timedelta(hours=elapsed_hours)
    card = Card(1, State.Review, None, stability, difficulty, due=last + timedelta(days=scheduled), last_review=last)
    shown = preview(scheduler, "deck", "card", card, WHEN)
    maximum = timedelta(days=scheduler.maximum_interval)
    assert shown[2] < shown[3] < shown[4] or shown[4] == maximum
    assert shown[1] < shown[2] and shown[2] >= timedelta(days=1)
    for rating in PASSING:
        assert review(scheduler, "deck", "card", card, rating, WHEN).due - WHEN == shown[rating]
    if not fuzz:
        plain = Scheduler(enable_fuzzing=False)
        shifted = scheduler.as_study_days(card, WHEN)
        for rating in PASSING:
            assert shown[rating] >= plain.review_card(shifted, rating, WHEN)[0].due - WHEN


@pytest.mark.parametrize("days", [*range(1, 400), 1000, 9999, 36500])
def test_no_fuzzed_interval_passes_its_fuzz_ceiling(days: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """fsrs's fuzz at its highest draw (random() just under 1) stays within `_fuzz_ceiling`."""
    import fsrs.scheduler

    monkeypatch.setattr(fsrs.scheduler, "random", lambda: 1 - 1e-12)
    fuzzed = Scheduler(maximum_interval=36500)._get_fuzzed_interval(interval=timedelta(days=days)).days
    assert days - 1 <= fuzzed <= _fuzz_ceiling(days, 36500) or days < 3


@settings(max_examples=2000, deadline=None)
@given(
    lower=st.lists(st.integers(1, 400), min_size=1, max_size=2),
    own=st.integers(1, 500),
    previous=st.one_of(st.none(), st.integers(1, 400)),
    seed=st.integers(0, 2**32),
)
def test_skipping_the_lower_ratings_fuzz_changes_nothing(
    lower: list[int], own: int, previous: int | None, seed: int
) -> None:
    """Where `_beyond_lower` says the last rating stands past the ratings below it, ordering it against their
    fuzzed days (fsrs's fuzz, any draw) gives its own days."""
    if not _beyond_lower([*lower, own], previous, 36500):
        return
    scheduler = Scheduler(maximum_interval=36500)
    random.seed(seed)
    fuzzed = [scheduler._get_fuzzed_interval(interval=timedelta(days=whole)).days for whole in lower]
    assert ordered_days([*fuzzed, own], [float(whole) for whole in [*lower, own]], previous, 36500) == own
