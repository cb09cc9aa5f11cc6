"""Helpers for tests that open studyprep's exports with the real Anki library (PyPI `anki`).

Import this module only after `pytest.importorskip("anki", ...)`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from anki.collection import Collection
from anki.import_export_pb2 import ImportAnkiPackageOptions, ImportAnkiPackageRequest, ImportResponse

from studyprep.anki import model as anki_model

if TYPE_CHECKING:
    from anki.cards import Card

    from studyprep.cards.models import Deck

ANKI_MISSING = "the `anki` package (PyPI) has no wheel for this platform; Anki-verified tests skipped"


def open_collection(folder: Path, name: str = "collection.anki2") -> Collection:
    """A fresh, empty Anki collection in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    return Collection(str(folder / name))


def import_package(col: Collection, package: Path, with_scheduling: bool = False) -> ImportResponse:
    """Import an .apkg the way Anki's File > Import does (update notes when newer); returns the log."""
    request = ImportAnkiPackageRequest(
        package_path=str(package.resolve()),
        options=ImportAnkiPackageOptions(with_scheduling=with_scheduling),
    )
    return col.import_anki_package(request).log


def notes_by_guid(col: Collection) -> dict[str, list]:
    """`guid -> [note id, mod, fields, tags]` for every note in the collection."""
    rows = col.db.all("select guid, id, mod, flds, tags from notes")
    return {guid: [note_id, mod, fields.split("\x1f"), tags.split()] for guid, note_id, mod, fields, tags in rows}


def cards_by_deck(col: Collection) -> dict[str, int]:
    """Number of cards directly in each deck, by full deck name (empty decks left out)."""
    counts: dict[str, int] = {}
    for deck in col.decks.all_names_and_ids():
        count = col.decks.card_count(deck.id, include_subdecks=False)
        if count:
            counts[deck.name] = count
    return counts


def card_for_guid(col: Collection, guid: str) -> Card:
    """The (single) Anki card of the note with this guid."""
    card_id = col.db.scalar("select c.id from cards c join notes n on n.id = c.nid where n.guid = ?", guid)
    return col.get_card(card_id)


def anki_deck_name(deck: Deck) -> str:
    """The name a deck's top level gets in Anki (company and role) when no other exported deck shares it."""
    return anki_model.deck_name(anki_model.top_deck_title(deck.title, deck.company, deck.role), [])
