"""The deck store: `decks/<slug>.yaml` files, loaded safely and validated, written atomically."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import yaml

from studyprep.atomic import write_atomic
from studyprep.errors import StudyprepError
from studyprep.models import Deck
from studyprep.workspace import Workspace, match_slug
from studyprep.yamlio import dump_yaml, load_model_file

BACKUPS_DIR = ".backups"
BACKUPS_KEPT = 5

HEADER = (
    "# studyprep deck. Safe to edit by hand: write your own answer in `notes`, set `suspended: true`\n"
    "# to skip a card. Re-importing the document keeps notes and history; cards gone from it get `retired`.\n"
)


def deck_to_yaml(deck: Deck) -> str:
    """Render a deck as the commented, block-style YAML stored on disk."""
    data = deck.model_dump(mode="json")
    for card in data["cards"]:
        if not card["by_hand"]:
            del card["by_hand"]  # the document's cards (nearly all) keep the file as it always was
    return HEADER + dump_yaml(data)


def load_deck_file(path: Path) -> Deck:
    """Load and validate one deck file; errors name the file and line."""
    return read_deck_file(path)[0]


def read_deck_file(path: Path) -> tuple[Deck, str]:
    """Load and validate one deck file, returning the deck and the text it was read from."""
    deck, text = load_model_file(path, Deck, "deck file", "`slug`, `title` and `cards`")
    if deck.slug != path.stem:
        raise StudyprepError(f"slug {deck.slug!r} does not match the file name {path.name!r}", path)
    return deck, text


def save_deck(workspace: Workspace, deck: Deck) -> Path:
    """Write a deck atomically to its file in the workspace and return the path."""
    path = workspace.deck_path(deck.slug)
    if path.resolve().parent != workspace.decks_dir.resolve():
        raise StudyprepError(f"refusing to write deck {deck.slug!r} outside {workspace.decks_dir}")
    write_atomic(path, deck_to_yaml(deck))
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


def iter_decks(workspace: Workspace) -> Iterator[Deck]:
    """Load every deck in the workspace (a broken one raises with its file and line)."""
    for path in deck_paths(workspace):
        yield load_deck_file(path)


def load_deck(workspace: Workspace, name: str) -> Deck:
    """Load a deck by slug (or by a unique slug prefix), with a helpful error if it is missing."""
    path = workspace.deck_path(name)
    if path.is_file() and path.parent == workspace.decks_dir:
        return load_deck_file(path)
    return load_deck_file(workspace.deck_path(match_slug(name, [p.stem for p in deck_paths(workspace)])))


def existing_deck(workspace: Workspace, slug: str) -> Deck | None:
    """The stored deck with this exact slug, or None if there is none yet."""
    path = workspace.deck_path(slug)
    return load_deck_file(path) if path.exists() else None


def backup_dir(workspace: Workspace, slug: str) -> Path:
    """Where earlier versions of a deck file are kept: `decks/.backups/<slug>/`."""
    return workspace.decks_dir / BACKUPS_DIR / slug


def backup_deck(workspace: Workspace, slug: str, text: str, now: datetime, keep: int = BACKUPS_KEPT) -> Path:
    """Keep `text` (the deck file about to be replaced) as a backup; prune all but the newest `keep`."""
    folder = backup_dir(workspace, slug)
    stamp = now.strftime("%Y%m%dT%H%M%S%fZ")
    taken = {path.name for path in folder.glob("*.yaml")} if folder.is_dir() else set()
    sequence = next(n for n in range(len(taken) + 1) if f"{stamp}-{n}.yaml" not in taken)
    path = folder / f"{stamp}-{sequence}.yaml"
    write_atomic(path, text)
    for old in deck_backups(workspace, slug)[:-keep]:
        with contextlib.suppress(OSError):
            old.unlink()
    return path


def deck_backups(workspace: Workspace, slug: str) -> list[Path]:
    """A deck's backups, oldest first (by when they were written)."""
    folder = backup_dir(workspace, slug)
    if not folder.is_dir():
        return []
    found = [(path.stat().st_mtime_ns, path.name, path) for path in folder.glob("*.yaml")]
    return [path for _, _, path in sorted(found)]
