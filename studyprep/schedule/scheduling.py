"""FSRS scheduling, built from a deck's study plan. A thin layer over `fsrs`; FSRS itself is never re-implemented.

Fuzz is seeded from (deck, card id, the card's previous review time), so an answer, the interval shown on
its key beforehand, and a later replay of the log all give the same due date, fuzz on or off.

Public: `scheduler_for(plan)`, `scheduler_settings(plan)`, `scheduler_from(settings)`, `review(...)`, `preview(...)`,
`replay(...)`, `replay_answers(...)`, `rebuild_card_state(store, deck, card_id, scheduler)`.
"""

from __future__ import annotations

__all__ = [
    "RATING_NAMES",
    "preview",
    "rebuild_card_state",
    "replay",
    "replay_answers",
    "replay_deck",
    "review",
    "scheduler_for",
    "scheduler_from",
    "scheduler_settings",
]

import contextlib
import functools
import hashlib
import random
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, cast

from studyprep.schedule.fsrs_settings import SchedulerSettings
from studyprep.store.db import LogEntry, ReviewStore, from_us, fsrs_card_id, to_us

if TYPE_CHECKING:
    import fsrs

    from studyprep.schedule.fsrs_step import StepModel
    from studyprep.store.plan import StudyPlan
    from studyprep.store.workspace import Workspace

RATINGS = (1, 2, 3, 4)
RATING_NAMES = {1: "again", 2: "hard", 3: "good", 4: "easy"}
_MICROSECOND = timedelta(microseconds=1)
_DAY_US = 86_400_000_000


def scheduler_for(plan: StudyPlan) -> fsrs.Scheduler:
    """The fsrs Scheduler configured by a study plan."""
    return scheduler_from(scheduler_settings(plan))


