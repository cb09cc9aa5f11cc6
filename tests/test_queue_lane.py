"""`queue.Lane` (constant-time removal) keeps exactly the order and length of a plain list under the same steps."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from studyprep.schedule.queue import Lane, QueueEntry, ReviewQueue

KEYS = st.sampled_from([("a", "1"), ("a", "2"), ("b", "1"), ("b", "2"), ("c", "3")])
STEPS = st.lists(
    st.tuples(st.sampled_from(["append", "appendleft", "remove"]), KEYS, st.sampled_from(["review", "new"])),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(start=st.lists(st.tuples(KEYS, st.sampled_from(["review", "new"])), max_size=12), steps=STEPS)
def test_lane_matches_a_list_under_any_steps(start: list, steps: list) -> None:
    entries = [QueueEntry(deck, card, kind) for (deck, card), kind in start]
    lane, model = Lane(entries), list(entries)
    for action, (deck, card), kind in steps:
        if action == "remove":
            lane.remove((deck, card))
            model = [entry for entry in model if entry.key != (deck, card)]
        elif action == "append":
            lane.append(QueueEntry(deck, card, kind))
            model.append(QueueEntry(deck, card, kind))
        else:
            lane.appendleft(QueueEntry(deck, card, kind))
            model.insert(0, QueueEntry(deck, card, kind))
        assert list(lane) == model
        assert len(lane) == len(model) and bool(lane) == bool(model)
        assert lane.first() == (model[0] if model else None)


def test_queue_takes_a_card_out_of_every_lane_and_puts_it_back_in_front() -> None:
    review, other = QueueEntry("d", "1", "review"), QueueEntry("d", "2", "review")
    queue = ReviewQueue(reviews=[review, other], new=[QueueEntry("d", "3", "new")])
    queue.remove(review.key)
    assert list(queue.reviews) == [other] and len(queue) == 2
    queue.put_back(review)
    assert list(queue.reviews) == [review, other]


LEARNING_STEPS = st.lists(
    st.tuples(st.sampled_from(["add", "remove", "put_back", "restrict"]), KEYS, st.integers(0, 90),
              st.integers(1, 3)),
    max_size=40,
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(steps=LEARNING_STEPS, budget=st.integers(0, 8))
def test_budget_room_and_order_follow_the_learning_lane_under_any_steps(steps: list, budget: int) -> None:
    """The queue counts the steps its learning cards owe as the lane changes (not by a pass over it on every
    answer): the room left in each deck's budget is always what a count over the lane gives, and the lane stays
    sorted by due."""
    from datetime import UTC, datetime, timedelta

    start = datetime(2026, 3, 1, 9, tzinfo=UTC)
    queue = ReviewQueue(budgets={"a": budget, "b": budget, "c": budget})
    for action, (deck, card), minutes, owes in steps:
        due = start + timedelta(minutes=minutes)
        if action == "add":
            queue.add_learning(deck, card, due, owes=owes)
        elif action == "remove":
            queue.remove((deck, card))
        elif action == "put_back":
            queue.put_back(QueueEntry(deck, card, "learning", due, owes=owes))
        else:
            queue.restrict({(deck, card), ("a", "1")}, None)
        owed = {deck: sum(entry.owes for entry in queue.learning if entry.deck == deck) for deck in "abc"}
        assert queue._rooms() == {deck: max(0, budget - owed[deck]) for deck in "abc"}
        assert [entry.due for entry in queue.learning] == sorted(entry.due for entry in queue.learning)
        assert len({entry.key for entry in queue.learning}) == len(queue.learning)  # one entry per card
