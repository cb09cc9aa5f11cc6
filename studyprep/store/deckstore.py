"""The deck store: `decks/<slug>.yaml` files, loaded safely and validated, written atomically."""

from __future__ import annotations

__all__ = [
    "BACKUPS_KEPT",
    "HEADER",
    "RememberingReader",
    "backup_deck",
    "backup_dir",
    "deck_backups",
    "deck_made_from",
    "deck_paths",
    "deck_to_yaml",
    "iter_decks",
    "load_deck",
    "load_deck_file",
    "prune_backups",
    "read_deck_file",
    "read_decks",
    "save_deck",
]

import contextlib
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Protocol

import yaml

from studyprep.cards.models import Deck, deck_data
from studyprep.errors import StudyprepError
from studyprep.progress import ProgressCallback, no_progress
from studyprep.store.atomic import write_atomic
from studyprep.store.workspace import Workspace, match_slug, refuse_links
from studyprep.store.yamlio import dump_yaml, model_from_text, read_text_file

DECK_FILE = "deck file"  # how errors name a deck file
BACKUPS_DIR = ".backups"
BACKUPS_KEPT = 5

HEADER = (
    "# studyprep deck. Safe to edit by hand: write your own answer in `notes`, set `suspended: true`\n"
    "# to skip a card. Re-importing the document keeps notes and history; cards gone from it get `retired`.\n"
)


def deck_to_yaml(deck: Deck, progress: ProgressCallback = no_progress) -> str:
    """Render a deck as the commented, block-style YAML stored on disk (`progress` hears each card written)."""
    return HEADER + dump_yaml(deck_data(deck), progress, f"writing {deck.slug}")


def load_deck_file(path: Path, progress: ProgressCallback = no_progress) -> Deck:
    """Load and validate one deck file; errors name the file and line."""
    return read_deck_file(path, progress)[0]


class DeckReader(Protocol):
    """Reads one deck file: the deck and the file's text (`read_deck_file`, or the review database's cache of
    parsed decks in front of it: `ReviewStore.read_deck_file`); `progress` hears a parse."""

    def __call__(self, path: Path, progress: ProgressCallback = ...) -> tuple[Deck, str]: ...


def read_deck_file(path: Path, progress: ProgressCallback = no_progress) -> tuple[Deck, str]:
    """Load and validate one deck file, returning the deck and the text it was read from (`progress` hears how
    much is read)."""
    text = read_text_file(path, DECK_FILE)
    return deck_from_text(text, path, progress), text


class RememberingReader:
    """A `DeckReader` that keeps each deck it parsed with the text it came from: a file read again whose text is
    unchanged is not parsed again (the same text gives the same deck). For a command that reads its decks twice,
    e.g. once to plan and again under the deck lock to change them."""

    def __init__(self) -> None:
        self.parsed: dict[Path, tuple[Deck, str]] = {}

    def __call__(self, path: Path, progress: ProgressCallback = no_progress) -> tuple[Deck, str]:
        """The deck in `path` and the file's text, as `read_deck_file` gives them."""
        text = read_text_file(path, DECK_FILE)
        known = self.parsed.get(path)
        if known is not None and known[1] == text:
            return known
        self.parsed[path] = deck_from_text(text, path, progress), text
        return self.parsed[path]


def deck_from_text(text: str, path: Path, progress: ProgressCallback = no_progress) -> Deck:
    """Parse and validate the text of the deck file at `path` (its slug must be the file's name)."""
    from studyprep.store.deckfile import DeckFile  # pydantic only once a deck file is read: a first import skips it

    shape = "`slug`, `title` and `cards`"
    deck = model_from_text(text, path, DeckFile, DECK_FILE, shape, progress).to_deck()
    if deck.slug != path.stem:
        raise StudyprepError(f"slug {deck.slug!r} does not match the file name {path.name!r}", path)
    return deck


def save_deck(workspace: Workspace, deck: Deck, progress: ProgressCallback = no_progress) -> Path:
    """Write a deck atomically to its file in the workspace and return the path (`progress` hears each card)."""
    path = workspace.deck_path(deck.slug)
    refuse_links(path, workspace.root)  # named as a link first: the check below would only say "outside"
    if path.resolve().parent != workspace.decks_dir.resolve():
        raise StudyprepError(f"refusing to write deck {deck.slug!r} outside {workspace.decks_dir}")
    write_atomic(path, deck_to_yaml(deck, progress), workspace.root)
    return path


