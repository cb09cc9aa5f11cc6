"""`studyprep check`: verify that a workspace is whole, like Anki's "Check Database".

Checks, each reported as a problem with its file and line where known:
- every deck file loads and validates (YAML, keys, types, unique card ids, slug = file name);
- every study plan loads and validates;
- the review database passes `PRAGMA integrity_check`, and its history agrees with itself: every card's
  stored FSRS state comes from its latest logged review (none lost, none applied twice), no answer is
  logged twice;
- every card with review history still exists in a deck file; those that do not are *orphans*, listed.
  They are kept (a card coming back in a later import resumes its history) until `--drop-orphans`.

Every deck file is read and hashed; those whose hash matches what the review database mirrored were validated
when mirrored, so only changed files are parsed (a file changed with the same size and mtime included):
checking a 100,000-card workspace stays around a second.
Leftover temp files from an interrupted write (studyprep's own temp names, in the workspace, its deck and plan
folders and the deck backups, older than a minute before `check` took the deck lock) are removed and listed. The
backups of the review database are listed with their sizes; `--drop-orphans` backs the database up first, and a
damaged database's problem names the newest good backup.
"""

from __future__ import annotations

__all__ = ["CheckResult", "Problem", "check_workspace"]

import contextlib
import hashlib
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from studyprep.clock import now as clock_now
from studyprep.errors import NO_BACKUP_REMEDY, StudyprepError
from studyprep.progress import ProgressCallback, counted, no_progress
from studyprep.result import Computed
from studyprep.store.atomic import STALE_TEMP_SECONDS, remove_stale_temps
from studyprep.store.db import (
    HistoryFinding,
    MirroredFile,
    ReviewStore,
    database_path,
    open_store,
    read_cached_plan_files,
    read_mirrored_files,
)
from studyprep.store.history_backups import Backup, damaged_remedy, list_backups
from studyprep.store.locking import deck_write_lock
from studyprep.store.workspace import Workspace, stat_file
from studyprep.wording import count

