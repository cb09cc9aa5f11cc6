"""Deadline-aware queue policy: which cards to study today so that recall peaks on the interview day.

The goal is measurable: the highest mean predicted recall (FSRS retrievability) of a deck's active cards at
the interview moment, within a daily budget of answers. Plain FSRS optimizes long-term retention at a fixed
desired retention and ignores the date; capping every interval at the days left piles all reviews onto the
last day. This policy treats each day as a small optimization, priced in answers:

- new cards come first and early (paced over the first days, within the budget): a card never seen counts 0;
- every seen card is valued by what it will recall on the day if it gets one final review in the last
  session (and nothing more), net of the answers that review is expected to cost (`Tuning.answer_price`);
- a review today is chosen when it raises that value by more than its own expected answers cost (marginal
  gain per answer, best first): building reviews happen where they make the final review likelier to pass
  and the memory after it stronger, and cards already safe for the day are left alone;
- final reviews are spread over the final window (`Tuning.final_window_days` sessions): each of its days
  takes its share of the final reviews still to do (the interview day a smaller one when few hours are left
  before the interview, `Tuning.last_day_hours`), and earlier days the share the days after them cannot
  absorb; the cards that go early are the ones that lose least recall on the day by it; a card reviewed in
  the window and strong on the day has had its final review (another one must pay as a building review);
- a final review is counted on only as likely as the final window's budget can give every card one
  (`_final_odds`): with a scarce budget, building reviews are weighed by the recall they bring on their own;
- room the day's finals and building reviews leave goes to the reviews plain FSRS has due today that raise the
  expected recall on the day most per answer (`Tuning.fill_budget`): the plan spends its budget as plain FSRS
  would rather than leave it unspent, and never studies ahead with it;
- in the final days the queue puts the lowest predicted recall at the interview first;
- after the interview, plain FSRS resumes (`plan_today` returns None).

Everything is computed with the `fsrs` scheduler's own `review_card` and forgetting curve (`recall_at`, which
counts fractional days where fsrs's `get_card_retrievability` counts whole ones).
"""

from __future__ import annotations

__all__ = [
    "DAY",
    "FIRST_SIGHT_PASS",
    "FIT_SLACK",
    "MAX_STEPS",
    "PASS_SPLIT",
    "Candidate",
    "DeadlineGoal",
    "PlanMemo",
    "TodayPlan",
    "Tuning",
    "card_cost",
    "cards_within",
    "expected_counts",
    "expected_recall_after_review",
    "plan_today",
    "recall_at",
    "recalls_at",
    "sessions_left",
    "steps_left",
    "steps_owed",
]

import functools
import heapq
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import NamedTuple

from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler, State

DAY = timedelta(days=1)
# A same-day learning step sequence never runs longer than this many answers (guards odd settings).
MAX_STEPS = 12
# How a card is answered, as the plan, its projection and bench/simulation.py's `Answers` expect: a new card fails at
# first sight 30% of the time (it then owes every learning step again), and a pass is rated Hard, Good or Easy.
FIRST_SIGHT_PASS = 0.7
PASS_SPLIT = ((Rating.Hard, 0.1), (Rating.Good, 0.8), (Rating.Easy, 0.1))
# A card fits in the room left when its expected answers do, give or take rounding.
FIT_SLACK = 1e-9


@dataclass(frozen=True)
class DeadlineGoal:
    """What the plan asks for: the interview moment (UTC), answers per day, and the recall aimed at."""

    interview: datetime
    daily_answers: int
    target: float = 0.9


