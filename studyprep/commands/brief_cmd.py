"""`studyprep brief DECK`: the one page to read the evening before the interview."""

from __future__ import annotations

__all__ = ["Brief", "build_brief", "without_offer"]

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from studyprep.parse.meaning import section_kind
from studyprep.result import as_objects, json_field
from studyprep.schedule.answered import answer_coverage
from studyprep.schedule.deck_readiness import category_label
from studyprep.schedule.readiness import TrackedCard, category_recall
from studyprep.schedule.replays import open_store
from studyprep.schedule.scheduling import scheduler_for
from studyprep.store.db import deck_file_reader
from studyprep.store.deckstore import load_deck
from studyprep.store.plan import load_plan
from studyprep.store.workspace import Workspace

if TYPE_CHECKING:
    from studyprep.schedule.answered import AnswerCoverage

WEAKEST = 5
# A generated document's closing offer ("If you'd like, I can tailor this further…") speaks to whoever asked the
# chatbot, not about the interview: the brief leaves such a last paragraph out (the deck keeps it verbatim).
_OFFER_OPENER = re.compile(
    r"^(?:if you(?:'d| would)? (?:like|want|wish)|would you like|do you want|want me to|let me know|"
    r"i can also|i could also|i'd be happy|i would be happy|happy to)\b",
    re.IGNORECASE,
)
_OFFER_SPEAKER = re.compile(r"\b(?:i can|i could|i'll|i will|i'd|me to|let me know|happy to)\b", re.IGNORECASE)


def _weakest_json(weakest: list[tuple[str, float, int]]) -> list[dict[str, Any]]:
    return as_objects("category", "recall", "cards")((name, round(recall, 4), count) for name, recall, count in weakest)


@dataclass
class Brief:
    """Company facts, weakest categories, questions to ask them, and the document's strategy notes."""

    deck: str
    title: str
    company: str
    role: str
    interview: datetime | None
    facts: list[tuple[str, str]] = field(
        default_factory=list, metadata=json_field(convert=as_objects("prompt", "back"))
    )
    company_notes: list[str] = field(default_factory=list)
    # (category, mean recall at the interview, cards)
    weakest: list[tuple[str, float, int]] = field(
        default_factory=list, metadata=json_field(name="weakest_categories", convert=_weakest_json)
    )
    questions: list[str] = field(default_factory=list, metadata=json_field(name="questions_to_ask"))
    strategy: list[tuple[str, str]] = field(
        default_factory=list, metadata=json_field(convert=as_objects("section", "text"))
    )
    answers: AnswerCoverage | None = None  # questions with the user's own answer, and the weakest without


def without_offer(text: str) -> str:
    """A note's text less a closing paragraph in which the document's writer offers more help."""
    paragraphs = re.split(r"\n[ \t]*\n", text.rstrip())
    last = paragraphs[-1].strip().replace("\u2019", "'")
    if _OFFER_OPENER.match(last) and _OFFER_SPEAKER.search(last):
        paragraphs.pop()
    return "\n\n".join(paragraphs).rstrip()


def is_strategy(kind: str, section: str) -> bool:
    """A reference note of the document's strategy: so read at import, or kept under a heading the vocabulary now
    reads as one ("Game plan", "Ma stratégie": `parse.vocabulary.STRATEGY_SECTION_WORDS`) by an older import."""
    return kind == "strategy" or (kind == "other" and section_kind(section) == "strategy")


def build_brief(workspace: Workspace, deck: str, now: datetime) -> Brief:
    """The brief of a deck; weakest categories by predicted recall at the interview (else now)."""
    with deck_file_reader(workspace) as read:  # before the store: an unknown deck creates nothing
        found = load_deck(workspace, deck, read)
    plan = load_plan(workspace, found.slug)
    with open_store(workspace) as store:
        store.refresh_decks(workspace)  # another deck's broken file is no concern of this deck's brief
        states = store.card_states(found.slug)
        moment = plan.interview_at if plan.interview_at and plan.interview_at > now else now
        answers = answer_coverage(store, found.slug, scheduler_for(plan), moment)
    active = found.active_cards()
    tracked = [TrackedCard(c.id, category_label(c.category, c.kind), states.get(c.id)) for c in active]
    weakest = category_recall(tracked, moment, scheduler_for(plan))[:WEAKEST]
    notes = [(note.kind, note.section, text) for note in found.reference if (text := without_offer(note.text))]
    return Brief(
        deck=found.slug,
        title=found.title,
        company=found.company,
        role=found.role,
        interview=plan.interview_local(),
        facts=[(c.prompt, c.back) for c in active if c.kind == "fact"],
        company_notes=[text for kind, _, text in notes if kind == "company"],
        weakest=[(row.category, row.today, row.cards) for row in weakest],
        questions=[c.prompt for c in active if c.kind == "ask"],
        strategy=[(section, text) for kind, section, text in notes if is_strategy(kind, section)],
        answers=answers,
    )
