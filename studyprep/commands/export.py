"""`studyprep export`: write decks as one Anki package (.apkg) that imports and re-imports cleanly.

Re-importing a newer export updates the same notes in Anki (stable guids and note types) and keeps their
review history; only cards changed in studyprep since the last import are updated. Suspended and retired
cards are exported suspended and tagged (`studyprep::suspended`, `studyprep::retired`): Anki suspends a card on
import only when it adds it, so a card retired after Anki has it gets the tag (search it, then suspend).
"""

from __future__ import annotations

__all__ = ["ExportResult", "card_fields", "export_decks"]

import contextlib
import functools
import hashlib
import itertools
import os
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from studyprep.anki import model as anki_model
from studyprep.anki.exchange import DeckExchange, Exchange, NoteRecord, load_exchange, save_exchange
from studyprep.anki.html import field_html, inline_html
from studyprep.anki.progress import ScheduledCard, ScheduledPackage, card_progress
from studyprep.cards.models import Card, Deck
from studyprep.errors import StudyprepError, storage_error
from studyprep.progress import ProgressCallback, no_progress
from studyprep.result import Computed, as_objects, json_field
from studyprep.store.atomic import STALE_TEMP_SECONDS, create_temp_beside, keep_mode, remove_stale_temps
from studyprep.store.bulk import without_cyclic_gc
from studyprep.store.db import deck_file_reader
from studyprep.store.deckstore import DeckReader, load_deck, read_deck_file, read_decks
from studyprep.store.workspace import Workspace, refuse_links

if TYPE_CHECKING:
    from studyprep.anki.progress import CardProgress

PACKAGE_SUFFIX = ".apkg"
DEFAULT_PACKAGE = "studyprep.apkg"
ANKI_DEFAULT_DECK = "default"  # as `_anki_key` gives it


@dataclass
class DeckExport:
    """What one deck contributed to the package."""

    slug: str = field(metadata=json_field(name="deck"))
    title: str
    notes: int = 0
    suspended: int = 0
    retired: int = 0
    changed: int = 0  # notes Anki had from an earlier export that this one updates
    with_progress: int = 0  # cards written with their studyprep schedule and history
    subdecks: Counter[str] = field(
        default_factory=Counter, metadata=json_field(convert=lambda subdecks: dict(sorted(subdecks.items())))
    )
    # The exchange record to keep.
    records: dict[str, NoteRecord] = field(default_factory=dict, repr=False, metadata=json_field(skip=True))


@dataclass
class ExportResult:
    """Outcome of an export: the package written and what went into it."""

    path: Path
    exported_at: datetime
    decks: list[DeckExport]
    # Decks left out of `--all`: their file cannot be read.
    skipped: dict[str, str] = field(default_factory=dict, metadata=json_field(convert=as_objects("deck", "error")))

    json_computed: ClassVar[tuple[Computed, ...]] = (Computed("notes", after="exported_at"),)

    @property
    def notes(self) -> int:
        """Number of notes (one card each) in the package."""
        return sum(deck.notes for deck in self.decks)