@dataclass(frozen=True)
class Tuning:
    """Knobs of the policy; the defaults are the ones the simulation bench (bench/deadline.py) supports.

    `answer_price` is the recall on the day (of one card) an answer must buy: a review is chosen only when it
    raises the card's expected recall on the day by more than its expected answers times that price; it is the
    dial between answers spent and recall. `final_price` is the same for the final review of the last days.
    `last_day_hours` is how many hours between the last session and the interview count as a whole day: with
    fewer (an interview at 09:00 after a session at 07:00), the interview day takes a smaller share of the final
    reviews, and the days before it a larger one. `spread_finals=False` is the earlier policy (final reviews
    only where later days cannot absorb them, which piles them onto the interview day), kept for the bench.
    A day assesses at most `evaluated_per_answer` open cards per answer of room, and at least `min_evaluated`
    (a projection through a sample scales that floor with the sample, as it scales the budget).
    """

    answer_price: float = 0.095
    scarcity: float = 1.0
    final_price: float = 0.005
    secure_recall: float = 0.993
    intro_window: int = 6
    reserve_days: int = 1
    final_capacity_share: float = 0.8
    final_window_days: int = 3
    last_day_hours: float = 12.0
    spread_finals: bool = True
    final_done_recall: float = 0.97
    evaluated_per_answer: int = 2
    min_evaluated: int = 32
    defer_days: tuple[int, ...] = (1, 2, 4, 8)
    # A projection through a sample has a few answers a day, less than a new card costs: it takes the last new
    # card that only partly fits too, and studies it in proportion (`projection._study`).
    partial_new: bool = False
    # Answers the finals and building reviews leave unspent go to the reviews that add most expected recall on the
    # day per answer with nothing after them (`_filling`): a budget's answers left unused buy nothing on the day.
    fill_budget: bool = True
    # Building reviews weigh a card's final review by the chance the last days' budget leaves it one
    # (`_Horizon.final_odds`).
    scarce_finals: bool = True


class Candidate(NamedTuple):
    """One active card as the queue sees it: its key, FSRS state (None = never seen), document order.

    A named tuple, not a dataclass: 100,000 of them are built per command at scale, at a third of the cost.
    """

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
    answers_per_new: float = 1.0  # expected answers a new card costs today (its learning steps, some failed)
    readiness_today: float = 0.0  # mean recall on the day of every candidate with no more study (unseen: 0)
    owed: int = 0  # learning steps the cards in (re)learning still owe today
    room: float = 0.0  # answers left in today's budget for the planned cards, once those steps are paid

    def reasons(self) -> dict[str, int]:
        """Counts by kind, for display."""
        return {"learning": self.learning, "reviews": self.reviews, "new": self.new}

    def planned(self) -> list[tuple[str, bool]]:
        """The cards after the due learning ones, in study order, each with whether it is new."""
        return [(key, index < self.new) for index, key in enumerate(self.keys[self.learning :])]

    def served(self) -> list[str]:
        """The keys a session studies: the due learning cards, then the planned cards that fit (`cards_within`)."""
        planned = self.planned()
        started = cards_within([is_new for _, is_new in planned], self.room, self.answers_per_new)
        return self.keys[: self.learning] + [key for (key, _), fits in zip(planned, started, strict=True) if fits]

    def expected(self) -> tuple[int, int]:
        """(reviews, new cards) a session gets to within the room left (`cards_within`)."""
        return expected_counts(self.planned(), self.room, self.answers_per_new)


def card_cost(is_new: bool, answers_per_new: float) -> float:
    """Expected answers of starting a planned card today: a new card's learning steps, or one answer."""
    return answers_per_new if is_new else 1.0


def cards_within(new: Iterable[bool], room: float, answers_per_new: float) -> list[bool]:
    """Which of these cards (new or not, in study order) a session starts within `room` answers: each card that
    still fits once the cards started before it are paid for (a new card at `answers_per_new`, its learning
    steps, a review at one answer); a card that does not fit is passed over for a cheaper one after it."""
    started = []
    spent = 0.0
    for is_new in new:
        cost = card_cost(is_new, answers_per_new)
        fits = spent + cost <= room + FIT_SLACK
        started.append(fits)
        spent += cost if fits else 0.0
    return started


def expected_counts(cards: Sequence[tuple[str, bool]], room: float, answers_per_new: float) -> tuple[int, int]:
    """(reviews, new cards) of `cards` (key, is new) that `cards_within` starts."""
    started = cards_within([is_new for _, is_new in cards], room, answers_per_new)
    new = sum(is_new for (_, is_new), fits in zip(cards, started, strict=True) if fits)
    return sum(started) - new, new


def steps_owed(scheduler: Scheduler, state: FsrsCard | None) -> int:
    """Answers a card in (re)learning still owes today: one per learning step left, answered Good (fsrs moves
    a card one step on per Good; a card failed at first sight is back at step 0 and owes every step). 0 for a
    card never seen or in review."""
    if state is None or state.state == State.Review:
        return 0
    steps = scheduler.learning_steps if state.state == State.Learning else scheduler.relearning_steps
    return steps_left(len(steps), state.step)


