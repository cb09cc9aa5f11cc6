"""Helpers for tests that open studyprep's exports with the real Anki library (PyPI `anki`).

Import this module only after `pytest.importorskip("anki", ...)`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
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


DAY_SECONDS = 86_400


def shift_collection(col: Collection, seconds: int) -> None:
    """Move every moment the collection stores `seconds` later (whole days): review times, due times and days,
    last-review times, modification times. Moving them a day *earlier* is the same to Anki as its clock moving a
    day on, which is how a test studies several days in a few seconds: the Rust backend reads the system clock,
    so the history moves instead of the clock."""
    assert seconds % DAY_SECONDS == 0, "whole days only: day numbers and times move together"
    days, millis = seconds // DAY_SECONDS, seconds * 1000
    col.db.execute("update revlog set id = id + ?", millis)
    # A review or interday-learning card's due is a day number (queue 2, 3, and buried or suspended ones of
    # type 2); an intraday learning card's (queue 1, or type 1/3 set aside) is epoch seconds; a new card's is its
    # position in the new queue.
    col.db.execute("update cards set due = due + ? where queue in (2, 3) or (queue < 0 and type = 2)", days)
    col.db.execute("update cards set due = due + ? where queue = 1 or (queue < 0 and type in (1, 3))", seconds)
    col.db.execute("update cards set odue = odue + ? where odue != 0", days)
    col.db.execute("update cards set mod = mod + ?", seconds)
    col.db.execute("update notes set mod = mod + ?", seconds)
    col.db.execute(
        "update cards set data = json_set(data, '$.lrt', json_extract(data, '$.lrt') + ?)"
        " where data like '{%' and json_extract(data, '$.lrt') is not null",
        seconds,
    )


class AnkiDays:
    """Anki's calendar in a test: `ahead` seconds past the system clock. The collection is kept in the system
    clock's frame while Anki studies (`next_day`), and moved into the test's calendar to exchange files
    (`calendar`), so the times studyprep reads and writes are the test's."""

    def __init__(self, col: Collection, start: datetime) -> None:
        self.col = col
        # Whole days: the time of day is the system clock's.
        self.ahead = round((start.timestamp() - time.time()) / DAY_SECONDS) * DAY_SECONDS

    def now(self) -> datetime:
        """Anki's now, in the test's calendar."""
        return datetime.fromtimestamp(time.time() + self.ahead, tz=UTC)

    def next_day(self, days: int = 1) -> None:
        """Let `days` days pass in Anki."""
        shift_collection(self.col, -days * DAY_SECONDS)
        self.ahead += days * DAY_SECONDS

    @contextmanager
    def calendar(self) -> Iterator[None]:
        """The collection with its moments in the test's calendar (to export or import a package)."""
        shift_collection(self.col, self.ahead)
        try:
            yield
        finally:
            shift_collection(self.col, -self.ahead)

    def export(self, path: Path) -> Path:
        """The whole collection as a `.colpkg` (File > Export, Anki Collection Package), in the test's calendar."""
        with self.calendar():
            self.col.export_collection_package(str(path), include_media=False, legacy=False)
            self.col.reopen()  # exporting closes the collection
        return path


def study_in_anki(col: Collection, deck: str, rating_of: Callable[[Card], int], limit: int = 500) -> int:
    """Study `deck` (with its subdecks) as a person in the app does: answer every card Anki's scheduler shows
    now (a learning card comes back within the learn-ahead window), each with `rating_of(card)` (1 again ..
    4 easy); return how many answers."""
    col.decks.select(col.decks.id_for_name(deck))
    answered = 0
    while answered < limit:
        queued = col.sched.get_queued_cards().cards
        if not queued:
            return answered
        card = col.get_card(queued[0].card.id)
        card.start_timer()
        rating = rating_of(card) - 1  # Anki numbers its buttons from 0 (again) here, from 1 in the revlog
        answer = col.sched.build_answer(card=card, states=queued[0].states, rating=rating)
        col.sched.answer_card(answer)
        answered += 1
    raise AssertionError(f"Anki still shows cards after {limit} answers")