def scheduler_settings(plan: StudyPlan) -> SchedulerSettings:
    """A plan's `fsrs.Scheduler` keyword arguments, steps in whole microseconds (fsrs's own `to_dict` keeps whole
    seconds only), for `scheduler_from`."""
    settings = plan.scheduler
    return SchedulerSettings(
        parameters=tuple(settings.parameters),
        desired_retention=settings.desired_retention,
        learning_steps=tuple(step // _MICROSECOND for step in settings.learning_deltas()),
        relearning_steps=tuple(step // _MICROSECOND for step in settings.relearning_deltas()),
        maximum_interval=settings.maximum_interval_days,
        enable_fuzzing=settings.fuzz,
        # Elapsed time is counted in the plan's study days, as Anki counts it (`studydays`).
        day_starts_at_hour=plan.day_starts_at_hour,
        time_zone=plan.time_zone,
    )


def scheduler_from(settings: SchedulerSettings, *, fuzz: bool | None = None) -> fsrs.Scheduler:
    """The fsrs Scheduler of `scheduler_settings` (with `fuzz` overriding its interval fuzz), counting elapsed
    time in the plan's study days (`studydays.StudyDayScheduler`)."""
    from studyprep.schedule.studydays import StudyDayScheduler

    return StudyDayScheduler(
        parameters=list(settings.parameters),
        desired_retention=settings.desired_retention,
        learning_steps=[step * _MICROSECOND for step in settings.learning_steps],
        relearning_steps=[step * _MICROSECOND for step in settings.relearning_steps],
        maximum_interval=settings.maximum_interval,
        enable_fuzzing=settings.enable_fuzzing if fuzz is None else fuzz,
        day_starts_at_hour=settings.day_starts_at_hour,
        time_zone=settings.time_zone,
    )


@contextlib.contextmanager
def _caller_random_kept() -> Iterator[None]:
    # fsrs draws its fuzz from the `random` module: our seeding must not change the caller's generator.
    saved = random.getstate()
    try:
        yield
    finally:
        random.setstate(saved)


def _fuzz_seed(deck: str, card_id: str, previous_us: int | None) -> int:
    """fsrs's fuzz seed for the card at its previous review (epoch microseconds; None: its first answer)."""
    key = f"{deck}\x00{card_id}\x00{previous_us or 0}"
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")


def _seed_fuzz(deck: str, card_id: str, previous_us: int | None) -> None:
    """Seed fsrs's fuzz from the card and its previous review (epoch microseconds; None: its first answer)."""
    random.seed(_fuzz_seed(deck, card_id, previous_us))


def _fsrs_step(
    scheduler: fsrs.Scheduler,
    state: fsrs.State,
    step: int | None,
    stability: float | None,
    difficulty: float | None,
    days: int | None,
    previous: int | None,
    rating: fsrs.Rating,
    fuzz: Callable[[timedelta], timedelta] | None,
    model: StepModel | None = None,
) -> tuple:
    """fsrs's own `review_card` as `fsrs_step.review_step` spells it, fuzzed by `fuzz` into Review: no Anki order."""
    from fsrs import State

    from studyprep.schedule.fsrs_step import review_step

    after = review_step(scheduler, state, step, stability, difficulty, days, rating, model)
    if fuzz is None or after[0] != State.Review:
        return after
    return after[0], after[1], after[2], after[3], fuzz(after[4])


def review(
    scheduler: fsrs.Scheduler,
    deck: str,
    card_id: str,
    card: fsrs.Card | None,
    rating: int,
    reviewed_at: datetime,
    duration_ms: int | None = None,
) -> fsrs.Card:
    """The card's state after answering `rating` at `reviewed_at` (card None = a new card)."""
    # One answer given: never None.
    return cast("fsrs.Card", replay_answers(scheduler, deck, card_id, [(reviewed_at, rating, duration_ms)], card))


def preview(
    scheduler: fsrs.Scheduler, deck: str, card_id: str, card: fsrs.Card | None, now: datetime
) -> dict[int, timedelta]:
    """The interval each rating would give right now, as shown on the rating keys."""
    return {rating: review(scheduler, deck, card_id, card, rating, now).due - now for rating in RATINGS}


def replay(scheduler: fsrs.Scheduler, deck: str, card_id: str, logs: Iterable[LogEntry]) -> fsrs.Card | None:
    """Rebuild a card's state from its review log by feeding every review, in time order, to fsrs."""
    ordered = sorted(logs, key=lambda log: (log.reviewed_at, log.id))
    return replay_answers(scheduler, deck, card_id, ((log.reviewed_at, log.rating, log.duration_ms) for log in ordered))


def replay_answers(
    scheduler: fsrs.Scheduler,
    deck: str,
    card_id: str,
    answers: Iterable[tuple[datetime, int, int | None]],
    card: fsrs.Card | None = None,
) -> fsrs.Card | None:
    """The state of `card` (None: new) after `(reviewed_at, rating, duration_ms)` answers already in time order.

    Each answer's fuzz is seeded from the card's previous review; the caller's random generator is restored once,
    at the end (copying it per answer was half the time of replaying a long history)."""
    from fsrs import Card, Rating

    with _caller_random_kept():
        for reviewed_at, rating, duration_ms in answers:
            if card is None:
                card = Card(card_id=fsrs_card_id(deck, card_id), due=reviewed_at)
            if scheduler.enable_fuzzing:  # fsrs draws no random number without fuzz: seeding would change nothing
                _seed_fuzz(deck, card_id, None if card.last_review is None else to_us(card.last_review))
            card, _ = scheduler.review_card(card, Rating(rating), reviewed_at.astimezone(UTC), duration_ms)
    return card


class StepReplay:
    """`replay_answers` from a new card for a whole history at once (`anki-pull` replays a million answers): the
    same states, fsrs's arithmetic spelled as plain numbers (`fsrs_step.review_step`, tested equal to
    `review_card`), without a card copy per answer. Elapsed time is the scheduler's own (study days for a
    `StudyDayScheduler`, numbered by `StudyDayNumbers`: one per replayer, so the computer's zone is read as it
    is during this replay); fuzz is fsrs's `_get_fuzzed_interval`, seeded as `replay_answers` seeds it, only where
    fsrs draws it (a card that leaves the answer in Review): each draw counts, as the next answer orders its
    intervals against this one. A `StudyDayScheduler`'s passing intervals keep Anki's order
    (`fsrs_step.ordered_interval`), as its `review_card` keeps them; fsrs's own Scheduler's do not."""

    def __init__(self, scheduler: fsrs.Scheduler) -> None:
        from fsrs import Rating

        from studyprep.schedule.fsrs_step import anki_step, step_model
        from studyprep.schedule.studydays import StudyDayNumbers, StudyDayScheduler, without_fuzz

        self.scheduler = scheduler
        # (state, step, stability, difficulty, days, last interval, rating, fuzz) -> fsrs_step.Step
        self.step = anki_step if isinstance(scheduler, StudyDayScheduler) else _fsrs_step
        self.unfuzzed = without_fuzz(scheduler)  # what `review_step` takes: fuzz is applied here, after it
        self.model = step_model(self.unfuzzed)  # its figures, worked out once for every answer
        hour: int | None = getattr(scheduler, "day_starts_at_hour", None)
        self.study_day = None if hour is None else StudyDayNumbers(hour, getattr(scheduler, "time_zone", None))
        self.ratings = {int(rating): rating for rating in Rating}

    def replay(self, deck: str, card_id: str, answers: Iterable[tuple[datetime, int]]) -> fsrs.Card | None:
        """The state of a new card after `(reviewed_at, rating)` answers (UTC, in time order); None: no answer."""
        return self.replay_us(deck, card_id, ((to_us(reviewed_at), rating) for reviewed_at, rating in answers))

    def replay_us(self, deck: str, card_id: str, answers: Iterable[tuple[int, int]]) -> fsrs.Card | None:
        """`replay`, each answer's time given in epoch microseconds (UTC), as the review log and Anki keep it."""
        from fsrs import Card, State

        state, stability, difficulty = State.Learning, None, None
        step: int | None = 0
        study_day, ratings, unfuzzed, advance, model = (
            self.study_day,
            self.ratings,
            self.unfuzzed,
            self.step,
            self.model,
        )
        fuzz = functools.partial(self._fuzz, deck, card_id) if self.scheduler.enable_fuzzing else None
        last: int | None = None
        last_day = day = 0
        days: int | None = None
        interval: timedelta | None = None
        with _caller_random_kept():
            for moment, rating in answers:
                if study_day is not None:
                    day = study_day(moment)
                if last is not None:
                    days = (moment - last) // _DAY_US if study_day is None else max(0, day - last_day)
                previous = interval.days if state == State.Review and interval is not None else None
                fuzzed = None if fuzz is None else fuzz(last)
                state, step, stability, difficulty, interval = advance(
                    unfuzzed, state, step, stability, difficulty, days, previous, ratings[rating], fuzzed, model
                )
                last, last_day = moment, day
        if last is None or interval is None:
            return None
        at = from_us(last)
        return Card(fsrs_card_id(deck, card_id), state, step, stability, difficulty, at + interval, at)

    def _fuzz(self, deck: str, card_id: str, last: int | None) -> Callable[[timedelta], timedelta]:
        """fsrs's fuzz of an interval into Review, seeded as `replay_answers` seeds it."""
        seeds: list[int] = []  # worked out once, at the first interval into Review (most answers have none)

        def fuzz(interval: timedelta) -> timedelta:
            if not seeds:
                seeds.append(_fuzz_seed(deck, card_id, last))
            random.seed(seeds[0])
            return self.scheduler._get_fuzzed_interval(interval=interval)

        return fuzz


def rebuild_card_state(store: ReviewStore, deck: str, card_id: str, scheduler: fsrs.Scheduler) -> fsrs.Card | None:
    """Replay a card's whole log and store the result, in one transaction; return the new state.

    Call it after `store.append_review(...)` (e.g. reviews imported from Anki) so the stored state reflects
    every review in time order. A card with no log left becomes new again (None). A card sent back to new
    (`studyprep forget`) replays only the reviews after that moment; the log keeps the earlier ones.
    """
    with store.transaction():
        logs = store.review_logs(deck, card_id)
        since = store.forgotten_at(deck, card_id)
        card = replay(scheduler, deck, card_id, [log for log in logs if since is None or log.reviewed_at >= since])
        last_log_id = max((entry.id for entry in logs), default=0)
        store.replace_state(deck, card_id, card, last_log_id)
    return card


def replay_deck(workspace: Workspace, store: ReviewStore, deck: str) -> int:
    """Replay every logged card of the deck with its plan's scheduler (`rebuild_card_state`), e.g. once elapsed
    time is counted in study days; return how many cards were replayed."""
    from studyprep.store.plan import load_plan

    scheduler = scheduler_for(load_plan(workspace, deck))
    cards = store.logged_cards(deck)
    for card_id in cards:
        rebuild_card_state(store, deck, card_id, scheduler)
    return len(cards)
