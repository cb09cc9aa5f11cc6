"""`studyprep cards` (find cards across decks, as Anki's Browse) and `studyprep card ID` (everything about one)."""

from __future__ import annotations

__all__ = ["CardDetail", "CardQuery", "CardRow", "card_detail", "list_cards"]

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from studyprep.cards.search import contains, fold
from studyprep.result import json_field, rounded
from studyprep.schedule.replays import open_store
from studyprep.schedule.scheduling import review, scheduler_for
from studyprep.store.deckstore import iter_decks, load_deck
from studyprep.store.workspace import Workspace

if TYPE_CHECKING:
    import fsrs

    from studyprep.cards.models import Card, Deck
    from studyprep.store.db import Attempt, LogEntry, ReviewStore

CARD_STATES = ("new", "learning", "review", "due", "suspended", "retired", "flagged")
_SCHEDULED = {"due", "learning", "review"}  # filters whose cards are best listed soonest due first


@dataclass(frozen=True)
class CardQuery:
    """Which cards `cards` lists: every filter given must hold; `states` match if any of them does."""

    deck: str | None = None
    search: str | None = None
    kind: str | None = None
    category: str | None = None
    tag: str | None = None
    states: tuple[str, ...] = ()


@dataclass(frozen=True)
class CardRow:
    """One card in the `cards` table."""

    deck: str
    card_id: str = field(metadata=json_field(name="id"))
    kind: str
    category: tuple[str, ...]
    prompt: str
    state: str  # new, learning, relearning, review, suspended or retired
    due: datetime | None
    stability: float | None = field(metadata=json_field(convert=rounded(4)))
    lapses: int
    flagged: bool
    position: int = field(metadata=json_field(skip=True))  # orders the table only


def _days(interval: timedelta | None) -> float | None:
    return None if interval is None else round(interval / timedelta(days=1), 4)


@dataclass(frozen=True)
class HistoryEntry:
    """One logged answer: when, the rating, time taken, the interval it gave, and where it was answered."""

    reviewed_at: datetime
    rating: int
    duration_ms: int | None
    interval: timedelta | None = field(metadata=json_field(name="interval_days", convert=_days))
    source: str


@dataclass(frozen=True)
class CardDetail:
    """Everything about one card: its content, schedule, predicted recall and whole review history."""

    deck: str
    deck_path: str = field(metadata=json_field(name="deck_file"))
    card: Card = field(metadata=json_field(inline=True))  # the card's own keys, as `show --json` has them
    state: str
    due: datetime | None
    stability: float | None
    difficulty: float | None
    recall_now: float = field(metadata=json_field(convert=rounded(4)))
    interview: datetime | None
    recall_at_interview: float | None = field(metadata=json_field(convert=rounded(4)))
    flagged: bool
    forgotten_at: datetime | None
    history: tuple[HistoryEntry, ...]
    attempts: tuple[Attempt, ...] = ()  # answers typed in mock interviews, oldest first


def list_cards(workspace: Workspace, query: CardQuery, now: datetime) -> list[CardRow]:
    """The cards matching `query`, deck by deck in document order (soonest due first when filtering by a
    scheduled state). Searching looks in prompt, context, back, notes, category and tags, case and accents
    ignored."""
    with open_store(workspace, create=False) as store:
        store.refresh_mirror(workspace)
        flagged = store.flagged()
        rows = [row for deck in _decks(workspace, store, query.deck) for row in _deck_rows(store, deck, flagged, now)
                if _wanted(row, deck, query, now)]  # fmt: skip
    if _SCHEDULED & set(query.states):
        far = datetime.max.replace(tzinfo=now.tzinfo)
        return sorted(rows, key=lambda row: (row.due or far, row.deck, row.position))
    return rows