def steps_left(steps: int, step: int | None) -> int:
    """Answers rated Good a card at `step` of `steps` (re)learning steps still owes: one at least."""
    return max(1, steps - (step or 0))


def answers_per_new_card(scheduler: Scheduler, when: datetime) -> float:
    """Expected answers a new card costs on its first day: its first answer and the learning steps it then owes,
    failed at first sight `1 - FIRST_SIGHT_PASS` of the time, else rated as `PASS_SPLIT` (fsrs's `review_card`)."""
    shares = [(Rating.Again, 1 - FIRST_SIGHT_PASS)] + [
        (rating, FIRST_SIGHT_PASS * share) for rating, share in PASS_SPLIT
    ]
    expected = 0.0
    for rating, share in shares:
        state, _ = scheduler.review_card(FsrsCard(card_id=0, due=when), rating, when)
        expected += share * (1 + steps_owed(scheduler, state))
    return expected


def forgetting_curve(scheduler: Scheduler, elapsed_days: float, stability: float) -> float:
    """FSRS's forgetting curve R = (1 + FACTOR * t / S) ** DECAY, with t in fractional days.

    DECAY and FACTOR are derived from the scheduler's own parameters exactly as `fsrs.Scheduler.__init__` does
    (DECAY = -w[20], FACTOR = 0.9 ** (1 / DECAY) - 1). fsrs 6's `get_card_retrievability` truncates t to whole
    days, so a card reviewed this morning would count as 100% recalled at an interview this afternoon; here t
    is exact, and at whole days the two agree (tests/test_deadline.py checks that against fsrs).
    """
    decay = -scheduler.parameters[20]
    return (1 + _curve_factor(decay) * max(0.0, elapsed_days) / stability) ** decay


@functools.cache
def _curve_factor(decay: float) -> float:
    # A power per call was a fifth of the curve's cost, and the curve runs for every card of every command.
    return 0.9 ** (1 / decay) - 1


def recall_at(scheduler: Scheduler, state: FsrsCard | None, moment: datetime) -> float:
    """Predicted probability of recalling a card at `moment` (0 for a card never seen), via `forgetting_curve`."""
    if state is None or state.last_review is None or state.stability is None:
        return 0.0
    # `forgetting_curve`, written out: a projection asks this some 50,000 times, and the call was a third of it.
    decay = -scheduler.parameters[20]
    return (1 + _curve_factor(decay) * max(0.0, (moment - state.last_review) / DAY) / state.stability) ** decay


def recalls_at(scheduler: Scheduler, states: Iterable[FsrsCard | None], moment: datetime) -> list[float]:
    """`recall_at` of each state at `moment`, the same floats, in one loop: a plan and a readiness report ask it of
    every card of a deck (100,000 at scale), and the call per card was most of it."""
    decay = -scheduler.parameters[20]
    factor = _curve_factor(decay)
    recalls = []
    for state in states:
        if state is None or state.last_review is None or state.stability is None:
            recalls.append(0.0)
        else:
            recalls.append((1 + factor * max(0.0, (moment - state.last_review) / DAY) / state.stability) ** decay)
    return recalls


def recall_at_us(scheduler: Scheduler, stability: float | None, last_review_us: int | None, moment_us: int) -> float:
    """`recall_at` from stored columns (moments in microseconds since the epoch, as the review database keeps
    them), without an fsrs Card: the same float, as a timedelta divided by a day is its microseconds over a day's."""
    if last_review_us is None or stability is None:
        return 0.0
    return forgetting_curve(scheduler, (moment_us - last_review_us) / _DAY_US, stability)


_DAY_US = 86_400_000_000


def finish_steps(scheduler: Scheduler, state: FsrsCard, rating: Rating = Rating.Good) -> tuple[FsrsCard, int]:
    """Run a card through its remaining same-day (re)learning steps; return the state and the answers used."""
    answers = 0
    while state.state != State.Review and answers < MAX_STEPS:
        state, _ = scheduler.review_card(state, rating, state.due)
        answers += 1
    return state, answers


