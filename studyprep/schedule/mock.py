"""A mock interview: a few interview questions against the clock, each answer rated as an FSRS review.

`pick_questions` chooses them: the weakest first (lowest predicted recall at the interview, or now without a
date; a question never studied counts 0), taking turns across categories so behavioural and technical questions
mix, each question once. `MockInterview` is the state machine the screen drives (no printing, no keys, the clock
injected): ask a question, end the answer (time up or a key), rate it. Each rating is committed before the next
question as a review of that card with the answer time as its duration; a typed answer is kept as an attempt.
"""

from __future__ import annotations

__all__ = ["MAX_ANSWER_MS", "MockInterview", "MockSummary", "pick_questions"]

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

from studyprep.cards.search import contains
from studyprep.errors import StudyprepError
from studyprep.result import Computed, json_field, rounded
from studyprep.schedule.scheduling import review

if TYPE_CHECKING:
    import fsrs

    from studyprep.store.db import Attempt, MirrorCard, ReviewStore
    from studyprep.store.workspace import Workspace

MAX_ANSWER_MS = 60 * 60 * 1000
REWORK_BELOW = 3  # a rating under "good" means the answer needs rework


def _question(card: MirrorCard) -> dict[str, str]:
    return {"id": card.card_id, "prompt": card.prompt}


def _seconds(span: timedelta) -> float:
    return round(span.total_seconds(), 1)


@dataclass(frozen=True)
class MockResult:
    """One rated question: its card, rating, time used against the limit, and the typed answer if any."""

    card: MirrorCard = field(metadata=json_field(inline=True, convert=_question))
    rating: int
    used: timedelta = field(metadata=json_field(name="seconds_used", convert=_seconds))
    limit: timedelta = field(metadata=json_field(name="seconds_limit", convert=_seconds))
    typed: str = field(default="", metadata=json_field(convert=lambda typed: typed or None))

    json_computed: ClassVar[tuple[Computed, ...]] = (
        Computed("category", after="card"),
        Computed("over_time", after="seconds_limit"),
    )

    @property
    def over_time(self) -> bool:
        """Whether the answer ran past the limit."""
        return self.used > self.limit

    @property
    def category(self) -> str:
        """The question's category path ("" without one)."""
        return " / ".join(self.card.category)


@dataclass(frozen=True)
class CategoryResult:
    """A category's questions in the mock: how many, mean rating, answers over time."""

    category: str
    questions: int
    mean_rating: float = field(metadata=json_field(convert=rounded(2)))
    over_time: int


@dataclass(frozen=True)
class MockSummary:
    """The whole mock: each rated question, each category, and the questions to rework."""

    deck: str
    asked: int
    results: tuple[MockResult, ...] = field(metadata=json_field(name="questions"))

    json_computed: ClassVar[tuple[Computed, ...]] = (
        Computed("rated", after="asked", attribute="results", convert=len),
        Computed("categories", after="questions"),
        Computed("rework", after="categories", convert=lambda rework: [result.card.card_id for result in rework]),
    )

    @property
    def categories(self) -> list[CategoryResult]:
        """Per category, in the order first asked."""
        groups: dict[str, list[MockResult]] = {}
        for result in self.results:
            groups.setdefault(result.category, []).append(result)
        return [
            CategoryResult(name, len(items), sum(r.rating for r in items) / len(items), sum(r.over_time for r in items))
            for name, items in groups.items()
        ]

    @property
    def rework(self) -> list[MockResult]:
        """The answers rated under good, or over time."""
        return [result for result in self.results if result.rating < REWORK_BELOW or result.over_time]