def export_decks(
    workspace: Workspace,
    names: list[str],
    out_path: Path | None,
    now: datetime,
    all: bool = False,
    progress: ProgressCallback = no_progress,
    force: bool = False,
    with_progress: bool = False,
) -> ExportResult:
    """Write the named decks (or every deck with `all`) to one .apkg and return what was exported.

    A note whose content changed since the last export gets a modification time newer than any copy Anki has,
    so Anki takes it. Anki replaces every field of a note it updates: when a deck was exported and not pulled
    since, and this export would update notes, it is refused (answers written in Anki would be lost) unless
    `force`. `with_progress` writes each reviewed card's schedule and history (see `anki.progress`).
    `progress` hears each step: reading the decks (and reviews), each card exported, writing the package.
    """
    progress("reading the decks")
    with deck_file_reader(workspace) as read:  # parsed decks cached in the review database
        decks, skipped = select_decks(workspace, names, all, read)
    target = output_path(out_path, decks)
    with without_cyclic_gc():  # a record per card, none of them garbage: the collector would walk them for nothing
        exchange = load_exchange(workspace)
    if with_progress:
        progress("reading the reviews")
    schedules = studied_cards(workspace, decks) if with_progress else {}
    timestamp = _package_timestamp(decks)
    # The cards, their fields and genanki's notes all live until the package is written: the cyclic collector would
    # walk them again and again for nothing (a tenth to a fifth of the export's time). Not while the decks are read:
    # parsing a deck file leaves garbage only the collector frees.
    with without_cyclic_gc():
        package = build_package(decks, progress, exchange, now, schedules)
        del decks, schedules  # the notes hold what the package needs: the cards go before genanki writes
        if not force:
            refuse_unpulled_changes(workspace, exchange, package.summaries)
        progress(f"writing {target.name}")
        write_package(package, target, timestamp)
        save_exchange(workspace, _exchanged(exchange, package.summaries, now))
    return ExportResult(path=target, exported_at=now, decks=package.summaries, skipped=skipped)


def studied_cards(workspace: Workspace, decks: list[Deck]) -> dict[tuple[str, str], CardProgress]:
    """`(deck, card id) -> its Anki scheduling` for every card studyprep has a schedule for."""
    from studyprep.schedule.replays import open_store
    from studyprep.schedule.scheduling import scheduler_for
    from studyprep.store.plan import load_plan

    studied: dict[tuple[str, str], CardProgress] = {}
    with open_store(workspace) as store:
        store.replay_pending(workspace)  # the states read below: a deck a migration queued is replayed first
        for deck in decks:
            retention = scheduler_for(load_plan(workspace, deck.slug)).desired_retention
            for card_id, state in store.deck_states(deck.slug).items():
                logs = store.review_logs(deck.slug, card_id)
                studied[(deck.slug, card_id)] = card_progress(state, logs, retention)
    return studied


def refuse_unpulled_changes(workspace: Workspace, exchange: Exchange, summaries: list[DeckExport]) -> None:
    """Refuse an export that would update notes of a deck not pulled from Anki since its last export."""
    for summary in summaries:
        if summary.changed and not exchange.deck(summary.slug).pulled_since_export():
            raise StudyprepError(
                f"{summary.changed} of deck {summary.slug}'s notes changed since its last export, and Anki replaces"
                " every field of a note it updates: answers written in Anki since would be lost. Pull first (in"
                " Anki: File > Export, Anki Collection Package; then `studyprep anki-pull FILE`) and export again,"
                " or export with --force to replace them",
                workspace.deck_path(summary.slug),
            )


def _exchanged(exchange: Exchange, summaries: list[DeckExport], now: datetime) -> Exchange:
    """The exchange record after this export: each deck exported now, its notes as written."""
    for summary in summaries:
        before = exchange.deck(summary.slug)
        exchange = exchange.but(summary.slug, DeckExchange(now, before.pulled_at, summary.records))
    return exchange


def select_decks(
    workspace: Workspace, names: list[str], all_decks: bool, read: DeckReader = read_deck_file
) -> tuple[list[Deck], dict[str, str]]:
    """The decks to export: by name, all of them, or the only one there is; and, for `--all`, the decks left out
    because their file cannot be read (a deck named is refused by its error instead). Each file is read with
    `read`."""
    if names and all_decks:
        raise StudyprepError("name decks or use --all, not both")
    if names:
        chosen = [load_deck(workspace, name, read) for name in dict.fromkeys(names)]
        return list({deck.slug: deck for deck in chosen}.values()), {}
    decks, broken = read_decks(workspace, read)
    if not decks and not broken:
        raise StudyprepError(f"no decks in {workspace.decks_dir.absolute()} yet; import one: studyprep import PREP.md")
    if (all_decks or len(decks) + len(broken) == 1) and decks:
        return decks, {slug: error.render() for slug, error in sorted(broken.items())}
    if len(decks) + len(broken) == 1:
        raise next(iter(broken.values()))
    if not decks:
        raise StudyprepError("no deck can be exported: every deck file has an error; `studyprep check` lists them")
    known = ", ".join(sorted([*(deck.slug for deck in decks), *broken]))
    raise StudyprepError(f"name the decks to export or use --all (decks: {known})")


