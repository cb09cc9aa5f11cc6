"""What studyprep and Anki last agreed on, per card: the record that lets answers travel both ways.

Anki updates a note it has only when the incoming copy is newer, and an update replaces every field: so an
export must know which notes it changes (to give them a newer time) and whether Anki may hold answers written
there since (then it must pull first), and a pull must know which side changed a card's notes since the last
exchange (one side: take it; both: keep both). `schedules/anki-exchange.json` keeps, per deck, when it was
last exported and pulled, and per card the fingerprint of the note last exported, the modification time it
carried, the card's `notes` as studyprep had them and the Notes field as Anki had it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import MappingProxyType

from studyprep.errors import StudyprepError
from studyprep.store.atomic import write_atomic
from studyprep.store.workspace import Workspace

__all__ = [
    "EXCHANGE_FILE",
    "DeckExchange",
    "Exchange",
    "NoteRecord",
    "exchange_path",
    "exchange_pieces",
    "exchange_text",
    "load_exchange",
    "save_exchange",
]

EXCHANGE_FILE = "anki-exchange.json"
_FORMAT = 1


@dataclass(frozen=True)
class NoteRecord:
    """One card as last exchanged with Anki."""

    fingerprint: str = ""  # of the note last exported ("" when only pulled)
    modified: int = 0  # the note's modification time in that export
    notes: str = ""  # the card's `notes` in studyprep at the last exchange
    anki_notes: str = ""  # the note's Notes field (HTML) as Anki had it at the last exchange


@dataclass(frozen=True)
class DeckExchange:
    """One deck's exchanges: when it was last exported and pulled, and its cards as exchanged."""

    exported_at: datetime | None = None
    pulled_at: datetime | None = None
    cards: Mapping[str, NoteRecord] = field(default_factory=lambda: MappingProxyType({}))

    def pulled_since_export(self) -> bool:
        """True when no export happened yet, or a pull came after the last one."""
        return self.exported_at is None or (self.pulled_at is not None and self.pulled_at >= self.exported_at)


@dataclass(frozen=True)
class Exchange:
    """Every deck's exchange record."""

    decks: Mapping[str, DeckExchange] = field(default_factory=lambda: MappingProxyType({}))

    def deck(self, slug: str) -> DeckExchange:
        """The record of one deck (empty when it never went to Anki)."""
        return self.decks.get(slug, DeckExchange())

    def but(self, slug: str, deck: DeckExchange) -> Exchange:
        """A copy with one deck's record replaced."""
        return Exchange(MappingProxyType({**self.decks, slug: deck}))


def exchange_path(workspace: Workspace) -> Path:
    """Where the record lives: beside the review database, as it describes no card's content."""
    return workspace.schedules_dir / EXCHANGE_FILE


def load_exchange(workspace: Workspace) -> Exchange:
    """The record as stored (empty when there is none); a damaged file is one clear error naming it."""
    path = exchange_path(workspace)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Exchange()
    except (OSError, UnicodeDecodeError) as error:
        raise StudyprepError(f"cannot read the Anki exchange record: {error}", path) from None
    try:
        return _from_json(json.loads(text))
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise StudyprepError(
            f"the Anki exchange record is damaged ({error}); remove it and pull from Anki before the next export",
            path,
        ) from None


def save_exchange(workspace: Workspace, exchange: Exchange) -> None:
    """Write the record atomically, a piece at a time (for 100,000 cards the whole text, and its bytes, would be most
    of an export's peak memory)."""
    write_atomic(exchange_path(workspace), exchange_pieces(exchange), workspace.root)


def exchange_text(exchange: Exchange) -> str:
    """The record as stored: `json.dumps(..., ensure_ascii=False, indent=1, sort_keys=True)` of its JSON, and a
    newline."""
    return "".join(exchange_pieces(exchange))


def exchange_pieces(exchange: Exchange) -> Iterator[str]:
    """`exchange_text` in pieces. The cards are written here, line by line in `json.dumps`'s layout: with `indent`
    the json module encodes in Python, a call per value (seconds for a deck of 100,000 cards); the rest goes through
    `json.dumps`, each deck's cards standing in as a placeholder string until their text replaces it."""
    placeholders = {slug: f"{_PLACEHOLDER}{index}" for index, slug in enumerate(exchange.decks)}
    decks = {slug: _deck_json(deck, placeholders[slug]) for slug, deck in exchange.decks.items()}
    rest = json.dumps({"format": _FORMAT, "decks": decks}, ensure_ascii=False, indent=1, sort_keys=True)
    for slug in sorted(exchange.decks):  # in the order `sort_keys` writes them
        before, rest = rest.split(_encode_string(placeholders[slug]), 1)
        yield before
        yield from _cards_pieces(exchange.decks[slug].cards)
    yield rest + "\n"


_PLACEHOLDER = "\ue000studyprep-cards-"  # a private-use character: no slug or time is written with one
_encode_string = json.encoder.encode_basestring  # a JSON string, non-ASCII as it is
_CARD_DEPTH = 4  # the cards of a deck sit at `decks` > slug > `cards` > card id


def _cards_pieces(cards: Mapping[str, NoteRecord]) -> Iterator[str]:
    """A deck's `cards` object as `json.dumps` lays it out at its depth (indent 1, keys sorted)."""
    if not cards:
        yield "{}"
        return
    key, item, close = " " * _CARD_DEPTH, "\n" + " " * (_CARD_DEPTH + 1), "\n" + " " * _CARD_DEPTH + "]"
    separator = "{\n"
    for card_id, record in sorted(cards.items()):
        yield (f"{separator}{key}{_encode_string(card_id)}: [{item}{_encode_string(record.fingerprint)},"
               f"{item}{int(record.modified)},{item}{_encode_string(record.notes)},"
               f"{item}{_encode_string(record.anki_notes)}{close}")  # fmt: skip
        separator = ",\n"
    yield "\n" + " " * (_CARD_DEPTH - 1) + "}"


def _deck_json(deck: DeckExchange, cards: str) -> dict[str, object]:
    return {
        "exported_at": deck.exported_at.isoformat() if deck.exported_at else None,
        "pulled_at": deck.pulled_at.isoformat() if deck.pulled_at else None,
        "cards": cards,
    }


def _from_json(data: object) -> Exchange:
    if not isinstance(data, dict) or data.get("format") != _FORMAT or not isinstance(data.get("decks"), dict):
        raise ValueError("not a studyprep exchange record")
    decks = {}
    for slug, deck in data["decks"].items():
        cards = {}
        for card_id, (fingerprint, modified, notes, anki_notes) in deck["cards"].items():
            if not (isinstance(fingerprint, str) and isinstance(modified, int)):
                raise ValueError(f"card {card_id} of deck {slug}")
            if not (isinstance(notes, str) and isinstance(anki_notes, str)):
                raise ValueError(f"card {card_id} of deck {slug}")
            cards[card_id] = NoteRecord(fingerprint, modified, notes, anki_notes)
        decks[slug] = DeckExchange(_moment(deck["exported_at"]), _moment(deck["pulled_at"]), MappingProxyType(cards))
    return Exchange(MappingProxyType(decks))


def _moment(value: object) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"a time that is {type(value).__name__}")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("a time without a zone")
    return moment