def deck_paths(workspace: Workspace) -> list[Path]:
    """Deck files in the workspace, sorted by slug."""
    if not workspace.decks_dir.is_dir():
        return []
    return sorted(p for p in workspace.decks_dir.glob("*.yaml") if not p.name.startswith("."))


_HEADER_BYTES = 4096
_SOURCE_LINE = re.compile(r"^source: *(?P<value>.*)$", re.MULTILINE)


def deck_made_from(workspace: Workspace, source: str) -> str | None:
    """The slug of the one deck made from a document of this file name, if exactly one; read from each deck
    file's header only (the `source:` key comes before the cards), so it stays cheap on big decks."""
    found = []
    for path in deck_paths(workspace):
        with path.open("rb") as handle:
            header = handle.read(_HEADER_BYTES).decode("utf-8", "replace")
        match = _SOURCE_LINE.search(header.split("\ncards:", 1)[0])
        if match is None:
            continue
        try:
            value = yaml.safe_load(match["value"])
        except yaml.YAMLError:
            continue
        if value == source:
            found.append(path.stem)
    return found[0] if len(found) == 1 else None


def iter_decks(workspace: Workspace, read: DeckReader = read_deck_file) -> Iterator[Deck]:
    """Load every deck in the workspace (a broken one raises with its file and line), each with `read`."""
    for path in deck_paths(workspace):
        yield read(path)[0]


def read_decks(workspace: Workspace, read: DeckReader = read_deck_file) -> tuple[list[Deck], dict[str, StudyprepError]]:
    """Every deck of the workspace that can be read, and the errors of those that cannot (by slug): a broken
    file keeps only its own deck out. Each is read with `read`."""
    decks, broken = [], {}
    for path in deck_paths(workspace):
        try:
            decks.append(read(path)[0])
        except StudyprepError as error:
            broken[path.stem] = error
    return decks, broken


def load_deck(
    workspace: Workspace, name: str, read: DeckReader = read_deck_file, progress: ProgressCallback = no_progress
) -> Deck:
    """Load a deck by slug (or by a unique slug prefix), with a helpful error if it is missing; the file
    is read with `read`, which tells `progress` how its parse goes."""
    path = workspace.deck_path(name)
    if not (path.is_file() and path.parent == workspace.decks_dir):
        path = workspace.deck_path(match_slug(name, [p.stem for p in deck_paths(workspace)], workspace.decks_dir))
    return read(path, progress=progress)[0]


def backup_dir(workspace: Workspace, slug: str) -> Path:
    """Where earlier versions of a deck file are kept: `decks/.backups/<slug>/`."""
    return workspace.decks_dir / BACKUPS_DIR / slug


def backup_deck(workspace: Workspace, slug: str, text: str, now: datetime) -> Path:
    """Keep `text` (the deck file about to be replaced) as a backup and return its path; when the newest backup
    already holds it (a retry after a failed write), that one is kept instead of a copy. Nothing is pruned here:
    `prune_backups` runs once the new deck is written, so failed imports never push good versions out."""
    folder = backup_dir(workspace, slug)
    refuse_links(folder, workspace.root)  # a `.backups/<slug>` link would be written through and pruned
    existing = deck_backups(workspace, slug)
    if existing and _holds(existing[-1], text):
        return existing[-1]
    stamp = now.strftime("%Y%m%dT%H%M%S%fZ")
    taken = {path.name for path in existing}
    sequence = next(n for n in range(len(taken) + 1) if f"{stamp}-{n}.yaml" not in taken)
    path = folder / f"{stamp}-{sequence}.yaml"
    write_atomic(path, text, workspace.root)
    return path


def prune_backups(workspace: Workspace, slug: str, keep: int = BACKUPS_KEPT) -> None:
    """Delete all but the newest `keep` backups of a deck (only real files in a real folder of the workspace)."""
    refuse_links(backup_dir(workspace, slug), workspace.root)
    for old in deck_backups(workspace, slug)[:-keep]:
        with contextlib.suppress(OSError):
            old.unlink()


def _holds(path: Path, text: str) -> bool:
    try:
        return path.read_bytes() == text.encode("utf-8")
    except OSError:
        return False


def deck_backups(workspace: Workspace, slug: str) -> list[Path]:
    """A deck's backups, oldest first (by when they were written); real files only, never what a link names."""
    folder = backup_dir(workspace, slug)
    if not folder.is_dir() or folder.is_symlink():
        return []
    found = [(path.lstat().st_mtime_ns, path.name, path) for path in folder.glob("*.yaml") if not path.is_symlink()]
    return [path for _, _, path in sorted(found)]
