"""`studyprep import`: parse a prep document and merge it into its deck."""

from __future__ import annotations

__all__ = ["ImportResult", "import_document"]

import contextlib
import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from studyprep.cards.ids import SLUG_PATTERN, slugify
from studyprep.cards.merge import MergeReport, merge_deck
from studyprep.cards.models import CARD_KINDS, Deck
from studyprep.cards.parsed import ParsedDocument
from studyprep.errors import StudyprepError
from studyprep.parse import MAX_DOCUMENT_BYTES, OutlineLine, parse_document
from studyprep.parse.review import CardWarning, card_warnings
from studyprep.progress import ProgressCallback, no_progress
from studyprep.result import as_objects, json_field
from studyprep.store.bulk import without_cyclic_gc
from studyprep.store.deckstore import backup_deck, deck_made_from, prune_backups, read_deck_file, save_deck
from studyprep.store.locking import deck_write_lock
from studyprep.store.workspace import Workspace
from studyprep.store.yamlio import read_text_file
from studyprep.wording import count


def kind_counts(report: MergeReport) -> dict[str, dict[str, int]]:
    """`{"added": {"question": 3, ...}, ...}` with every kind present."""
    groups = {
        "added": report.added,
        "updated": report.updated,
        "retired": report.retired,
        "unchanged": report.unchanged,
        "revived": report.revived,
    }
    return {name: {kind: counter.get(kind, 0) for kind in CARD_KINDS} for name, counter in groups.items()}


def _report_json(report: MergeReport) -> dict[str, object]:
    return {**kind_counts(report), "edited": as_objects("id", "old", "new")(report.edited)}


@dataclass(kw_only=True)
class ImportResult:
    """Outcome of one import: where the deck is, what changed by kind, and the document's cards that look wrong
    (`warnings`, located in `document`: the document's path as given, readable as text)."""

    deck: str
    title: str
    path: Path
    written: bool
    changed: bool = False  # the merge changed the deck (written, unless this is a dry run)
    sections: list[str] = field(default_factory=list)
    # In JSON, the counts by kind (`added`, ..., `revived`) and the `edited` prompts, in place of the report.
    report: MergeReport = field(metadata=json_field(inline=True, convert=_report_json))
    document: str = field(default="", metadata=json_field(skip=True))
    warnings: list[CardWarning] = field(default_factory=list)
    # What each part of the document became, with `--explain` (no key without it).
    outline: list[OutlineLine] | None = field(default=None, metadata=json_field(skip_none=True))

    def counts(self) -> dict[str, dict[str, int]]:
        """`{"added": {"question": 3, ...}, ...}` with every kind present."""
        return kind_counts(self.report)


def _slug_for(workspace: Workspace, document: ParsedDocument, path_name: str) -> str:
    """The deck named by the document's company and role; when no deck has that name yet but exactly one
    deck was made from a file of this name, that deck (a newer importer may read company or role
    differently: re-importing must merge, never start a second deck and split the history)."""
    slug = deck_slug_for(document.title, document.company, document.role, Path(path_name))
    if workspace.deck_path(slug).exists():
        return slug
    earlier = deck_made_from(workspace, path_name)
    if earlier is None:
        return slug
    # Only the same document, edited: a file name reused for another interview starts its own deck.
    active = {card.id for card in read_deck_file(workspace.deck_path(earlier))[0].cards if card.retired is None}
    kept = active & {card.id for card in document.cards}
    return earlier if len(kept) * 2 >= len(active) else slug


def _read_previous(workspace: Workspace, target: Path, progress: ProgressCallback) -> tuple[Deck, str]:
    """The deck file being re-imported into and its text (from the review database's cache of parsed decks when
    the file's bytes are those cached: an unchanged re-import reads no YAML; `progress` hears a reading)."""
    from studyprep.store.db import deck_file_reader

    with deck_file_reader(workspace) as read:
        return read(target, progress=progress)


def deck_slug_for(title: str, company: str, role: str, path: Path) -> str:
    """Pick the deck slug: company and role, else the title, else the file name."""
    for candidate in (f"{company} {role}" if company or role else "", title, path.stem):
        slug = slugify(candidate)
        if slug:
            return slug
    return "deck"


def _refuse_another_document(previous: Deck, path: Path, path_name: str, report: MergeReport) -> None:
    """Refuse an import that looks like another document whose title names the same deck: made from another
    file, it would retire most of the deck's cards (two rounds with one company and role, say). The cards
    would survive in the backup, their review history unused; `--deck` says which deck is meant."""
    active = sum(card.retired is None for card in previous.cards)
    retiring = sum(report.retired.values())
    if not previous.source or previous.source == path_name or retiring * 2 <= active:
        return
    raise StudyprepError(
        f"this would retire {retiring} of the {count(active, 'card')} of deck {previous.slug!r}, made from"
        f" {previous.source!r}: import it as its own deck with --deck NAME, or into this one with"
        f" --deck {previous.slug}",
        path,
    )


def readable_name(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 (a Latin-1 `café.md`, kept by Python as lone surrogates,
    which no YAML, JSON or terminal takes) become U+FFFD."""
    return os.fsencode(name).decode("utf-8", errors="replace")


def import_document(
    workspace: Workspace,
    path: Path,
    now: datetime,
    deck: str | None = None,
    dry_run: bool = False,
    explain: bool = False,
    progress: ProgressCallback = no_progress,
) -> ImportResult:
    """Parse `path`, merge it into its deck (created if new) and write the deck unless nothing changed;
    with `explain`, the result also says what each part of the document became (in line order). `progress`
    hears each step: reading the document, reading and merging the deck, writing it card by card."""
    with without_cyclic_gc():
        return _import(workspace, path, now, deck, dry_run, explain, progress)


def _import(
    workspace: Workspace,
    path: Path,
    now: datetime,
    deck: str | None,
    dry_run: bool,
    explain: bool,
    progress: ProgressCallback,
) -> ImportResult:
    path_name = readable_name(path.name)
    progress(f"reading {path_name}")
    text = read_text_file(path, "prep document", max_bytes=MAX_DOCUMENT_BYTES)
    outline: list[OutlineLine] | None = [] if explain else None
    document = parse_document(text, path, fallback_title=readable_name(path.stem), outline=outline)
    slug = deck or _slug_for(workspace, document, path_name)
    if not re.match(SLUG_PATTERN, slug):
        raise StudyprepError(f"invalid deck name {slug!r}: use letters, digits and single hyphens")
    target = workspace.deck_path(slug)
    with deck_write_lock(workspace) if not dry_run else contextlib.nullcontext():
        previous, previous_text = _read_previous(workspace, target, progress) if target.exists() else (None, None)
        progress(f"merging {count(len(document.cards), 'card')}")
        merged, report = merge_deck(previous, document, slug, path_name, now)
        if previous is not None and deck is None:
            _refuse_another_document(previous, path, path_name, report)
        # An unchanged deck is not rendered again (seconds on 30,000 cards) nor rewritten, which also keeps
        # the user's own layout and comments in the file.
        changed = merged != previous
        if changed and not dry_run:
            if previous_text is not None:
                backup_deck(workspace, slug, previous_text, now)
            target = save_deck(workspace, merged, progress)
            prune_backups(workspace, slug)  # only now: a failed write must not push good versions out
    return ImportResult(
        deck=slug,
        title=merged.title,
        path=target,
        written=changed and not dry_run,
        report=report,
        changed=changed,
        sections=document.sections_found,
        document=readable_name(str(path)),
        warnings=card_warnings(document),
        outline=sorted(outline, key=lambda entry: entry.line) if outline is not None else None,
    )