def output_path(out_path: Path | None, decks: list[Deck]) -> Path:
    """Where the package goes: the given file (`.apkg` added if it has no suffix), else a default name."""
    default_name = f"{decks[0].slug}{PACKAGE_SUFFIX}" if len(decks) == 1 else DEFAULT_PACKAGE
    if out_path is None:
        return Path(default_name)
    if out_path.is_dir():
        return out_path / default_name
    if not out_path.suffix:
        return out_path.with_name(out_path.name + PACKAGE_SUFFIX)
    if out_path.suffix.lower() != PACKAGE_SUFFIX:
        raise StudyprepError(f"an Anki package must end in {PACKAGE_SUFFIX}, not {out_path.suffix!r}", out_path)
    return out_path


@dataclass
class BuiltPackage:
    """A genanki package ready to write, with per-deck summaries."""

    package: Any
    summaries: list[DeckExport]


def build_package(
    decks: list[Deck],
    progress: ProgressCallback = no_progress,
    exchange: Exchange | None = None,
    now: datetime | None = None,
    schedules: dict[tuple[str, str], CardProgress] | None = None,
) -> BuiltPackage:
    """Turn decks into a genanki Package: one (sub)deck per category, one note per exportable card.

    With the `exchange` record of earlier exports, a note changed since gets the time `now` (or its card's
    own, if later), so Anki takes it over the copy it has. `progress` hears each card: `exporting SLUG`, the
    cards done of all the decks' cards."""
    note_ids = _note_ids(decks)
    names = _anki_names(decks)
    anki_decks: dict[int, Any] = {}
    summaries: list[DeckExport] = []
    done, total = itertools.count(1), sum(len(exportable_cards(deck)) for deck in decks)
    for deck in decks:
        previous = (exchange or Exchange()).deck(deck.slug)
        exported = functools.partial(_exported, progress, f"exporting {deck.slug}", done, total)
        summary = _add_deck(deck, names[deck.slug], anki_decks, note_ids, _Times(previous, now), schedules or {},
                            exported)  # fmt: skip
        summaries.append(summary)
    return BuiltPackage(ScheduledPackage(list(anki_decks.values())), summaries)


def exportable_cards(deck: Deck) -> list[Card]:
    """Cards that go into Anki: all of them; suspended and retired ones go suspended and tagged."""
    return list(deck.cards)


def card_fields(deck: Deck, card: Card) -> list[str]:
    """The note's fields, in the frozen order of `anki_model.FIELDS`, as safe HTML."""
    where = f"{deck.source}, line {card.source}" if deck.source and card.source else deck.source
    return [
        field_html(card.prompt),
        field_html(card.context),
        field_html(card.back),
        field_html(card.notes),
        _category_html(tuple(card.category)),
        inline_html(where),
    ]


@functools.lru_cache(maxsize=4096)  # a deck's cards share a few categories: each is rendered once per export
def _category_html(category: tuple[str, ...]) -> str:
    return inline_html(" › ".join(category))


