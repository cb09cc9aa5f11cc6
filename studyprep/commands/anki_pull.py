"""`studyprep anki-pull`: bring reviews done in Anki (desktop or phone) back into studyprep's review log.

Reads an Anki collection - a `.colpkg` backup/export, an `.apkg` exported *with scheduling information*,
or a `collection.anki2` file - without changing it. Notes that came from studyprep are recognised by their
guid (see `anki_model.note_guid`); their reviews are appended to the review log with the revlog id as an
external id, so pulling the same collection twice adds nothing. Each touched card's FSRS state is then
rebuilt by replaying its merged log (studyprep and Anki reviews) in time order. Reviews of other notes are
counted and reported, never imported.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from studyprep.clock import isoformat
from studyprep.errors import StudyprepError
from studyprep.models import Deck
from studyprep.workspace import Workspace

SOURCE_ANKI = "anki"
# Inside a package, newest format first: zstd-compressed (Anki 2.1.50+), then the legacy sqlite files.
# A modern .apkg also holds a stub `collection.anki2` saying "please update Anki", hence the order.
COLLECTION_ENTRIES = ("collection.anki21b", "collection.anki21", "collection.anki2")
ZIP_MAGIC = b"PK\x03\x04"
SQLITE_MAGIC = b"SQLite format 3\x00"
# revlog.type: 0 learning, 1 review, 2 relearning; 3 = filtered-deck review without rescheduling,
# 4 = manual, 5 = rescheduled. Only the first three changed the card's memory state in Anki.
REVIEW_KINDS = (0, 1, 2)


@dataclass(frozen=True)
class AnkiReview:
    """One row of Anki's revlog, with the guid of its note (None when the card is gone)."""

    revlog_id: int
    guid: str | None
    ease: int
    duration_ms: int
    kind: int

    @property
    def reviewed_at(self) -> datetime:
        """Anki's revlog id is the review time in epoch milliseconds."""
        return datetime.fromtimestamp(self.revlog_id / 1000, tz=UTC)

    @property
    def is_answer(self) -> bool:
        """A real answer with a button (1 again .. 4 easy), not a manual reschedule."""
        return self.kind in REVIEW_KINDS and 1 <= self.ease <= 4

    def external_id(self) -> str:
        """Identifies this review across pulls and devices (revlog ids survive sync; card ids do not)."""
        return f"{self.guid}:{self.revlog_id}"


@dataclass
class AnkiHistory:
    """What a collection holds that matters here: every note's guid and every review."""

    guids: set[str]
    reviews: list[AnkiReview]


@dataclass
class PulledCard:
    """One studyprep card that received reviews from Anki, with its rebuilt schedule."""

    deck: str
    card_id: str
    prompt: str
    added: int
    due: datetime | None
    state: str

    def to_json(self) -> dict[str, Any]:
        """Machine-readable form."""
        return {
            "deck": self.deck,
            "card_id": self.card_id,
            "prompt": self.prompt,
            "added": self.added,
            "due": isoformat(self.due) if self.due else None,
            "state": self.state,
        }


@dataclass
class PullResult:
    """Outcome of `anki-pull`."""

    path: Path
    pulled_at: datetime
    studyprep_notes: int = 0
    added: int = 0
    already_known: int = 0
    unknown_reviews: int = 0
    unknown_notes: int = 0
    skipped_other: int = 0
    cards: list[PulledCard] = field(default_factory=list)
    hint: str = ""
    skipped_decks: dict[str, str] = field(default_factory=dict)  # file cannot be read: reviews not pulled yet

    def to_json(self) -> dict[str, Any]:
        """Machine-readable summary for `--json`."""
        return {
            "path": str(self.path),
            "pulled_at": isoformat(self.pulled_at),
            "studyprep_notes": self.studyprep_notes,
            "added": self.added,
            "already_known": self.already_known,
            "unknown_reviews": self.unknown_reviews,
            "unknown_notes": self.unknown_notes,
            "skipped_other": self.skipped_other,
            "cards": [card.to_json() for card in self.cards],
            "hint": self.hint,
            "skipped_decks": [{"deck": slug, "error": error} for slug, error in self.skipped_decks.items()],
        }


def pull_reviews(workspace: Workspace, path: Path, now: datetime) -> PullResult:
    """Append the Anki reviews of studyprep cards found in `path` and rebuild those cards' FSRS state."""
    from studyprep.deckstore import read_decks

    history = read_history(path)
    decks, broken = read_decks(workspace)  # a broken deck file keeps only its own reviews out, until fixed
    mapping = guid_map(decks)
    result = PullResult(path=path, pulled_at=now)
    result.skipped_decks = {slug: error.render() for slug, error in sorted(broken.items())}
    result.studyprep_notes = len(history.guids & mapping.keys())
    answers = [review for review in history.reviews if review.is_answer]
    result.skipped_other = len(history.reviews) - len(answers)
    ours = [review for review in answers if review.guid in mapping]
    unknown = [review for review in answers if review.guid not in mapping]
    result.unknown_reviews = len(unknown)
    result.unknown_notes = len({review.guid for review in unknown})
    if not history.reviews:
        result.hint = (
            "this collection holds no reviews; export from Anki as a collection package (.colpkg) or as a deck"
            " package (.apkg) with 'Include scheduling information' ticked"
        )
    if ours:
        prompts = {(deck.slug, card.id): card.prompt for deck in decks for card in deck.cards}
        _store_reviews(workspace, ours, mapping, result)
        for card in result.cards:
            card.prompt = prompts[(card.deck, card.card_id)]
    return result