@dataclass(frozen=True)
class Outcomes:
    """A review at some moment: the chance it passes, the states after passing or failing, expected answers."""

    success: float
    passed: FsrsCard
    failed: FsrsCard
    answers: float

    def expected(self, scheduler: Scheduler, moment: datetime) -> float:
        """Expected recall at `moment` after this review (and no other)."""
        passed = recall_at(scheduler, self.passed, moment)
        return self.success * passed + (1 - self.success) * recall_at(scheduler, self.failed, moment)


def review_outcomes(scheduler: Scheduler, state: FsrsCard, when: datetime) -> Outcomes:
    """The two outcomes of reviewing `state` at `when`, with fsrs's own `review_card`.

    A failed review goes through the relearning steps in the same session, as the review session does.
    """
    success = recall_at(scheduler, state, when)
    # The projection's memoizing scheduler computes the two on plain values, with the same results.
    on_values = getattr(scheduler, "review_outcome_states", None)
    if on_values is not None:
        passed, failed, relearning_answers = on_values(state, when)
        return Outcomes(success, passed, failed, 1 + (1 - success) * relearning_answers)
    passed, _ = scheduler.review_card(state, Rating.Good, when)
    passed, _ = finish_steps(scheduler, passed)
    failed, _ = scheduler.review_card(state, Rating.Again, when)
    failed, relearning_answers = finish_steps(scheduler, failed)
    return Outcomes(success, passed, failed, 1 + (1 - success) * relearning_answers)


def expected_recall_after_review(
    scheduler: Scheduler, state: FsrsCard, when: datetime, interview: datetime
) -> tuple[float, float]:
    """Expected recall at the interview if the card is reviewed at `when` and not again; and answers it costs."""
    outcomes = review_outcomes(scheduler, state, when)
    return outcomes.expected(scheduler, interview), outcomes.answers


def sessions_left(now: datetime, interview: datetime) -> int:
    """Daily sessions still possible before the interview, counting today's (0 once it has passed)."""
    if now >= interview:
        return 0
    return max(1, math.ceil((interview - now) / DAY))


@dataclass
class PlanMemo:
    """Figures `plan_today` can reuse from one day to the next with one scheduler: final reviews weighed (by state,
    last session and interview) and reviews' outcomes (by state and moment)."""

    finals: dict[tuple[object, ...], tuple[float, float]] = field(default_factory=dict)
    outcomes: dict[tuple[object, ...], Outcomes] = field(default_factory=dict)