def _anki_names(decks: list[Deck]) -> dict[str, str]:
    """Each deck's name in Anki: company and role, else its title (its slug when neither gives a name), with the
    slug added where two exported decks would share a name (two rounds with one company and role). Anki files decks by
    name, case-insensitively and after flattening `::` and spaces, so such decks would become one."""
    names = {
        deck.slug: anki_model.deck_name(anki_model.top_deck_title(deck.title, deck.company, deck.role), [])
        or anki_model.deck_name(deck.title, [])
        or deck.slug
        for deck in decks
    }
    for _ in range(2):  # a second pass for a title that reads like another deck's "Title (slug)"
        # Every Anki collection has a deck "Default" of its own, holding the user's other cards.
        clashes = Counter([ANKI_DEFAULT_DECK, *(_anki_key(name) for name in names.values())])
        if len(clashes) == len(names) + 1:
            break
        names = {slug: f"{name} ({slug})" if clashes[_anki_key(name)] > 1 else name for slug, name in names.items()}
    return names


def _anki_key(name: str) -> str:
    # How Anki tells deck names apart: case-insensitively (full Unicode case folding, "Straße" is "STRASSE").
    return name.casefold()


@dataclass(frozen=True)
class _Times:
    """What decides a note's modification time: the deck's last exchange with Anki, and the export's time."""

    previous: DeckExchange
    now: datetime | None

    def record(self, card: Card, fields: list[str], tags: list[str]) -> NoteRecord:
        """The card's note as this export writes it: same content as last time, same time; else a newer one."""
        fingerprint = _fingerprint(card, fields, tags)
        own = int(max(card.changed, card.retired or card.changed).timestamp())
        before = self.previous.cards.get(card.id)
        if before is None:  # Anki has no copy from this workspace's exports: the card's own time, reproducibly
            modified = own
        elif before.fingerprint == fingerprint:  # Anki ignores it: what it holds is as last exchanged
            return before
        else:  # changed since (a hand edit or a pulled answer changes no card time): newer than Anki's copy
            modified = max(own, before.modified + 1, int(self.now.timestamp()) if self.now else 0)
        anki_notes = fields[FIELDS_NOTES]
        return NoteRecord(fingerprint, modified, card.notes, anki_notes)

    def changed(self, card: Card, record: NoteRecord) -> bool:
        """True when Anki has this note from an earlier export and this one updates it."""
        before = self.previous.cards.get(card.id)
        return before is not None and before.fingerprint not in ("", record.fingerprint)


FIELDS_NOTES = 3  # the Notes field's place in `anki_model.FIELDS`
FIELDS_SOURCE = 5


def _fingerprint(card: Card, fields: list[str], tags: list[str]) -> str:
    # Not the Source field: a line moving in the document is no reason to update a note in Anki.
    content = "\x1e".join([card.kind, "\x1f".join(fields[:FIELDS_SOURCE]), " ".join(tags), str(card.suspended)])
    return hashlib.sha256(content.encode()).hexdigest()[:32]


def _exported(progress: ProgressCallback, task: str, done: Iterator[int], total: int) -> None:
    """Tell `progress` one more card is exported (`done` counts them)."""
    progress(task, next(done), total)


def _add_deck(
    deck: Deck,
    name: str,
    anki_decks: dict[int, Any],
    note_ids: dict[tuple[str, str], int],
    times: _Times,
    schedules: dict[tuple[str, str], CardProgress],
    exported: Callable[[], None],
) -> DeckExport:
    summary = DeckExport(slug=deck.slug, title=deck.title)
    top = _top_deck(deck, name, anki_decks)
    # Categories Anki takes for one name ("Go" and "go") share one subdeck: Anki would rename the second "go_".
    by_name: dict[str, Any] = {_anki_key(top.name): top}
    subdecks: dict[tuple[str, ...], Any] = {}
    for position, card in enumerate(exportable_cards(deck)):
        category = tuple(card.category)
        if category not in subdecks:
            key = _anki_key(anki_model.deck_name(name, card.category))
            if key not in by_name:
                by_name[key] = _subdeck(deck, name, card.category, anki_decks)
            subdecks[category] = by_name[key]
        target = subdecks[category]
        fields = card_fields(deck, card)
        tags = anki_model.anki_tags(card.kind, card.category, card.tags, card.suspended, card.retired is not None)
        record = times.record(card, fields, tags)
        summary.records[card.id] = record
        summary.changed += times.changed(card, record)
        suspend = card.suspended or card.retired is not None
        schedule = schedules.get((deck.slug, card.id))
        note = anki_model.ExportNote(
            model=anki_model.note_type(card.kind),
            fields=fields,
            tags=tags,
            guid=anki_model.note_guid(deck.slug, card.id),
            due=position,
            note_id=note_ids[(deck.slug, card.id)],
            modified=record.modified,
            suspend=suspend,
            scheduled=None if schedule is None else ScheduledCard(schedule, suspend),
        )
        summary.with_progress += schedule is not None
        target.add_note(note)
        summary.notes += 1
        summary.suspended += card.suspended and card.retired is None
        summary.retired += card.retired is not None
        summary.subdecks[target.name] += 1
        exported()
    return summary