def guid_map(decks: Iterable[Deck]) -> dict[str, tuple[str, str]]:
    """`guid -> (deck slug, card id)` for every card of every deck, retired ones included."""
    from studyprep.anki_model import note_guid

    return {note_guid(deck.slug, card.id): (deck.slug, card.id) for deck in decks for card in deck.cards}


def read_history(path: Path) -> AnkiHistory:
    """Read every note guid and revlog row from an Anki collection file (.colpkg, .apkg or .anki2)."""
    with open_collection_copy(path) as conn:
        try:
            guids = {row[0] for row in conn.execute("SELECT guid FROM notes")}
            rows = conn.execute(
                "SELECT r.id, n.guid, r.ease, r.time, r.type FROM revlog r"
                " LEFT JOIN cards c ON c.id = r.cid LEFT JOIN notes n ON n.id = c.nid ORDER BY r.id"
            ).fetchall()
        except sqlite3.DatabaseError as error:
            raise StudyprepError(f"not a readable Anki collection ({error})", path) from None
    reviews = [
        AnkiReview(int(revlog_id), guid, int(ease), max(int(taken), 0), int(kind))
        for revlog_id, guid, ease, taken, kind in rows
    ]
    return AnkiHistory(guids, reviews)


@contextlib.contextmanager
def open_collection_copy(path: Path) -> Iterator[sqlite3.Connection]:
    """An sqlite connection to a private copy of the collection in `path`; the original is never touched."""
    head = _read_head(path)
    with tempfile.TemporaryDirectory(prefix="studyprep-anki-") as folder:
        copy = Path(folder) / "collection.sqlite"
        if head.startswith(ZIP_MAGIC):
            _extract_collection(path, copy)
        elif head.startswith(SQLITE_MAGIC):
            _copy_sqlite(path, copy)
        else:
            raise StudyprepError("not an Anki file: expected a .colpkg, an .apkg or a collection.anki2", path)
        conn = sqlite3.connect(copy)
        try:
            yield conn
        finally:
            conn.close()


def _read_head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        raise StudyprepError("no such file", path) from None
    except IsADirectoryError:
        raise StudyprepError("this is a folder; give the collection file (e.g. collection.anki2)", path) from None
    except OSError as error:
        raise StudyprepError(f"cannot read the file: {error.strerror or error}", path) from None


def _extract_collection(package: Path, target: Path) -> None:
    try:
        with zipfile.ZipFile(package) as archive:
            names = set(archive.namelist())
            entry = next((name for name in COLLECTION_ENTRIES if name in names), None)
            if entry is None:
                raise StudyprepError("this zip file holds no Anki collection", package)
            with archive.open(entry) as source, target.open("wb") as sink:
                if entry.endswith("b"):
                    _decompress_zstd(source, sink)
                else:
                    shutil.copyfileobj(source, sink)
    except (zipfile.BadZipFile, OSError) as error:
        raise StudyprepError(f"cannot read the Anki package ({error})", package) from None


def _decompress_zstd(source: Any, sink: Any) -> None:
    import zstandard

    try:
        zstandard.ZstdDecompressor().copy_stream(source, sink)
    except zstandard.ZstdError as error:
        raise OSError(f"damaged compressed collection: {error}") from None


def _copy_sqlite(path: Path, target: Path) -> None:
    # Anki may have the file open: copy it with its write-ahead log so the copy is consistent and current.
    try:
        shutil.copyfile(path, target)
        wal = path.with_name(path.name + "-wal")
        if wal.exists():
            shutil.copyfile(wal, target.with_name(target.name + "-wal"))
    except OSError as error:
        raise StudyprepError(f"cannot copy the collection: {error.strerror or error}", path) from None


def _store_reviews(
    workspace: Workspace, reviews: list[AnkiReview], mapping: dict[str, tuple[str, str]], result: PullResult
) -> None:
    from studyprep.plan import load_plan
    from studyprep.reviewstore import open_store
    from studyprep.scheduling import rebuild_card_state, scheduler_for

    added: Counter[tuple[str, str]] = Counter()
    with open_store(workspace) as store, store.transaction():
        for review in reviews:
            deck, card_id = mapping[review.guid or ""]
            log_id = store.append_review(
                deck, card_id, review.ease, review.reviewed_at, review.duration_ms,
                source=SOURCE_ANKI, external_id=review.external_id(),
            )  # fmt: skip
            if log_id is None:
                result.already_known += 1
            else:
                added[(deck, card_id)] += 1
        schedulers = {deck: scheduler_for(load_plan(workspace, deck)) for deck, _ in added}
        for (deck, card_id), count in sorted(added.items()):
            state = rebuild_card_state(store, deck, card_id, schedulers[deck])
            due = state.due if state is not None else None
            kind = state.state.name.lower() if state is not None else "new"
            result.cards.append(PulledCard(deck, card_id, "", count, due, kind))
    result.added = sum(added.values())