@dataclass(frozen=True)
class _Horizon:
    """The moments a card is valued at: today, the last session before the interview, the interview."""

    scheduler: Scheduler
    now: datetime
    last_session: datetime
    interview: datetime
    tuning: Tuning
    price: float = 0.0  # of an answer for a building review
    # What a caller planning several days keeps across them (`plan_today`'s `memo`): a card not studied is weighed
    # again each day with the same last session, and yesterday's review "a day later" is today's review.
    memo: PlanMemo | None = field(default=None, compare=False)
    # The chance a card gets the final review it is valued with: the later days' capacity over the cards that
    # would want one (1 when they can all have it; with a scarce budget, building reviews are weighed against the
    # recall on the day they bring by themselves, the final review only as likely as the capacity allows).
    final_odds: float = 1.0

    def outcomes(self, state: FsrsCard, when: datetime) -> Outcomes:
        """`review_outcomes` of `state` at `when`, remembered in the memo when there is one."""
        if self.memo is None:
            return review_outcomes(self.scheduler, state, when)
        # All it depends on (the card's id and due do not enter fsrs's review or the forgetting curve).
        key = (state.state, state.step, state.stability, state.difficulty, state.last_review, when)
        found = self.memo.outcomes.get(key)
        if found is None:
            found = self.memo.outcomes[key] = review_outcomes(self.scheduler, state, when)
        return found

    @property
    def today_is_last(self) -> bool:
        return self.now >= self.last_session

    @property
    def last_day_weight(self) -> float:
        """The interview day's capacity as a share of a whole day's: the hours left before the interview."""
        hours = (self.interview - self.last_session) / timedelta(hours=1)
        if not self.tuning.spread_finals or self.tuning.last_day_hours <= 0:
            return 1.0
        return min(1.0, max(0.0, hours / self.tuning.last_day_hours))

    def spread_share(self, sessions: int) -> float:
        """Today's share of the final reviews still to do: 0 before the final window, then today's capacity
        over the window's capacity left (the interview day weighted by `last_day_weight`)."""
        if not self.tuning.spread_finals or sessions > self.tuning.final_window_days:
            return 0.0
        if sessions <= 1:
            return 1.0
        return 1.0 / (sessions - 1 + self.last_day_weight)

    def final_done(self, state: FsrsCard) -> bool:
        """Whether the card has had its final review: last reviewed within the final window and recalled on the
        day at least `final_done_recall` (a card introduced or failed there still gets one)."""
        if not self.tuning.spread_finals or state.last_review is None:
            return False
        window_start = self.interview - self.tuning.final_window_days * DAY
        return state.last_review >= window_start and self.on_day(state) >= self.tuning.final_done_recall

    def on_day(self, state: FsrsCard) -> float:
        """Recall at the interview with no more reviews."""
        return recall_at(self.scheduler, state, self.interview)

    def with_final_review(self, state: FsrsCard) -> tuple[float, float]:
        """Expected recall at the interview after one final review in the last session, and its answers."""
        # All it depends on (the card's id and due do not enter fsrs's review or the forgetting curve).
        key = (state.state, state.step, state.stability, state.difficulty, state.last_review, self.last_session,
               self.interview)  # fmt: skip
        found = None if self.memo is None else self.memo.finals.get(key)
        if found is not None:
            return found
        final = review_outcomes(self.scheduler, state, self.last_session)
        found = final.expected(self.scheduler, self.interview), final.answers
        if self.memo is not None:
            self.memo.finals[key] = found
        return found

    def value(self, state: FsrsCard) -> float:
        """What the card is worth on the day from `state`: the better of no more review or one final review
        (net of its answers at `final_price`), when a later session is left."""
        on_day = self.on_day(state)
        if self.today_is_last or on_day >= self.tuning.secure_recall:
            return on_day
        final, answers = self.with_final_review(state)
        return on_day + self.final_odds * max(0.0, final - self.tuning.final_price * answers - on_day)


@dataclass
class _Review:
    """A seen card's figures for today: recall on the day now, after a review today, and after a final one."""

    key: str
    state: FsrsCard
    today: Outcomes  # of a review today
    on_day: float
    recall_now: float
    answers_today: float
    final_gain: float  # recall on the day after a final review in the last session, minus without
    final_answers: float
    early_loss: float  # recall on the day lost by doing the final review today rather than in the last session
    final_done: bool = False  # reviewed in the final window already: no second final review
    early_final: bool = False  # a review today would be its final one (strong enough on the day after it)
    # Set by `_price_building`, only on a day with room for building reviews. `gain_today` is the value after a
    # review today minus the value without, in recall on the day; while `deferrable`, an upper bound: the same
    # review a few days later may be worth more (`_deferred`), which `_building` checks only for the cards it
    # reaches (that check is most of a plan's fsrs work, and most cards are never reached).
    gain_today: float = 0.0
    value_after_today: float = 0.0
    deferrable: bool = False


def _value_after(horizon: _Horizon, review: Outcomes) -> float:
    """The card's value on the day after `review` (either outcome), before the price of that review."""
    return review.success * horizon.value(review.passed) + (1 - review.success) * horizon.value(review.failed)


def _deferred(horizon: _Horizon, state: FsrsCard, enough: float = math.inf) -> float:
    """The best value of the same review a few days later instead of today (0 when no such day is left).

    Without this, a review today would be compared only with no review before the final one, and the
    greedy would review too soon: FSRS grows stability more from a review at a lower recall. The search stops
    once a later day is worth `enough` (the best can only grow, and the caller decides the same beyond it).
    """
    best = 0.0
    for days in horizon.tuning.defer_days:
        when = horizon.now + days * DAY
        if when >= horizon.last_session or best >= enough:
            break
        review = horizon.outcomes(state, when)
        best = max(best, _value_after(horizon, review) - horizon.price * review.answers)
    return best


