"""Deadline-aware queue policy: which cards to study today so that recall peaks on the interview day.

The goal is measurable: the highest mean predicted recall (FSRS retrievability) of a deck's active cards at
the interview moment, within a daily budget of answers. Plain FSRS optimizes long-term retention at a fixed
desired retention and ignores the date; capping every interval at the days left piles all reviews onto the
last day. This policy instead:

- paces new cards so that every card is introduced early enough to be consolidated (and still introduces
  late ones, since a card seen once beats a card never seen);
- grows stability with reviews at a lower "building" retention while the day is far, which FSRS rewards
  with larger stability gains per review;
- gives each card that would not otherwise be secure on the day a final review in the last days, taking
  the most stable cards first so that reviews spread over the final days instead of piling onto the last;
- in the final days orders the queue by lowest predicted recall at the interview first;
- after the interview, hands over to plain FSRS (`plan_today` returns None).

Everything is computed with the `fsrs` scheduler's own `review_card` and forgetting curve (`recall_at`, which
counts fractional days where fsrs's `get_card_retrievability` counts whole ones).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler, State

DAY = timedelta(days=1)
# New cards are often failed at first sight, which costs extra learning steps; budget for some.
FIRST_SIGHT_OVERHEAD = 1.3
# A same-day learning step sequence never runs longer than this many answers (guards odd settings).
MAX_STEPS = 12


@dataclass(frozen=True)
class DeadlineGoal:
    """What the plan asks for: the interview moment (UTC), answers per day, and the recall aimed at."""

    interview: datetime
    daily_answers: int
    target: float = 0.9


@dataclass(frozen=True)
class Tuning:
    """Knobs of the policy; the defaults are the ones the simulation bench (bench/deadline.py) supports."""

    building_retention: float = 0.85
    final_recall: float = 0.95
    secure_recall: float = 0.97
    consolidation_share: float = 0.3
    final_window_days: int = 3
    final_capacity_share: float = 0.5
    defer_days: int = 5


@dataclass(frozen=True)
class Candidate:
    """One active card as the queue sees it: its key, FSRS state (None = never seen), document order."""

    key: str
    state: FsrsCard | None
    order: int = 0


@dataclass
class TodayPlan:
    """Today's cards in the order to study them, and why each was chosen."""

    keys: list[str] = field(default_factory=list)
    learning: int = 0
    reviews: int = 0
    new: int = 0
    final_days: bool = False

    def reasons(self) -> dict[str, int]:
        """Counts by kind, for display."""
        return {"learning": self.learning, "reviews": self.reviews, "new": self.new}


def forgetting_curve(scheduler: Scheduler, elapsed_days: float, stability: float) -> float:
    """FSRS's forgetting curve R = (1 + FACTOR * t / S) ** DECAY, with t in fractional days.

    DECAY and FACTOR are derived from the scheduler's own parameters exactly as `fsrs.Scheduler.__init__` does
    (DECAY = -w[20], FACTOR = 0.9 ** (1 / DECAY) - 1). fsrs 6's `get_card_retrievability` truncates t to whole
    days, so a card reviewed this morning would count as 100% recalled at an interview this afternoon; here t
    is exact, and at whole days the two agree (tests/test_deadline.py checks that against fsrs).
    """
    decay = -scheduler.parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    return (1 + factor * max(0.0, elapsed_days) / stability) ** decay


def recall_at(scheduler: Scheduler, state: FsrsCard | None, moment: datetime) -> float:
    """Predicted probability of recalling a card at `moment` (0 for a card never seen), via `forgetting_curve`."""
    if state is None or state.last_review is None or state.stability is None:
        return 0.0
    return forgetting_curve(scheduler, (moment - state.last_review) / DAY, state.stability)


def finish_steps(scheduler: Scheduler, state: FsrsCard, rating: Rating = Rating.Good) -> tuple[FsrsCard, int]:
    """Run a card through its remaining same-day (re)learning steps; return the state and the answers used."""
    answers = 0
    while state.state != State.Review and answers < MAX_STEPS:
        state, _ = scheduler.review_card(state, rating, state.due)
        answers += 1
    return state, answers


def expected_recall_after_review(
    scheduler: Scheduler, state: FsrsCard, when: datetime, interview: datetime
) -> tuple[float, float]:
    """Expected recall at the interview if the card is reviewed at `when` and not again; and answers it costs.

    A failed review goes through the relearning steps in the same session, as the review session does.
    """
    success = recall_at(scheduler, state, when)
    passed, _ = scheduler.review_card(state, Rating.Good, when)
    passed, _ = finish_steps(scheduler, passed)
    failed, _ = scheduler.review_card(state, Rating.Again, when)
    failed, relearning_answers = finish_steps(scheduler, failed)
    recall = success * recall_at(scheduler, passed, interview) + (1 - success) * recall_at(
        scheduler, failed, interview
    )
    return recall, 1 + (1 - success) * relearning_answers


def expected_recall_of_new_card(scheduler: Scheduler, when: datetime, interview: datetime) -> tuple[float, int]:
    """Recall at the interview of a card introduced at `when` (answered Good), and the answers that takes."""
    state, _ = scheduler.review_card(FsrsCard(card_id=0, due=when), Rating.Good, when)
    state, answers = finish_steps(scheduler, state)
    return recall_at(scheduler, state, interview), answers + 1


def sessions_left(now: datetime, interview: datetime) -> int:
    """Daily sessions still possible before the interview, counting today's (0 once it has passed)."""
    if now >= interview:
        return 0
    return max(1, math.ceil((interview - now) / DAY))


