"""Parsed deck files, cached as JSON in the review database (`deck_cache`), so commands that load deck models read
YAML only when a file changed.

Deck files stay the source of truth: every load reads the file's bytes and hashes them (SHA-256 costs about 1% of
parsing the same YAML), and the cached deck is used only when the deck, the file's size and its hash all match. So a
hand edit that keeps the size and the mtime (`touch -d` back) is still caught; a `touch` alone is not a change. Only
a file that parsed and validated is cached: a broken one is parsed again on each load and raises its located error.

A cached row is checked too: the JSON carries its own SHA-256, and a row that does not match, does not load or does
not build a deck (a hand edit of the database, a damaged page) is recomputed from the file, never an error. The
cache is a speed-up only: when it cannot be written (a busy or read-only database), the deck is still returned.

The JSON is `cards.models.deck_data` (what the deck file is written from), read back without pydantic: a
command whose decks are all cached never imports it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studyprep.errors import StudyprepError
from studyprep.progress import ProgressCallback, no_progress
from studyprep.store.bulk import without_cyclic_gc
from studyprep.store.db.connection import Database
from studyprep.store.workspace import stat_file

if TYPE_CHECKING:
    from studyprep.cards.models import Deck

__all__ = ["CACHE_FORMAT", "cached_deck", "deck_from_data", "read_deck_file", "remember_deck"]

# What a cached row holds: bump it when `deck_data`, the deck models or what validating a deck file yields change,
# and every row written before is a miss (parsed again from its file).
CACHE_FORMAT = 1


def read_deck_file(db: Database, path: Path, progress: ProgressCallback = no_progress) -> tuple[Deck, str]:
    """The deck in the file at `path` and the text it was read from: from the cache when the file's bytes are
    those cached, else parsed and validated (errors name the file and line; `progress` hears the parse) and then
    cached."""
    from studyprep.store.deckstore import DECK_FILE, deck_from_text
    from studyprep.store.yamlio import decode_utf8, read_bytes_file

    mtime_ns = stat_file(path, DECK_FILE).st_mtime_ns  # before the bytes: a write while they are read is newer
    raw = read_bytes_file(path, DECK_FILE)
    size, digest = len(raw), hashlib.sha256(raw).hexdigest()
    deck = cached_deck(db, path.stem, size, digest)
    # Decoded once the cached deck is made: its JSON is never in memory beside the text (which takes up to four times
    # the bytes: one non-ASCII character makes every character of a Python string two or four bytes wide).
    text = decode_utf8(raw, path)
    del raw  # before a parse that may need the memory
    if deck is None:
        deck = deck_from_text(text, path, progress)
        remember_deck(db, deck, size, mtime_ns, digest)
    return deck, text


def cached_deck(db: Database, slug: str, size: int, sha256: str) -> Deck | None:
    """The deck cached for deck file bytes of this size and SHA-256, or None (none cached, a bad row, or a database
    that cannot be read: the file is parsed instead)."""
    try:
        row = db.one("SELECT data, data_sha256 FROM deck_cache WHERE deck = ? AND size = ? AND sha256 = ?",
                     (slug, size, sha256))  # fmt: skip
    except StudyprepError:
        return None
    if row is None:
        return None
    data, data_sha256 = row
    if not isinstance(data, bytes) or hashlib.sha256(data).hexdigest() != data_sha256:
        return None
    try:
        # A card object and a few lists per card, none of them garbage: the cyclic collector would walk them again
        # and again for nothing (a third of reading a 100,000-card deck).
        with without_cyclic_gc():
            cached = json.loads(data)
            del row, data  # the JSON's bytes go before its cards are made
            if cached.get("format") != CACHE_FORMAT:
                return None
            deck = deck_from_data(cached["deck"])
    except (TypeError, ValueError, KeyError, AttributeError, RecursionError):
        return None
    return deck if deck.slug == slug else None


def remember_deck(db: Database, deck: Deck, size: int, mtime_ns: int, sha256: str) -> None:
    """Cache `deck`, parsed from deck file bytes of this size, mtime and SHA-256 (replacing the deck's older row).
    A database that cannot take the write leaves the cache as it was: the next load parses the file again."""
    data = _deck_json(deck)
    try:
        with db.atomic():
            db.execute(
                "INSERT OR REPLACE INTO deck_cache (deck, size, mtime_ns, sha256, data, data_sha256)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (deck.slug, size, mtime_ns, sha256, data, hashlib.sha256(data).hexdigest()),
            )
    except StudyprepError:
        pass  # a speed-up only: the deck itself was read from its file


def _deck_json(deck: Deck) -> bytearray:
    """`{"format": CACHE_FORMAT, "deck": deck_data(deck)}` as UTF-8 JSON, written a card at a time into one buffer:
    the data of a 100,000-card deck at once, or its text beside its bytes, would take more memory than the deck."""
    from studyprep.cards.models import card_data, deck_data

    rest = deck_data(deck.but(cards=[]))
    del rest["cards"]
    opening = _dumps({"format": CACHE_FORMAT, "deck": rest})  # ends with the two braces the cards go before
    buffer = bytearray(opening[:-2].encode())
    buffer += b',"cards":['
    stamps: dict[tuple[datetime, timedelta | None], str] = {}
    for index, card in enumerate(deck.cards):
        if index:
            buffer += b","
        buffer += _dumps(card_data(card, stamps)).encode()
    buffer += b"]}}"
    return buffer


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def deck_from_data(data: dict[str, Any]) -> Deck:
    """A deck from its `deck_data` (as cached: written by studyprep after validating its file). The list of card data
    in `data` is used up: each card's entry is let go as its card is made, so the two are never both whole in memory
    (for a big deck, that was the export's peak)."""
    from studyprep.cards.models import Card, Deck, ReferenceNote

    moments: dict[str, datetime] = {}
    entries = data["cards"]
    if type(entries) is not list:
        raise TypeError("a list of cards was expected")
    cards = []
    for index, card in enumerate(entries):
        entries[index] = None
        cards.append(Card(
            id=card["id"], kind=card["kind"], category=_strings(card["category"]), prompt=card["prompt"],
            context=card["context"], back=card["back"], notes=card["notes"], tags=_strings(card["tags"]),
            source=card["source"], added=_moment(card["added"], moments), changed=_moment(card["changed"], moments),
            retired=None if card["retired"] is None else _moment(card["retired"], moments),
            suspended=card["suspended"], by_hand=card.get("by_hand", False),
        ))  # fmt: skip
    return Deck(
        format=data["format"], slug=data["slug"], title=data["title"], company=data["company"], role=data["role"],
        source=data["source"], cards=cards, reference=[ReferenceNote(**note) for note in data["reference"]],
    )  # fmt: skip


def _strings(loaded: list[str]) -> list[str]:
    # A list fresh from `json.loads` is the card's own already; anything else is a damaged row.
    if type(loaded) is not list:
        raise TypeError("a list of strings was expected")
    return loaded


def _moment(text: str, moments: dict[str, datetime]) -> datetime:
    """A moment as the deck file's validation reads it (most cards of a deck share a few: read each once)."""
    moment = moments.get(text)
    if moment is None:
        moment = datetime.fromisoformat(text)
        offset = moment.utcoffset()
        if offset:  # named as pydantic names a fixed offset ("+02:00"), so `%Z` reads the same either way
            moment = moment.replace(tzinfo=timezone(offset, _offset_name(offset)))
        moments[text] = moment
    return moment


def _offset_name(offset: timedelta) -> str:
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(offset) // timedelta(minutes=1)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
