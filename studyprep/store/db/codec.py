"""How values are kept in the review database: moments as INTEGER microseconds since the Unix epoch (UTC), so
FSRS datetimes round-trip exactly; an FSRS card as columns (`card_state`) or as compact JSON (the log's
`state_before` and `state_after`); fsrs's integer card ids derived from (deck slug, card id)."""

from __future__ import annotations

__all__ = [
    "card_from_json",
    "from_us",
    "fsrs_card_id",
    "make_card",
    "state_columns",
    "state_json",
    "to_us",
    "us_or_none",
]

import functools
import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import fsrs

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_us(moment: datetime) -> int:
    """A UTC-aware datetime as integer microseconds since the epoch (exact)."""
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_us(micros: int) -> datetime:
    """The inverse of `to_us`: a UTC-aware datetime."""
    return _EPOCH + timedelta(0, 0, micros)  # positional: twice as fast as microseconds=, and this runs per card


def us_or_none(moment: datetime | None) -> int | None:
    """`to_us`, keeping None."""
    return None if moment is None else to_us(moment)


def state_json(card: fsrs.Card | None) -> str | None:
    """An fsrs Card's scheduling state as compact JSON (None for a new card)."""
    if card is None:
        return None
    return json.dumps((*state_columns(card), to_us(card.due), us_or_none(card.last_review)))


def card_from_json(text: str | None, fsrs_id: int) -> fsrs.Card | None:
    """Rebuild an fsrs Card from `state_json` output."""
    if text is None:
        return None
    state, step, stability, difficulty, due, last_review = json.loads(text)
    return make_card(fsrs_id, state, step, stability, difficulty, due, last_review)


def fsrs_card_id(deck: str, card_id: str) -> int:
    """A stable integer id for fsrs (which wants ints) derived from (deck, card id)."""
    return int(hashlib.sha256(f"{deck}\x00{card_id}".encode()).hexdigest()[:13], 16)


def state_columns(card: fsrs.Card) -> tuple[Any, ...]:
    """(state, step, stability, difficulty) of a card, as `card_state` keeps them."""
    return (int(card.state), card.step, card.stability, card.difficulty)


@functools.cache
def _fsrs_types() -> tuple[type[fsrs.Card], dict[int, fsrs.State]]:
    # Imported once, not per card: building 100,000 cards is on the path of `due` and `readiness`.
    from fsrs import Card, State

    return Card, {member.value: member for member in State}


def make_card(fsrs_id: int, state: int, step: Any, stability: Any, difficulty: Any, due: int,
              last_review: int | None) -> fsrs.Card:  # fmt: skip
    """An fsrs Card from its stored columns (a state out of range raises KeyError, a due that is not a number
    TypeError: `states.reading_states` words them)."""
    card_type, states = _fsrs_types()
    card = object.__new__(card_type)
    # What fsrs.Card.__init__ assigns, without the call (tests compare the two): 100,000 cards are built per
    # command at scale, and this is a third of each card's cost.
    card.__dict__.update(
        card_id=fsrs_id,
        state=states[state],
        step=step,
        stability=stability,
        difficulty=difficulty,
        due=from_us(due),
        last_review=None if last_review is None else from_us(last_review),
    )
    return card
