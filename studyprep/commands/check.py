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

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from studyprep.clock import now as clock_now
from studyprep.errors import NO_BACKUP_REMEDY, StudyprepError
from studyprep.render.wording import count
from studyprep.store.atomic import STALE_TEMP_SECONDS, remove_stale_temps
from studyprep.store.history_backups import Backup, back_up, damaged_remedy, list_backups
from studyprep.store.reviewstore import database_path
from studyprep.store.workspace import Workspace, stat_file

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

    def to_json(self) -> dict[str, Any]:
        """Machine-readable form."""
        return {"what": self.what, "message": self.message, "path": self.path, "line": self.line}


@dataclass(frozen=True)
class Orphan:
    """A card with review history that no deck file holds any more."""

    deck: str
    card_id: str
    reviews: int
    prompt: str

    def to_json(self) -> dict[str, Any]:
        """Machine-readable form."""
        return {"deck": self.deck, "card_id": self.card_id, "reviews": self.reviews, "prompt": self.prompt}


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

    @property
    def ok(self) -> bool:
        """True when nothing is wrong (orphans count as wrong until restored or dropped)."""
        return not self.problems and not self.orphans

    def to_json(self) -> dict[str, Any]:
        """Machine-readable summary for `--json`."""
        return {
            "ok": self.ok,
            "decks": self.decks,
            "cards": self.cards,
            "plans": self.plans,
            "reviews": self.reviews,
            "problems": [problem.to_json() for problem in self.problems],
            "orphans": [orphan.to_json() for orphan in self.orphans],
            "dropped_orphans": self.dropped_orphans,
            "removed_temp_files": self.removed_temp_files,
            "backups": [backup.to_json() for backup in self.backups],
            "changed_in_place": self.changed_in_place,
        }


def check_workspace(workspace: Workspace, drop_orphans: bool = False, full: bool = False,
                    now: datetime | None = None) -> CheckResult:  # fmt: skip
    """Verify the workspace's decks, plans and review database; optionally delete orphans' history (backing the
    database up first, at `now`); list the database's backups.

    The database gets SQLite's `quick_check` (every page and record; O(size)), or with `full` its
    `integrity_check`, which also matches every index entry to its row (5x slower on a big history).
    """
    from studyprep.store.locking import deck_write_lock

    result = CheckResult()
    if not workspace.root.is_dir():
        raise StudyprepError("no workspace here yet; run `studyprep import FILE` first", workspace.root)
    # Under the deck lock: no import is half-way, so temp files found are leftovers, and the decks are stable.
    with deck_write_lock(workspace):
        result.removed_temp_files = _remove_litter(workspace, time.time() - STALE_TEMP_SECONDS)
        valid_decks = _check_decks(workspace, result)
        _check_plans(workspace, result)
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


def _check_decks(workspace: Workspace, result: CheckResult) -> ValidDecks:
    """Read every deck file (an unreadable one is a problem) and validate those whose content is not what the
    review database mirrored (by hash: a file rewritten with the same size and mtime is caught too); return
    {slug: (path, SHA-256 of the content read)} of the valid ones."""
    query = "SELECT deck, size, mtime_ns, sha256 FROM decks WHERE present = 1 AND sha256 != ''"
    mirrored = {slug: (size, mtime, digest) for slug, size, mtime, digest in _database_rows(workspace, query)}
    valid: ValidDecks = {}
    for path in _yaml_files(workspace.decks_dir):
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
    import hashlib

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


def _mirrored_versions(workspace: Workspace, query: str) -> dict[str, tuple[int, int]]:
    """`{slug: (size, mtime_ns)}` of file versions the review database validated (the plan cache)."""
    return {slug: (size, mtime) for slug, size, mtime in _database_rows(workspace, query)}


def _database_rows(workspace: Workspace, query: str) -> list[tuple[Any, ...]]:
    """The rows of a query on the review database, read only; none if it is missing or unreadable."""
    import sqlite3

    from studyprep.store.reviewstore import database_path

    path = database_path(workspace)
    if not path.is_file() or path.is_symlink():
        return []
    try:
        conn = sqlite3.connect(_read_only_uri(path), uri=True)
        try:
            return conn.execute(query).fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return []  # reported by the database check


