"""The deadline policy against the fsrs model directly (no mocks)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Rating, Scheduler, State
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.simulation import Answers, Learner, SimCard, Simulation
from studyprep.schedule.deadline import Candidate, DeadlineGoal, plan_today, recall_at, sessions_left

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MODEL = Scheduler(enable_fuzzing=False)


def _reviewed(days_ago: float, rating: Rating = Rating.Good):
    when = NOW - timedelta(days=days_ago)
    from fsrs import Card

    card, _ = MODEL.review_card(Card(card_id=1, due=when), rating, when)
    while card.state != State.Review:
        card, _ = MODEL.review_card(card, Rating.Good, card.due)
    return card


def test_after_the_interview_plain_fsrs_resumes() -> None:
    goal = DeadlineGoal(NOW - timedelta(hours=1), 50)
    assert plan_today([Candidate("a", None)], NOW, goal, MODEL) is None
    assert sessions_left(NOW, NOW - timedelta(hours=1)) == 0


def test_new_cards_come_early_paced_and_within_the_budget() -> None:
    cards = [Candidate(f"c{i:03d}", None, i) for i in range(100)]
    plan = plan_today(cards, NOW, DeadlineGoal(NOW + timedelta(days=10), 500), MODEL)
    assert plan is not None
    # The whole deck within the first six days (Tuning.intro_window), in document order.
    assert plan.new == 17
    assert plan.keys[:3] == ["c000", "c001", "c002"]
    # Three days left: every card before the last day (Tuning.reserve_days), so half of them today.
    late = plan_today(cards, NOW, DeadlineGoal(NOW + timedelta(days=3), 500), MODEL)
    assert late is not None and late.new == 50
    # A small budget holds the answers left today (answers already given count) over the answers a new card
    # costs today, its learning steps and the ones a failure at first sight owes (2.3 with [1m, 10m]), not
    # one new card per answer: 18 answers left hold 7 new cards.
    tight = plan_today(cards, NOW, DeadlineGoal(NOW + timedelta(days=3), 30), MODEL, answered_today=12)
    assert tight is not None and tight.answers_per_new == pytest.approx(2.3)
    assert tight.new == 7


def test_review_due_after_the_interview_is_brought_before_it_in_the_final_days() -> None:
    card = _reviewed(days_ago=3, rating=Rating.Easy)
    interview = NOW + timedelta(days=2)
    assert card.due > interview  # plain FSRS would not show it before the interview
    plan = plan_today([Candidate("a", card)], NOW + timedelta(days=1), DeadlineGoal(interview, 50), MODEL)
    assert plan is not None and plan.keys == ["a"] and plan.final_days


def test_final_days_order_lowest_recall_on_the_day_first() -> None:
    interview = NOW + timedelta(days=1)
    weak, strong = _reviewed(days_ago=9, rating=Rating.Hard), _reviewed(days_ago=4)
    plan = plan_today([Candidate("strong", strong), Candidate("weak", weak)], NOW, DeadlineGoal(interview, 50), MODEL)
    assert plan is not None
    assert recall_at(MODEL, weak, interview) < recall_at(MODEL, strong, interview)
    assert plan.keys == ["weak", "strong"]


def test_secure_cards_are_left_alone() -> None:
    card = _reviewed(days_ago=20, rating=Rating.Easy)
    card, _ = MODEL.review_card(card, Rating.Easy, NOW - timedelta(hours=12))
    interview = NOW + timedelta(days=1)
    assert recall_at(MODEL, card, interview) > 0.99  # Tuning.secure_recall
    plan = plan_today([Candidate("a", card)], NOW, DeadlineGoal(interview, 50), MODEL)
    assert plan is not None and plan.keys == []
    # The same card a month before the interview is not safe: it is reviewed, but not today.
    later = DeadlineGoal(NOW + timedelta(days=30), 50)
    assert recall_at(MODEL, card, later.interview) < 0.99
    assert plan_today([Candidate("a", card)], NOW, later, MODEL).keys == []  # type: ignore[union-attr]


def test_final_reviews_spread_over_the_last_days_instead_of_the_last_one() -> None:
    interview = NOW + timedelta(days=14)
    cards = [SimCard(f"c{i:03d}", i) for i in range(106)]
    learner = Learner(MODEL, Answers(), random.Random(3))
    sim = Simulation(MODEL, learner, 60, interview, cards)

    def policy(candidates, when):
        plan = plan_today(candidates, when, DeadlineGoal(interview, 60), MODEL)
        return plan.keys if plan else []

    result = sim.run(policy, NOW)
    answers = [day.answers for day in result.days]
    assert max(answers) <= 60 + 3  # a started card finishes its learning steps
    assert answers[-1] < sum(answers[-4:-1])  # the last day does not carry the load of the final days
    assert result.predicted > 0.95


def test_recall_at_matches_fsrs_at_whole_days_and_counts_fractional_days() -> None:
    from fsrs.scheduler import DEFAULT_PARAMETERS

    slow_decay = Scheduler(parameters=(*DEFAULT_PARAMETERS[:20], 0.5), enable_fuzzing=False)
    for scheduler in (MODEL, slow_decay):
        card = _reviewed(days_ago=0)
        for days in (0, 1, 2, 7, 30, 365):
            moment = card.last_review + timedelta(days=days)
            assert abs(recall_at(scheduler, card, moment) - scheduler.get_card_retrievability(card, moment)) < 1e-12
        # Six hours after a review: fsrs counts 0 whole days (recall 1.0); the curve has already started to fall.
        morning, afternoon = card.last_review, card.last_review + timedelta(hours=6)
        assert scheduler.get_card_retrievability(card, afternoon) == 1.0
        assert recall_at(scheduler, card, morning) == 1.0
        next_day = card.last_review + timedelta(days=1)
        assert recall_at(scheduler, card, next_day) < recall_at(scheduler, card, afternoon) < 1.0
    assert recall_at(MODEL, None, NOW) == 0.0


def _mature_deck(size: int) -> list[Candidate]:
    """A small deck studied a while ago, every card well learned and due after an interview ten days out."""
    cards = []
    for index in range(size):
        card = _reviewed(days_ago=12 + index % 4, rating=Rating.Good)
        card, _ = MODEL.review_card(card, Rating.Good if index % 3 else Rating.Easy, NOW - timedelta(days=6))
        cards.append(Candidate(f"c{index:03d}", card, index))
    return cards


def _early_loss(card, when, last_session, interview) -> float:
    from studyprep.schedule.deadline import expected_recall_after_review

    return (
        expected_recall_after_review(MODEL, card.state, last_session, interview)[0]
        - expected_recall_after_review(MODEL, card.state, when, interview)[0]
    )


def test_final_reviews_start_at_the_window_even_when_the_last_day_could_take_them_all() -> None:
    cards = _mature_deck(24)
    interview = NOW + timedelta(days=2, hours=5)  # three sessions left: 09:00 today, tomorrow, on the day
    goal = DeadlineGoal(interview, 60)  # the interview day alone could absorb every final review
    plan = plan_today(cards, NOW, goal, MODEL)
    assert plan is not None and plan.final_days
    # About a third of the finals today (the interview day weighs 5/12 of a day), not none of them.
    assert 6 <= plan.reviews <= 12
    # The cards that go early are the ones that lose least recall on the day by it.
    last_session = NOW + 2 * timedelta(days=1)
    by_key = {c.key: c for c in cards}
    early = [_early_loss(by_key[key], NOW, last_session, interview) for key in plan.keys]
    kept = [_early_loss(c, NOW, last_session, interview) for c in cards if c.key not in plan.keys]
    assert max(early) <= min(kept) + 1e-9
    # A week before, outside the final window, none is brought forward.
    assert plan_today(cards, NOW, DeadlineGoal(interview + timedelta(days=7), 60), MODEL).reviews == 0  # type: ignore[union-attr]


def test_interview_day_share_shrinks_with_the_hours_left_before_the_interview() -> None:
    cards = _mature_deck(24)
    # Two sessions left; the interview one hour after the next session, or a whole day after it.
    early_interview = plan_today(cards, NOW, DeadlineGoal(NOW + timedelta(days=1, hours=1), 60), MODEL)
    full_day = plan_today(cards, NOW, DeadlineGoal(NOW + timedelta(days=2), 60), MODEL)
    assert early_interview is not None and full_day is not None
    assert early_interview.reviews > full_day.reviews >= 8  # a full day takes half; one hour takes little


def test_final_window_spreads_without_reviewing_a_card_twice() -> None:
    cards = [SimCard(c.key, c.order, c.state, c.state) for c in _mature_deck(24)]
    interview = NOW + timedelta(days=2, hours=5)
    learner = Learner(MODEL, Answers(), random.Random(5))
    sim = Simulation(MODEL, learner, 60, interview, cards)
    shown: list[str] = []

    def policy(candidates, when):
        plan = plan_today(candidates, when, DeadlineGoal(interview, 60), MODEL)
        keys = plan.keys if plan else []
        shown.extend(keys)
        return keys

    result = sim.run(policy, NOW)
    answers = [day.answers for day in result.days]
    assert len(answers) == 3 and min(answers) > 0  # every day of the window takes a share
    assert answers[-1] < max(answers[:-1])  # the interview morning carries the least
    failed_again = len(shown) - len(set(shown))
    assert failed_again <= 2  # only a card failed in the window may come back
    assert result.predicted > 0.96


DAY = timedelta(days=1)


def _open_reviews(candidates: list[Candidate], now: datetime, goal: DeadlineGoal):
    from studyprep.schedule import deadline as policy

    tuning = policy.Tuning()
    sessions = sessions_left(now, goal.interview)
    price = policy._building_price(sessions, tuning)
    horizon = policy._Horizon(MODEL, now, now + (sessions - 1) * DAY, goal.interview, tuning, price)
    open_cards, _, _ = policy._reviews_to_assess(candidates, horizon, 10_000)
    reviews = [policy._assess(horizon, key, state) for key, state, _ in open_cards]
    for review in reviews:
        policy._price_building(horizon, review)
    return horizon, reviews


def _eager_building(horizon, reviews, room: float) -> list[str]:
    """Building reviews as the policy defined them before the lazy greedy: every open card's gain is checked
    against deferral first, then all are sorted by gain per answer and taken within the room."""
    from studyprep.schedule.deadline import _deferred

    worth = []
    for review in reviews:
        if review.deferrable:
            review.gain_today = min(review.gain_today, review.value_after_today - _deferred(horizon, review.state))
        if review.gain_today > horizon.price * review.answers_today:
            worth.append(review)
    worth.sort(key=lambda r: (-r.gain_today / r.answers_today, r.key))
    picked = []
    for review in worth:
        if room < review.answers_today:
            break
        picked.append(review.key)
        room -= review.answers_today
    return picked


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    size=st.integers(1, 40),
    days_ahead=st.integers(1, 30),
    room=st.floats(0, 80),
)
def test_lazy_building_picks_exactly_what_checking_every_card_first_would(
    seed: int, size: int, days_ahead: int, room: float
) -> None:
    from fsrs import Card

    from studyprep.schedule.deadline import _building

    rng = random.Random(seed)
    candidates = []
    for index in range(size):
        # Weak memories: a review today is often worth it, and often worth more a few days later.
        last = NOW - timedelta(days=rng.uniform(0.2, 20))
        stability = rng.uniform(0.3, 5)
        state = Card(card_id=index, state=State.Review, stability=stability, difficulty=rng.uniform(1, 10),
                     due=last + timedelta(days=stability), last_review=last)  # fmt: skip
        candidates.append(Candidate(f"c{index:02d}", state, index))
    goal = DeadlineGoal(NOW + timedelta(days=days_ahead, hours=2), 50)
    horizon, lazy = _open_reviews(candidates, NOW, goal)
    _, eager = _open_reviews(candidates, NOW, goal)
    assert [r.key for r in _building(horizon, lazy, set(), room)] == _eager_building(horizon, eager, room)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), size=st.integers(0, 30), days_ahead=st.integers(1, 30))
def test_the_plans_readiness_today_is_the_readiness_reports(seed: int, size: int, days_ahead: int) -> None:
    from fsrs import Card

    from studyprep.schedule.readiness import Budget, TrackedCard, assess

    rng = random.Random(seed)
    candidates = []
    for index in range(size):
        kind = rng.choice([None, State.Learning, State.Review, State.Relearning])
        last = NOW - timedelta(days=rng.uniform(0, 20))
        step = None if kind in (None, State.Review) else 0  # fsrs steps a card in (re)learning from its step
        state = None if kind is None else Card(card_id=index, state=kind, step=step, stability=rng.uniform(0.1, 90),
                                               difficulty=rng.uniform(1, 10), due=last, last_review=last)  # fmt: skip
        candidates.append(Candidate(f"c{index:02d}", state, index))
    interview = NOW + timedelta(days=days_ahead, hours=3)
    plan = plan_today(candidates, NOW, DeadlineGoal(interview, 20), MODEL)
    assert plan is not None
    # Bit for bit: the same sum in the same order, so a day plan's figure never differs from `readiness`.
    tracked = [TrackedCard(c.key, "x", c.state) for c in candidates]
    report = assess(tracked, interview, NOW, MODEL, budget=Budget(cards=20), prompts=lambda keys: {})
    assert plan.readiness_today == report.today


def mixed_deck(seed: int, size: int) -> list[Candidate]:
    """Cards never seen, in learning (at step 0 or 1), in review and in relearning, with memories of every kind."""
    from fsrs import Card

    rng = random.Random(seed)
    candidates = []
    for index in range(size):
        kind = rng.choice([None, None, State.Learning, State.Review, State.Review, State.Relearning])
        last = NOW - timedelta(days=rng.uniform(0, 20), minutes=rng.uniform(0, 30))
        step = None if kind in (None, State.Review) else rng.choice([0, 1]) if kind == State.Learning else 0
        state = None if kind is None else Card(card_id=index, state=kind, step=step, stability=rng.uniform(0.1, 90),
                                               difficulty=rng.uniform(1, 10), due=last, last_review=last)  # fmt: skip
        candidates.append(Candidate(f"c{index:02d}", state, index))
    return candidates


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), size=st.integers(1, 60), budget=st.integers(1, 80),
       answered=st.integers(0, 40), days_ahead=st.integers(1, 30))  # fmt: skip
def test_the_planned_work_never_exceeds_the_budget_counting_every_step_owed(
    seed: int, size: int, budget: int, answered: int, days_ahead: int
) -> None:
    """Answers given + every step owed by cards in (re)learning (a card failed at first sight owes them all)
    + new cards at their expected answers + reviews at theirs: within the day's budget, and `due`'s count of what
    fits (`TodayPlan.expected`) is every planned card."""
    from studyprep.schedule.deadline import steps_owed

    candidates = mixed_deck(seed, size)
    goal = DeadlineGoal(NOW + timedelta(days=days_ahead, hours=3), budget)
    plan = plan_today(candidates, NOW, goal, MODEL, answered_today=answered)
    assert plan is not None
    owed = sum(steps_owed(MODEL, c.state) for c in candidates)
    assert plan.owed == owed and plan.room == max(0, budget - answered - owed)
    planned = plan.planned()
    assert sum(new for _, new in planned) == plan.new
    new_answers = plan.new * plan.answers_per_new
    assert new_answers + (len(planned) - plan.new) <= plan.room + 1e-9
    assert sum(plan.expected()) == len(planned)


def test_a_card_failed_at_first_sight_owes_every_learning_step() -> None:
    from fsrs import Card

    from studyprep.schedule.deadline import steps_owed

    failed, _ = MODEL.review_card(Card(card_id=1, due=NOW), Rating.Again, NOW)
    passed, _ = MODEL.review_card(Card(card_id=1, due=NOW), Rating.Good, NOW)
    lapsed = Card(card_id=1, state=State.Review, stability=5.0, difficulty=5.0, due=NOW, last_review=NOW - DAY * 5)
    lapsed, _ = MODEL.review_card(lapsed, Rating.Again, NOW)
    assert (steps_owed(MODEL, failed), steps_owed(MODEL, passed), steps_owed(MODEL, lapsed)) == (2, 1, 1)
    assert steps_owed(MODEL, None) == 0


def _mature(reviews: int, days_ago: float = 0.0):
    """A card graduated and then reviewed Good `reviews` times, each on its due date, shifted so that it is due
    `days_ago` days before NOW (negative: due later)."""
    from dataclasses import replace

    from fsrs import Card

    when = NOW - timedelta(days=400)
    card, _ = MODEL.review_card(Card(card_id=1, due=when), Rating.Good, when)
    while card.state != State.Review:
        card, _ = MODEL.review_card(card, Rating.Good, card.due)
    for _ in range(reviews):
        card, _ = MODEL.review_card(card, Rating.Good, card.due)
    shift = NOW - timedelta(days=days_ago) - card.due
    return replace(card, due=card.due + shift, last_review=card.last_review + shift)  # type: ignore[operator]


def test_room_the_building_reviews_leave_goes_to_the_due_reviews_within_the_budget() -> None:
    from studyprep.schedule.deadline import Tuning

    due = [Candidate(f"d{n}", _mature(n), n) for n in range(4)]
    not_due = Candidate("later", _mature(1, days_ago=-5), 9)
    goal = DeadlineGoal(NOW + timedelta(days=14), 20)
    unfilled = plan_today([*due, not_due], NOW, goal, MODEL, tuning=Tuning(fill_budget=False))
    filled = plan_today([*due, not_due], NOW, goal, MODEL)
    assert unfilled is not None and filled is not None
    # Without filling, only the weakest card is worth a building review; the rest of the budget was left unspent.
    assert unfilled.keys == ["d0"]
    # Filled: every due card whose review raises its recall on the day, as plain FSRS would review them; the card
    # due after today is not studied ahead.
    assert sorted(filled.keys) == ["d0", "d1", "d2", "d3"]
    # And the budget stays a budget: two answers of room serve at most two of them (the plan's own pricing).
    tight = plan_today([*due, not_due], NOW, DeadlineGoal(NOW + timedelta(days=14), 2), MODEL)
    assert tight is not None and len(tight.served()) <= 2


def test_the_last_session_reviews_the_cards_it_helps_most_when_it_cannot_take_them_all() -> None:
    # On the last session a review today is the final one for every card (no loss by going early), so the finals
    # that fit are the ones that raise the recall on the day most, not the first by key.
    strong = [Candidate(key, _mature(2, days_ago=-10), n) for n, key in enumerate("abc")]
    weak = [Candidate(key, _mature(0, days_ago=3), 10 + n) for n, key in enumerate("xy")]
    interview = NOW + timedelta(hours=20)
    cards = [*strong, *weak]
    assert all(recall_at(MODEL, c.state, interview) < 0.99 for c in cards)  # none safe: all want a final review
    # Three answers: the two weak cards (each an answer and the relearning steps a lapse may owe), no strong one.
    plan = plan_today(cards, NOW, DeadlineGoal(interview, 3), MODEL)
    assert plan is not None and sorted(plan.served()) == ["x", "y"]


def test_when_the_final_days_cannot_give_every_card_its_final_the_cards_that_gain_most_go_first() -> None:
    # Three sessions left, 20 cards wanting a final review, 3 answers a day: most cards will get none. Today's
    # finals go to the weak cards a review helps most, not to the strong ones that would lose least by going early
    # (the order when every card gets its final in the window).
    strong = [Candidate(f"a{n}", _mature(2, days_ago=-10), n) for n in range(10)]
    weak = [Candidate(f"x{n}", _mature(0, days_ago=1), 10 + n) for n in range(10)]
    interview = NOW + timedelta(days=2, hours=20)
    plan = plan_today(strong + weak, NOW, DeadlineGoal(interview, 3), MODEL)
    assert plan is not None and plan.final_days
    assert plan.served() and all(key.startswith("x") for key in plan.served())
