"""The review queue: what to show next, read from the review database only (never the deck YAML).

Order: learning and relearning cards that are due (earliest first); then the planned cards of decks with an
interview date ahead, in their deadline plan's order (`deadline_queue.DayPlanner`), decks taking turns; then
due review cards of the other decks, most overdue relative to their interval first; then their new cards up to
each deck's daily limit (counted across the day's sessions), in document order, taking turns between decks.
When nothing else is left, learning cards due within the learn-ahead window are shown early, as Anki does.

`build_queue` decides every deadline deck's plan it lacks first (kept for the rest of the study day).
"""

from __future__ import annotations

__all__ = ["QueueEntry", "ReviewQueue", "build_queue"]

import bisect
import itertools
import math
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Literal

from studyprep.progress import ProgressCallback, no_progress
from studyprep.schedule.deadline import FIT_SLACK, card_cost, cards_within, steps_left
from studyprep.schedule.deck_day import DeckDay
from studyprep.store.db import ReviewStore

if TYPE_CHECKING:
    from studyprep.schedule.deadline_queue import DayPlan, DayPlanner

LEARN_AHEAD = timedelta(minutes=20)
EntryKind = Literal["learning", "review", "new", "ahead"]  # ahead: studied before the schedule asks


@dataclass(frozen=True)
class QueueEntry:
    """One card waiting in the queue."""

    deck: str
    card_id: str
    kind: EntryKind
    due: datetime | None = None
    planned: bool = False  # chosen by a deadline plan: served in plan order, before plain reviews
    owes: int = 1  # a learning card's steps still to answer today (a card failed at first sight owes them all)

    @property
    def key(self) -> tuple[str, str]:
        """(deck, card id): the card's identity across the workspace."""
        return (self.deck, self.card_id)


class Lane:
    """One lane of the queue in order, taking a card out in constant time whatever its length.

    A lane of 57,000 due reviews made every answer scan it (`deque.remove` is linear), most of an answer's time.
    Taking a card out here only counts it gone: each card key has a generation, bumped when the key is taken out,
    and a stored entry is live while its generation is the key's current one; gone entries are dropped when they
    reach the front. The order of the live entries is exactly that of a list with the same appends and removals.
    """

    __slots__ = ("_count", "_generation", "_items", "_size")

    def __init__(self, entries: Iterable[QueueEntry] = ()) -> None:
        self._items: deque[tuple[int, QueueEntry]] = deque()
        self._generation: dict[tuple[str, str], int] = {}
        self._count: dict[tuple[str, str], int] = {}  # live entries per key
        self._size = 0
        for entry in entries:
            self.append(entry)

    def append(self, entry: QueueEntry) -> None:
        """Put an entry at the back."""
        self._items.append((self._counted(entry), entry))

    def appendleft(self, entry: QueueEntry) -> None:
        """Put an entry at the front."""
        self._items.appendleft((self._counted(entry), entry))

    def remove(self, key: tuple[str, str]) -> None:
        """Take every entry of this card key out (nothing when there is none)."""
        live = self._count.pop(key, 0)
        if not live:
            return
        self._generation[key] = self._generation.get(key, 0) + 1
        self._size -= live
        items = self._items
        while items and not self._live(items[0]):
            items.popleft()

    def first(self) -> QueueEntry | None:
        """The entry at the front, or None when the lane is empty."""
        return self._items[0][1] if self._size else None

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[QueueEntry]:
        return (entry for generation, entry in self._items if self._generation.get(entry.key, 0) == generation)

    def __repr__(self) -> str:
        return f"Lane({list(self)!r})"

    def _counted(self, entry: QueueEntry) -> int:
        """Count one more live entry of the card; the generation it is live in."""
        key = entry.key
        self._count[key] = self._count.get(key, 0) + 1
        self._size += 1
        return self._generation.get(key, 0)

    def _live(self, item: tuple[int, QueueEntry]) -> bool:
        return self._generation.get(item[1].key, 0) == item[0]