def _assess(horizon: _Horizon, key: str, state: FsrsCard) -> _Review:
    """A seen card's figures for a review today and for its final review, with the fsrs model."""
    scheduler = horizon.scheduler
    on_day = horizon.on_day(state)
    today = horizon.outcomes(state, horizon.now)
    after_today = today.expected(scheduler, horizon.interview)
    if horizon.today_is_last:
        final, final_answers = after_today, today.answers
    else:
        final, final_answers = horizon.with_final_review(state)
    return _Review(
        key,
        state,
        today,
        on_day,
        recall_at(scheduler, state, horizon.now),
        today.answers,
        final - on_day,
        final_answers,
        final - after_today,
        horizon.final_done(state),
        after_today >= horizon.tuning.final_done_recall,
    )


def _price_building(horizon: _Horizon, review: _Review) -> None:
    """Value a building review of the card today against leaving it (an upper bound while `deferrable`)."""
    if horizon.today_is_last:
        review.value_after_today = review.on_day + review.final_gain  # the review today is the final one
        review.gain_today = review.final_gain
        return
    final = review.on_day + review.final_gain
    review.value_after_today = _value_after(horizon, review.today)
    review.gain_today = (
        review.value_after_today
        - review.on_day
        - horizon.final_odds * max(0.0, final - horizon.tuning.final_price * review.final_answers - review.on_day)
    )
    # Worth it today: would it be worth more a little later? (Asked when `_building` reaches the card.)
    review.deferrable = review.gain_today > horizon.price * review.answers_today


def _reviews_to_assess(
    candidates: Sequence[Candidate], horizon: _Horizon, limit: int
) -> tuple[list[tuple[str, FsrsCard, float]], int, float]:
    """Seen cards in the Review state that are not yet safe for the day, weakest first, cut to `limit`.

    Returns them, how many more were left out (the cap keeps a large deck's planning quick: the weakest
    cards are the ones a day's budget can reach), and the sum of every card's recall on the day, which the same
    pass gives (over the card count, it is `readiness.assess`'s readiness today).
    """
    # This loop runs over every card of every deadline deck each study day: names bound locally, and the open
    # cards as (recall, key, state) so they sort as tuples, weakest first and by key on a tie (keys are unique).
    scheduler, interview, secure, review = (
        horizon.scheduler,
        horizon.interview,
        horizon.tuning.secure_recall,
        State.Review,
    )
    open_cards = []
    total = 0.0
    for (key, state, _), on_day in zip(candidates, recalls_at(scheduler, (c.state for c in candidates), interview),
                                       strict=True):  # fmt: skip
        if state is None:
            continue
        total += on_day
        if on_day < secure and state.state == review:
            open_cards.append((on_day, key, state))
    if limit <= 0:
        return [], len(open_cards), total  # none to assess: no need to rank them
    open_cards.sort()
    return [(key, state, on_day) for on_day, key, state in open_cards[:limit]], max(0, len(open_cards) - limit), total


def _new_card_quota(
    cards: int, unseen: int, sessions: int, introduced_today: int, room: float, answers_per_new: float, tuning: Tuning
) -> int:
    """New cards for today, in document order, within today's room.

    The pace introduces the whole deck within `intro_window` days, and the unseen cards before the last
    `reserve_days` (kept for consolidation) when fewer days are left. A new card costs `answers_per_new` answers
    today (its learning steps), so the room holds room / answers_per_new of them, not room.
    """
    if unseen <= 0 or room <= 0:
        return 0
    per_day = math.ceil(cards / tuning.intro_window)
    paced = math.ceil((unseen + introduced_today) / max(1, sessions - tuning.reserve_days))
    quota = max(per_day, paced) - introduced_today
    fitting = room / answers_per_new
    fitting = math.ceil(fitting - FIT_SLACK) if tuning.partial_new else math.floor(fitting + FIT_SLACK)
    return max(0, min(unseen, quota, fitting))


