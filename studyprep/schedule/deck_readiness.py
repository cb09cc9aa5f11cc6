"""One deck's readiness for its interview, from its plan and the review database: `readiness`, `brief` and study
ahead share it."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from studyprep.result import dataclass_json, json_field
from studyprep.schedule.answered import answer_coverage
from studyprep.schedule.readiness import Budget, TrackedCard, assess, user_pace

if TYPE_CHECKING:
    from studyprep.schedule.answered import AnswerCoverage
    from studyprep.schedule.deadline_plan import DeadlinePlan

__all__ = ["KIND_LABELS", "DeckReadiness", "category_label", "deck_readiness"]

KIND_LABELS = {"fact": "Company facts", "ask": "Questions to ask", "concept": "Concepts", "question": "Questions"}


@dataclass
class DeckReadiness:
    """One deck's readiness report (see studyprep.schedule.readiness.Readiness)."""

    deck: str
    # studyprep.schedule.readiness.Readiness, imported lazily; None when the deck file cannot be read.
    report: Any = field(metadata=json_field(inline=True))
    error: str | None = field(default=None, metadata=json_field(skip=True))  # why the deck file cannot be read
    answers: AnswerCoverage | None = None  # questions with the user's own answer

    def json_shape(self) -> dict[str, Any]:
        """The JSON form: the deck and its report's figures, or for a deck whose file cannot be read only its slug
        and error (another shape, not fields left out: the figures are absent, not null)."""
        if self.report is None:
            return {"deck": self.deck, "error": self.error}
        return dataclass_json(self)


def category_label(category: list[str], kind: str) -> str:
    """A card's category for readiness tables: its category path, else its kind."""
    return " / ".join(category) if category else KIND_LABELS.get(kind, kind)


def deck_readiness(store: Any, item: tuple[str, DeadlinePlan, datetime], now: datetime) -> DeckReadiness:
    """Readiness of one deck with an interview date, from its plan (`deadline_plan.deadline_plan`) and the start
    of its study day (today's answers and new cards so far are not played out again)."""
    slug, plan, day_start = item
    plan.check_horizon(now, store.path.parent / f"{slug}.yaml")
    report = assess(
        _tracked_cards(store, slug, TrackedCard),
        plan.interview_local(),
        now,
        plan.fsrs_scheduler(),
        budget=Budget(cards=plan.daily_budget_cards, minutes=plan.daily_budget_minutes),
        target=plan.target_recall or 0.9,
        pace=user_pace(store, slug),
        zone=plan.zone(),
        prompts=functools.partial(store.prompts, slug),
        today_done=(store.answers_since(slug, day_start), store.new_cards_since(slug, day_start)),
    )
    answers = answer_coverage(store, slug, plan.fsrs_scheduler(), max(report.interview, now))
    return DeckReadiness(slug, report, answers=answers)


def _tracked_cards(store: Any, slug: str, tracked: type) -> list[Any]:
    """Every active card in document order with its category label and fsrs state, built as the store reads it
    (one pass: at 100k cards a second one was a fifth of `readiness`)."""
    labels: dict[tuple[tuple[str, ...], str], str] = {}

    def entry(card_id: str, category: tuple[str, ...], kind: str, state: Any) -> Any:
        label = labels.get((category, kind))
        if label is None:
            label = labels[(category, kind)] = category_label(list(category), kind)
        return tracked(card_id, label, state)

    return store.active_cards(slug, entry)