@dataclass
class ReviewQueue:
    """Cards left in a session, in the lanes of the review order (any iterable of entries becomes a `Lane`)."""

    learning: list[QueueEntry] = field(default_factory=list)  # kept sorted by due
    reviews: Lane = field(default_factory=Lane)
    new: Lane = field(default_factory=Lane)
    learn_ahead: timedelta = LEARN_AHEAD
    planned: Lane = field(default_factory=Lane)
    # Deadline decks: answers (learning steps included) left in today's budget. A planned card is started only
    # while its deck has some left beyond the steps its learning cards still owe (one each at least), as the
    # policy and its projection count them: a card's steps are part of its cost. Begun steps always follow.
    budgets: dict[str, int] = field(default_factory=dict)
    answers_per_new: dict[str, float] = field(default_factory=dict)  # per budgeted deck, for the count left

    # Indexes of the learning lane, kept with every change to it so that an answer costs the same whatever the
    # lane's length: live entries per card key, and steps owed per deck (the lane grows by every failed card).
    _learning_keys: dict[tuple[str, str], int] = field(default_factory=dict, init=False, repr=False)
    _owed: dict[str, int] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self.reviews, self.new, self.planned = (
            lane if isinstance(lane, Lane) else Lane(lane) for lane in (self.reviews, self.new, self.planned)
        )
        self._index_learning()

    def _index_learning(self) -> None:
        """Count the learning lane's entries per card and the steps they owe per deck, from scratch."""
        self._learning_keys, self._owed = {}, {}
        for entry in self.learning:
            self._count_learning(entry, 1)

    def _count_learning(self, entry: QueueEntry, sign: int) -> None:
        """Count a learning entry in (`sign` 1) or out (-1) of the lane's indexes."""
        self._learning_keys[entry.key] = self._learning_keys.get(entry.key, 0) + sign
        self._owed[entry.deck] = self._owed.get(entry.deck, 0) + sign * entry.owes
        if not self._learning_keys[entry.key]:
            del self._learning_keys[entry.key]

    def _insert_learning(self, entry: QueueEntry) -> None:
        bisect.insort(self.learning, entry, key=_due)
        self._count_learning(entry, 1)

    def __len__(self) -> int:
        return len(self.learning) + self._planned_left() + len(self.reviews) + len(self.new)

    def _planned_left(self) -> int:
        """Planned cards expected to fit in their decks' answers left, counted as `due` counts them
        (`deadline.cards_within`: a new card at its deck's `answers_per_new`, a review at one answer)."""
        per_deck: dict[str, list[bool]] = {}
        for entry in self.planned:
            per_deck.setdefault(entry.deck, []).append(entry.kind == "new")
        rooms = self._rooms()
        return sum(
            sum(cards_within(new, rooms.get(deck, math.inf), self.answers_per_new.get(deck, 1.0)))
            for deck, new in per_deck.items()
        )

    def _rooms(self) -> dict[str, int]:
        """Answers each budgeted deck still has for starting cards: its budget less every step its learning
        cards still owe today (counted as the lane changes: no pass over it)."""
        return {deck: max(0, left - self._owed.get(deck, 0)) for deck, left in self.budgets.items()}

    def _fits(self, entry: QueueEntry, rooms: dict[str, int]) -> bool:
        """Whether a planned card's expected answers fit in its deck's room (`deadline.card_cost`)."""
        if entry.deck not in rooms:
            return True
        cost = card_cost(entry.kind == "new", self.answers_per_new.get(entry.deck, 1.0))
        return cost <= rooms[entry.deck] + FIT_SLACK

    def spend(self, deck: str, answers: int = 1) -> None:
        """Count answers given to a deck's cards against its budget (negative: an answer taken back)."""
        if deck in self.budgets:
            self.budgets[deck] -= answers

    def next(self, now: datetime) -> QueueEntry | None:
        """The card to show at `now`, or None when nothing is due (even with learn-ahead)."""
        if self.learning and _due(self.learning[0]) <= now:
            return self.learning[0]
        rooms = self._rooms()
        planned = next((entry for entry in self.planned if self._fits(entry, rooms)), None)
        if planned is not None:
            return planned
        if self.reviews:
            return self.reviews.first()
        if self.new:
            return self.new.first()
        if self.learning and _due(self.learning[0]) <= now + self.learn_ahead:
            return self.learning[0]
        return None

    def remove(self, key: tuple[str, str]) -> None:
        """Take a card out of every lane (constant time, but for a card in the learning lane: a pass over it)."""
        if key in self._learning_keys:
            for entry in self.learning:
                if entry.key == key:
                    self._count_learning(entry, -1)
            self.learning = [entry for entry in self.learning if entry.key != key]
        for lane in (self.planned, self.reviews, self.new):
            lane.remove(key)

    def add_learning(self, deck: str, card_id: str, due: datetime, owes: int = 1) -> None:
        """(Re)schedule a card in the learning lane, keeping it sorted by due; it `owes` that many steps today."""
        self.remove((deck, card_id))
        self._insert_learning(QueueEntry(deck, card_id, "learning", due, owes=owes))

    def put_back(self, entry: QueueEntry) -> None:
        """Return a card to the front of its lane (after an undo)."""
        self.remove(entry.key)
        if entry.kind == "learning":
            self._insert_learning(entry)
        elif entry.planned:
            self.planned.appendleft(entry)
        elif entry.kind in ("review", "ahead"):
            self.reviews.appendleft(entry)
        else:
            self.new.appendleft(entry)

    def restrict(self, keys: set[tuple[str, str]], limit: int | None) -> None:
        """Keep only these cards (a filtered session), then at most `limit` of them in the lanes' order."""
        room = math.inf if limit is None else limit
        lanes = []
        for lane in (self.learning, list(self.planned), list(self.reviews), list(self.new)):
            kept = [entry for entry in lane if entry.key in keys][: max(int(min(room, len(lane))), 0)]
            room -= len(kept)
            lanes.append(kept)
        self.learning, planned, reviews, new = lanes
        self.planned, self.reviews, self.new = Lane(planned), Lane(reviews), Lane(new)
        self._index_learning()

    def next_learning_due(self) -> datetime | None:
        """When the earliest waiting learning card falls due."""
        return _due(self.learning[0]) if self.learning else None