def _final_share(
    reviews: list[_Review],
    capacity_later: float,
    unassessed: int,
    share: float,
    tuning: Tuning,
    room: float,
    later_odds: float = 1.0,
) -> list[_Review]:
    """Final reviews for today, the cards that lose least by going early first (when the later days can give
    every card its final, `later_odds` 1; with less, the ones that gain most by a review now): today's `share` of
    those still to do (in the final window), or more if the later days could not absorb the rest; never more than
    `room` answers (expected, relearning steps included)."""
    finals = [r for r in reviews if not r.final_done and r.final_gain > tuning.final_price * r.final_answers]
    needed = sum(r.final_answers for r in finals) + unassessed
    excess = needed - capacity_later
    if excess <= 0 and share > 0:  # spread: only cards for which a review today is their final one
        finals = [r for r in finals if r.early_final]
        excess = (sum(r.final_answers for r in finals) + unassessed) * share
    if excess <= 0:
        return []
    # Today, the cards that gain most by a final review now rather than maybe later: what they lose by going early,
    # against the final review they would otherwise get only with the later days' odds.
    finals.sort(key=lambda r: (-((1 - later_odds) * r.final_gain - r.early_loss) / r.final_answers,
                               -r.final_gain / r.final_answers, r.key))  # fmt: skip
    picked: list[_Review] = []
    for review in finals:
        if excess <= 0 or review.answers_today > room + FIT_SLACK:
            break
        picked.append(review)
        excess -= review.final_answers
        room -= review.answers_today
    return picked


def _building_price(sessions: int, tuning: Tuning) -> float:
    """The price of an answer for a building review: `answer_price` with one day left, lower with more days
    (answers are scarce when the day is near, and a review then also competes with the final reviews)."""
    return tuning.answer_price / sessions**tuning.scarcity


def _building(horizon: _Horizon, reviews: list[_Review], chosen: set[str], room: float) -> list[_Review]:
    """Other reviews worth their answers today, the highest gain per answer first, within `room`.

    A lazy greedy: cards wait in a heap by their gain's upper bound, and a card's deferral check runs only when
    it reaches the top; a checked card at the top beats every bound below it. The picks are exactly those of
    checking every card first and sorting (the same order, ties by key), with far fewer fsrs evaluations.
    """
    if room < 1:
        return []  # a review costs an answer at least: nothing fits, and nothing need be priced
    price = horizon.price
    open_reviews = [review for review in reviews if review.key not in chosen]
    for review in open_reviews:
        _price_building(horizon, review)
    heap = [(-r.gain_today / r.answers_today, r.key, r) for r in open_reviews if r.gain_today > price * r.answers_today]
    heapq.heapify(heap)
    picked = []
    while heap:
        _, key, review = heapq.heappop(heap)
        if review.deferrable:
            review.deferrable = False
            # A later day worth `enough` drops the card (its gain would fall to the price): no need to look further.
            enough = review.value_after_today - price * review.answers_today
            later = _deferred(horizon, review.state, enough)
            review.gain_today = min(review.gain_today, review.value_after_today - later)
            if review.gain_today > price * review.answers_today:
                heapq.heappush(heap, (-review.gain_today / review.answers_today, key, review))
            continue
        if room < review.answers_today:
            break
        picked.append(review)
        room -= review.answers_today
    return picked


def _filling(horizon: _Horizon, reviews: list[_Review], chosen: set[str], room: float) -> list[_Review]:
    """Reviews for the room the finals and building reviews leave: of the cards plain FSRS has due today, those whose
    review today adds most expected recall on the day with no review after it (`final_gain - early_loss`), per
    answer, while it adds any: the plan falls back on plain FSRS's reviews, never studying ahead of them.

    Building reviews are weighed against a final review in the last session for every card, which the last days'
    budget cannot give every card of a large deck; and without this the plan leaves answers unspent that plain FSRS
    spends on its due reviews."""
    if room < 1:
        return []
    due = [r for r in reviews if r.key not in chosen and r.state.due <= horizon.now]
    gains = [(-(r.final_gain - r.early_loss) / r.answers_today, r.key, r) for r in due]
    gains = [item for item in gains if item[0] < 0]
    gains.sort(key=lambda item: (item[0], item[1]))
    picked = []
    for _, _, review in gains:
        if review.answers_today > room + FIT_SLACK:
            continue
        picked.append(review)
        room -= review.answers_today
    return picked


def _final_odds(horizon: _Horizon, later_days: float, daily_answers: int, wanting: int) -> float:
    """The chance a card gets a final review: the final window's capacity after today (the same share of each day
    as `_final_share` counts on) over the cards that would want one (open for review or unseen), at most 1. At
    30 days and 20 answers a day, 48 answers for 106 cards: building reviews then count less on a final review."""
    tuning = horizon.tuning
    window = min(later_days, tuning.final_window_days - 1 + horizon.last_day_weight)
    capacity = window * daily_answers * tuning.final_capacity_share
    return min(1.0, capacity / wanting) if wanting else 1.0


