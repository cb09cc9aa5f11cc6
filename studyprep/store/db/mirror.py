"""The mirror of the deck files: `decks` (which version of each file is mirrored) and `cards` (its cards' content),
refreshed when a file's size, mtime or hash changes, so `due` and the queue never parse YAML.

Rows are never deleted: a card gone from its file keeps `present = 0` (and `active = 0`), a deck whose file is
gone keeps its rows with `present = 0`.
"""

from __future__ import annotations

__all__ = [
    "DeckOverview",
    "MirrorCard",
    "MirroredFile",
    "active_card_count",
    "card",
    "card_ids",
    "cards_of_kind",
    "deck_file_stat",
    "deck_file_stats",
    "deck_overview",
    "deck_slugs",
    "mirror_deck",
    "mirrored_files",
    "present_card_count",
    "prompts",
    "question_texts",
    "questions_answered",
    "refresh",
]

import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from studyprep.errors import StudyprepError
from studyprep.store.db.connection import Database, Row
from studyprep.store.db.deckcache import read_deck_file
from studyprep.store.workspace import Workspace, stat_file

if TYPE_CHECKING:
    from studyprep.cards.models import Deck

_CARD_COLUMNS = "deck, card_id, position, kind, category, prompt, context, back, notes, active"


@dataclass(frozen=True)
class MirrorCard:
    """A card's content as mirrored from its deck file."""

    deck: str
    card_id: str
    position: int
    kind: str
    category: list[str]
    prompt: str
    context: str
    back: str
    notes: str
    active: bool


@dataclass(frozen=True)
class DeckOverview:
    """A mirrored deck's identity and, per card kind, its (active, retired, suspended) counts."""

    slug: str
    title: str
    company: str
    role: str
    kinds: dict[str, tuple[int, int, int]]


@dataclass(frozen=True)
class MirroredFile:
    """Which version of a deck file the mirror holds: its size, mtime and SHA-256 ('' until verified)."""

    size: int
    mtime_ns: int
    sha256: str


# -- refreshing -----------------------------------------------------------------------------------------------


def refresh(db: Database, workspace: Workspace, errors: list[StudyprepError] | None = None,
            verify: bool = False) -> list[str]:  # fmt: skip
    """Bring the mirror up to date with the deck files; return the slugs whose content was re-read.

    Unchanged files cost one `stat`; a changed size or mtime costs a hash; only a changed hash parses YAML.
    With `verify`, every file is hashed (a read at disk speed): one rewritten with the same size and mtime
    is then caught too, for a review that must not serve a stale copy.
    A broken file raises its error; given `errors`, it is added there instead, the file's deck keeps its last
    mirrored version and the other files are mirrored still.
    """
    known = mirrored_files(db)
    paths = deck_files(workspace)
    refreshed = []
    for path in paths:
        try:
            if _refresh_file(db, path, known.get(path.stem), verify):
                refreshed.append(path.stem)
        except StudyprepError as error:
            if errors is None or error.path != str(path):
                raise  # not the file's own fault (the database, say): nothing to set aside
            errors.append(error)
    _mark_missing(db, set(known) - {path.stem for path in paths})
    return refreshed


def deck_files(workspace: Workspace) -> list[Path]:
    """The workspace's deck files, by name."""
    # Same listing as deckstore.deck_paths, without importing the pydantic models on the hot path.
    if not workspace.decks_dir.is_dir():
        return []
    return sorted(p for p in workspace.decks_dir.glob("*.yaml") if not p.name.startswith("."))


def deck_file_stat(workspace: Workspace, slug: str) -> tuple[str, int, int] | None:
    """One deck file's entry of `deck_file_stats` (None when the file is not there): one `stat`."""
    path = workspace.deck_path(slug)
    try:
        found = path.stat()
    except FileNotFoundError:
        return None
    except OSError:
        return (path.name, -1, -1)
    return (path.name, found.st_size, found.st_mtime_ns)