def _due(entry: QueueEntry) -> datetime:
    # Only learning entries are sorted by due, and they always carry one.
    return entry.due if entry.due is not None else datetime.max.replace(tzinfo=UTC)


def build_queue(
    store: ReviewStore,
    decks: list[DeckDay],
    now: datetime,
    limit: int | None = None,
    new_limit: int | None = None,
    progress: ProgressCallback = no_progress,
) -> ReviewQueue:
    """Today's queue over `decks`: at most `limit` cards, and `new_limit` new ones (default: the plans'); the
    plans still to decide today are decided first (`progress` hears each)."""
    from studyprep.schedule.deadline_queue import DayPlanner

    planner = DayPlanner(store, decks, now)
    planner.decide(planner.missing, progress)
    return _assemble(store, decks, now, limit, new_limit, planner)


def _learning(store: ReviewStore, decks: list[DeckDay], now: datetime) -> list[QueueEntry]:
    return sorted(
        (QueueEntry(deck.slug, card_id, "learning", due, owes=_owes(deck, state, step))
         for deck in decks for card_id, due, state, step in store.due_learning(deck.slug, deck.day_end, now)),
        key=_due,
    )  # fmt: skip


def _owes(deck: DeckDay, state: int, step: int) -> int:
    """Steps a learning card of the deck still owes today (`deadline.steps_owed` on the plan's steps); only a
    budgeted (deadline) deck counts them, and other decks' cards owe one."""
    if deck.plan is None:
        return 1
    return steps_left(
        len(deck.plan.scheduler.learning_steps if state == 1 else deck.plan.scheduler.relearning_steps), step
    )


def _budgets(days: list[DayPlan]) -> dict[str, int]:
    return {day.deck: max(0, day.budget - day.answered_today) for day in days}


def _assemble(
    store: ReviewStore,
    decks: list[DeckDay],
    now: datetime,
    limit: int | None,
    new_limit: int | None,
    planner: DayPlanner,
) -> ReviewQueue:
    """The queue's lanes once every deadline deck's plan is decided."""
    served = {day.slug: planner.served(day) for day in planner.deadline_days}
    planned_days = [found for found in served.values() if found is not None]
    plain = [deck for deck in decks if served.get(deck.slug) is None]
    learning = _learning(store, decks, now)
    planned = _planned(planned_days, new_limit)
    ranked = sorted(
        ((ratio, QueueEntry(deck.slug, card_id, "review")) for deck in plain
         for card_id, ratio in store.due_reviews(deck.slug, deck.day_end, now)),
        key=lambda pair: -pair[0],
    )  # fmt: skip
    reviews = [entry for _, entry in ranked]
    planned_new = sum(entry.kind == "new" for entry in planned)
    new = _new_cards(store, plain, now, None if new_limit is None else max(new_limit - planned_new, 0))
    lanes = [learning, planned, reviews, new]
    if limit is not None:
        lanes, room = [], limit
        for lane in (learning, planned, reviews, new):
            lanes.append(lane[:room])
            room = max(room - len(lane), 0)
    learning, planned, reviews, new = lanes
    return ReviewQueue(learning=learning, reviews=Lane(reviews), new=Lane(new), planned=Lane(planned),
                       budgets=_budgets(planned_days),
                       answers_per_new={day.deck: day.answers_per_new for day in planned_days})  # fmt: skip


def _planned(days: list[DayPlan], new_limit: int | None, per_deck: int | None = None) -> list[QueueEntry]:
    """Deadline decks' cards in plan order, decks taking turns; with `new_limit`, at most that many new ones.
    With `per_deck`, only each deck's first cards: the start of the turns whatever the decks after these."""
    entries = _take_turns([
        [QueueEntry(day.deck, key, "new" if new else "review", planned=True) for key, new in day.cards[:per_deck]]
        for day in days
    ])  # fmt: skip
    if new_limit is None:
        return entries
    new_ranks = itertools.accumulate(entry.kind == "new" for entry in entries)
    return [entry for entry, rank in zip(entries, new_ranks, strict=True) if entry.kind != "new" or rank <= new_limit]


def _take_turns(groups: list[list[QueueEntry]]) -> list[QueueEntry]:
    """One entry from each group in turn, until all are used."""
    return [entry for group in itertools.zip_longest(*groups) for entry in group if entry is not None]


def _new_cards(store: ReviewStore, decks: list[DeckDay], now: datetime, new_limit: int | None) -> list[QueueEntry]:
    """New cards in document order per deck, decks taking turns; daily limits or the session's override."""
    per_deck = []
    for deck in decks:
        allowance = deck.new_cards_per_day - store.new_cards_since(deck.slug, deck.day_start)
        if new_limit is not None:
            allowance = new_limit
        cards = store.new_cards(deck.slug, now, allowance)
        per_deck.append([QueueEntry(deck.slug, card_id, "new") for card_id in cards])
    return _take_turns(per_deck)[:new_limit]
