"""Elapsed time in study days, as Anki counts it, fed to the `fsrs` scheduler without re-implementing it.

fsrs counts the days between two reviews as whole 24-hour periods (`(review - last_review).days`): a review
at 09:10 two days after one at 09:21 counts one day. Anki counts study days: the days between the study days
the two reviews fall in, a study day running from `day_starts_at_hour` local time to the next. So that fsrs sees
Anki's count, a card's `last_review` is moved, for that one call, to exactly as many whole days before the
review as study days passed; fsrs then computes everything (retrievability, stability, difficulty, the next
interval) as it always does, and the state it returns carries the real review moment.

The scheduler also keeps Anki's order of passing intervals (`passing`): a review card's Hard, Good and Easy each a
day apart and not below its last interval, a (re)learning card's Easy a day past its Good. Only the due moment
changes; the memory state is fsrs's.
"""

from __future__ import annotations

__all__ = ["DAY", "StudyDayNumbers", "StudyDayScheduler", "scheduled_days", "study_days_between", "without_fuzz"]

import random
from copy import copy
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import TypeVar, cast, overload
from zoneinfo import ZoneInfo

from fsrs import Card, Rating, ReviewLog, Scheduler, State

from studyprep.schedule.fsrs_step import ordered_interval

DAY = timedelta(days=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_HOUR_US = 3_600_000_000
_DAY_US = 86_400_000_000
_MICROSECOND = timedelta(microseconds=1)


@lru_cache(maxsize=64)
def _zone(name: str | None) -> tzinfo | None:
    return ZoneInfo(name) if name else None


def study_date(moment: datetime, start_hour: int, time_zone: str | None) -> date:
    """The study day `moment` falls in, named by the local date it starts on (`time_zone`, else the computer's)."""
    if time_zone:
        return _zoned_study_date(moment, start_hour, time_zone)
    # The computer's zone can change while the process runs (TZ and tzset): never remembered.
    return (moment.astimezone() - timedelta(hours=start_hour)).date()


@lru_cache(maxsize=1 << 16)
def _zoned_study_date(moment: datetime, start_hour: int, time_zone: str) -> date:
    # Remembered: a projection asks for the same few moments (each day's session, each card's last review)
    # hundreds of thousands of times, and the zone conversion was a fifth of `readiness`.
    return (moment.astimezone(_zone(time_zone)) - timedelta(hours=start_hour)).date()


def study_days_between(earlier: datetime, later: datetime, start_hour: int, time_zone: str | None) -> int:
    """Study days from `earlier` to `later`: 0 within one study day, 1 across one rollover, and so on."""
    return max(0, (study_date(later, start_hour, time_zone) - study_date(earlier, start_hour, time_zone)).days)


class StudyDayNumbers:
    """The study day of a moment given in epoch microseconds (UTC), as a day number: the days from 1970-01-01 to
    the date `study_date` names, so two moments' difference is `study_days_between` them. For replays of a
    million answers: the zone's offset from UTC is looked up once per hour of UTC time, not per moment (the date
    is then plain arithmetic: the local time is the UTC time plus that offset). An hour whose first and last
    microsecond have different offsets holds a change of the clocks, and its moments are looked up one by one
    (no zone changes its clocks twice within an hour). With no `time_zone`, the computer's zone as it is when an
    hour is first asked: make one per replay."""

    def __init__(self, start_hour: int, time_zone: str | None) -> None:
        self.shift = start_hour * _HOUR_US
        self.zone = _zone(time_zone)
        self.offsets: dict[int, int | None] = {}  # UTC hour -> offset in microseconds (None: it changes within)

    def __call__(self, micros: int) -> int:
        """The study day number of the moment `micros` microseconds after the epoch."""
        hour = micros // _HOUR_US
        try:
            offset = self.offsets[hour]
        except KeyError:
            first, last = self._offset(hour * _HOUR_US), self._offset((hour + 1) * _HOUR_US - 1)
            offset = self.offsets[hour] = first if first == last else None
        if offset is None:
            offset = self._offset(micros)
        return (micros + offset - self.shift) // _DAY_US

    def _offset(self, micros: int) -> int:
        local = (_EPOCH + timedelta(0, 0, micros)).astimezone(self.zone)
        return cast("timedelta", local.utcoffset()) // _MICROSECOND


def scheduled_days(card: Card) -> int | None:
    """The whole days a card in Review was last scheduled for (Anki's interval); None for any other card."""
    if card.state != State.Review or card.last_review is None:
        return None
    return round((card.due - card.last_review) / DAY)


class StudyDayScheduler(Scheduler):
    """fsrs's Scheduler, fed elapsed time in study days (`day_starts_at_hour` None: fsrs's own 24-hour days), its
    passing intervals in Anki's order (`fsrs_step.ordered_interval`).

    Only `last_review` of the card handed to fsrs changes, for the call, and the due moment of its result: fsrs
    does all the scheduling.
    """

    def __init__(
        self, *args: object, day_starts_at_hour: int | None = None, time_zone: str | None = None, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.day_starts_at_hour = day_starts_at_hour
        self.time_zone = time_zone

    def elapsed_days(self, last_review: datetime, moment: datetime) -> int:
        """Days fsrs is told passed between `last_review` and `moment`: study days, or its own whole days."""
        if self.day_starts_at_hour is None:
            return (moment - last_review).days
        return study_days_between(last_review, moment, self.day_starts_at_hour, self.time_zone)

    def as_study_days(self, card: Card, moment: datetime) -> Card:
        """The card as fsrs should see it at `moment`: its last review whole study days before."""
        if self.day_starts_at_hour is None or card.last_review is None:
            return card
        shifted = copy(card)
        shifted.last_review = moment - self.elapsed_days(card.last_review, moment) * DAY
        return shifted

    def review_card(
        self,
        card: Card,
        rating: Rating,
        review_datetime: datetime | None = None,
        review_duration: int | None = None,
    ) -> tuple[Card, ReviewLog]:
        """fsrs's `review_card`, with the days elapsed since the card's last review counted in study days and the
        interval of a passing answer in Anki's order."""
        shifted = card if review_datetime is None else self.as_study_days(card, review_datetime)
        drawn = random.getstate() if self.enable_fuzzing else None  # where fsrs draws this answer's fuzz
        after, log = super().review_card(shifted, rating, review_datetime, review_duration)
        passing = rating == Rating.Easy or (rating != Rating.Again and card.state == State.Review)
        if passing and after.state == State.Review and after.last_review is not None:  # fsrs sets last_review
            after.due = after.last_review + self._ordered(card, shifted, rating, after, drawn)
        return after, log

    def _ordered(self, card: Card, shifted: Card, rating: Rating, after: Card, drawn: object) -> timedelta:
        """`after`'s interval in Anki's order (`card` as answered, `shifted` as fsrs saw it), the other ratings'
        intervals fuzzed with the same draw."""
        assert after.last_review is not None  # noqa: S101 - fsrs sets it on every review
        days = None if shifted.last_review is None else (after.last_review - shifted.last_review).days
        previous = scheduled_days(card)
        fuzz = None
        if drawn is not None:
            kept = random.getstate()

            def fuzz(interval: timedelta) -> timedelta:
                random.setstate(drawn)  # type: ignore[arg-type]
                return self._get_fuzzed_interval(interval=interval)

        try:
            interval = after.due - after.last_review
            memory = (card.state, card.stability, card.difficulty)
            return ordered_interval(self, *memory, days, previous, rating, interval, fuzz)
        finally:
            if drawn is not None:
                random.setstate(kept)


SchedulerType = TypeVar("SchedulerType", bound=Scheduler)


@overload
def without_fuzz(scheduler: Scheduler) -> Scheduler: ...
@overload
def without_fuzz(scheduler: Scheduler, kind: type[SchedulerType]) -> SchedulerType: ...
def without_fuzz(scheduler: Scheduler, kind: type[Scheduler] = Scheduler) -> Scheduler:
    """The same scheduler with interval fuzz off (fsrs draws fuzz from the global random module), as a `kind`.

    Built from the scheduler's own settings, not through `to_dict`, which keeps whole seconds of each step. A
    scheduler counting study days (`studydays.StudyDayScheduler`) keeps its day settings when `kind` is one too.
    """
    days = {}
    if issubclass(kind, StudyDayScheduler) and isinstance(scheduler, StudyDayScheduler):
        days = {"day_starts_at_hour": scheduler.day_starts_at_hour, "time_zone": scheduler.time_zone}
    return kind(
        **days,
        parameters=scheduler.parameters,
        desired_retention=scheduler.desired_retention,
        learning_steps=scheduler.learning_steps,
        relearning_steps=scheduler.relearning_steps,
        maximum_interval=scheduler.maximum_interval,
        enable_fuzzing=False,
    )
