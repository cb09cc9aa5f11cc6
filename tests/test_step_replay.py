"""`scheduling.StepReplay` (anki-pull's replay of whole histories, with `fsrs_step`) against `replay_answers`, which
feeds each answer to fsrs's own `review_card`: the same states on random histories, with fuzz on and off, study
days starting at any hour in several zones or fsrs's own 24-hour days (fsrs stays the reference)."""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, timedelta

import pytest
from fsrs import Scheduler
from hypothesis import given, settings
from hypothesis import strategies as st

from studyprep.schedule.scheduling import StepReplay, replay_answers
from studyprep.schedule.studydays import StudyDayNumbers, StudyDayScheduler, study_date

START = datetime(2025, 10, 20, 7, 30, tzinfo=UTC)  # a week before summer time ends in Europe
# When clocks change: Europe's summer time ends, New York's; Lord Howe's half hour ends and starts; St. John's
# (3:30 behind UTC) summer time ends and starts, at half past a UTC hour.
CLOCK_CHANGES = [
    datetime(2025, 10, 26, 1, tzinfo=UTC),
    datetime(2025, 11, 2, 6, tzinfo=UTC),
    datetime(2025, 11, 2, 4, 30, tzinfo=UTC),
    datetime(2025, 3, 9, 5, 30, tzinfo=UTC),
    datetime(2025, 4, 5, 15, tzinfo=UTC),
    datetime(2025, 10, 4, 15, 30, tzinfo=UTC),
]
GAPS = st.one_of(
    st.integers(0, 3600),  # seconds: learning steps, the same session
    st.integers(3600, 3 * 86_400),  # across study days
    st.integers(3 * 86_400, 200 * 86_400),  # reviews
)


@st.composite
def histories(draw: st.DrawFn) -> list[tuple[datetime, int]]:
    """Answers in time order (ties allowed), each with a button 1-4."""
    moment, answers = START, []
    for _ in range(draw(st.integers(0, 40))):
        moment += timedelta(seconds=draw(GAPS), microseconds=draw(st.integers(0, 999_999)))
        answers.append((moment, draw(st.integers(1, 4))))
    return answers


@settings(max_examples=300, deadline=None)
@given(
    answers=histories(),
    fuzz=st.booleans(),
    day_start=st.one_of(st.none(), st.integers(0, 23)),
    zone=st.sampled_from([None, "UTC", "Europe/Amsterdam", "America/New_York", "Asia/Kolkata"]),
    learning=st.sampled_from([(), (60,), (60, 600), (300, 3600, 86_400)]),
    relearning=st.sampled_from([(), (600,), (600, 3600)]),
    retention=st.floats(0.75, 0.97),
)
def test_step_replay_is_replay_answers(
    answers: list[tuple[datetime, int]],
    fuzz: bool,
    day_start: int | None,
    zone: str | None,
    learning: tuple[int, ...],
    relearning: tuple[int, ...],
    retention: float,
) -> None:
    scheduler = StudyDayScheduler(
        day_starts_at_hour=day_start,
        time_zone=zone,
        desired_retention=retention,
        learning_steps=[timedelta(seconds=step) for step in learning],
        relearning_steps=[timedelta(seconds=step) for step in relearning],
        enable_fuzzing=fuzz,
    )
    caller = random.Random(7).getstate()
    random.setstate(caller)
    expected = replay_answers(scheduler, "deck", "card-1", ((at, rating, None) for at, rating in answers))
    got = StepReplay(scheduler).replay("deck", "card-1", answers)
    assert random.getstate() == caller  # the caller's generator is left as it was
    if expected is None:
        assert got is None
        return
    assert got is not None
    assert (got.card_id, got.state, got.step, got.due, got.last_review) == (
        expected.card_id, expected.state, expected.step, expected.due, expected.last_review
    )  # fmt: skip
    assert math.isclose(got.stability, expected.stability, rel_tol=1e-9)
    assert math.isclose(got.difficulty, expected.difficulty, rel_tol=1e-9)


def test_step_replay_takes_a_plain_fsrs_scheduler() -> None:
    """fsrs's own Scheduler (24-hour days, no study-day settings) replays as `replay_answers` does."""
    scheduler = Scheduler(enable_fuzzing=True)
    answers = [(START + timedelta(days=day, hours=day % 5), 1 + day % 4) for day in range(0, 300, 7)]
    expected = replay_answers(scheduler, "d", "c", ((at, rating, None) for at, rating in answers))
    got = StepReplay(scheduler).replay("d", "c", answers)
    assert expected is not None and got is not None
    assert (got.state, got.step, got.due, got.stability, got.difficulty) == (
        expected.state, expected.step, expected.due, expected.stability, expected.difficulty
    )  # fmt: skip


@pytest.mark.parametrize(
    "zone", [None, "UTC", "Europe/Amsterdam", "America/New_York", "Australia/Lord_Howe", "America/St_Johns"]
)
def test_study_day_numbers_are_study_dates(zone: str | None) -> None:
    """The per-hour offsets `StepReplay` numbers study days with name the days `study_date` names, minute by minute
    around changes of the clocks (St. John's, at half past a UTC hour) for every hour a day
    may start at, and on moments across the years."""
    moments = [change + timedelta(minutes=minute) for change in CLOCK_CHANGES for minute in range(-150, 150, 5)]
    moments += [datetime(1990, 1, 1, tzinfo=UTC) + timedelta(hours=997 * step, seconds=step) for step in range(450)]
    for day_start in range(24):
        numbers = StudyDayNumbers(day_start, zone)
        for moment in moments:
            micros = (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
            assert numbers(micros) == (study_date(moment, day_start, zone) - date(1970, 1, 1)).days, (moment, day_start)