# {slug: (deck file, SHA-256 of the content `check` read)} of the deck files that load.
ValidDecks = dict[str, tuple[Path, str]]


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the workspace."""

    what: str  # deck, plan, database, history, orphan
    message: str
    path: str | None = None
    line: int | None = None

    def render(self) -> str:
        """`file:line: message`, leaving out what is unknown."""
        return StudyprepError(self.message, self.path, self.line).render()


@dataclass(frozen=True)
class Orphan:
    """A card with review history that no deck file holds any more."""

    deck: str
    card_id: str
    reviews: int
    prompt: str


@dataclass
class CheckResult:
    """What `check` looked at and what it found."""

    decks: int = 0
    cards: int = 0
    plans: int = 0
    reviews: int = 0
    problems: list[Problem] = field(default_factory=list)
    orphans: list[Orphan] = field(default_factory=list)
    dropped_orphans: int = 0
    removed_temp_files: list[str] = field(default_factory=list)
    backups: list[Backup] = field(default_factory=list)
    # Deck files whose content changed though their size and mtime did not (a restore, a sync tool): read again.
    changed_in_place: list[str] = field(default_factory=list)

    json_computed: ClassVar[tuple[Computed, ...]] = (Computed("ok"),)

    @property
    def ok(self) -> bool:
        """True when nothing is wrong (orphans count as wrong until restored or dropped)."""
        return not self.problems and not self.orphans


def check_workspace(workspace: Workspace, drop_orphans: bool = False, full: bool = False,
                    now: datetime | None = None, progress: ProgressCallback = no_progress) -> CheckResult:  # fmt: skip
    """Verify the workspace's decks, plans and review database; optionally delete orphans' history (backing the
    database up first, at `now`); list the database's backups. `progress` hears each deck file read, then the
    plans and the database's check (which cannot count).

    The database gets SQLite's `quick_check` (every page and record; O(size)), or with `full` its
    `integrity_check`, which also matches every index entry to its row (5x slower on a big history).
    """
    result = CheckResult()
    if not workspace.root.is_dir():
        raise StudyprepError("no workspace here yet; run `studyprep import FILE` first", workspace.root)
    # Under the deck lock: no import is half-way, so temp files found are leftovers, and the decks are stable.
    with deck_write_lock(workspace):
        result.removed_temp_files = _remove_litter(workspace, time.time() - STALE_TEMP_SECONDS)
        valid_decks = _check_decks(workspace, result, progress)
        progress("checking the plans")
        _check_plans(workspace, result)
        progress("checking the review database" + (" (full)" if full else ""))
        _check_database(workspace, valid_decks, result, drop_orphans, full, now)
    result.backups = list_backups(database_path(workspace))
    return result


def _remove_litter(workspace: Workspace, older_than: float) -> list[str]:
    """Temp files of interrupted writes: deck and plan writes, deck backups (`decks/.backups/<slug>/`), and
    packages exported into the workspace. Every writer of the first three holds the deck lock, which this
    process holds now, so a temp file from before it took the lock (with a minute's margin) is litter."""
    removed = remove_stale_temps(workspace.root, older_than)
    for folder in (workspace.decks_dir, workspace.schedules_dir):
        if folder.is_dir() and not folder.is_symlink():
            removed += remove_stale_temps(folder, older_than, recursive=True)
    return [str(path) for path in removed]


def _check_decks(workspace: Workspace, result: CheckResult, progress: ProgressCallback) -> ValidDecks:
    """Read every deck file (an unreadable one is a problem) and validate those whose content is not what the
    review database mirrored (by hash: a file rewritten with the same size and mtime is caught too); return
    {slug: (path, SHA-256 of the content read)} of the valid ones."""
    mirrored = read_mirrored_files(database_path(workspace))
    valid: ValidDecks = {}
    paths = _yaml_files(workspace.decks_dir)
    for path in counted(paths, "checking the deck files", len(paths), progress):
        result.decks += 1
        try:
            facts = stat_file(path, "deck file")
            digest = _digest(path)
            known = mirrored.get(path.stem)
            if known is None or known[2] != digest:
                if known is not None and known[:2] == (facts.st_size, facts.st_mtime_ns):
                    result.changed_in_place.append(str(path))  # nothing but its content says it changed
                # Counted here for a workspace with no review database yet (its mirror counts otherwise).
                result.cards += _validate_deck(path)
        except StudyprepError as error:
            result.problems.append(Problem("deck", error.message, error.path, error.line))
            continue
        valid[path.stem] = (path, digest)
    return valid


def _digest(path: Path) -> str:
    """The SHA-256 of a file's bytes, as the review database's mirror keeps it (an unreadable file: one line)."""
    from studyprep.store.yamlio import read_bytes_file

    return hashlib.sha256(read_bytes_file(path, "deck file")).hexdigest()


def _validate_deck(path: Path) -> int:
    """Load and check one deck file; return its number of cards."""
    from studyprep.store.deckstore import load_deck_file

    deck = load_deck_file(path)
    seen: set[str] = set()
    for card in deck.cards:
        if card.id in seen:  # the model refuses this too; kept here so check never trusts one layer alone
            raise StudyprepError(f"duplicate card id {card.id}", path)
        seen.add(card.id)
    return len(deck.cards)


def _yaml_files(folder: Path) -> list[Path]:
    # The deck store's own listing rule (deckstore.deck_paths), without importing the pydantic models.
    return sorted(p for p in folder.glob("*.yaml") if not p.name.startswith(".")) if folder.is_dir() else []


def _check_plans(workspace: Workspace, result: CheckResult) -> None:
    cached = read_cached_plan_files(database_path(workspace))
    for path in _yaml_files(workspace.schedules_dir):
        result.plans += 1
        from studyprep.store.plan import read_plan_file
        from studyprep.store.yamlio import read_bytes_file

        try:
            stat = stat_file(path, "study plan")
            read_bytes_file(path, "study plan")  # readable, even where its cached version spares the parse
            if cached.get(path.stem) == (stat.st_size, stat.st_mtime_ns):
                continue  # this version of the file was validated when its settings were cached
            read_plan_file(path)
        except StudyprepError as error:
            result.problems.append(Problem("plan", error.message, error.path, error.line))


def _check_database(workspace: Workspace, valid_decks: ValidDecks, result: CheckResult, drop: bool,
                    full: bool, now: datetime | None) -> None:  # fmt: skip

    path = database_path(workspace)
    if not path.exists() and not path.is_symlink():  # a link to nothing is reported (by open_store), not skipped
        return
    try:
        store = open_store(workspace)
    except StudyprepError as error:
        result.problems.append(Problem("database", error.message, error.path))
        return
    with store:
        try:
            integrity_rows = store.integrity_in_background(full)
            history = CheckResult()  # judged while SQLite checks the file; kept only if the file is whole
            _check_history(store, history)
            if not _integrity_ok(store, integrity_rows(), result):
                return
            result.reviews = history.reviews
            result.problems += history.problems
            _mirror_changed_decks(store, valid_decks)
            _find_orphans(store, workspace, valid_decks, result)
            if drop and result.orphans:
                store.back_up("before-drop-orphans", now or clock_now())
                result.dropped_orphans = store.drop_history((orphan.deck, orphan.card_id) for orphan in result.orphans)
                result.reviews -= sum(orphan.reviews for orphan in result.orphans)
                result.orphans = []
        except StudyprepError as error:
            result.problems.append(Problem("database", error.message, error.path))
            return
        with contextlib.suppress(StudyprepError):  # a damaged page is reported above already
            # Cards of the deck files on disk, as mirrored (the rows of a deleted deck file still say `present`).
            result.cards = store.present_card_count(path.stem for path in _yaml_files(workspace.decks_dir))


def _integrity_ok(store: ReviewStore, rows: list[str], result: CheckResult) -> bool:
    if rows == ["ok"]:
        return True
    for row in rows[:20]:
        result.problems.append(Problem("database", f"integrity check: {row}", str(store.path)))
    remedy = damaged_remedy(store.path) or NO_BACKUP_REMEDY
    result.problems.append(Problem("database", f"the review database is damaged: {remedy}", str(store.path)))
    return False


def _mirror_changed_decks(store: ReviewStore, valid_decks: ValidDecks) -> None:
    """Bring the card mirror up to date with the valid deck files, so orphans are judged on current content."""
    known = store.mirrored_files()
    for slug, (path, digest) in valid_decks.items():
        stat = path.stat()
        if known.get(slug) != MirroredFile(stat.st_size, stat.st_mtime_ns, digest):
            from studyprep.store.deckstore import load_deck_file  # pydantic: imported only when a deck changed

            store.mirror_deck(load_deck_file(path), path)


def _check_history(store: ReviewStore, result: CheckResult) -> None:
    """Every card's state comes from its latest review, and no answer is logged twice (one index scan)."""
    where = str(store.path)
    result.reviews = store.review_count()
    for finding in store.history_findings():
        result.problems.append(Problem("history", f"card {finding.card_id} in {finding.deck}: {_said(finding)}", where))


def _said(finding: HistoryFinding) -> str:
    """What is wrong with a card's history, in words."""
    if finding.kind == "no state":
        return "reviews logged but no state"
    if finding.kind == "older state":
        return f"its state comes from review {finding.state_from}, not from the latest logged review {finding.latest}"
    if finding.kind == "answers twice":
        return f"{count(finding.repeated, 'answer')} logged twice"
    if finding.kind == "state without reviews":
        return "a state without any review"
    return "a scheduling state that cannot be read"


def _find_orphans(store: ReviewStore, workspace: Workspace, valid_decks: ValidDecks, result: CheckResult) -> None:
    """Reviewed cards that no valid deck file holds (cards of a deck file that does not load are not judged)."""
    invalid = {path.stem for path in _yaml_files(workspace.decks_dir)} - valid_decks.keys()
    result.orphans = [Orphan(*card) for card in store.orphaned_cards(valid_decks) if card.deck not in invalid]