def deck_file_stats(workspace: Workspace) -> tuple[tuple[str, int, int], ...]:
    """(name, size, mtime) of each deck file (those `deck_files` lists), by name: what `refresh` compares, to tell
    cheaply that nothing changed since it last ran (a file that cannot be stat'ed counts as size and mtime -1).
    One directory scan: a third of the cost of `deck_files` and a `stat` per path."""
    try:
        entries = list(os.scandir(workspace.decks_dir))
    except OSError:
        return ()
    stats = []
    for entry in entries:
        if entry.name.startswith(".") or not entry.name.endswith(".yaml"):
            continue
        try:
            found = entry.stat()
        except OSError:
            stats.append((entry.name, -1, -1))
            continue
        stats.append((entry.name, found.st_size, found.st_mtime_ns))
    return tuple(sorted(stats))


def mirrored_files(db: Database) -> dict[str, MirroredFile]:
    """The version of each deck file the mirror holds (present or not), by slug."""
    return {row[0]: MirroredFile(*row[1:]) for row in db.query("SELECT deck, size, mtime_ns, sha256 FROM decks")}


def _refresh_file(db: Database, path: Path, seen: MirroredFile | None, verify: bool = False) -> bool:
    """Mirror one deck file again if it changed since `seen` (its size, mtime and hash; with `verify`, its hash
    only); return whether its content was re-read."""
    before = stat_file(path, "deck file")
    unchanged = seen is not None and (seen.size, seen.mtime_ns) == (before.st_size, before.st_mtime_ns)
    if not verify and unchanged:
        return False
    from studyprep.store.yamlio import read_bytes_file  # here, not above: it costs pydantic and yaml to import

    digest = hashlib.sha256(read_bytes_file(path, "deck file")).hexdigest()
    if seen is not None and seen.sha256 == digest:
        if unchanged:
            return False  # verified: the same content, nothing to write
        with db.atomic():
            db.execute(
                "UPDATE decks SET size = ?, mtime_ns = ?, present = 1 WHERE deck = ?",
                (before.st_size, before.st_mtime_ns, path.stem),
            )
        return False

    _store_deck(db, read_deck_file(db, path)[0], path, before, digest)
    return True


def mirror_deck(db: Database, deck: Deck, path: Path) -> None:
    """Mirror a deck just written by this process (e.g. after editing notes), skipping a re-parse."""
    _store_deck(db, deck, path, path.stat(), hashlib.sha256(path.read_bytes()).hexdigest())


def _store_deck(db: Database, deck: Deck, path: Path, stat: os.stat_result, digest: str) -> None:
    if path.stat().st_mtime_ns != stat.st_mtime_ns or path.stat().st_size != stat.st_size:
        digest = ""  # the file moved on while we read it: re-check next time
    rows = [
        (deck.slug, card.id, position, card.kind, json.dumps(card.category, ensure_ascii=False), card.prompt,
         card.context, card.back, card.notes, int(card.active), int(card.retired is not None))
        for position, card in enumerate(deck.cards)
    ]  # fmt: skip
    with db.atomic():
        db.execute(
            "INSERT INTO decks (deck, path, size, mtime_ns, sha256, title, company, role, present)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)"
            " ON CONFLICT (deck) DO UPDATE SET path = excluded.path, size = excluded.size,"
            " mtime_ns = excluded.mtime_ns, sha256 = excluded.sha256, title = excluded.title,"
            " company = excluded.company, role = excluded.role, present = 1",
            (deck.slug, str(path), stat.st_size, stat.st_mtime_ns, digest, deck.title, deck.company, deck.role),
        )
        db.execute("UPDATE cards SET present = 0, active = 0 WHERE deck = ?", (deck.slug,))
        db.executemany(
            "INSERT INTO cards (deck, card_id, position, kind, category, prompt, context, back, notes, active,"
            " retired, present, seen) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 1,"
            " EXISTS (SELECT 1 FROM card_state s WHERE s.deck = ?1 AND s.card_id = ?2))"
            " ON CONFLICT (deck, card_id) DO UPDATE SET position = excluded.position, kind = excluded.kind,"
            " category = excluded.category, prompt = excluded.prompt, context = excluded.context,"
            " back = excluded.back, notes = excluded.notes, active = excluded.active,"
            " retired = excluded.retired, present = 1",
            rows,
        )


def _mark_missing(db: Database, slugs: Iterable[str]) -> None:
    slugs = sorted(slugs)
    if not slugs:
        return
    with db.atomic():
        for slug in slugs:
            db.execute("UPDATE decks SET present = 0, size = -1 WHERE deck = ?", (slug,))
            db.execute("UPDATE cards SET present = 0, active = 0 WHERE deck = ?", (slug,))