@dataclass
class _Review:
    key: str
    recall_now: float
    recall_on_day: float
    recall_if_reviewed: float
    recall_if_reviewed_last: float
    stability: float


def _assess_reviews(
    candidates: Sequence[Candidate], now: datetime, interview: datetime, scheduler: Scheduler, tuning: Tuning
) -> list[_Review]:
    """Cards in the Review state that are not already secure for the day, with their figures."""
    last_session = now + (sessions_left(now, interview) - 1) * DAY
    reviews = []
    for candidate in candidates:
        state = candidate.state
        if state is None or state.state != State.Review or state.due is None:
            continue
        on_day = recall_at(scheduler, state, interview)
        if on_day >= tuning.secure_recall:
            continue
        if_reviewed, _ = expected_recall_after_review(scheduler, state, now, interview)
        if_last, _ = expected_recall_after_review(scheduler, state, last_session, interview)
        reviews.append(
            _Review(
                candidate.key,
                recall_at(scheduler, state, now),
                on_day,
                if_reviewed,
                if_last,
                state.stability or 0.0,
            )
        )
    return reviews


def _new_card_quota(unseen: int, sessions: int, introduced_today: int, tuning: Tuning) -> int:
    """New cards for today: pace the unseen ones over the days before the consolidation period."""
    if unseen <= 0:
        return 0
    consolidation = math.floor(sessions * tuning.consolidation_share)
    intro_days = max(1, sessions - consolidation)
    return max(0, math.ceil((unseen + introduced_today) / intro_days) - introduced_today)


def _select_reviews(
    reviews: list[_Review], sessions: int, capacity_later: float, free_later: float, tuning: Tuning
) -> list[_Review]:
    """Today's reviews: due building reviews, then as many final reviews as later days cannot absorb.

    `capacity_later` is the answers the remaining days (after today) can give to reviews. While it covers
    every card still needing a review, a building review that a single late review can replace is deferred
    (saving an answer). Final reviews are done as late as that capacity allows, most stable cards first:
    they lose least by being done early, and the least stable get the last days.
    """
    building = [r for r in reviews if r.recall_now <= tuning.building_retention]
    if sessions <= tuning.final_window_days:
        building = []
    elif sessions <= tuning.defer_days and len(reviews) <= free_later:
        building = [r for r in building if r.recall_if_reviewed_last < tuning.final_recall]
    chosen = {r.key for r in building}
    eligible = [r for r in reviews if r.key not in chosen and r.recall_if_reviewed >= tuning.final_recall]
    eligible.sort(key=lambda r: (-r.stability, r.key))
    share = max(0, math.ceil(len(reviews) - len(building) - capacity_later))
    picked = building + eligible[:share]
    if share > len(eligible):
        # Later days cannot take them all: do the most decayed of the remaining ones now.
        chosen.update(r.key for r in eligible)
        rest = sorted((r for r in reviews if r.key not in chosen), key=lambda r: (r.recall_now, r.key))
        picked += rest[: share - len(eligible)]
    return picked


def _free_later(sessions: int, budget: int, unseen_later: int, answers_per_new: float) -> float:
    """Answers the days after today have left for reviews once the remaining new cards are learnt."""
    return max(0.0, (sessions - 1) * budget - unseen_later * answers_per_new)


def plan_today(
    candidates: Sequence[Candidate],
    now: datetime,
    goal: DeadlineGoal,
    scheduler: Scheduler,
    *,
    answered_today: int = 0,
    introduced_today: int = 0,
    tuning: Tuning | None = None,
) -> TodayPlan | None:
    """Pick and order today's cards for the deadline; None once the interview has passed (plain FSRS then).

    `answered_today` and `introduced_today` count what earlier sessions of the same day already did, so
    several sessions a day share one budget. The budget counts answers, including (re)learning steps.
    """
    tuning = tuning or Tuning()
    sessions = sessions_left(now, goal.interview)
    if sessions == 0:
        return None
    plan = TodayPlan(final_days=sessions <= tuning.final_window_days)
    learning = sorted(
        (c for c in candidates if c.state is not None and c.state.state != State.Review and c.state.due <= now),
        key=lambda c: (c.state.due, c.key),  # type: ignore[union-attr]
    )
    plan.keys = [c.key for c in learning]
    plan.learning = len(learning)
    unseen = sorted((c for c in candidates if c.state is None), key=lambda c: (c.order, c.key))
    quota = _new_card_quota(len(unseen), sessions, introduced_today, tuning)
    new_keys = [c.key for c in unseen[:quota]]
    _, answers_per_new = expected_recall_of_new_card(scheduler, now, goal.interview)
    free = _free_later(sessions, goal.daily_answers, len(unseen) - quota, answers_per_new * FIRST_SIGHT_OVERHEAD)
    capacity = (sessions - 1) * goal.daily_answers * tuning.final_capacity_share
    assessed = _assess_reviews(candidates, now, goal.interview, scheduler, tuning)
    reviews = _select_reviews(assessed, sessions, capacity, free * tuning.final_capacity_share, tuning)
    if plan.final_days:
        reviews.sort(key=lambda r: (r.recall_on_day, r.key))
        review_keys = [r.key for r in reviews]
        plan.keys += new_keys + review_keys
    else:
        reviews.sort(key=lambda r: (r.recall_now, r.key))
        review_keys = [r.key for r in reviews]
        plan.keys += review_keys + new_keys
    plan.reviews = len(review_keys)
    plan.new = len(new_keys)
    return plan