def _check_plans(workspace: Workspace, result: CheckResult) -> None:
    cached = _mirrored_versions(workspace, "SELECT deck, size, mtime_ns FROM plan_cache")
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
    from studyprep.store.reviewstore import open_store

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
            with store.guard():
                integrity_rows = _integrity_in_background(store.path, full)
                history = CheckResult()  # judged while SQLite checks the file; kept only if the file is whole
                _check_history(store, history)
                if not _integrity_ok(store, integrity_rows(), result):
                    return
                result.reviews = history.reviews
                result.problems += history.problems
                _mirror_changed_decks(store, valid_decks)
                _find_orphans(store, workspace, valid_decks, result)
                if drop and result.orphans:
                    back_up(store.conn, store.path, "before-drop-orphans", now or clock_now())
                    result.dropped_orphans = _drop_orphans(store, result.orphans)
                    result.reviews -= sum(orphan.reviews for orphan in result.orphans)
                    result.orphans = []
        except StudyprepError as error:
            result.problems.append(Problem("database", error.message, error.path))
            return
        with contextlib.suppress(StudyprepError), store.guard():  # a damaged page is reported above already
            result.cards = _mirrored_cards(store, workspace)


def _mirrored_cards(store: Any, workspace: Workspace) -> int:
    """Cards of the deck files on disk, as mirrored (the rows of a deleted deck file still say `present`)."""
    import json

    on_disk = json.dumps(sorted(path.stem for path in _yaml_files(workspace.decks_dir)))
    return store.conn.execute(
        "SELECT count(*) FROM cards WHERE present = 1 AND deck IN (SELECT value FROM json_each(?))", (on_disk,)
    ).fetchone()[0]


def _read_only_uri(path: Path) -> str:
    """A read-only SQLite URI for `path`: percent-encoded, so a '#' or '?' in a folder name stays in the path
    (`file:{path}` would cut it there, and open, even create, another file)."""
    return f"{path.resolve().as_uri()}?mode=ro"


def _integrity_in_background(path: Path, full: bool) -> Callable[[], list[str]]:
    """Start SQLite's `quick_check` (`integrity_check` when `full`) on its own read-only connection in a thread,
    and return a function that waits for its rows (re-raising its sqlite3 error, if any).

    SQLite runs the check without holding Python's GIL: it is most of `check`'s time on a large database, and
    the history checks run meanwhile on the main connection.
    """
    import sqlite3
    import threading

    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            conn = sqlite3.connect(_read_only_uri(path), uri=True)
            try:
                outcome["rows"] = [
                    row[0] for row in conn.execute("PRAGMA integrity_check" if full else "PRAGMA quick_check")
                ]
            finally:
                conn.close()
        except sqlite3.Error as error:
            outcome["error"] = error

    thread = threading.Thread(target=run, name="studyprep-integrity", daemon=True)
    thread.start()

    def rows() -> list[str]:
        thread.join()
        if "error" in outcome:
            raise outcome["error"]
        return outcome["rows"]

    return rows


def _integrity_ok(store: Any, rows: list[str], result: CheckResult) -> bool:
    if rows == ["ok"]:
        return True
    for row in rows[:20]:
        result.problems.append(Problem("database", f"integrity check: {row}", str(store.path)))
    remedy = damaged_remedy(store.path) or NO_BACKUP_REMEDY
    result.problems.append(Problem("database", f"the review database is damaged: {remedy}", str(store.path)))
    return False


def _mirror_changed_decks(store: Any, valid_decks: ValidDecks) -> None:
    """Bring the card mirror up to date with the valid deck files, so orphans are judged on current content."""
    known = {row[0]: row[1:] for row in store.conn.execute("SELECT deck, size, mtime_ns, sha256 FROM decks")}
    for slug, (path, digest) in valid_decks.items():
        stat = path.stat()
        if known.get(slug) != (stat.st_size, stat.st_mtime_ns, digest):
            from studyprep.store.deckstore import load_deck_file  # pydantic: imported only when a deck changed

            store.mirror_deck(load_deck_file(path), path)