def card_detail(workspace: Workspace, name: str, now: datetime) -> CardDetail:
    """Everything about the card `name` names (an id, a unique prefix of one, or DECK:ID)."""
    from studyprep.schedule.deadline import recall_at
    from studyprep.store.cardrefs import resolve_card
    from studyprep.store.plan import load_plan

    with open_store(workspace, create=False) as store:
        store.refresh_mirror(workspace)
        ref = resolve_card(store, name)
        cards = load_deck(workspace, ref.deck, store.read_deck_file).cards
        card = next(card for card in cards if card.id == ref.card_id)
        stored = store.get_state(ref.deck, ref.card_id)
        logs = store.review_logs(ref.deck, ref.card_id)
        forgotten = store.forgotten_at(ref.deck, ref.card_id)
        flagged = (ref.deck, ref.card_id) in store.flagged()
        attempts = tuple(store.attempts(ref.deck, ref.card_id))
    plan = load_plan(workspace, ref.deck)
    scheduler = scheduler_for(plan)
    state = None if stored is None else stored.card
    interview = plan.interview_at if plan.interview_at and plan.interview_at > now else None
    return CardDetail(
        deck=ref.deck,
        deck_path=str(workspace.deck_path(ref.deck)),
        card=card,
        state=_state_name(card, state),
        due=None if state is None else state.due,
        stability=None if state is None else state.stability,
        difficulty=None if state is None else state.difficulty,
        recall_now=recall_at(scheduler, state, now),
        interview=interview,
        recall_at_interview=None if interview is None else recall_at(scheduler, state, interview),
        flagged=flagged,
        forgotten_at=forgotten,
        history=_history(scheduler, ref.deck, ref.card_id, logs, forgotten),
        attempts=attempts,
    )


def _history(scheduler: fsrs.Scheduler, deck: str, card_id: str, logs: list[LogEntry],
             forgotten: datetime | None) -> tuple[HistoryEntry, ...]:  # fmt: skip
    """Every logged answer in time order with the interval it gave, replayed as the scheduler sees them (answers
    pulled from Anki included; a `forget` starts the card over)."""
    entries = []
    state = None
    restart = forgotten
    for log in sorted(logs, key=lambda log: (log.reviewed_at, log.id)):
        if restart is not None and log.reviewed_at >= restart:
            state, restart = None, None
        state = review(scheduler, deck, card_id, state, log.rating, log.reviewed_at, log.duration_ms)
        interval = state.due - log.reviewed_at
        entries.append(HistoryEntry(log.reviewed_at, log.rating, log.duration_ms, interval, log.source))
    return tuple(entries)


def _decks(workspace: Workspace, store: ReviewStore, name: str | None) -> list[Deck]:
    read = store.read_deck_file  # parsed decks cached
    return [load_deck(workspace, name, read)] if name else list(iter_decks(workspace, read))


def _deck_rows(store: ReviewStore, deck: Deck, flagged: set[tuple[str, str]], now: datetime) -> list[CardRow]:
    states = store.deck_states(deck.slug)
    lapses = store.lapses(deck.slug)
    rows = []
    for position, card in enumerate(deck.cards):
        state = states.get(card.id)
        rows.append(CardRow(
            deck.slug, card.id, card.kind, tuple(card.category), card.prompt, _state_name(card, state),
            None if state is None else state.due, None if state is None else state.stability,
            lapses.get(card.id, 0), (deck.slug, card.id) in flagged, position,
        ))  # fmt: skip
    return rows


def _state_name(card: Card, state: fsrs.Card | None) -> str:
    if card.retired is not None:
        return "retired"
    if card.suspended:
        return "suspended"
    return "new" if state is None else state.state.name.lower()


def _wanted(row: CardRow, deck: Deck, query: CardQuery, now: datetime) -> bool:
    card = deck.cards[row.position]
    if query.kind and card.kind != query.kind:
        return False
    if query.category and not contains(query.category, [" / ".join(card.category)]):
        return False
    if query.tag and fold(query.tag) not in {fold(tag) for tag in card.tags}:
        return False
    texts = [card.prompt, card.context, card.back, card.notes, " / ".join(card.category), *card.tags]
    if query.search and not contains(query.search, texts):
        return False
    return not query.states or any(_in_state(row, state, now) for state in query.states)


def _in_state(row: CardRow, state: str, now: datetime) -> bool:
    if state == "flagged":
        return row.flagged
    if state == "due":
        return row.state in {"learning", "relearning", "review"} and row.due is not None and row.due <= now
    if state == "learning":
        return row.state in {"learning", "relearning"}
    return row.state == state