def _subdeck(deck: Deck, name: str, category: list[str], anki_decks: dict[int, Any]) -> Any:
    import genanki

    target_id = anki_model.deck_id(deck.slug, category)
    if target_id not in anki_decks:
        anki_decks[target_id] = genanki.Deck(target_id, anki_model.deck_name(name, category))
    return anki_decks[target_id]


def _top_deck(deck: Deck, name: str, anki_decks: dict[int, Any]) -> Any:
    # The deck itself exists (with its description) even when every card sits in a category subdeck.
    import genanki

    top_id = anki_model.deck_id(deck.slug, [])
    if top_id in anki_decks:
        return anki_decks[top_id]
    # The short deck name drops the document's title ("Interview Prep: ..."): the description keeps it whole.
    description = inline_html(f"{deck.title}. " if deck.title else "") + inline_html(
        f"From {deck.source or deck.slug} by studyprep. Edit the document, re-import and re-export: "
        "changed cards update here and your review history is kept."
    )
    anki_decks[top_id] = genanki.Deck(top_id, anki_model.deck_name(name, []), description)
    return anki_decks[top_id]


def _note_ids(decks: list[Deck]) -> dict[tuple[str, str], int]:
    # Anki shows a note id as its creation time (ms). Ids follow each card's `added` time and are made
    # unique in that order, so an unchanged selection of decks always gets the same ids.
    order = sorted((card.added, deck.slug, card.id) for deck in decks for card in exportable_cards(deck))
    ids: dict[tuple[str, str], int] = {}
    last = 0
    for added, slug, card_id in order:
        last = max(last + 1, int(added.timestamp() * 1000))
        ids[(slug, card_id)] = last
    return ids


def _package_timestamp(decks: list[Deck]) -> float:
    # Only seeds genanki's id counter, which our notes bypass; fixed so packages stay reproducible.
    changed = [card.changed.timestamp() for deck in decks for card in deck.cards]
    return max(changed, default=0.0)


def write_package(built: BuiltPackage, target: Path, timestamp: float) -> None:
    """Write the package next to `target` and move it into place, so a failed export leaves no half file (and
    one killed earlier leaves none for long: its temp files beside `target` are removed here)."""
    folder = target.parent
    if not folder.is_dir():
        problem = "is not a folder" if folder.exists() else "does not exist"
        raise StudyprepError(f"cannot write the package: the folder {folder} {problem}", target)
    refuse_links(target, folder)  # the package replaces a file, never what a link there names
    remove_stale_temps(folder, time.time() - STALE_TEMP_SECONDS, of=target.name)
    try:
        handle, temp_name = create_temp_beside(target)  # the user's default mode, not mkstemp's 0600
        keep_mode(target, handle)
        os.close(handle)
    except OSError as error:
        raise storage_error(error, target, "write the package") from None
    temp = Path(temp_name)
    try:
        built.package.write_to_file(str(temp), timestamp=timestamp)
        temp.replace(target)
    except (OSError, sqlite3.Error) as error:  # genanki builds the collection with SQLite in the temp folder
        raise storage_error(error, target, "write the package") from None
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()