def _reviews_reachable(new_answers: float, room: float) -> bool:
    """Whether a review can be reached today once the new cards' `new_answers` are spent: not when they leave
    less than an answer of the room; a session serves the cards that fit in it, and the projection and the
    simulation stop at the budget. (Most of a plan's fsrs work is in its reviews, and a deck with many unseen
    cards has days like that.)"""
    return room - new_answers >= 1


def plan_today(
    candidates: Sequence[Candidate],
    now: datetime,
    goal: DeadlineGoal,
    scheduler: Scheduler,
    *,
    answered_today: int = 0,
    introduced_today: int = 0,
    tuning: Tuning | None = None,
    memo: PlanMemo | None = None,
) -> TodayPlan | None:
    """Pick and order today's cards for the deadline; None once the interview has passed (plain FSRS then).

    `answered_today` and `introduced_today` count what earlier sessions of the same day already did, so
    several sessions a day share one budget. The budget counts answers, including (re)learning steps.
    `memo`: what a caller planning several days with one scheduler keeps (`projection.project_plan`), so that a
    card's final review is weighed once per state and each review once per state and moment.
    """
    tuning = tuning or Tuning()
    sessions = sessions_left(now, goal.interview)
    if sessions == 0:
        return None
    price = _building_price(sessions, tuning)
    horizon = _Horizon(scheduler, now, now + (sessions - 1) * DAY, goal.interview, tuning, price, memo)
    plan = TodayPlan(final_days=sessions <= tuning.final_window_days)
    learning = sorted(
        (c for c in candidates if c.state is not None and c.state.state != State.Review and c.state.due <= now),
        key=lambda c: (c.state.due, c.key),  # type: ignore[union-attr]
    )
    # Every step the cards in (re)learning still owe today is paid first, due now or later today.
    owed = sum(steps_owed(scheduler, c.state) for c in candidates)
    room = max(0, goal.daily_answers - answered_today - owed)
    unseen = sorted((c for c in candidates if c.state is None), key=lambda c: (c.order, c.key))
    answers_per_new = answers_per_new_card(scheduler, now)
    quota = _new_card_quota(len(candidates), len(unseen), sessions, introduced_today, room, answers_per_new, tuning)
    # The whole deck's recall on the day: readiness today (the same pass lists the cards open for review).
    reachable = _reviews_reachable(quota * answers_per_new, room)
    limit = max(tuning.min_evaluated, tuning.evaluated_per_answer * room) if reachable else 0
    open_cards, unassessed, recall_on_day = _reviews_to_assess(candidates, horizon, limit)
    reviews: list[_Review] = []
    if reachable:
        assessed = [_assess(horizon, key, state) for key, state, _ in open_cards]
        later_new = (len(unseen) - quota) * answers_per_new
        later_days = max(0.0, sessions - 2 + horizon.last_day_weight) if sessions > 1 else 0.0
        capacity_later = later_days * goal.daily_answers * tuning.final_capacity_share - later_new
        if tuning.scarce_finals:
            wanting = len(open_cards) + unassessed + len(unseen)
            horizon = replace(horizon, final_odds=_final_odds(horizon, later_days, goal.daily_answers, wanting))
        left = room - quota * answers_per_new
        share = horizon.spread_share(sessions)
        final = _final_share(assessed, capacity_later, unassessed, share, tuning, left, horizon.final_odds)
        spare = left - sum(r.answers_today for r in final)
        reviews = final + _building(horizon, assessed, {r.key for r in final}, spare)
        if tuning.fill_budget:
            left_over = spare - sum(r.answers_today for r in reviews[len(final) :])
            reviews += _filling(horizon, assessed, {r.key for r in reviews}, left_over)
    if plan.final_days:
        reviews.sort(key=lambda r: (r.on_day, r.key))
    plan.keys = [c.key for c in learning] + [c.key for c in unseen[:quota]] + [r.key for r in reviews]
    plan.learning = len(learning)
    plan.reviews = len(reviews)
    plan.new = quota
    plan.answers_per_new = answers_per_new
    plan.owed = owed
    plan.room = room
    plan.readiness_today = recall_on_day / len(candidates) if candidates else 0.0
    return plan