def pick_questions(
    store: ReviewStore, deck: str, scheduler: fsrs.Scheduler, moment: datetime, count: int, category: str | None
) -> list[MirrorCard]:
    """`count` question cards of `deck`, weakest at `moment` first, categories taking turns, each once."""
    from studyprep.schedule.deadline import recall_at

    states = store.card_states(deck)
    questions = [card for card in store.cards_of_kind(deck, "question")
                 if not category or contains(category, card.category)]  # fmt: skip
    if not questions:
        where = f" in a category matching {category!r}" if category else ""
        raise StudyprepError(f"deck {deck!r} has no interview questions{where} to ask")
    weakest = sorted(questions, key=lambda c: (recall_at(scheduler, states.get(c.card_id), moment), c.position))
    by_category: dict[tuple[str, ...], list[MirrorCard]] = {}
    for card in weakest:
        by_category.setdefault(tuple(card.category), []).append(card)
    turns = itertools.zip_longest(*by_category.values())
    return [card for turn in turns for card in turn if card is not None][:count]


@dataclass
class MockInterview:
    """The questions of one mock and what was answered. Drive it with `ask`, `end_answer` and `rate`."""

    store: ReviewStore
    workspace: Workspace
    deck: str
    questions: list[MirrorCard]
    limit: timedelta
    scheduler: fsrs.Scheduler
    clock: Callable[[], datetime]
    index: int = 0
    asked_at: datetime | None = None
    answered_at: datetime | None = None
    typed: str = ""
    results: list[MockResult] = field(default_factory=list)

    @property
    def current(self) -> MirrorCard | None:
        """The question on screen (None once every question is rated)."""
        return self.questions[self.index] if self.index < len(self.questions) else None

    def ask(self) -> None:
        """Start the countdown of the current question."""
        self.asked_at, self.answered_at, self.typed = self.clock(), None, ""

    def remaining(self) -> timedelta:
        """Time left to answer (negative once over)."""
        return self.limit - self.used()

    def used(self) -> timedelta:
        """Time taken by the answer so far (or in all, once ended)."""
        if self.asked_at is None:
            return timedelta(0)
        return (self.answered_at or self.clock()) - self.asked_at

    def end_answer(self, typed: str = "") -> None:
        """The answer is over (a key, or the time is up); `typed` is what was typed."""
        self.answered_at = self.clock()
        self.typed = typed.strip()

    def attempts(self) -> list[Attempt]:
        """Earlier typed answers to the current question."""
        card = self.current
        return [] if card is None else self.store.attempts(self.deck, card.card_id)

    def can_save_notes(self) -> bool:
        """Whether the answer typed now may become the card's notes (it has none yet)."""
        card = self.current
        return bool(self.typed and card is not None and not card.notes.strip())

    def save_typed_as_notes(self) -> None:
        """Write the answer typed now into the card's notes in its deck file (only when it has none)."""
        from studyprep.store.cardedit import set_card_fields

        card = self.current
        if card is None or not self.can_save_notes():
            raise StudyprepError("no typed answer to save, or the card has notes already")
        set_card_fields(self.workspace, self.deck, [card.card_id], self.store, notes=self.typed)
        self.questions[self.index] = self.store.card(self.deck, card.card_id) or card

    def rate(self, rating: int) -> MockResult:
        """Rate the answer 1-4: a review of the card with the answer time as duration, committed now."""
        card = self.current
        if card is None or self.asked_at is None or self.answered_at is None:
            raise StudyprepError("no answer to rate")
        if rating not in (1, 2, 3, 4):
            raise StudyprepError(f"rating must be 1-4, got {rating}")
        used = self.used()
        duration = min(max(int(used.total_seconds() * 1000), 0), MAX_ANSWER_MS)
        stored = self.store.get_state(self.deck, card.card_id)
        state = stored.card if stored else None
        after = review(self.scheduler, self.deck, card.card_id, state, rating, self.answered_at, duration)
        self.store.record_answer(self.deck, card.card_id, rating, self.answered_at, duration, stored, after)
        if self.typed:
            self.store.add_attempt(self.deck, card.card_id, self.asked_at, duration, self.typed)
        result = MockResult(card, rating, used, self.limit, self.typed)
        self.results.append(result)
        self.index += 1
        self.asked_at = self.answered_at = None
        return result

    def summary(self) -> MockSummary:
        """What was rated so far (an interrupted mock keeps every rated answer)."""
        asked = self.index + (self.asked_at is not None)
        return MockSummary(self.deck, asked, tuple(self.results))
