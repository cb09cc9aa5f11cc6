"""Naming a card on the command line: its id, a prefix of it (as `show` and `cards` print them), or `DECK:ID` when
one id is in several decks (the same question imported into two decks). Unknown or ambiguous names are refused
with the candidates."""

from __future__ import annotations

__all__ = ["CardRef", "resolve_card", "resolve_cards"]

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from studyprep.errors import StudyprepError
from studyprep.result import json_field
from studyprep.store.workspace import match_slug

if TYPE_CHECKING:
    from studyprep.store.db import ReviewStore

SHOWN_CANDIDATES = 5
_REFERENCE = re.compile(r"^(?:(?P<deck>[^:\s]+):)?(?P<id>[0-9a-z][0-9a-z-]*)$")


@dataclass(frozen=True)
class CardRef:
    """A card found by its name: deck, full id and prompt."""

    deck: str
    card_id: str = field(metadata=json_field(name="id"))
    prompt: str


def resolve_card(store: ReviewStore, name: str) -> CardRef:
    """The one present card `name` names (id, id prefix, or `DECK:ID`), else a one-line error with candidates."""
    match = _REFERENCE.match(name.strip().lower())
    if match is None:
        raise StudyprepError(f"{name!r} is not a card id (ids are letters and digits, e.g. 5de2ad91b863)")
    prefix = match["id"]
    found = [CardRef(*row) for row in store.card_ids(prefix)]
    if match["deck"]:
        deck = match_slug(match["deck"], store.deck_slugs())
        found = [ref for ref in found if ref.deck == deck]
    exact = [ref for ref in found if ref.card_id == prefix]
    if len(exact) == 1 or len(found) == 1:
        return (exact or found)[0]
    if not found:
        raise StudyprepError(f"no card with id {name!r} (`studyprep cards` lists them with their ids)")
    shown = "; ".join(f"{ref.deck}:{ref.card_id} {_short(ref.prompt)}" for ref in found[:SHOWN_CANDIDATES])
    more = f"; and {len(found) - SHOWN_CANDIDATES} more" if len(found) > SHOWN_CANDIDATES else ""
    hint = "write DECK:ID" if len({ref.card_id for ref in found}) == 1 else "give more of the id"
    raise StudyprepError(f"card id {name!r} is ambiguous ({hint}): {shown}{more}")


def resolve_cards(store: ReviewStore, names: Iterable[str]) -> list[CardRef]:
    """Every named card, each once, in the order named; the first bad name stops with its error."""
    found: dict[tuple[str, str], CardRef] = {}
    for name in names:
        ref = resolve_card(store, name)
        found.setdefault((ref.deck, ref.card_id), ref)
    return list(found.values())


def _short(prompt: str, width: int = 50) -> str:
    line = " ".join(prompt.split())
    return repr(line if len(line) <= width else line[: width - 1] + "…")