# -- reading ----------------------------------------------------------------------------------------------------


def deck_slugs(db: Database) -> list[str]:
    """Decks whose file is present, by slug."""
    return [row[0] for row in db.query("SELECT deck FROM decks WHERE present = 1 ORDER BY deck")]


def deck_overview(db: Database) -> list[DeckOverview]:
    """Present decks with title, company, role and card counts, from the mirror (no YAML parsing)."""
    decks = db.query("SELECT deck, title, company, role FROM decks WHERE present = 1 ORDER BY deck")
    counts = db.query(
        "SELECT deck, kind, SUM(active), SUM(retired), SUM(1 - active - retired) FROM cards"
        " WHERE present = 1 GROUP BY deck, kind"
    )
    by_deck: dict[str, dict[str, tuple[int, int, int]]] = {}
    for deck, kind, active, retired, suspended in counts:
        by_deck.setdefault(deck, {})[kind] = (active, retired, suspended)
    return [DeckOverview(slug, title, company, role, by_deck.get(slug, {})) for slug, title, company, role in decks]


def _mirror_card(row: Row) -> MirrorCard:
    deck, card_id, position, kind, category, prompt, context, back, notes, active = row
    return MirrorCard(deck, card_id, position, kind, json.loads(category), prompt, context, back, notes, bool(active))


def card(db: Database, deck: str, card_id: str) -> MirrorCard | None:
    """One card's mirrored content."""
    row = db.one(f"SELECT {_CARD_COLUMNS} FROM cards WHERE deck = ? AND card_id = ?", (deck, card_id))  # noqa: S608 - constant SQL fragments, values bound
    return _mirror_card(row) if row else None


def cards_of_kind(db: Database, deck: str, kind: str) -> list[MirrorCard]:
    """The deck's active cards of one kind in document order."""
    rows = db.query(
        f"SELECT {_CARD_COLUMNS} FROM cards WHERE deck = ? AND active = 1 AND kind = ?"  # noqa: S608 - constant SQL fragments, values bound
        " ORDER BY position",
        (deck, kind),
    )
    return [_mirror_card(row) for row in rows]


def question_texts(db: Database, deck: str) -> list[str]:
    """The prompt and context of each of the deck's active question cards (how often a concept's name comes up
    among them tells whether it is distinctive enough to show as related)."""
    rows = db.query("SELECT prompt, context FROM cards WHERE deck = ? AND active = 1 AND kind = 'question'", (deck,))
    return [f"{prompt}\n{context}" for prompt, context in rows]


def questions_answered(db: Database, deck: str) -> list[tuple[str, str, bool]]:
    """(card id, prompt, has notes) of the deck's active question cards, in document order."""
    rows = db.query(
        "SELECT card_id, prompt, trim(notes) != '' FROM cards WHERE deck = ? AND active = 1"
        " AND kind = 'question' ORDER BY position",
        (deck,),
    )
    return [(card_id, prompt, bool(has)) for card_id, prompt, has in rows]


def prompts(db: Database, deck: str, card_ids: Sequence[str]) -> dict[str, str]:
    """The mirrored prompts of these cards of a deck (those it knows)."""
    rows = db.query(
        "SELECT card_id, prompt FROM cards WHERE deck = ? AND card_id IN (SELECT value FROM json_each(?))",
        (deck, json.dumps(list(card_ids))),
    )
    return dict(rows)


def card_ids(db: Database, prefix: str) -> list[tuple[str, str, str]]:
    """(deck, card id, prompt) of the present cards whose id starts with `prefix`, by deck and id."""
    pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = db.query(
        "SELECT deck, card_id, prompt FROM cards WHERE present = 1 AND card_id LIKE ? ESCAPE '\\'"
        " ORDER BY deck, card_id",
        (pattern,),
    )
    return [(deck, card_id, prompt) for deck, card_id, prompt in rows]


def active_card_count(db: Database) -> int:
    """How many active cards the mirror holds, over every deck."""
    return int(db.scalar("SELECT count(*) FROM cards WHERE active = 1"))


def present_card_count(db: Database, slugs: Iterable[str]) -> int:
    """How many cards of these decks the mirror says their files hold."""
    return int(db.scalar(
        "SELECT count(*) FROM cards WHERE present = 1 AND deck IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(slugs)),),
    ))  # fmt: skip
