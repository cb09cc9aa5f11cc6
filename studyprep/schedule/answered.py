"""How many interview questions have the user's own answer (their `notes`), and which unanswered ones are weakest:
an answer written is what makes a question studied."""

from __future__ import annotations

__all__ = ["AnswerCoverage", "Unanswered", "answer_coverage"]

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from studyprep.result import json_field, rounded
from studyprep.schedule.deadline import recall_at_us
from studyprep.store.db import to_us

if TYPE_CHECKING:
    from fsrs import Scheduler

    from studyprep.store.db import ReviewStore

WEAKEST_UNANSWERED = 5


@dataclass(frozen=True)
class Unanswered:
    """A question without an answer, and its predicted recall at the moment judged."""

    card_id: str = field(metadata=json_field(name="id"))
    prompt: str
    recall: float = field(metadata=json_field(convert=rounded(4)))


@dataclass(frozen=True)
class AnswerCoverage:
    """Questions with an answer out of all active questions, and the weakest still without one."""

    answered: int
    questions: int
    weakest: tuple[Unanswered, ...] = field(metadata=json_field(name="weakest_unanswered"))


def answer_coverage(
    store: ReviewStore, deck: str, scheduler: Scheduler, moment: datetime, limit: int = WEAKEST_UNANSWERED
) -> AnswerCoverage:
    """The deck's question cards with and without notes; the unanswered ones by predicted recall at `moment`,
    lowest first (document order among equals: never-seen questions all count 0)."""
    # From the stored columns, not fsrs Cards: at 100k cards, building every card's state was most of this.
    questions = store.question_recall_rows(deck)
    moment_us = to_us(moment)
    unanswered = [
        (recall_at_us(scheduler, stability, last_review, moment_us), position, card_id)
        for position, (card_id, has_notes, stability, last_review) in enumerate(questions)
        if not has_notes
    ]
    chosen = sorted(unanswered)[:limit]
    prompts = store.prompts(deck, [card_id for *_, card_id in chosen])
    weakest = tuple(Unanswered(card_id, prompts.get(card_id, ""), recall) for recall, _, card_id in chosen)
    return AnswerCoverage(len(questions) - len(unanswered), len(questions), weakest)