def _check_history(store: Any, result: CheckResult) -> None:
    """Every card's state comes from its latest review, and no answer is logged twice (one index scan)."""
    conn = store.conn
    where = str(store.path)
    result.reviews = conn.execute("SELECT count(*) FROM review_log").fetchone()[0]
    disagreeing = conn.execute(
        "SELECT g.deck, g.card_id, g.latest, s.last_log_id, g.answers - g.moments FROM (SELECT deck, card_id,"
        " max(id) AS latest, count(*) AS answers, count(DISTINCT reviewed_at) AS moments FROM review_log"
        " GROUP BY deck, card_id) g LEFT JOIN card_state s ON s.deck = g.deck AND s.card_id = g.card_id"
        " WHERE s.last_log_id IS NOT g.latest OR g.answers != g.moments"
    ).fetchall()
    forgotten = _forgotten_since_latest(conn)
    for deck, card_id, latest, state_from, repeated in disagreeing:
        card = f"card {card_id} in {deck}"
        if state_from is None and (deck, card_id) in forgotten:
            pass  # sent back to new by `studyprep forget` after its last review: no state, history kept
        elif state_from is None:
            result.problems.append(Problem("history", f"{card}: reviews logged but no state", where))
        elif state_from != latest:
            result.problems.append(Problem("history", f"{card}: its state comes from review {state_from}, not from"
                                           f" the latest logged review {latest}", where))  # fmt: skip
        if repeated:
            result.problems.append(Problem("history", f"{card}: {count(repeated, 'answer')} logged twice", where))
    stateless = conn.execute(
        "SELECT deck, card_id FROM card_state s"
        " WHERE NOT EXISTS (SELECT 1 FROM review_log l WHERE l.deck = s.deck AND l.card_id = s.card_id)"
    ).fetchall()
    for deck, card_id in stateless:
        result.problems.append(Problem("history", f"card {card_id} in {deck}: a state without any review", where))
    unreadable = conn.execute(  # what `ReviewStore` cannot rebuild an fsrs card from (fsrs states are 1-3)
        "SELECT deck, card_id FROM card_state WHERE state NOT IN (1, 2, 3) OR typeof(due) != 'integer'"
        " OR typeof(last_review) NOT IN ('integer', 'null') ORDER BY deck, card_id"
    ).fetchall()
    for deck, card_id in unreadable:
        result.problems.append(Problem("history", f"card {card_id} in {deck}: a scheduling state that cannot be read",
                                       where))  # fmt: skip


def _forgotten_since_latest(conn: Any) -> set[tuple[str, str]]:
    """Cards sent back to new (`studyprep forget`) with no review logged since."""
    rows = conn.execute(
        "SELECT f.deck, f.card_id FROM forgotten f WHERE NOT EXISTS (SELECT 1 FROM review_log l"
        " WHERE l.deck = f.deck AND l.card_id = f.card_id AND l.reviewed_at >= f.at)"
    )
    return {(deck, card_id) for deck, card_id in rows}


def _find_orphans(store: Any, workspace: Workspace, valid_decks: ValidDecks, result: CheckResult) -> None:
    """Reviewed cards that no valid deck file holds (cards of a deck file that does not load are not judged)."""
    import json

    invalid = {path.stem for path in _yaml_files(workspace.decks_dir)} - valid_decks.keys()
    # Mirror rows of a deleted deck file still say `present`: only the valid files on disk count.
    # A card has a state exactly when it has reviews (anything else is reported as a history problem).
    rows = store.conn.execute(
        "SELECT s.deck, s.card_id, (SELECT count(*) FROM review_log l WHERE l.deck = s.deck AND l.card_id = s.card_id),"
        " coalesce(c.prompt, '') FROM card_state s LEFT JOIN cards c ON c.deck = s.deck AND c.card_id = s.card_id"
        " WHERE c.present IS NOT 1 OR s.deck NOT IN (SELECT value FROM json_each(?)) ORDER BY s.deck, s.card_id",
        (json.dumps(sorted(valid_decks)),),
    ).fetchall()
    result.orphans = [Orphan(*row) for row in rows if row[0] not in invalid]


def _drop_orphans(store: Any, orphans: list[Orphan]) -> int:
    keys = [(orphan.deck, orphan.card_id) for orphan in orphans]
    with store.transaction() as conn:
        for table in ("review_log", "card_state", "buried", "flags", "forgotten"):
            conn.executemany(f"DELETE FROM {table} WHERE deck = ? AND card_id = ?", keys)  # noqa: S608 - fixed names
        conn.executemany("UPDATE cards SET seen = 0 WHERE deck = ? AND card_id = ?", keys)
    return len(keys)
