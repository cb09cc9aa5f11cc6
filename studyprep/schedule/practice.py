"""Practice beyond the schedule: which cards a filtered or study-ahead session takes, and in what order.

Study ahead takes cards already seen that no schedule asks for now. In a deck with an interview ahead they come
in order of what a review now adds to the expected recall at the interview (`deadline.expected_recall_after_review`
against the recall the card keeps untouched); in a deck without one, lowest predicted recall now first. Their
answers are ordinary FSRS reviews (FSRS handles a review before the due date); a deadline deck's day plan is
decided again after them, since every logged answer changes the deck's version (`DayPlanner`).

Pure functions over the review store and deck files, with an injected `now`; nothing here prints.
"""

from __future__ import annotations

__all__ = ["AHEAD_CARDS", "CardFilter", "Key", "ahead_entries", "chosen_cards"]

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from studyprep.errors import StudyprepError
from studyprep.schedule.deadline import expected_recall_after_review, recall_at
from studyprep.schedule.queue import QueueEntry
from studyprep.schedule.scheduling import scheduler_for

if TYPE_CHECKING:
    import fsrs

    from studyprep.schedule.deck_day import DeckDay
    from studyprep.schedule.queue import QueueEntry
    from studyprep.store.db import ReviewStore
    from studyprep.store.plan import StudyPlan
    from studyprep.store.workspace import Workspace

AHEAD_CARDS = 20  # `review --ahead` without a number, and the one-key offer when nothing is due
Key = tuple[str, str]  # (deck, card id)


@dataclass(frozen=True)
class CardFilter:
    """Which cards a filtered session takes: every filter given must hold.

    `weakest` keeps the N seen cards with the lowest predicted recall at the interview (now, without a date);
    `at_risk` the cards `readiness` lists as most at risk on the day.
    """

    category: str | None = None
    kind: str | None = None
    tag: str | None = None
    flagged: bool = False
    weakest: int | None = None
    at_risk: bool = False

    @property
    def given(self) -> bool:
        """Whether any filter is set (else the session takes every card)."""
        return any((self.category, self.kind, self.tag, self.flagged, self.weakest is not None, self.at_risk))


def chosen_cards(
    workspace: Workspace,
    store: ReviewStore,
    decks: list[DeckDay],
    plans: dict[str, StudyPlan],
    card_filter: CardFilter,
    now: datetime,
) -> set[Key]:
    """The active cards of `decks` that pass `card_filter`."""
    from studyprep.cards.search import contains, fold
    from studyprep.store.deckstore import load_deck

    flagged = store.flagged() if card_filter.flagged else set()
    keys: set[Key] = set()
    for deck in decks:
        for card in load_deck(workspace, deck.slug, store.read_deck_file).cards:
            key = (deck.slug, card.id)
            if not card.active or (card_filter.flagged and key not in flagged):
                continue
            if card_filter.kind and card.kind != card_filter.kind:
                continue
            if card_filter.category and not contains(card_filter.category, [" / ".join(card.category)]):
                continue
            if card_filter.tag and fold(card_filter.tag) not in {fold(tag) for tag in card.tags}:
                continue
            keys.add(key)
    if card_filter.at_risk:
        keys &= _at_risk(store, decks, now)
    if card_filter.weakest is not None:
        ranked = sorted(_recall_ranked(store, decks, plans, now, keys), key=lambda pair: pair[0])
        keys = {key for _, key in ranked[: card_filter.weakest]}
    return keys


def ahead_entries(
    store: ReviewStore, decks: list[DeckDay], plans: dict[str, StudyPlan], now: datetime, limit: int,
    only: Collection[Key] | None = None, exclude: Collection[Key] = (),
) -> list[QueueEntry]:  # fmt: skip
    """Up to `limit` seen cards to study ahead, best first: a deck with an interview ahead by gain in expected recall
    at the interview, then the other decks' by lowest recall now (`only`: these cards alone; `exclude`: not these)."""
    ranked: list[tuple[tuple[int, float, int], QueueEntry]] = []
    for deck in decks:
        scheduler = _scheduler(deck, plans)
        buried = store.buried_ids(deck.slug, now)
        for position, (card_id, state) in enumerate(store.card_states(deck.slug).items()):
            key = (deck.slug, card_id)
            if state is None or card_id in buried or key in exclude or (only is not None and key not in only):
                continue
            if deck.plan is not None:
                interview = deck.plan.interview_at
                after, _ = expected_recall_after_review(scheduler, state, now, interview)
                rank = (0, recall_at(scheduler, state, interview) - after, position)
            else:
                rank = (1, recall_at(scheduler, state, now), position)
            ranked.append((rank, QueueEntry(deck.slug, card_id, "ahead")))
    ranked.sort(key=lambda pair: pair[0])
    return [entry for _, entry in ranked[:limit]]


def _recall_ranked(
    store: ReviewStore, decks: list[DeckDay], plans: dict[str, StudyPlan], now: datetime, keys: Collection[Key]
) -> list[tuple[float, Key]]:
    """(predicted recall at the deck's interview, else now; key) of the seen cards among `keys`."""
    ranked = []
    for deck in decks:
        scheduler = _scheduler(deck, plans)
        moment = deck.plan.interview_at if deck.plan is not None else now
        for card_id, state in store.card_states(deck.slug).items():
            if state is not None and (deck.slug, card_id) in keys:
                ranked.append((recall_at(scheduler, state, moment), (deck.slug, card_id)))
    return ranked


def _at_risk(store: ReviewStore, decks: list[DeckDay], now: datetime) -> set[Key]:
    """The cards `readiness` lists as most at risk on the day, in the decks with an interview ahead."""
    from studyprep.schedule.deck_readiness import deck_readiness

    dated = [deck for deck in decks if deck.plan is not None]
    if not dated:
        raise StudyprepError("--at-risk needs an interview date: set one with `studyprep plan DECK --interview DATE`")
    keys: set[Key] = set()
    for deck in dated:
        assert deck.plan is not None  # noqa: S101 (filtered above)
        report = deck_readiness(store, (deck.slug, deck.plan, deck.day_start), now).report
        keys |= {(deck.slug, risk.key) for risk in report.at_risk}
    return keys


def _scheduler(deck: DeckDay, plans: dict[str, StudyPlan]) -> fsrs.Scheduler:
    return deck.plan.fsrs_scheduler() if deck.plan is not None else scheduler_for(plans[deck.slug])
